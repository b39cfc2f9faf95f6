// The Kubernetes DNS specification (schema 1.1.0), record by record, as question → answer tables.
// Records are written zone-file style (`name ttl TYPE data`, no class: always IN).
import assert from 'node:assert/strict';
import { answer } from './answer';
import { RecordClass, RecordType, type Answer } from './answer-types';
import { fmt, pod, service, specSnapshot } from './test-fixtures';
import { buildZoneIndex, type ZoneOptions } from './zone-index';

const SOA = 'cluster.local 30 SOA ns.dns.cluster.local hostmaster.cluster.local 1 7200 1800 86400 30';
const RCODE_NAMES: Record<number, string> = { 0: 'NOERROR', 2: 'SERVFAIL', 3: 'NXDOMAIN', 5: 'REFUSED' };

interface Row {
  why: string;
  q: string;
  type: keyof typeof RecordType | number;
  class?: number;
  forward?: true;
  rcode?: 'NOERROR' | 'NXDOMAIN' | 'REFUSED';
  answers?: string[];
  authority?: string[];
  additionals?: string[];
  externalTarget?: string;
  authoritative?: boolean;
}

/** The answer as the row's plain shape, so a failure shows every section at once. */
function view(a: Answer): Omit<Row, 'why' | 'q' | 'type' | 'class'> {
  if (a.forward) return { forward: true };
  return {
    rcode: RCODE_NAMES[a.rcode] as Row['rcode'],
    answers: a.answers.map(fmt),
    authority: a.authority.map(fmt),
    additionals: a.additionals.map(fmt),
    ...(a.externalTarget ? { externalTarget: a.externalTarget } : {}),
    authoritative: a.authoritative,
  };
}

function expected(row: Row): Omit<Row, 'why' | 'q' | 'type' | 'class'> {
  if (row.forward) return { forward: true };
  return {
    rcode: row.rcode ?? 'NOERROR',
    answers: row.answers ?? [],
    authority: row.authority ?? [],
    additionals: row.additionals ?? [],
    ...(row.externalTarget ? { externalTarget: row.externalTarget } : {}),
    authoritative: row.authoritative ?? true,
  };
}

function runTable(title: string, rows: Row[], options?: ZoneOptions, snapshot = specSnapshot): void {
  describe(title, () => {
    const index = buildZoneIndex(snapshot, options);
    for (const row of rows) {
      it(`${row.why}: ${row.q} ${row.type}`, () => {
        const got = answer({ name: row.q, type: typeof row.type === 'number' ? row.type : RecordType[row.type], class: row.class ?? RecordClass.IN }, index);
        assert.deepEqual(view(got), expected(row));
      });
    }
  });
}

describe('dns/records answer', () => {
  runTable('§2.2 schema version', [
    { why: 'TXT with the schema version', q: 'dns-version.cluster.local.', type: 'TXT', answers: ['dns-version.cluster.local 5 TXT "1.1.0"'] },
    { why: 'exists with TXT only: NODATA', q: 'dns-version.cluster.local.', type: 'A', authority: [SOA] },
  ]);

  runTable('§2.3.1 A/AAAA for a ClusterIP Service', [
    { why: "the spec's example", q: 'kubernetes.default.svc.cluster.local.', type: 'A', answers: ['kubernetes.default.svc.cluster.local 5 A 10.3.0.1'] },
    { why: 'single-stack IPv4 has no AAAA: NODATA', q: 'kubernetes.default.svc.cluster.local.', type: 'AAAA', authority: [SOA] },
    { why: 'exists, other type: NODATA', q: 'kubernetes.default.svc.cluster.local.', type: 'TXT', authority: [SOA] },
    { why: 'dual stack: A from the IPv4 clusterIP', q: 'my-svc.my-namespace.svc.cluster.local', type: 'A', answers: ['my-svc.my-namespace.svc.cluster.local 5 A 10.96.5.5'] },
    { why: 'dual stack: AAAA from the IPv6 clusterIP', q: 'my-svc.my-namespace.svc.cluster.local', type: 'AAAA', answers: ['my-svc.my-namespace.svc.cluster.local 5 AAAA fd00:10:96::5'] },
    {
      why: 'ANY gives every record of the name',
      q: 'my-svc.my-namespace.svc.cluster.local',
      type: 'ANY',
      answers: ['my-svc.my-namespace.svc.cluster.local 5 A 10.96.5.5', 'my-svc.my-namespace.svc.cluster.local 5 AAAA fd00:10:96::5'],
    },
    {
      why: "case-insensitive; the question's spelling echoed",
      q: 'KuberNetes.Default.SVC.Cluster.Local.',
      type: 'A',
      answers: ['KuberNetes.Default.SVC.Cluster.Local 5 A 10.3.0.1'],
    },
    { why: 'a ClusterIP Service has no per-endpoint names', q: '192-168-1-10.kubernetes.default.svc.cluster.local', type: 'A', rcode: 'NXDOMAIN', authority: [SOA] },
  ]);

  runTable('§2.3.2 SRV for a ClusterIP Service', [
    {
      why: "the spec's example, the Service's A in additionals",
      q: '_https._tcp.kubernetes.default.svc.cluster.local.',
      type: 'SRV',
      answers: ['_https._tcp.kubernetes.default.svc.cluster.local 5 SRV 0 100 443 kubernetes.default.svc.cluster.local'],
      additionals: ['kubernetes.default.svc.cluster.local 5 A 10.3.0.1'],
    },
    {
      why: 'dual stack: both addresses in additionals',
      q: '_http._tcp.my-svc.my-namespace.svc.cluster.local',
      type: 'SRV',
      answers: ['_http._tcp.my-svc.my-namespace.svc.cluster.local 5 SRV 0 100 80 my-svc.my-namespace.svc.cluster.local'],
      additionals: ['my-svc.my-namespace.svc.cluster.local 5 A 10.96.5.5', 'my-svc.my-namespace.svc.cluster.local 5 AAAA fd00:10:96::5'],
    },
    {
      why: 'port names and protocols match case-insensitively (port DNS/UDP)',
      q: '_dns._UDP.my-svc.my-namespace.svc.cluster.local',
      type: 'SRV',
      answers: ['_dns._UDP.my-svc.my-namespace.svc.cluster.local 5 SRV 0 100 53 my-svc.my-namespace.svc.cluster.local'],
      additionals: ['my-svc.my-namespace.svc.cluster.local 5 A 10.96.5.5', 'my-svc.my-namespace.svc.cluster.local 5 AAAA fd00:10:96::5'],
    },
    { why: 'a named port under another protocol does not exist', q: '_http._udp.my-svc.my-namespace.svc.cluster.local', type: 'SRV', rcode: 'NXDOMAIN', authority: [SOA] },
    { why: 'an unnamed port has no SRV record', q: '_8080._tcp.single.default.svc.cluster.local', type: 'SRV', rcode: 'NXDOMAIN', authority: [SOA] },
    { why: 'no SRV at the Service name itself', q: 'single.default.svc.cluster.local', type: 'SRV', authority: [SOA] },
    { why: 'SRV name with another type: NODATA', q: '_https._tcp.kubernetes.default.svc.cluster.local', type: 'A', authority: [SOA] },
    { why: '_<proto> is an empty non-terminal: NODATA', q: '_tcp.kubernetes.default.svc.cluster.local', type: 'SRV', authority: [SOA] },
  ]);

  const IN_ADDR_SOA = 'in-addr.arpa 30 SOA ns.dns.cluster.local hostmaster.cluster.local 1 7200 1800 86400 30';
  runTable('§2.3.3 PTR for a ClusterIP', [
    { why: "the spec's example", q: '1.0.3.10.in-addr.arpa.', type: 'PTR', answers: ['1.0.3.10.in-addr.arpa 5 PTR kubernetes.default.svc.cluster.local'] },
    {
      why: 'IPv6 clusterIP in ip6.arpa nibble form',
      q: '5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.6.9.0.0.0.1.0.0.0.0.d.f.ip6.arpa',
      type: 'PTR',
      answers: ['5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.6.9.0.0.0.1.0.0.0.0.d.f.ip6.arpa 5 PTR my-svc.my-namespace.svc.cluster.local'],
    },
    { why: 'a held reverse name, other type: NODATA with the reverse zone SOA', q: '1.0.3.10.in-addr.arpa', type: 'A', authority: [IN_ADDR_SOA] },
    { why: 'an address we hold nothing for goes upstream', q: '8.8.8.8.in-addr.arpa', type: 'PTR', forward: true },
    { why: 'a partial reverse name goes upstream', q: '0.3.10.in-addr.arpa', type: 'PTR', forward: true },
    { why: 'an endpoint of a ClusterIP Service has no PTR (§2.3)', q: '10.1.168.192.in-addr.arpa', type: 'PTR', forward: true },
  ]);

  const HEADLESS_A = ['10.3.0.100', '10.3.0.101', '10.3.0.102'].map((ip) => `headless.default.svc.cluster.local 5 A ${ip}`);
  runTable('§2.4.1 A/AAAA for a headless Service', [
    { why: "the ready endpoints' addresses, not-ready left out", q: 'headless.default.svc.cluster.local', type: 'A', answers: HEADLESS_A },
    { why: 'an endpoint by its hostname (StatefulSet pod)', q: 'my-pet.headless.default.svc.cluster.local.', type: 'A', answers: ['my-pet.headless.default.svc.cluster.local 5 A 10.3.0.100'] },
    { why: 'an endpoint without hostname by its dashed address', q: '10-3-0-102.headless.default.svc.cluster.local', type: 'A', answers: ['10-3-0-102.headless.default.svc.cluster.local 5 A 10.3.0.102'] },
    { why: 'a not-ready endpoint has no name', q: 'sick.headless.default.svc.cluster.local', type: 'A', rcode: 'NXDOMAIN', authority: [SOA] },
    { why: 'no endpoints at all: NXDOMAIN (spec)', q: 'empty-headless.default.svc.cluster.local', type: 'A', rcode: 'NXDOMAIN', authority: [SOA] },
    { why: 'only not-ready endpoints: NXDOMAIN', q: 'unready-headless.default.svc.cluster.local', type: 'A', rcode: 'NXDOMAIN', authority: [SOA] },
    { why: 'publishNotReadyAddresses publishes not-ready ones', q: 'pna.default.svc.cluster.local', type: 'A', answers: ['pna.default.svc.cluster.local 5 A 10.244.2.9'] },
    { why: '... under their hostname too', q: 'warming.pna.default.svc.cluster.local', type: 'A', answers: ['warming.pna.default.svc.cluster.local 5 A 10.244.2.9'] },
    { why: 'the legacy tolerate-unready-endpoints annotation as well', q: 'legacy.default.svc.cluster.local', type: 'A', answers: ['legacy.default.svc.cluster.local 5 A 10.244.2.10'] },
    { why: 'dual stack: A from the IPv4 slice', q: 'db.default.svc.cluster.local', type: 'A', answers: ['db.default.svc.cluster.local 5 A 10.244.3.7'] },
    { why: 'dual stack: AAAA from the IPv6 slice', q: 'db.default.svc.cluster.local', type: 'AAAA', answers: ['db.default.svc.cluster.local 5 AAAA fd00:244::7'] },
    { why: 'one hostname, one record per address', q: 'db-0.db.default.svc.cluster.local', type: 'AAAA', answers: ['db-0.db.default.svc.cluster.local 5 AAAA fd00:244::7'] },
    { why: 'headless with IPv4 endpoints only: AAAA is NODATA', q: 'headless.default.svc.cluster.local', type: 'AAAA', authority: [SOA] },
  ]);

  runTable('§2.4.2 SRV for a headless Service', [
    {
      why: 'one per ready endpoint and named port, target its hostname or dashed name',
      q: '_https._tcp.headless.default.svc.cluster.local',
      type: 'SRV',
      answers: [
        '_https._tcp.headless.default.svc.cluster.local 5 SRV 0 33 443 my-pet.headless.default.svc.cluster.local',
        '_https._tcp.headless.default.svc.cluster.local 5 SRV 0 33 443 my-pet-2.headless.default.svc.cluster.local',
        '_https._tcp.headless.default.svc.cluster.local 5 SRV 0 33 443 10-3-0-102.headless.default.svc.cluster.local',
      ],
      additionals: [
        'my-pet.headless.default.svc.cluster.local 5 A 10.3.0.100',
        'my-pet-2.headless.default.svc.cluster.local 5 A 10.3.0.101',
        '10-3-0-102.headless.default.svc.cluster.local 5 A 10.3.0.102',
      ],
    },
    {
      why: "the endpoint's (target) port, one target for a dual-stack hostname with both addresses",
      q: '_pg._tcp.db.default.svc.cluster.local',
      type: 'SRV',
      answers: ['_pg._tcp.db.default.svc.cluster.local 5 SRV 0 100 15432 db-0.db.default.svc.cluster.local'],
      additionals: ['db-0.db.default.svc.cluster.local 5 A 10.244.3.7', 'db-0.db.default.svc.cluster.local 5 AAAA fd00:244::7'],
    },
    { why: 'no ready endpoints: no SRV either', q: '_http._tcp.empty-headless.default.svc.cluster.local', type: 'SRV', rcode: 'NXDOMAIN', authority: [SOA] },
  ]);

  runTable('§2.4.3 PTR for headless endpoints', [
    { why: "the spec's example", q: '100.0.3.10.in-addr.arpa.', type: 'PTR', answers: ['100.0.3.10.in-addr.arpa 5 PTR my-pet.headless.default.svc.cluster.local'] },
    { why: 'an endpoint without hostname points at its dashed name', q: '102.0.3.10.in-addr.arpa', type: 'PTR', answers: ['102.0.3.10.in-addr.arpa 5 PTR 10-3-0-102.headless.default.svc.cluster.local'] },
    {
      why: 'IPv6 endpoint',
      q: '7.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.4.4.2.0.0.0.d.f.ip6.arpa',
      type: 'PTR',
      answers: ['7.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.4.4.2.0.0.0.d.f.ip6.arpa 5 PTR db-0.db.default.svc.cluster.local'],
    },
    { why: 'a not-ready endpoint has none', q: '103.0.3.10.in-addr.arpa', type: 'PTR', forward: true },
  ]);

  runTable('§2.5 ExternalName Services', [
    {
      why: "the spec's example: CNAME, not followed outside the zone",
      q: 'foo.default.svc.cluster.local.',
      type: 'A',
      answers: ['foo.default.svc.cluster.local 5 CNAME www.example.com'],
      externalTarget: 'www.example.com',
    },
    { why: 'a CNAME question gets the CNAME', q: 'foo.default.svc.cluster.local', type: 'CNAME', answers: ['foo.default.svc.cluster.local 5 CNAME www.example.com'] },
    {
      why: 'a target inside the zone is followed',
      q: 'alias.default.svc.cluster.local',
      type: 'A',
      answers: ['alias.default.svc.cluster.local 5 CNAME my-svc.my-namespace.svc.cluster.local', 'my-svc.my-namespace.svc.cluster.local 5 A 10.96.5.5'],
    },
    {
      why: 'a chain ending at a name without the type is NODATA, the CNAME kept (RFC 2308 §2.2)',
      q: 'alias.default.svc.cluster.local',
      type: 'TXT',
      answers: ['alias.default.svc.cluster.local 5 CNAME my-svc.my-namespace.svc.cluster.local'],
      authority: [SOA],
    },
    {
      why: 'a chain ending at a missing name is NXDOMAIN (RFC 6604)',
      q: 'dangling.default.svc.cluster.local',
      type: 'A',
      rcode: 'NXDOMAIN',
      answers: ['dangling.default.svc.cluster.local 5 CNAME gone.default.svc.cluster.local'],
      authority: [SOA],
    },
    {
      why: 'a loop stops where it closes',
      q: 'loop-a.default.svc.cluster.local',
      type: 'A',
      answers: ['loop-a.default.svc.cluster.local 5 CNAME loop-b.default.svc.cluster.local', 'loop-b.default.svc.cluster.local 5 CNAME loop-a.default.svc.cluster.local'],
    },
  ]);

  runTable('§2.6 pod A records (pods insecure)', [
    { why: 'any well-formed address in an existing namespace', q: '10-244-1-5.default.pod.cluster.local', type: 'A', answers: ['10-244-1-5.default.pod.cluster.local 5 A 10.244.1.5'] },
    { why: 'no pod needs to have it (insecure)', q: '1-2-3-4.default.pod.cluster.local', type: 'A', answers: ['1-2-3-4.default.pod.cluster.local 5 A 1.2.3.4'] },
    { why: 'an IPv4 pod name has no AAAA: NODATA', q: '10-244-1-5.default.pod.cluster.local', type: 'AAAA', authority: [SOA] },
    { why: 'dashed IPv6', q: 'fd00--6.other.pod.cluster.local', type: 'AAAA', answers: ['fd00--6.other.pod.cluster.local 5 AAAA fd00::6'] },
    { why: 'a namespace known only from the Namespace list', q: '10-0-0-1.quiet.pod.cluster.local', type: 'A', answers: ['10-0-0-1.quiet.pod.cluster.local 5 A 10.0.0.1'] },
    { why: 'a namespace that does not exist', q: '10-244-1-5.nope.pod.cluster.local', type: 'A', rcode: 'NXDOMAIN', authority: [SOA] },
    { why: 'not an address', q: 'web-1.default.pod.cluster.local', type: 'A', rcode: 'NXDOMAIN', authority: [SOA] },
    { why: 'an octet out of range', q: '10-244-1-256.default.pod.cluster.local', type: 'A', rcode: 'NXDOMAIN', authority: [SOA] },
    { why: 'nothing below a pod name', q: 'x.10-244-1-5.default.pod.cluster.local', type: 'A', rcode: 'NXDOMAIN', authority: [SOA] },
  ]);

  runTable('pod records, verified mode', [
    { why: "a pod's address in its namespace", q: '10-244-1-5.default.pod.cluster.local', type: 'A', answers: ['10-244-1-5.default.pod.cluster.local 5 A 10.244.1.5'] },
    { why: "another pod's namespace", q: '10-244-1-6.default.pod.cluster.local', type: 'A', rcode: 'NXDOMAIN', authority: [SOA] },
    { why: 'no pod has it', q: '1-2-3-4.default.pod.cluster.local', type: 'A', rcode: 'NXDOMAIN', authority: [SOA] },
    { why: 'second address of a dual-stack pod', q: 'fd00--6.other.pod.cluster.local', type: 'AAAA', answers: ['fd00--6.other.pod.cluster.local 5 AAAA fd00::6'] },
  ], { podMode: 'verified' });

  runTable('pod records, disabled', [
    { why: 'no pod records', q: '10-244-1-5.default.pod.cluster.local', type: 'A', rcode: 'NXDOMAIN', authority: [SOA] },
    { why: 'no pod subtree', q: 'pod.cluster.local', type: 'A', rcode: 'NXDOMAIN', authority: [SOA] },
  ], { podMode: 'disabled' });

  runTable('NXDOMAIN vs NODATA, the zone apex', [
    { why: 'apex SOA', q: 'cluster.local', type: 'SOA', answers: [SOA] },
    { why: 'apex NS', q: 'cluster.local', type: 'NS', answers: ['cluster.local 30 NS ns.dns.cluster.local'] },
    { why: 'apex, other type: NODATA', q: 'cluster.local', type: 'A', authority: [SOA] },
    { why: 'svc.<zone>: empty non-terminal', q: 'svc.cluster.local', type: 'A', authority: [SOA] },
    { why: '<ns>.svc.<zone> of a namespace with Services', q: 'default.svc.cluster.local', type: 'A', authority: [SOA] },
    { why: '<ns>.svc.<zone> of a namespace without Services', q: 'quiet.svc.cluster.local', type: 'A', authority: [SOA] },
    { why: '<ns>.svc.<zone> of a namespace that does not exist', q: 'nope.svc.cluster.local', type: 'A', rcode: 'NXDOMAIN', authority: [SOA] },
    { why: 'pod.<zone>', q: 'pod.cluster.local', type: 'A', authority: [SOA] },
    { why: '<ns>.pod.<zone>', q: 'other.pod.cluster.local', type: 'A', authority: [SOA] },
    { why: 'a Service that does not exist', q: 'missing.default.svc.cluster.local', type: 'A', rcode: 'NXDOMAIN', authority: [SOA] },
    { why: 'a name below a Service', q: 'x.kubernetes.default.svc.cluster.local', type: 'A', rcode: 'NXDOMAIN', authority: [SOA] },
    { why: 'short forms are the resolver search path’s job', q: 'kubernetes.default.cluster.local', type: 'A', rcode: 'NXDOMAIN', authority: [SOA] },
    { why: 'wildcards are deprecated and not implemented', q: '*.default.svc.cluster.local', type: 'A', rcode: 'NXDOMAIN', authority: [SOA] },
    { why: 'a class other than IN is refused', q: 'kubernetes.default.svc.cluster.local', type: 'A', class: 3, rcode: 'REFUSED', authoritative: false },
    { why: 'a zone transfer (AXFR) is refused', q: 'cluster.local', type: 252, rcode: 'REFUSED', authoritative: false },
    { why: 'so is IXFR', q: 'cluster.local', type: 251, rcode: 'REFUSED', authoritative: false },
    { why: 'a type we hold nowhere (MX): NODATA', q: 'kubernetes.default.svc.cluster.local', type: 15, authority: [SOA] },
    { why: 'class ANY is served', q: 'kubernetes.default.svc.cluster.local', type: 'A', class: 255, answers: ['kubernetes.default.svc.cluster.local 5 A 10.3.0.1'] },
  ]);

  runTable('names outside the zone are forwarded', [
    { why: 'an Internet name', q: 'www.example.com.', type: 'A', forward: true },
    { why: 'a suffix that is not a label boundary', q: 'xcluster.local', type: 'A', forward: true },
    { why: 'the parent of the zone', q: 'local', type: 'SOA', forward: true },
    { why: 'the root', q: '.', type: 'NS', forward: true },
  ]);

  runTable(
    'another cluster domain and TTL',
    [
      { why: 'zone given with dot and capitals', q: 'kubernetes.default.svc.k8s.example', type: 'A', answers: ['kubernetes.default.svc.k8s.example 30 A 10.96.0.1'] },
      { why: 'its SOA, with the serial given', q: 'nope.k8s.example', type: 'A', rcode: 'NXDOMAIN', authority: ['k8s.example 10 SOA ns.dns.k8s.example hostmaster.k8s.example 42 7200 1800 86400 10'] },
      { why: 'cluster.local is not ours then', q: 'kubernetes.default.svc.cluster.local', type: 'A', forward: true },
    ],
    { zone: 'K8s.Example.', ttl: 30, soaTtl: 10, serial: 42 },
    { services: [service('default', 'kubernetes', { clusterIP: '10.96.0.1' })], endpointSlices: [], pods: [pod('default', 'p', ['10.244.0.2'])] },
  );
});
