// The OpenAPI v3 documents generated from the kinds' TypeBox schemas: group-version-kind tags,
// descriptions, components, list extensions from the merge-key table, stable index hashes.
import assert from 'node:assert/strict';
import { allResources } from '../resources';
import { openapiV3Document, openapiV3Index } from './index';

type Obj = Record<string, any>;
const defs = allResources();
const doc = (gv: string) => openapiV3Document(defs, gv) as Obj;
/** Follows allOf/$ref to the component a field points at. */
const deref = (d: Obj, s: Obj): Obj => {
  const r = s.$ref ?? s.allOf?.[0]?.$ref;
  return r ? d.components.schemas[r.replace('#/components/schemas/', '')] : s;
};

describe('OpenAPI v3 from the schemas', () => {
  it('has one document per group-version with hashed URLs that are stable', () => {
    const a = openapiV3Index(defs);
    const b = openapiV3Index(allResources());
    assert.deepEqual(a, b);
    for (const gv of ['api/v1', 'apis/apps/v1', 'apis/batch/v1', 'apis/autoscaling/v2', 'apis/networking.k8s.io/v1', 'apis/discovery.k8s.io/v1', 'apis/rbac.authorization.k8s.io/v1', 'apis/coordination.k8s.io/v1'])
      assert.match(a.paths[gv]?.serverRelativeURL ?? '', new RegExp(`^/openapi/v3/${gv.replace(/\./g, '\\.')}\\?hash=[0-9A-F]{128}$`), gv);
  });

  const kinds: [string, string, string, string][] = [
    ['apis/apps/v1', 'io.k8s.api.apps.v1.StatefulSet', 'apps', 'StatefulSet'],
    ['apis/batch/v1', 'io.k8s.api.batch.v1.CronJob', 'batch', 'CronJob'],
    ['apis/autoscaling/v2', 'io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler', 'autoscaling', 'HorizontalPodAutoscaler'],
    ['apis/rbac.authorization.k8s.io/v1', 'io.k8s.api.rbac.v1.ClusterRoleBinding', 'rbac.authorization.k8s.io', 'ClusterRoleBinding'],
    ['api/v1', 'io.k8s.api.core.v1.PersistentVolume', '', 'PersistentVolume'],
  ];
  for (const [gv, name, group, kind] of kinds)
    it(`${kind} carries its group-version-kind and a description`, () => {
      const s = doc(gv).components.schemas[name];
      assert.deepEqual(s['x-kubernetes-group-version-kind'], [{ group, version: gv.split('/').pop(), kind }]);
      assert.ok(s.description.length > 20);
      assert.ok(s.properties.metadata.allOf[0].$ref.endsWith('meta.v1.ObjectMeta'));
    });

  it('describes deployment.spec.strategy field by field', () => {
    const d = doc('apis/apps/v1');
    const spec = deref(d, d.components.schemas['io.k8s.api.apps.v1.Deployment'].properties.spec);
    const strategy = spec.properties.strategy;
    assert.match(strategy.description, /strategy to use to replace existing pods/);
    const body = deref(d, strategy);
    assert.match(body.properties.type.description, /"Recreate" or "RollingUpdate"/);
    const ru = deref(d, body.properties.rollingUpdate);
    assert.match(ru.properties.maxSurge.description, /maximum number of pods/);
    assert.deepEqual(deref(d, ru.properties.maxSurge), { type: 'string', format: 'int-or-string' });
  });

  it('marks merge lists with the patch strategy and map keys', () => {
    const d = doc('api/v1');
    const podSpec = d.components.schemas['io.k8s.api.core.v1.PodSpec'];
    const containers = podSpec.properties.containers;
    assert.equal(containers['x-kubernetes-patch-strategy'], 'merge');
    assert.equal(containers['x-kubernetes-patch-merge-key'], 'name');
    assert.deepEqual(containers['x-kubernetes-list-map-keys'], ['name']);
    const ports = d.components.schemas['io.k8s.api.core.v1.Container'].properties.ports;
    assert.equal(ports['x-kubernetes-patch-merge-key'], 'containerPort');
    const finalizers = d.components.schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'].properties.finalizers;
    assert.equal(finalizers['x-kubernetes-list-type'], 'set');
    const svcPorts = deref(d, d.components.schemas['io.k8s.api.core.v1.Service'].properties.spec).properties.ports;
    assert.equal(svcPorts['x-kubernetes-patch-merge-key'], 'port');
    assert.equal(svcPorts['x-kubernetes-list-type'], 'map');
  });

  it('lists fields the kinds require and offers fieldValidation on writes', () => {
    const d = doc('apis/batch/v1');
    const spec = d.components.schemas['io.k8s.api.batch.v1.CronJob'].properties.spec;
    assert.deepEqual(spec.required, ['schedule', 'jobTemplate']);
    const patch = d.paths['/apis/batch/v1/namespaces/{namespace}/cronjobs/{name}'].patch;
    assert.ok(patch.parameters.some((p: Obj) => p.name === 'fieldValidation'));
    assert.deepEqual(patch['x-kubernetes-group-version-kind'], { group: 'batch', version: 'v1', kind: 'CronJob' });
  });

  it('references only components it defines', () => {
    for (const gv of Object.keys(openapiV3Index(defs).paths)) {
      const d = doc(gv);
      const refs = [...JSON.stringify(d).matchAll(/"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]);
      for (const r of refs) assert.ok(d.components.schemas[r], `${gv}: ${r}`);
    }
  });
});
