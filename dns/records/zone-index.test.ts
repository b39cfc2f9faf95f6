import assert from 'node:assert/strict';
import type { Service } from '../../lib/api/types';
import { answer } from './answer';
import { RecordClass, RecordType, type ZoneAnswer } from './answer-types';
import type { EndpointSlice } from '../../lib/api/endpoint-slice';
import { fmt, service, slice, specSnapshot } from './test-fixtures';
import { buildZoneIndex, type ClusterSnapshot } from './zone-index';

const ask = (snapshot: ClusterSnapshot, name: string, type: keyof typeof RecordType) =>
  answer({ name, type: RecordType[type], class: RecordClass.IN }, buildZoneIndex(snapshot));

function inZone(a: ReturnType<typeof answer>): ZoneAnswer {
  assert.equal(a.forward, false);
  return a as ZoneAnswer;
}

const empty: ClusterSnapshot = { services: [], endpointSlices: [], pods: [] };

describe('dns/records zone index', () => {
  it('holds no SRV record for an unnamed port anywhere', () => {
    const index = buildZoneIndex(specSnapshot);
    const below = [...index.records.keys()].filter((k) => k.endsWith('.single.default.svc.cluster.local'));
    assert.deepEqual(below, []);
    assert.deepEqual(index.records.get('single.default.svc.cluster.local')!.map(fmt), ['single.default.svc.cluster.local 5 A 10.96.7.7']);
  });

  it('gives every in-zone ancestor as an empty non-terminal, and no name twice', () => {
    const index = buildZoneIndex(specSnapshot);
    for (const ent of ['svc.cluster.local', 'default.svc.cluster.local', '_tcp.kubernetes.default.svc.cluster.local', 'pod.cluster.local', 'quiet.pod.cluster.local']) {
      assert.ok(index.nonTerminals.has(ent), ent);
    }
    for (const ent of index.nonTerminals) assert.ok(!index.records.has(ent), ent);
    assert.ok(!index.nonTerminals.has('cluster.local'), 'the apex has records of its own');
  });

  const edgeRows: { why: string; snapshot: ClusterSnapshot; q: string; type: keyof typeof RecordType; answers: string[]; rcode?: number }[] = [
    {
      why: 'an endpoint without conditions is ready (EndpointSlice API: nil means ready)',
      snapshot: { ...empty, services: [service('a', 'h', { clusterIP: 'None' })], endpointSlices: [slice('a', 'h', 'x', 'IPv4', [{ addresses: ['10.0.0.9'] }])] },
      q: 'h.a.svc.cluster.local',
      type: 'A',
      answers: ['h.a.svc.cluster.local 5 A 10.0.0.9'],
    },
    {
      why: 'FQDN slices and unparsable addresses are ignored',
      snapshot: {
        ...empty,
        services: [service('a', 'h', { clusterIP: 'None' })],
        endpointSlices: [
          slice('a', 'h', 'x', 'FQDN', [{ addresses: ['db.example.com'] }]),
          slice('a', 'h', 'y', 'IPv4', [{ addresses: ['10.0.0.300', '10.0.0.8'] }]),
        ],
      },
      q: 'h.a.svc.cluster.local',
      type: 'A',
      answers: ['h.a.svc.cluster.local 5 A 10.0.0.8'],
    },
    {
      why: "a same-named Service's slices in another namespace do not leak in",
      snapshot: {
        ...empty,
        services: [service('a', 'h', { clusterIP: 'None' }), service('b', 'h', { clusterIP: 'None' })],
        endpointSlices: [slice('a', 'h', 'x', 'IPv4', [{ addresses: ['10.0.0.1'] }]), slice('b', 'h', 'x', 'IPv4', [{ addresses: ['10.0.0.2'] }])],
      },
      q: 'h.b.svc.cluster.local',
      type: 'A',
      answers: ['h.b.svc.cluster.local 5 A 10.0.0.2'],
    },
    {
      why: 'IPv6 addresses are served in canonical form',
      snapshot: { ...empty, services: [service('a', 's', { clusterIPs: ['FD00:0:0:0:0:0:0:0A'] })] },
      q: 's.a.svc.cluster.local',
      type: 'AAAA',
      answers: ['s.a.svc.cluster.local 5 AAAA fd00::a'],
    },
    {
      why: 'a Service without an allocated clusterIP still exists (NODATA, not NXDOMAIN)',
      snapshot: { ...empty, services: [service('a', 's', { clusterIP: '' })] },
      q: 's.a.svc.cluster.local',
      type: 'A',
      answers: [],
      rcode: 0,
    },
    {
      why: 'an ExternalName Service without a name makes no record',
      snapshot: { ...empty, services: [service('a', 'e', { type: 'ExternalName' })] },
      q: 'e.a.svc.cluster.local',
      type: 'A',
      answers: [],
      rcode: 3,
    },
    {
      why: 'objects without name or namespace are skipped, not fatal',
      snapshot: {
        services: [{ metadata: {}, spec: { clusterIP: '10.0.0.1' } } as Service, service('a', 's', { clusterIP: '10.0.0.2', ports: [{ port: 1, name: 'p' }] })],
        endpointSlices: [{ metadata: { name: 'x' }, addressType: 'IPv4', endpoints: null } as EndpointSlice],
        pods: [{ metadata: {}, spec: { containers: [] } }],
      },
      q: '_p._tcp.s.a.svc.cluster.local',
      type: 'SRV',
      answers: ['_p._tcp.s.a.svc.cluster.local 5 SRV 0 100 1 s.a.svc.cluster.local'],
    },
  ];
  for (const row of edgeRows) {
    it(row.why, () => {
      const a = inZone(ask(row.snapshot, row.q, row.type));
      assert.deepEqual(a.answers.map(fmt), row.answers);
      assert.equal(a.rcode, row.rcode ?? 0);
    });
  }

  it('does not depend on the order of its input', () => {
    const reversed: ClusterSnapshot = {
      ...specSnapshot,
      services: [...specSnapshot.services].reverse(),
      endpointSlices: [...specSnapshot.endpointSlices].reverse(),
      pods: [...specSnapshot.pods].reverse(),
    };
    const a = buildZoneIndex(specSnapshot);
    const b = buildZoneIndex(reversed);
    assert.deepEqual([...b.records.entries()].sort(), [...a.records.entries()].sort());
    assert.deepEqual([...b.nonTerminals].sort(), [...a.nonTerminals].sort());
  });

  it('answers names that are not well-formed without throwing', () => {
    const index = buildZoneIndex(specSnapshot);
    const odd = ['', '.', '..', 'cluster.local..', '\\046.default.svc.cluster.local', 'a'.repeat(300) + '.cluster.local', '-.pod.cluster.local', '.default.pod.cluster.local', '1.2.3.4.5.in-addr.arpa', 'in-addr.arpa'];
    for (const name of odd) {
      const a = answer({ name, type: RecordType.A, class: RecordClass.IN }, index);
      if (!a.forward) assert.deepEqual(a.answers, [], name);
    }
  });

  // 1,000 Services × 10 endpoints, half ClusterIP and half headless (each with 2 named ports): the
  // size a full rebuild per change must handle. Counted, not timed (no thresholds in tests).
  it('builds 1,000 Services × 10 endpoints', () => {
    const services: Service[] = [];
    const endpointSlices: EndpointSlice[] = [];
    for (let i = 0; i < 1000; i++) {
      const headless = i % 2 === 1;
      const ns = `ns-${i % 20}`;
      const ports = [{ name: 'http', protocol: 'TCP' as const, port: 80 }, { name: 'metrics', protocol: 'TCP' as const, port: 9090 }];
      services.push(service(ns, `svc-${i}`, { clusterIP: headless ? 'None' : `10.96.${i >> 8}.${i & 255}`, ports }));
      const endpoints = Array.from({ length: 10 }, (_, j) => ({ addresses: [`10.244.${i >> 4}.${((i & 15) << 4) + j}`], conditions: { ready: true } }));
      endpointSlices.push(slice(ns, `svc-${i}`, 'a', 'IPv4', endpoints, ports));
    }
    const index = buildZoneIndex({ services, endpointSlices, pods: [] });
    // ClusterIP: name (A) + PTR + 2 SRV names = 4; headless: name + 2 SRV names + 10 × (host A + PTR) = 23.
    // Plus apex and dns-version.
    assert.equal(index.records.size, 500 * 4 + 500 * 23 + 2);
    const srv = inZone(answer({ name: '_http._tcp.svc-1.ns-1.svc.cluster.local', type: RecordType.SRV, class: RecordClass.IN }, index));
    assert.equal(srv.answers.length, 10);
    assert.equal(srv.additionals.length, 10);
    const a = inZone(answer({ name: 'svc-998.ns-18.svc.cluster.local', type: RecordType.A, class: RecordClass.IN }, index));
    assert.deepEqual(a.answers.map(fmt), ['svc-998.ns-18.svc.cluster.local 5 A 10.96.3.230']);
  });
});
