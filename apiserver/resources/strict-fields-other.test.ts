import { strict as assert } from 'node:assert';
import { allResources } from './index';
import { unknownFields } from '../rest/field-validation';
import { schemaErrors } from '../registry/schema-check';
import { fullManifests } from '../../test/compat/full-manifests';
import type { KObject } from '../../lib/api/types';

type Obj = Record<string, any>;
const byResource = new Map(allResources().map((r) => [r.resource, r]));
const copy = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** Sets obj[path] (dot/bracket path) to value, creating nothing: the parent must exist. */
function inject(obj: Obj, path: string, value: unknown): Obj {
  const segs = path.match(/[^.[\]]+/g)!;
  let cur: Obj = obj;
  for (const s of segs.slice(0, -1)) cur = cur[s];
  cur[segs[segs.length - 1]] = value;
  return obj;
}

describe('closed schemas of the kinds outside the pod side', () => {
  for (const [resource, manifest] of fullManifests) {
    const spec = byResource.get(resource)!;
    const name = `${manifest.kind} ${(manifest.metadata as Obj).name}`;
    it(`${name}: every field of the fully-loaded manifest is known, well-typed and valid`, () => {
      assert.deepEqual(unknownFields(spec.schema, manifest), []);
      assert.deepEqual(schemaErrors(spec.schema, manifest), []);
      const o = copy(manifest) as KObject;
      spec.defaults?.(o);
      assert.deepEqual(spec.validate?.(o) ?? [], []);
    });
  }

  // A bogus field at each depth must be reported: the described objects are closed all the way down.
  const deep: [resource: string, index: number, path: string][] = [
    ['services', 0, 'spec.sessionAffinityConfig.clientIP.bogus'],
    ['services', 0, 'spec.ports[0].bogus'],
    ['services', 0, 'status.loadBalancer.ingress[0].ports[0].bogus'],
    ['services', 0, 'status.conditions[0].bogus'],
    ['endpoints', 0, 'subsets[0].addresses[0].targetRef.bogus'],
    ['endpointslices', 0, 'endpoints[0].hints.forZones[0].bogus'],
    ['endpointslices', 0, 'endpoints[0].conditions.bogus'],
    ['nodes', 0, 'spec.taints[0].bogus'],
    ['nodes', 0, 'status.nodeInfo.bogus'],
    ['nodes', 0, 'status.daemonEndpoints.kubeletEndpoint.bogus'],
    ['nodes', 0, 'status.runtimeHandlers[0].features.bogus'],
    ['nodes', 0, 'status.config.bogus'],
    ['namespaces', 0, 'status.conditions[0].bogus'],
    ['events', 0, 'series.bogus'],
    ['events', 0, 'involvedObject.bogus'],
    ['leases', 0, 'spec.bogus'],
    ['configmaps', 0, 'bogus'],
    ['secrets', 0, 'metadata.bogus'],
    ['clusterroles', 0, 'aggregationRule.clusterRoleSelectors[0].matchExpressions[0].bogus'],
    ['rolebindings', 0, 'subjects[2].bogus'],
    ['clusterrolebindings', 0, 'roleRef.bogus'],
    ['ingresses', 0, 'spec.rules[0].http.paths[1].backend.service.port.bogus'],
    ['ingresses', 0, 'spec.defaultBackend.resource.bogus'],
    ['ingresses', 0, 'status.loadBalancer.ingress[0].bogus'],
    ['serviceaccounts', 0, 'secrets[0].bogus'],
  ];
  for (const [resource, index, path] of deep) {
    it(`${resource}: reports ${path}`, () => {
      const manifest = fullManifests.filter(([r]) => r === resource)[index][1];
      assert.deepEqual(unknownFields(byResource.get(resource)!.schema, inject(copy(manifest), path, 1)), [path]);
    });
  }

  it('keeps the deprecated node config sources whole (preserve-unknown)', () => {
    const node = copy(fullManifests.find(([r]) => r === 'nodes')![1]) as Obj;
    node.status.config.active = { configMap: { anything: 1 } };
    assert.deepEqual(unknownFields(byResource.get('nodes')!.schema, node), []);
  });
});
