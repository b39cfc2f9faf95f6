import assert from 'node:assert/strict';
import { allResources } from '../resources';
import { apiGroup, apiGroupList, apiResourceList } from '../rest/discovery';
import { aggregatedDiscovery } from '../rest/discovery-aggregated';
import { openapiV3Document } from '../openapi';
import { withVersionDefs } from './served-versions';

type Obj = Record<string, any>;

describe('served versions: one stored kind under more group versions', () => {
  const defs = withVersionDefs(allResources());

  it('adds autoscaling/v1 HorizontalPodAutoscaler right after the stored v2, marked as converted', () => {
    const i = defs.findIndex((d) => d.apiVersion === 'autoscaling/v2' && d.resource === 'horizontalpodautoscalers');
    const v1 = defs[i + 1];
    assert.equal(v1.apiVersion, 'autoscaling/v1');
    assert.equal(v1.kind, 'HorizontalPodAutoscaler');
    assert.equal(v1.storedAs, 'autoscaling/v2');
    assert.equal(defs[i].storedAs, undefined);
    assert.deepEqual(v1.subresources, ['status']);
    assert.equal(defs.filter((d) => d.storedAs).length, 1);
  });

  it('discovery lists both versions with v2 preferred, and the v1 resources with status', () => {
    const group = apiGroup(defs, 'autoscaling') as Obj;
    assert.deepEqual(group.versions.map((v: Obj) => v.groupVersion), ['autoscaling/v2', 'autoscaling/v1']);
    assert.equal(group.preferredVersion.version, 'v2');
    const listed = (apiGroupList(defs) as Obj).groups.find((g: Obj) => g.name === 'autoscaling');
    assert.equal(listed.preferredVersion.version, 'v2');
    const list = apiResourceList(defs, 'autoscaling', 'v1') as Obj;
    assert.deepEqual(list.resources.map((r: Obj) => [r.name, r.kind, r.verbs.join(',')]), [
      ['horizontalpodautoscalers', 'HorizontalPodAutoscaler', 'create,delete,deletecollection,get,list,patch,update,watch'],
      ['horizontalpodautoscalers/status', 'HorizontalPodAutoscaler', 'get,patch,update'],
    ]);
    const agg = (aggregatedDiscovery(defs, false) as Obj).items.find((g: Obj) => g.metadata.name === 'autoscaling');
    assert.deepEqual(agg.versions.map((v: Obj) => v.version), ['v2', 'v1']);
  });

  it('the autoscaling/v1 OpenAPI document describes the v1 fields under the v1 group-version-kind', () => {
    const doc = openapiV3Document(defs, 'apis/autoscaling/v1') as Obj;
    const hpa = doc.components.schemas['io.k8s.api.autoscaling.v1.HorizontalPodAutoscaler'];
    assert.deepEqual(hpa['x-kubernetes-group-version-kind'], [{ group: 'autoscaling', version: 'v1', kind: 'HorizontalPodAutoscaler' }]);
    const spec = hpa.properties.spec.allOf?.[0]?.$ref ? doc.components.schemas[hpa.properties.spec.allOf[0].$ref.split('/').pop()] : hpa.properties.spec;
    assert.ok(spec.properties.targetCPUUtilizationPercentage, JSON.stringify(spec));
    assert.equal(spec.properties.metrics, undefined);
    assert.ok(doc.paths['/apis/autoscaling/v1/namespaces/{namespace}/horizontalpodautoscalers/{name}/status'].patch);
    // The v2 document is unchanged by it.
    const v2 = openapiV3Document(defs, 'apis/autoscaling/v2') as Obj;
    assert.ok(v2.components.schemas['io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler']);
    assert.equal(v2.components.schemas['io.k8s.api.autoscaling.v1.HorizontalPodAutoscaler'], undefined);
  });

  it('a v1 table row is the stored form\'s row', () => {
    const v1 = defs.find((d) => d.apiVersion === 'autoscaling/v1')!;
    const row = v1.printRow({ apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 3, targetCPUUtilizationPercentage: 50 }, status: { currentReplicas: 2, desiredReplicas: 2, currentCPUUtilizationPercentage: 70 } } as never);
    assert.deepEqual(row.slice(0, 6), ['web', 'Deployment/web', 'cpu: 70%/50%', 1, 3, 2]);
  });
});
