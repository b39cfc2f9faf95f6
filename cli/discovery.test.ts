import { strict as assert } from 'node:assert';
import { cacheFileFor, fromResourceList, matchKind, matchResource, qualifiedKind, resourcePath } from './discovery';

const CORE = fromResourceList('', 'v1', {
  resources: [
    { name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', shortNames: ['po'], verbs: ['get'], categories: ['all'] },
    { name: 'pods/status', namespaced: true, kind: 'Pod' },
    { name: 'nodes', singularName: '', namespaced: false, kind: 'Node', shortNames: ['no'] },
    { name: 'events', singularName: 'event', namespaced: true, kind: 'Event', shortNames: ['ev'] },
  ],
});
const APPS = fromResourceList('apps', 'v1', {
  resources: [
    { name: 'deployments', singularName: 'deployment', namespaced: true, kind: 'Deployment', shortNames: ['deploy'], categories: ['all'] },
    { name: 'deployments/scale', namespaced: true, kind: 'Scale' },
    { name: 'deployments/status', namespaced: true, kind: 'Deployment' },
  ],
});
const EVENTS2 = fromResourceList('events.k8s.io', 'v1', {
  resources: [{ name: 'events', singularName: 'event', namespaced: true, kind: 'Event', shortNames: ['ev'] }],
});
const ALL = [...CORE, ...APPS, ...EVENTS2];

describe('cli discovery', () => {
  it('folds subresources into their parent and fills singular names', () => {
    assert.deepEqual(CORE.map((r) => r.resource), ['pods', 'nodes', 'events']);
    assert.deepEqual(CORE[0].subresources, ['status']);
    assert.deepEqual(APPS[0].subresources, ['scale', 'status']);
    assert.equal(CORE[1].singularName, 'node');
  });

  const cases: [string, string | undefined][] = [
    ['po', 'pods'],
    ['pod', 'pods'],
    ['pods', 'pods'],
    ['Pod', 'pods'],
    ['deploy', 'apps/deployments'],
    ['deployments.apps', 'apps/deployments'],
    ['deployment.apps', 'apps/deployments'],
    ['deployments.v1.apps', 'apps/deployments'],
    ['Deployment', 'apps/deployments'],
    ['ev', 'events'],
    ['events.events.k8s.io', 'events.k8s.io/events'],
    ['deployments.batch', undefined],
    ['widgets', undefined],
  ];
  for (const [word, want] of cases)
    it(`resolves ${word}`, () => {
      const r = matchResource(ALL, word);
      assert.equal(r ? (r.group ? `${r.group}/${r.resource}` : r.resource) : undefined, want);
    });

  it('finds resources by apiVersion and kind', () => {
    assert.equal(matchKind(ALL, 'apps/v1', 'Deployment')?.resource, 'deployments');
    assert.equal(matchKind(ALL, 'v1', 'Pod')?.resource, 'pods');
    assert.equal(matchKind(ALL, 'apps/v2', 'Deployment'), undefined);
  });

  it('builds paths and names', () => {
    const [pods, nodes] = CORE;
    assert.equal(resourcePath(pods, 'default'), '/api/v1/namespaces/default/pods');
    assert.equal(resourcePath(pods, undefined), '/api/v1/pods');
    assert.equal(resourcePath(nodes, 'default', 'n1'), '/api/v1/nodes/n1');
    assert.equal(resourcePath(APPS[0], 'x', 'web', 'scale'), '/apis/apps/v1/namespaces/x/deployments/web/scale');
    assert.equal(qualifiedKind(APPS[0]), 'deployment.apps');
    assert.equal(qualifiedKind(pods), 'pod');
    assert.equal(cacheFileFor('/c', 'https://127.0.0.1:6443'), '/c/discovery/127.0.0.1_6443.json');
  });
});
