// From what the kernel has to what the plan wants, as the smallest `ipvsadm-restore` input: a
// restore only adds, so the applier reads `ipvsadm-save -n`, and this pure diff deletes what is
// stale, edits what changed and adds what is new — live virtual servers are never torn down and
// re-added, which would drop their connections. Like upstream, kube-proxy owns every IPv4
// virtual server on the node (firewall-mark services excepted).
import type { Protocol } from '../plan/types';
import { addRealServerLine, addVirtualServerLine, serviceFlag, virtualServerKey, type RealServer, type VirtualServer } from './build-ipvs';

export class IpvsParseError extends Error {
  readonly code = 'IPVS_PARSE';
  constructor(message: string) {
    super(message);
    this.name = 'IpvsParseError';
  }
}

export interface SavedRealServer extends RealServer {
  /** -m (masquerade), -g (route) or -i (tunnel). */
  method: string;
}

export interface SavedVirtualServer extends Omit<VirtualServer, 'service' | 'frontEnd' | 'realServers' | 'scheduler'> {
  scheduler: string;
  realServers: SavedRealServer[];
}

const FLAGS: Record<string, Protocol> = { '-t': 'tcp', '--tcp-service': 'tcp', '-u': 'udp', '--udp-service': 'udp', '--sctp-service': 'sctp' };

function splitHostPort(s: string, line: string): [string, number] {
  const m = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(s);
  if (!m) throw new IpvsParseError(`ipvsadm-save: not an IPv4 address:port "${s}" in "${line}"`);
  return [m[1], Number(m[2])];
}

/** Parses `ipvsadm-save -n`. IPv6 and firewall-mark services are skipped: they are not ours. */
export function parseIpvsadmSave(text: string): SavedVirtualServer[] {
  const byKey = new Map<string, SavedVirtualServer>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const t = line.split(/\s+/);
    const flagAt = t.findIndex((x) => x in FLAGS);
    if (flagAt < 0 || (t[0] !== '-A' && t[0] !== '-a')) continue; // -f fwmark services and anything else
    if (t[flagAt + 1]?.startsWith('[')) continue; // IPv6
    const protocol = FLAGS[t[flagAt]];
    const [address, port] = splitHostPort(t[flagAt + 1] ?? '', line);
    const opt = (name: string) => {
      const i = t.indexOf(name);
      return i >= 0 ? t[i + 1] : undefined;
    };
    const key = virtualServerKey({ protocol, address, port });
    if (t[0] === '-A') {
      const p = opt('-p');
      byKey.set(key, { protocol, address, port, scheduler: opt('-s') ?? 'wlc', ...(p !== undefined ? { persistenceSeconds: Number(p) } : {}), realServers: [] });
      continue;
    }
    const vs = byKey.get(key);
    if (!vs) throw new IpvsParseError(`ipvsadm-save: real server before its virtual server in "${line}"`);
    const r = opt('-r');
    if (r === undefined || r.startsWith('[')) continue;
    const [rAddress, rPort] = splitHostPort(r, line);
    const method = ['-m', '-g', '-i'].find((m) => t.includes(m)) ?? '-g';
    vs.realServers.push({ address: rAddress, port: rPort, weight: Number(opt('-w') ?? 1), method });
  }
  return [...byKey.values()];
}

const rsKey = (r: { address: string; port: number }) => `${r.address}:${r.port}`;

/** The restore lines turning `current` into `desired`: deletions first, then edits and additions. */
export function ipvsadmChanges(current: SavedVirtualServer[], desired: VirtualServer[]): string[] {
  const want = new Map(desired.map((vs) => [virtualServerKey(vs), vs]));
  const have = new Map(current.map((vs) => [virtualServerKey(vs), vs]));
  const deletes: string[] = [];
  const rest: string[] = [];
  for (const [key, vs] of have) if (!want.has(key)) deletes.push(`-D ${serviceFlag(vs.protocol)} ${vs.address}:${vs.port}`);
  for (const [key, vs] of want) {
    const cur = have.get(key);
    if (!cur) {
      rest.push(addVirtualServerLine(vs), ...vs.realServers.map((rs) => addRealServerLine(vs, rs)));
      continue;
    }
    if (cur.scheduler !== vs.scheduler || cur.persistenceSeconds !== vs.persistenceSeconds) rest.push(addVirtualServerLine(vs).replace(/^-A /, '-E '));
    const wantRs = new Map(vs.realServers.map((r) => [rsKey(r), r]));
    const haveRs = new Map(cur.realServers.map((r) => [rsKey(r), r]));
    for (const k of haveRs.keys()) if (!wantRs.has(k)) deletes.push(`-d ${serviceFlag(vs.protocol)} ${vs.address}:${vs.port} -r ${k}`);
    for (const [k, r] of wantRs) {
      const h = haveRs.get(k);
      if (!h) rest.push(addRealServerLine(vs, r));
      else if (h.weight !== r.weight || h.method !== '-m') rest.push(addRealServerLine(vs, r).replace(/^-a /, '-e '));
    }
  }
  return [...deletes, ...rest];
}

/** Addresses to add to and delete from the kube-ipvs0 device. */
export function addressChanges(current: string[], desired: string[]): { add: string[]; del: string[] } {
  const have = new Set(current);
  const want = new Set(desired);
  return { add: desired.filter((a) => !have.has(a)), del: current.filter((a) => !want.has(a)).sort() };
}
