// The cluster zone as a lookup table, built from plain snapshots of Services, EndpointSlices and
// Pods by the Kubernetes DNS specification (schema 1.1.0, github.com/kubernetes/dns
// docs/specification.md). Every name the spec makes exist is a key of `records` (with an empty list
// when it exists without data of its own), and every ancestor inside the zone of such a name is an
// empty non-terminal, so answer.ts tells NXDOMAIN from NODATA by two map look-ups.
//
// A full rebuild per change is the contract: it is pure and linear in the objects (1,000 Services ×
// 10 endpoints builds in tens of milliseconds, see the size test), which keeps the server's informer
// wiring to "rebuild on any event, coalesced".
import type { Pod, Service } from '../../lib/api/types';
import { rr, type AnswerRecord, type RecordData, type SoaData } from './answer-types';
import type { EndpointSlice } from '../../lib/api/endpoint-slice';
import { SERVICE_NAME_LABEL } from '../../lib/api/endpoint-slice';
import { canonicalIp, dashedIp, formatIp, parseIp, reverseName, type ParsedIp } from './ip-names';

/** The version of the spec's schema this index implements, served as `dns-version.<zone>` TXT. */
export const SCHEMA_VERSION = '1.1.0';

/**
 * How `<a-b-c-d>.<ns>.pod.<zone>` is answered (CoreDNS' `pods` option): `insecure` answers any
 * well-formed address in an existing namespace (the spec's deprecated §2.6 record, and what the
 * kubeadm/k3s Corefile configures), `verified` only addresses of pods in that namespace,
 * `disabled` none.
 */
export type PodMode = 'insecure' | 'verified' | 'disabled';

export interface ZoneOptions {
  /** Cluster domain; default cluster.local. */
  zone?: string;
  /** TTL of every positive record; default 5 s (CoreDNS' kubernetes plugin default). */
  ttl?: number;
  podMode?: PodMode;
  /** The SOA serial; the server passes the time of the last change (CoreDNS does the same). Default 1. */
  serial?: number;
  /**
   * TTL and MINIMUM of the zone's SOA; default 30 s, CoreDNS' value, so NXDOMAIN/NODATA are cached
   * for 30 s by RFC 2308 (min of the two) while positive answers live 5 s.
   */
  soaTtl?: number;
}

export interface ClusterSnapshot {
  services: Service[];
  endpointSlices: EndpointSlice[];
  pods: Pod[];
  /** Names of existing Namespaces; namespaces holding a Service, slice or Pod exist regardless. */
  namespaces?: string[];
}

export interface ZoneIndex {
  /** Lowercase, no trailing dot. */
  zone: string;
  ttl: number;
  podMode: PodMode;
  /** The zone's SOA record (owner = zone). */
  soa: AnswerRecord & { data: SoaData };
  /** Lowercase owner name → its records (owners lowercase). In-zone names and reverse (PTR) names. */
  records: Map<string, AnswerRecord[]>;
  /** In-zone names that exist only because a name below them does. */
  nonTerminals: Set<string>;
  namespaces: Set<string>;
  /** `<ns>/<canonical ip>` of every pod address, for podMode verified. */
  podIps: Set<string>;
}

const HEADLESS = 'None';
const TOLERATE_UNREADY = 'service.alpha.kubernetes.io/tolerate-unready-endpoints';

function stripDot(name: string): string {
  return name.endsWith('.') ? name.slice(0, -1) : name;
}

/** What makes two records of one owner the same (priority/weight are filled in after building). */
function dataKey(data: RecordData): string {
  switch (data.kind) {
    case 'A':
    case 'AAAA':
      return data.address;
    case 'CNAME':
    case 'NS':
    case 'PTR':
      return `${data.kind} ${data.target}`;
    case 'SRV':
      return `SRV ${data.port} ${data.target}`;
    default:
      return JSON.stringify(data);
  }
}

/** Accumulates records per owner without duplicates (an address in two slices is one record). */
class RecordSet {
  readonly records = new Map<string, AnswerRecord[]>();
  private readonly seen = new Map<string, Set<string>>();

  touch(owner: string): void {
    if (!this.records.has(owner)) {
      this.records.set(owner, []);
      this.seen.set(owner, new Set());
    }
  }

  add(owner: string, ttl: number, data: RecordData): void {
    this.touch(owner);
    const seen = this.seen.get(owner)!;
    const key = dataKey(data);
    if (seen.has(key)) return;
    seen.add(key);
    this.records.get(owner)!.push(rr(owner, ttl, data));
  }
}

function addressRecord(ip: ParsedIp, text: string): RecordData {
  return ip.family === 4 ? { kind: 'A', address: text } : { kind: 'AAAA', address: text };
}

/** `_<port>._<proto>` labels of a named port; undefined for an unnamed one (no SRV, spec §2.3.2). */
function srvPrefix(name: string | undefined, protocol: string | undefined): string | undefined {
  if (!name) return undefined;
  return `_${name.toLowerCase()}._${(protocol ?? 'TCP').toLowerCase()}`;
}

function serviceIps(svc: Service): { ip: ParsedIp; text: string }[] {
  const listed = svc.spec.clusterIPs?.length ? svc.spec.clusterIPs : svc.spec.clusterIP ? [svc.spec.clusterIP] : [];
  const out: { ip: ParsedIp; text: string }[] = [];
  for (const raw of listed) {
    const ip = parseIp(raw);
    if (ip) out.push({ ip, text: formatIp(ip) });
  }
  return out;
}

/** An endpoint counts when ready (nil is ready), or always when the Service publishes not-ready ones. */
function publishesNotReady(svc: Service): boolean {
  return svc.spec.publishNotReadyAddresses === true || svc.metadata.annotations?.[TOLERATE_UNREADY] === 'true';
}

interface Ctx {
  zone: string;
  ttl: number;
  set: RecordSet;
}

function addClusterIpService(ctx: Ctx, svc: Service, fqdn: string): void {
  const { set, ttl } = ctx;
  set.touch(fqdn);
  for (const { ip, text } of serviceIps(svc)) {
    set.add(fqdn, ttl, addressRecord(ip, text)); // §2.3.1, by family for dual-stack
    set.add(reverseName(ip), ttl, { kind: 'PTR', target: fqdn }); // §2.3.3
  }
  for (const p of svc.spec.ports ?? []) {
    const prefix = srvPrefix(p.name, p.protocol);
    if (!prefix) continue;
    set.add(`${prefix}.${fqdn}`, ttl, { kind: 'SRV', priority: 0, weight: 0, port: p.port, target: fqdn }); // §2.3.2
  }
}

function addHeadlessService(ctx: Ctx, svc: Service, fqdn: string, slices: EndpointSlice[]): void {
  const { set, ttl } = ctx;
  const all = publishesNotReady(svc);
  for (const slice of slices) {
    if (slice.addressType !== 'IPv4' && slice.addressType !== 'IPv6') continue;
    for (const ep of slice.endpoints ?? []) {
      if (!all && ep.conditions?.ready === false) continue;
      for (const raw of ep.addresses ?? []) {
        const ip = parseIp(raw);
        if (!ip) continue;
        const text = formatIp(ip);
        // The spec's _hostname_: the endpoint's hostname, else a unique identifier of our choosing —
        // the dashed address, as CoreDNS, so that it is stable and an SRV target always resolves.
        const host = `${(ep.hostname || dashedIp(ip)).toLowerCase()}.${fqdn}`;
        set.add(fqdn, ttl, addressRecord(ip, text)); // §2.4.1
        set.add(host, ttl, addressRecord(ip, text)); // §2.4.1, <hostname>.<service>
        set.add(reverseName(ip), ttl, { kind: 'PTR', target: host }); // §2.4.3
        // §2.4.2 says "port in the Service", but a headless Service is not proxied: clients connect
        // to the endpoint, so the number is the slice's (target) port, as CoreDNS and kube-dns serve.
        for (const p of slice.ports ?? []) {
          const prefix = srvPrefix(p.name, p.protocol);
          if (!prefix || p.port === undefined) continue;
          set.add(`${prefix}.${fqdn}`, ttl, { kind: 'SRV', priority: 0, weight: 0, port: p.port, target: host });
        }
      }
    }
  }
}

/** RFC 2782 leaves weights to us: equal shares of 100 among a name's targets (CoreDNS does the same). */
function spreadSrvWeights(records: Map<string, AnswerRecord[]>): void {
  for (const list of records.values()) {
    const srv = list.filter((r) => r.data.kind === 'SRV');
    if (!srv.length) continue;
    const weight = Math.max(1, Math.floor(100 / srv.length));
    for (const r of srv) if (r.data.kind === 'SRV') r.data = { ...r.data, weight };
  }
}

/** Plain code-unit order (not localeCompare): deterministic on every host and cheap. */
function byNamespacedName(a: { metadata: { namespace?: string; name?: string } }, b: typeof a): number {
  const x = `${a.metadata.namespace}/${a.metadata.name}`;
  const y = `${b.metadata.namespace}/${b.metadata.name}`;
  return x < y ? -1 : x > y ? 1 : 0;
}

export function buildZoneIndex(snapshot: ClusterSnapshot, options: ZoneOptions = {}): ZoneIndex {
  const zone = stripDot(options.zone ?? 'cluster.local').toLowerCase();
  const ttl = options.ttl ?? 5;
  const soaTtl = options.soaTtl ?? 30;
  const podMode = options.podMode ?? 'insecure';
  const set = new RecordSet();
  const ctx: Ctx = { zone, ttl, set };

  const soa = rr(zone, soaTtl, {
    kind: 'SOA',
    mname: `ns.dns.${zone}`,
    rname: `hostmaster.${zone}`,
    serial: options.serial ?? 1,
    refresh: 7200,
    retry: 1800,
    expire: 86400,
    minimum: soaTtl,
  }) as ZoneIndex['soa'];
  set.add(zone, soaTtl, soa.data);
  set.add(zone, soaTtl, { kind: 'NS', target: `ns.dns.${zone}` });
  set.add(`dns-version.${zone}`, ttl, { kind: 'TXT', strings: [SCHEMA_VERSION] }); // §2.2

  const namespaces = new Set<string>((snapshot.namespaces ?? []).map((n) => n.toLowerCase()));
  const podIps = new Set<string>();

  const slicesBySvc = new Map<string, EndpointSlice[]>();
  for (const slice of [...snapshot.endpointSlices].sort(byNamespacedName)) {
    const svcName = slice.metadata.labels?.[SERVICE_NAME_LABEL];
    const ns = slice.metadata.namespace;
    if (!svcName || !ns) continue;
    namespaces.add(ns.toLowerCase());
    const key = `${ns}/${svcName}`;
    if (!slicesBySvc.has(key)) slicesBySvc.set(key, []);
    slicesBySvc.get(key)!.push(slice);
  }

  for (const svc of [...snapshot.services].sort(byNamespacedName)) {
    const { namespace: ns, name } = svc.metadata;
    if (!ns || !name) continue;
    namespaces.add(ns.toLowerCase());
    const fqdn = `${name}.${ns}.svc.${zone}`.toLowerCase();
    if (svc.spec.type === 'ExternalName') {
      const ext = typeof svc.spec.externalName === 'string' ? stripDot(svc.spec.externalName) : '';
      if (ext) set.add(fqdn, ttl, { kind: 'CNAME', target: ext }); // §2.5
    } else if (svc.spec.clusterIP === HEADLESS || svc.spec.clusterIPs?.[0] === HEADLESS) {
      addHeadlessService(ctx, svc, fqdn, slicesBySvc.get(`${ns}/${name}`) ?? []);
    } else {
      addClusterIpService(ctx, svc, fqdn);
    }
  }

  for (const pod of snapshot.pods) {
    const ns = pod.metadata.namespace;
    if (!ns) continue;
    namespaces.add(ns.toLowerCase());
    const ips = pod.status?.podIPs?.length ? pod.status.podIPs.map((p) => p.ip) : pod.status?.podIP ? [pod.status.podIP] : [];
    for (const raw of ips) {
      const text = canonicalIp(raw);
      if (text) podIps.add(`${ns.toLowerCase()}/${text}`);
    }
  }

  spreadSrvWeights(set.records);

  // Every in-zone ancestor of an owner exists (RFC 8020's empty non-terminals), as does every
  // namespace's `<ns>.svc` and `<ns>.pod` even with nothing below (the brief's and CoreDNS' NODATA).
  const nonTerminals = new Set<string>();
  const addAncestors = (name: string) => {
    let n = name;
    while (n.length > zone.length) {
      const dot = n.indexOf('.');
      if (dot < 0) break;
      n = n.slice(dot + 1);
      if (n.length <= zone.length) break;
      if (!set.records.has(n)) nonTerminals.add(n);
    }
  };
  for (const ns of namespaces) {
    for (const kind of podMode === 'disabled' ? ['svc'] : ['svc', 'pod']) {
      const n = `${ns}.${kind}.${zone}`;
      if (!set.records.has(n)) nonTerminals.add(n);
      addAncestors(n);
    }
  }
  for (const owner of set.records.keys()) if (owner.endsWith(`.${zone}`)) addAncestors(owner);

  return { zone, ttl, podMode, soa, records: set.records, nonTerminals, namespaces, podIps };
}
