// Lease-backed endpoints, the pure half: live members by time, the member's Lease, the slice and
// Endpoints it implies, and the compare-before-write decisions.
import assert from 'node:assert/strict';
import type { Endpoints, Lease } from '../api/types';
import {
  desiredEndpoints,
  desiredSlice,
  endpointsUpdate,
  LEASE_ADDRESS_ANNOTATION,
  LEASE_NODE_ANNOTATION,
  leaseExpiry,
  leaseSelector,
  liveMembers,
  memberLease,
  microTime,
  sliceUpdate,
  staleLeases,
} from './desired';

const T0 = Date.parse('2026-12-05T18:00:00Z');
const SVC = { namespace: 'kube-system', name: 'kube-dns' };
const PORTS = [
  { name: 'dns', port: 53, protocol: 'UDP' as const },
  { name: 'dns-tcp', port: 53, protocol: 'TCP' as const },
  { name: 'metrics', port: 9153, protocol: 'TCP' as const },
];

/** node null: a member on no node. */
function lease(identity: string, address: string, renewedAt: number, seconds = 30, node: string | null = identity): Lease {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: `kube-dns-${identity}`, namespace: 'kube-system', annotations: { [LEASE_ADDRESS_ANNOTATION]: address, ...(node ? { [LEASE_NODE_ANNOTATION]: node } : {}) } },
    spec: { holderIdentity: identity, leaseDurationSeconds: seconds, renewTime: microTime(renewedAt) },
  };
}

describe('lease endpoints: live members', () => {
  const rows: { why: string; leases: Lease[]; now: number; exclude?: string; want: string[] }[] = [
    { why: 'none', leases: [], now: T0, want: [] },
    { why: 'fresh lease', leases: [lease('a', '10.0.0.1', T0)], now: T0 + 1000, want: ['10.0.0.1@a'] },
    { why: 'one second before expiry', leases: [lease('a', '10.0.0.1', T0)], now: T0 + 29_999, want: ['10.0.0.1@a'] },
    { why: 'at expiry: gone', leases: [lease('a', '10.0.0.1', T0)], now: T0 + 30_000, want: [] },
    {
      why: 'sorted by address as numbers, expired one dropped',
      leases: [lease('c', '10.0.0.10', T0), lease('b', '10.0.0.9', T0), lease('x', '10.0.0.2', T0 - 60_000)],
      now: T0 + 5000,
      want: ['10.0.0.9@b', '10.0.0.10@c'],
    },
    { why: 'excluded identity (a stopping member)', leases: [lease('a', '10.0.0.1', T0), lease('b', '10.0.0.2', T0)], now: T0, exclude: 'a', want: ['10.0.0.2@b'] },
    { why: 'duplicate address listed once', leases: [lease('a', '10.0.0.1', T0), lease('b', '10.0.0.1', T0)], now: T0, want: ['10.0.0.1@a'] },
    { why: 'no node annotation', leases: [lease('a', '10.0.0.1', T0, 30, null)], now: T0, want: ['10.0.0.1@'] },
    {
      why: 'bad leases are no members',
      leases: [
        lease('a', 'not-an-ip', T0),
        lease('b', '10.0.0.300', T0),
        lease('c', '10.0.0.3', T0, 0),
        { ...lease('d', '10.0.0.4', T0), spec: { holderIdentity: 'd', leaseDurationSeconds: 30 } },
        { ...lease('e', '10.0.0.5', T0), metadata: { name: 'e' } },
      ],
      now: T0,
      want: [],
    },
  ];
  for (const r of rows) {
    it(r.why, () => {
      assert.deepEqual(
        liveMembers(r.leases, r.now, r.exclude).map((m) => `${m.address}@${m.nodeName ?? ''}`),
        r.want,
      );
    });
  }

  it('stale leases: expired longer than the grace, or unreadable', () => {
    const ls = [lease('a', '10.0.0.1', T0), lease('b', '10.0.0.2', T0 - 200_000), lease('c', '10.0.0.3', T0, 0)];
    assert.deepEqual(staleLeases(ls, T0 + 60_000, 150_000).map((l) => l.spec.holderIdentity), ['b', 'c']);
    assert.equal(leaseExpiry(ls[0]), T0 + 30_000);
  });
});

describe('lease endpoints: the member lease', () => {
  const input = { service: SVC, leaseNamespace: 'kube-system', identity: 'node-a', address: '172.31.4.1', nodeName: 'node-a', leaseDurationSeconds: 30 };

  it('created with labels tying it to the Service and the address in an annotation', () => {
    const l = memberLease(input, T0);
    assert.deepEqual(l.metadata, {
      name: 'kube-dns-node-a',
      namespace: 'kube-system',
      labels: { 'k8ts.io/lease-endpoints-service': 'kube-dns', 'k8ts.io/lease-endpoints-namespace': 'kube-system' },
      annotations: { [LEASE_ADDRESS_ANNOTATION]: '172.31.4.1', [LEASE_NODE_ANNOTATION]: 'node-a' },
    });
    assert.deepEqual(l.spec, { holderIdentity: 'node-a', leaseDurationSeconds: 30, acquireTime: '2026-12-05T18:00:00.000000Z', renewTime: '2026-12-05T18:00:00.000000Z' });
    assert.equal(leaseSelector(SVC), 'k8ts.io/lease-endpoints-service=kube-dns,k8ts.io/lease-endpoints-namespace=kube-system');
  });

  it('renewed: keeps acquireTime, resourceVersion and foreign labels; takes a new address', () => {
    const cur = memberLease(input, T0);
    cur.metadata.resourceVersion = '42';
    cur.metadata.labels!.team = 'net';
    const next = memberLease({ ...input, address: '172.31.4.2', nodeName: undefined }, T0 + 10_000, cur);
    assert.equal(next.metadata.resourceVersion, '42');
    assert.equal(next.metadata.labels!.team, 'net');
    assert.deepEqual(next.metadata.annotations, { [LEASE_ADDRESS_ANNOTATION]: '172.31.4.2' });
    assert.equal(next.spec.acquireTime, '2026-12-05T18:00:00.000000Z');
    assert.equal(next.spec.renewTime, '2026-12-05T18:00:10.000000Z');
  });
});

describe('lease endpoints: slice and Endpoints', () => {
  const owner = { ...SVC, uid: 'u-1' };
  const members = [{ address: '172.31.4.1', nodeName: 'node-a' }, { address: '172.31.9.1' }];

  it('the slice: one ready endpoint per member, the ports, labels and owner', () => {
    assert.deepEqual(desiredSlice(owner, PORTS, members), {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        name: 'kube-dns-leases',
        namespace: 'kube-system',
        labels: { 'kubernetes.io/service-name': 'kube-dns', 'endpointslice.kubernetes.io/managed-by': 'k8ts-lease-endpoints' },
        ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 'kube-dns', uid: 'u-1', controller: true, blockOwnerDeletion: true }],
      },
      addressType: 'IPv4',
      endpoints: [
        { addresses: ['172.31.4.1'], conditions: { ready: true, serving: true, terminating: false }, nodeName: 'node-a' },
        { addresses: ['172.31.9.1'], conditions: { ready: true, serving: true, terminating: false } },
      ],
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP' },
        { name: 'dns-tcp', port: 53, protocol: 'TCP' },
        { name: 'metrics', port: 9153, protocol: 'TCP' },
      ],
    });
  });

  it('the Endpoints: one subset, none without members, never mirrored', () => {
    const ep = desiredEndpoints(SVC, PORTS, members);
    assert.deepEqual(ep.metadata.labels, { 'endpointslice.kubernetes.io/skip-mirror': 'true' });
    assert.deepEqual(ep.subsets, [{ addresses: [{ ip: '172.31.4.1', nodeName: 'node-a' }, { ip: '172.31.9.1' }], ports: PORTS }]);
    assert.deepEqual(desiredEndpoints(SVC, PORTS, []).subsets, []);
  });

  it('slice update: none when only key order, server fields or foreign labels differ', () => {
    const want = desiredSlice(owner, PORTS, members);
    const stored = JSON.parse(JSON.stringify(want));
    stored.metadata = { ...stored.metadata, resourceVersion: '7', uid: 's', labels: { extra: 'x', ...stored.metadata.labels } };
    stored.endpoints[0] = { nodeName: 'node-a', conditions: { terminating: false, serving: true, ready: true }, addresses: ['172.31.4.1'] };
    assert.equal(sliceUpdate(stored, want), undefined);
  });

  it('slice update: a member less, or a changed port, is written on the stored object', () => {
    const stored = { ...desiredSlice(owner, PORTS, members), metadata: { ...desiredSlice(owner, PORTS, members).metadata, resourceVersion: '7' } };
    const want = desiredSlice(owner, PORTS, members.slice(1));
    const next = sliceUpdate(stored, want);
    assert.equal(next?.metadata.resourceVersion, '7');
    assert.deepEqual(next?.endpoints, want.endpoints);
    assert.ok(sliceUpdate(stored, desiredSlice(owner, [{ ...PORTS[0], port: 5353 }], members)));
  });

  it('Endpoints update: compares subsets and our label only', () => {
    const want = desiredEndpoints(SVC, PORTS, members);
    const stored: Endpoints = { ...want, metadata: { ...want.metadata, resourceVersion: '3', labels: { ...want.metadata.labels, other: 'y' } } };
    assert.equal(endpointsUpdate(stored, want), undefined);
    const unlabeled: Endpoints = { ...want, metadata: { ...want.metadata, labels: {} } };
    assert.deepEqual(endpointsUpdate(unlabeled, want)?.metadata.labels, want.metadata.labels);
    const next = endpointsUpdate(stored, desiredEndpoints(SVC, PORTS, []));
    assert.deepEqual(next?.subsets, []);
    assert.equal(next?.metadata.resourceVersion, '3');
  });
});
