// Which UDP conntrack entries a sync leaves stale, decided from the previous and the next plan.
// UDP has no connection end: a conntrack entry DNATed to an endpoint keeps steering a client's
// packets there after the endpoint is gone, and an entry created while a Service had no endpoint
// (no DNAT, the packet went to the sink) keeps bypassing DNAT after endpoints appear. Both must be
// deleted, or the client's flow stays broken until it goes quiet. TCP needs none of this: a dead
// endpoint resets or times out and the client reconnects through a fresh DNAT.
import { usedEndpoints, type ProxyPlan, type ServicePortPlan } from '../plan/types';

export type ConntrackEntry =
  /** Flows to serviceIP:port DNATed to endpointIP (cluster, external and LB IPs alike). */
  | { kind: 'service-endpoint'; serviceIP: string; port: number; protocol: 'udp'; endpointIP: string }
  /** Flows to any local address on nodePort DNATed to endpointIP. */
  | { kind: 'node-port-endpoint'; nodePort: number; protocol: 'udp'; endpointIP: string }
  /** Flows to serviceIP:port that were not DNATed (created while the Service had no endpoint). */
  | { kind: 'service-ip'; serviceIP: string; port: number; protocol: 'udp' }
  /** Flows to nodePort on any local address that were not DNATed (created while the Service had no endpoint). */
  | { kind: 'node-port'; nodePort: number; protocol: 'udp' };

const keyOf = (sp: ServicePortPlan) => `${sp.name}/${sp.protocol}`;
const frontEndIPs = (sp: ServicePortPlan) => [sp.clusterIP, ...sp.externalIPs, ...sp.loadBalancerIPs];

/**
 * The entries to delete after moving from `previous` to `next` (undefined: kube-proxy just started
 * and knows nothing older — every UDP port with endpoints counts as newly active, as upstream).
 * An endpoint's flows survive while it is still serving, whatever the traffic policies or its
 * terminating state say: upstream lets existing flows finish, as TCP's do.
 */
export function staleConntrackEntries(previous: ProxyPlan | undefined, next: ProxyPlan): ConntrackEntry[] {
  const out = new Map<string, ConntrackEntry>();
  const add = (e: ConntrackEntry) => out.set(entryKey(e), e);
  const before = new Map((previous?.servicePorts ?? []).filter((sp) => sp.protocol === 'udp').map((sp) => [keyOf(sp), sp]));
  const after = new Map(next.servicePorts.filter((sp) => sp.protocol === 'udp').map((sp) => [keyOf(sp), sp]));

  for (const [key, old] of before) {
    const now = after.get(key);
    const serving = new Set((now?.allEndpoints ?? []).filter((e) => e.serving).map((e) => e.ip));
    const gone = new Set(usedEndpoints(old).map((e) => e.ip).filter((ip) => !serving.has(ip)));
    for (const endpointIP of gone) {
      for (const serviceIP of frontEndIPs(old)) add({ kind: 'service-endpoint', serviceIP, port: old.port, protocol: 'udp', endpointIP });
      if (old.nodePort > 0) add({ kind: 'node-port-endpoint', nodePort: old.nodePort, protocol: 'udp', endpointIP });
    }
  }

  for (const [key, now] of after) {
    const old = before.get(key);
    if (usedEndpoints(now).length === 0 || (old && usedEndpoints(old).length > 0)) continue;
    for (const serviceIP of frontEndIPs(now)) add({ kind: 'service-ip', serviceIP, port: now.port, protocol: 'udp' });
    if (now.nodePort > 0) add({ kind: 'node-port', nodePort: now.nodePort, protocol: 'udp' });
  }
  return [...out.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, e]) => e);
}

export function entryKey(e: ConntrackEntry): string {
  switch (e.kind) {
    case 'service-endpoint':
      return `${e.kind} ${e.serviceIP}:${e.port} -> ${e.endpointIP}`;
    case 'node-port-endpoint':
      return `${e.kind} *:${e.nodePort} -> ${e.endpointIP}`;
    case 'service-ip':
      return `${e.kind} ${e.serviceIP}:${e.port}`;
    case 'node-port':
      return `${e.kind} *:${e.nodePort}`;
  }
}

/** `conntrack` arguments deleting exactly the flows of one entry. */
export function conntrackDeleteArgs(e: ConntrackEntry): string[] {
  const base = ['-D', '-p', e.protocol];
  switch (e.kind) {
    case 'service-endpoint':
      return [...base, '--orig-dst', e.serviceIP, '--orig-port-dst', String(e.port), '--dst-nat', e.endpointIP];
    case 'node-port-endpoint':
      return [...base, '--orig-port-dst', String(e.nodePort), '--dst-nat', e.endpointIP];
    case 'service-ip':
      // Replies from the service IP itself: the flow was never DNATed. DNATed flows to live
      // endpoints (which reply from the endpoint's address) are left alone.
      return [...base, '--orig-dst', e.serviceIP, '--orig-port-dst', String(e.port), '--reply-src', e.serviceIP];
    case 'node-port':
      // Replies from the node port itself: not DNATed (a DNATed reply comes from the target port;
      // only a target port equal to the node port is caught too, and that flow just re-DNATs).
      return [...base, '--orig-port-dst', String(e.nodePort), '--reply-port-src', String(e.nodePort)];
  }
}
