import { strict as assert } from 'node:assert';
import { resolveTarget, route } from './router';

describe('rest router', () => {
  const cases: [string, unknown][] = [
    ['/healthz', { kind: 'health', check: 'healthz' }],
    ['/readyz', { kind: 'health', check: 'readyz' }],
    ['/livez/ping', { kind: 'health', check: 'livez' }],
    ['/version', { kind: 'version' }],
    ['/version/', { kind: 'version' }],
    ['/api', { kind: 'apiVersions' }],
    ['/apis', { kind: 'apiGroupList' }],
    ['/apis/apps', { kind: 'apiGroup', group: 'apps' }],
    ['/api/v1', { kind: 'resourceList', group: '', version: 'v1' }],
    ['/apis/apps/v1', { kind: 'resourceList', group: 'apps', version: 'v1' }],
    ['/openapi/v2', { kind: 'openapi', version: 'v2' }],
    ['/openapi/v3', { kind: 'openapi', version: 'v3' }],
    ['/openapi/v3/apis/apps/v1', { kind: 'openapi', version: 'v3', gv: 'apis/apps/v1' }],
    ['/api/v1/pods', { kind: 'resource', group: '', version: 'v1', segments: ['pods'], legacyWatch: false }],
    ['/api/v1/watch/namespaces/default/pods', { kind: 'resource', group: '', version: 'v1', segments: ['namespaces', 'default', 'pods'], legacyWatch: true }],
    ['/apis/apps/v1/namespaces/ns/deployments/web/scale', { kind: 'resource', group: 'apps', version: 'v1', segments: ['namespaces', 'ns', 'deployments', 'web', 'scale'], legacyWatch: false }],
    ['/api/v1/namespaces/a%2Fb/pods', { kind: 'resource', group: '', version: 'v1', segments: ['namespaces', 'a/b', 'pods'], legacyWatch: false }],
    ['/api/v1/pods/%E0%A4%A', { kind: 'notFound' }],
    ['/', { kind: 'notFound' }],
    ['/metrics', { kind: 'notFound' }],
    ['/openapi/v1', { kind: 'notFound' }],
  ];
  for (const [p, want] of cases) it(`routes ${p}`, () => assert.deepEqual(route(p), want));

  const namespaced = (p: string) => ({ pods: true, deployments: true, namespaces: false, nodes: false } as Record<string, boolean>)[p];
  const targets: [string[], unknown][] = [
    [['pods'], { plural: 'pods', name: undefined, subresource: undefined }],
    [['namespaces', 'ns', 'pods'], { plural: 'pods', namespace: 'ns', name: undefined, subresource: undefined }],
    [['namespaces', 'ns', 'pods', 'p', 'status'], { plural: 'pods', namespace: 'ns', name: 'p', subresource: 'status' }],
    [['namespaces'], { plural: 'namespaces', name: undefined, subresource: undefined }],
    [['namespaces', 'ns'], { plural: 'namespaces', name: 'ns', subresource: undefined }],
    [['namespaces', 'ns', 'status'], { plural: 'namespaces', name: 'ns', subresource: 'status' }],
    [['namespaces', 'ns', 'nodes'], { plural: 'namespaces', name: 'ns', subresource: 'nodes' }],
    [['nodes', 'n1'], { plural: 'nodes', name: 'n1', subresource: undefined }],
    [['namespaces', 'ns', 'pods', 'p', 'status', 'extra'], undefined],
    [['nodes', 'n1', 'status', 'x'], undefined],
    [[], undefined],
  ];
  for (const [segs, want] of targets) it(`resolves ${segs.join('/') || '<empty>'}`, () => assert.deepEqual(resolveTarget(segs, namespaced), want));
});
