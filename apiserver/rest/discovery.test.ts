import { strict as assert } from 'node:assert';
import type { ResourceDef } from '../registry/types';
import { aggregatedDiscovery, wantsAggregated } from './discovery-aggregated';
import { apiGroup, apiGroupList, apiResourceList, versionInfo } from './discovery';

const mk = (group: string, kind: string, resource: string, subresources: string[] = [], namespaced = true): ResourceDef => ({
  group, version: 'v1', apiVersion: group ? `${group}/v1` : 'v1', kind, listKind: `${kind}List`, resource, singular: kind.toLowerCase(),
  shortNames: resource === 'pods' ? ['po'] : [], categories: ['all'], namespaced, verbs: ['get', 'list'], subresources,
  printerColumns: [], printRow: () => [], fieldSelectors: {},
});
const defs = [mk('', 'Pod', 'pods', ['status', 'binding']), mk('', 'Node', 'nodes', [], false), mk('apps', 'Deployment', 'deployments', ['status', 'scale']), mk('coordination.k8s.io', 'Lease', 'leases')];

describe('discovery', () => {
  it('lists groups (not core) with preferred versions', () => {
    const l = apiGroupList(defs) as { groups: { name: string; preferredVersion: { groupVersion: string } }[] };
    assert.deepEqual(l.groups.map((g) => [g.name, g.preferredVersion.groupVersion]), [['apps', 'apps/v1'], ['coordination.k8s.io', 'coordination.k8s.io/v1']]);
    assert.equal(apiGroup(defs, 'nope'), undefined);
    assert.equal((apiGroup(defs, 'apps') as { kind: string }).kind, 'APIGroup');
  });
  it('lists resources and subresources', () => {
    const core = apiResourceList(defs, '', 'v1') as { groupVersion: string; resources: Record<string, unknown>[] };
    assert.equal(core.groupVersion, 'v1');
    assert.deepEqual(core.resources.map((r) => r.name), ['pods', 'pods/status', 'pods/binding', 'nodes']);
    assert.deepEqual(core.resources[0], { name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['get', 'list'], shortNames: ['po'], categories: ['all'] });
    assert.equal(core.resources[2].kind, 'Binding');
    assert.equal(core.resources[3].namespaced, false);
    const apps = apiResourceList(defs, 'apps', 'v1') as { resources: Record<string, unknown>[] };
    const scale = apps.resources.find((r) => r.name === 'deployments/scale')!;
    assert.deepEqual([scale.group, scale.version, scale.kind, scale.verbs], ['autoscaling', 'v1', 'Scale', ['get', 'patch', 'update']]);
    assert.equal(apiResourceList(defs, 'apps', 'v2'), undefined);
  });
  it('reports version 1.32', () => {
    const v = versionInfo();
    assert.equal(v.major, '1');
    assert.equal(v.minor, '32');
    assert.match(v.gitVersion, /^v1\.32\./);
    assert.equal(v.platform, 'linux/amd64');
  });
});

describe('aggregated discovery', () => {
  it('serves v2 only when asked for first, with subresource response kinds', () => {
    assert.equal(wantsAggregated('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json'), true);
    assert.equal(wantsAggregated('application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json'), false);
    assert.equal(wantsAggregated('application/json'), false);
    const apis = aggregatedDiscovery(defs, false) as { items: { metadata: { name?: string }; versions: { resources: { resource: string; scope: string; subresources?: { subresource: string; responseKind: unknown }[] }[] }[] }[] };
    assert.deepEqual(apis.items.map((g) => g.metadata.name), ['apps', 'coordination.k8s.io']);
    const dep = apis.items[0].versions[0].resources[0];
    assert.equal(dep.scope, 'Namespaced');
    assert.deepEqual(dep.subresources!.find((s) => s.subresource === 'scale')!.responseKind, { group: 'autoscaling', version: 'v1', kind: 'Scale' });
    const core = aggregatedDiscovery(defs, true) as { items: { metadata: object; versions: { resources: { resource: string; scope: string }[] }[] }[] };
    assert.deepEqual(core.items.map((g) => g.metadata), [{}]);
    assert.deepEqual(core.items[0].versions[0].resources.map((r) => [r.resource, r.scope]), [['nodes', 'Cluster'], ['pods', 'Namespaced']]);
  });
});
