import assert from 'node:assert/strict';
import type { EndpointSubset, Endpoints, Service } from '../../lib/api/types';
import { desiredGroups, MIRRORING_MANAGED_BY, notMirroredBecause, planMirroring, sliceMeta, type MirroredSlice, type MirrorPlan } from './plan';

const svc = (selector?: Record<string, string>): Service => ({
  apiVersion: 'v1', kind: 'Service', metadata: { name: 'ext', namespace: 'ns', uid: 'svc-uid' }, spec: { ports: [{ port: 80 }], ...(selector ? { selector } : {}) },
});
const eps = (subsets: EndpointSubset[], meta: Partial<Endpoints['metadata']> = {}): Endpoints => ({
  apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'ext', namespace: 'ns', uid: 'ep-uid', ...meta }, subsets,
});
const http = [{ name: 'http', port: 8080, protocol: 'TCP' as const }];
const ready = (ip: string, extra = {}) => ({ addresses: [ip], conditions: { ready: true }, ...extra });
const notReady = (ip: string) => ({ addresses: [ip], conditions: { ready: false } });
/** A stored slice as the apiserver returns it. */
const stored = (name: string, e: Endpoints, addressType: 'IPv4' | 'IPv6', endpoints: MirroredSlice['endpoints'], ports = [{ name: 'http', port: 8080, protocol: 'TCP' }]): MirroredSlice => ({
  apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name, namespace: 'ns', uid: `${name}-uid`, resourceVersion: '7', ...sliceMeta(e) }, addressType, endpoints, ports,
});
const summary = (p: MirrorPlan) => ({
  create: p.create.map((s) => [s.addressType, s.endpoints.map((e) => e.addresses[0])]),
  update: p.update.map((s) => [s.metadata.name, s.endpoints.map((e) => e.addresses[0])]),
  delete: p.delete.map((s) => s.metadata.name),
});

describe('endpointslice mirroring plan', () => {
  it('mirrors only Endpoints of an existing Service without a selector, unless told not to', () => {
    const cases: [Service | undefined, Endpoints | undefined, string | undefined][] = [
      [svc(), eps([]), undefined],
      [svc({}), eps([]), undefined],
      [svc({ app: 'web' }), eps([]), 'service has a selector'],
      [undefined, eps([]), 'no service'],
      [svc(), undefined, 'no endpoints'],
      [svc(), eps([], { labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } }), 'skip-mirror label'],
      [svc(), eps([], { labels: { 'endpointslice.kubernetes.io/skip-mirror': 'false' } }), undefined],
      [svc(), eps([], { annotations: { 'control-plane.alpha.kubernetes.io/leader': '{}' } }), 'leader-election lock'],
    ];
    for (const [s, e, want] of cases) assert.equal(notMirroredBecause(s, e), want);
  });

  it('builds one slice per address type and port set with the Endpoints’ labels, annotations and owner', () => {
    const e = eps(
      [
        {
          addresses: [{ ip: '10.0.0.1', hostname: 'a', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'ns', name: 'p1', uid: 'u1' } }, { ip: 'fd00::1' }],
          notReadyAddresses: [{ ip: '10.0.0.2' }],
          ports: [{ name: 'http', port: 8080 }],
        },
        { addresses: [{ ip: '10.0.0.3' }], ports: [{ name: 'dns', port: 53, protocol: 'UDP', appProtocol: 'dns' }] },
        { addresses: [{ ip: 'not-an-ip' }], ports: [{ name: 'x', port: 1 }] },
      ],
      { labels: { team: 'a' }, annotations: { note: 'kept', 'endpoints.kubernetes.io/last-change-trigger-time': 't', 'kubectl.kubernetes.io/last-applied-configuration': '{}' } },
    );
    const p = planMirroring(svc(), e, []);
    assert.equal(p.update.length + p.delete.length, 0);
    assert.deepEqual(
      p.create.map((s) => ({ type: s.addressType, ports: s.ports, endpoints: s.endpoints })),
      [
        { type: 'IPv4', ports: http, endpoints: [ready('10.0.0.1', { hostname: 'a', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'ns', name: 'p1', uid: 'u1' } }), notReady('10.0.0.2')] },
        { type: 'IPv6', ports: http, endpoints: [ready('fd00::1')] },
        { type: 'IPv4', ports: [{ name: 'dns', port: 53, protocol: 'UDP', appProtocol: 'dns' }], endpoints: [ready('10.0.0.3')] },
      ],
    );
    const m = p.create[0].metadata;
    assert.equal(m.generateName, 'ext-');
    assert.equal(m.name, undefined);
    assert.deepEqual(m.labels, { team: 'a', 'kubernetes.io/service-name': 'ext', 'endpointslice.kubernetes.io/managed-by': MIRRORING_MANAGED_BY });
    assert.deepEqual(m.annotations, { note: 'kept' });
    assert.deepEqual(m.ownerReferences, [{ apiVersion: 'v1', kind: 'Endpoints', name: 'ext', uid: 'ep-uid', controller: true, blockOwnerDeletion: true }]);
  });

  it('merges subsets with the same ports (in any order) and drops duplicate endpoints', () => {
    const g = desiredGroups(eps([
      { addresses: [{ ip: '10.0.0.1' }], ports: [{ name: 'a', port: 1 }, { name: 'b', port: 2 }] },
      { addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }], ports: [{ name: 'b', port: 2, protocol: 'TCP' }, { name: 'a', port: 1 }] },
    ]));
    assert.equal(g.size, 1);
    assert.deepEqual([...[...g.values()][0].endpoints.values()].map((e) => e.addresses[0]), ['10.0.0.1', '10.0.0.2']);
  });

  it('mirrors at most the cap of each subset, ready addresses first, and splits a group into slices of that size', () => {
    const ips = (n: number, base: number) => Array.from({ length: n }, (_, i) => ({ ip: `10.0.${base}.${i + 1}` }));
    const e = eps([
      { addresses: ips(2, 1), notReadyAddresses: ips(2, 2), ports: http },
      { addresses: ips(3, 3), ports: http },
    ]);
    const p = planMirroring(svc(), e, [], 3);
    assert.deepEqual(summary(p).create, [
      ['IPv4', ['10.0.1.1', '10.0.1.2', '10.0.2.1']],
      ['IPv4', ['10.0.3.1', '10.0.3.2', '10.0.3.3']],
    ]);
  });

  it('an Endpoints without addresses is one empty IPv4 slice, kept as it is', () => {
    const e = eps([]);
    const p = planMirroring(svc(), e, []);
    assert.deepEqual(p.create.map((s) => [s.addressType, s.endpoints, s.ports]), [['IPv4', [], []]]);
    const placeholder = stored('ext-aaaaa', e, 'IPv4', [], []);
    assert.deepEqual(summary(planMirroring(svc(), e, [placeholder])), { create: [], update: [], delete: [] });
    // Addresses gone from a mirrored slice: the slice is reused as the placeholder.
    const old = stored('ext-bbbbb', e, 'IPv4', [ready('10.0.0.1')]);
    assert.deepEqual(summary(planMirroring(svc(), e, [old])), { create: [], update: [['ext-bbbbb', []]], delete: [] });
  });

  it('is idempotent, and keeps endpoints in the slice that holds them', () => {
    // Two subsets: the cap (2 here) bounds each subset as well as each slice.
    const e = eps([{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }], ports: http }, { addresses: [{ ip: '10.0.0.3' }], ports: http }]);
    const a = stored('ext-aaaaa', e, 'IPv4', [ready('10.0.0.1'), ready('10.0.0.2')]);
    const b = stored('ext-bbbbb', e, 'IPv4', [ready('10.0.0.3')]);
    assert.deepEqual(summary(planMirroring(svc(), e, [b, a], 2)), { create: [], update: [], delete: [] });
    // 10.0.0.2 leaves and 10.0.0.4 arrives: it fills the room in the first slice.
    const e2 = eps([{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.3' }], ports: http }, { addresses: [{ ip: '10.0.0.4' }], ports: http }]);
    assert.deepEqual(summary(planMirroring(svc(), e2, [a, b], 2)), { create: [], update: [['ext-aaaaa', ['10.0.0.1', '10.0.0.4']]], delete: [] });
  });

  it('updates a slice whose readiness, labels, annotations or owner changed', () => {
    const e = eps([{ addresses: [{ ip: '10.0.0.1' }], ports: http }], { labels: { v: '2' } });
    const old = eps([{ addresses: [{ ip: '10.0.0.1' }], ports: http }], { labels: { v: '1' } });
    assert.deepEqual(summary(planMirroring(svc(), e, [stored('ext-aaaaa', old, 'IPv4', [ready('10.0.0.1')])])).update, [['ext-aaaaa', ['10.0.0.1']]]);
    const recreated = eps([{ addresses: [{ ip: '10.0.0.1' }], ports: http }], { uid: 'new-uid' });
    const p = planMirroring(svc(), recreated, [stored('ext-aaaaa', eps([]), 'IPv4', [ready('10.0.0.1')])]);
    assert.equal(p.update[0].metadata.ownerReferences![0].uid, 'new-uid');
    const nr = eps([{ notReadyAddresses: [{ ip: '10.0.0.1' }], ports: http }]);
    const u = planMirroring(svc(), nr, [stored('ext-aaaaa', nr, 'IPv4', [ready('10.0.0.1')])]).update;
    assert.deepEqual(u.map((s) => s.endpoints), [[notReady('10.0.0.1')]]);
    assert.equal(u[0].metadata.resourceVersion, '7', 'an update carries the version it read');
  });

  it('changed ports reuse the slice of the old port set; a gone address type is deleted', () => {
    const e = eps([{ addresses: [{ ip: '10.0.0.1' }], ports: [{ name: 'http', port: 9090 }] }]);
    const v4 = stored('ext-aaaaa', e, 'IPv4', [ready('10.0.0.1')]);
    const v6 = stored('ext-bbbbb', e, 'IPv6', [ready('fd00::1')]);
    const p = planMirroring(svc(), e, [v6, v4]);
    assert.deepEqual(summary(p), { create: [], update: [['ext-aaaaa', ['10.0.0.1']]], delete: ['ext-bbbbb'] });
    assert.deepEqual(p.update[0].ports, [{ name: 'http', port: 9090, protocol: 'TCP' }]);
  });

  it('deletes every mirrored slice once there is nothing to mirror', () => {
    const e = eps([{ addresses: [{ ip: '10.0.0.1' }], ports: http }]);
    const slices = [stored('ext-bbbbb', e, 'IPv4', [ready('10.0.0.1')]), stored('ext-aaaaa', e, 'IPv6', [ready('fd00::1')])];
    const gone = ['ext-aaaaa', 'ext-bbbbb'];
    assert.deepEqual(summary(planMirroring(svc({ app: 'x' }), e, slices)).delete, gone);
    assert.deepEqual(summary(planMirroring(undefined, e, slices)).delete, gone);
    assert.deepEqual(summary(planMirroring(svc(), undefined, slices)).delete, gone);
    assert.deepEqual(summary(planMirroring(svc(), eps(e.subsets!, { labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } }), slices)).delete, gone);
  });
});
