// The iptables proxier's brain: (services, endpoints, node) → one complete
// `iptables-restore --noflush` payload. Only kube-proxy's own chains appear in it, and each is fully
// rewritten (declaring a chain in a --noflush restore flushes it), so one atomic restore moves the
// kernel from whatever it had to exactly the desired state. Built-in chains are never named here:
// the jumps into our chains are ensured separately (jumps.ts).
import type { Endpoints, Service } from '../../lib/api/types';
import { isHashedChain } from './chain-names';
import { servicePorts, type ServicePortInfo } from './service-ports';

export interface BuildRulesInput {
  services: Service[];
  endpoints: Endpoints[];
  /** The node's addresses. NodePorts match every local address through `addrtype LOCAL`, so the
   *  iptables rules do not need them; they are part of the input for the IPVS mode's parity. */
  nodeIPs: string[];
  /** Pod CIDR of the whole cluster: traffic from outside it to a service gets masqueraded. */
  clusterCIDR: string;
  /** Names of the nat-table chains that exist now (from `iptables-save -t nat`): stale
   *  KUBE-SVC-/KUBE-SEP- chains among them are deleted by the payload. */
  existingChains?: string[];
  /** Filled with the service ports left out because they cannot be programmed ("ns/name: why"). */
  skipped?: string[];
}

/** The packet mark (bit 14) meaning "masquerade this on the way out", as Kubernetes uses it. */
export const MASQ_MARK = '0x4000';
export const MASQ_MARK_MASK = '0x4000/0x4000';

/** The fixed chains this proxier owns, per table. */
export const OWNED_CHAINS = {
  nat: ['KUBE-SERVICES', 'KUBE-NODEPORTS', 'KUBE-POSTROUTING', 'KUBE-MARK-MASQ'],
  filter: ['KUBE-SERVICES', 'KUBE-EXTERNAL-SERVICES', 'KUBE-FORWARD'],
} as const;

const comment = (text: string) => `-m comment --comment ${/\s/.test(text) ? `"${text}"` : text}`;
const protoMatch = (sp: ServicePortInfo) => `-p ${sp.protocol} -m ${sp.protocol}`;

/** Kubernetes' probability text: ten decimals, so rules are stable text across syncs. */
export function probability(n: number): string {
  return (1 / n).toFixed(10);
}

function natServiceRules(sp: ServicePortInfo, clusterCIDR: string, out: string[]): void {
  const dst = `-d ${sp.clusterIP}/32 ${protoMatch(sp)} --dport ${sp.port}`;
  out.push(`-A KUBE-SERVICES ${comment(`${sp.name} cluster IP`)} ${dst} -j ${sp.chain}`);
  // Traffic to the cluster IP from outside the pod network (the node itself, other hosts) must be
  // masqueraded, or replies from the pod would bypass the DNAT reversal.
  out.push(`-A ${sp.chain} ${comment(`${sp.name} cluster IP`)} ${dst} ! -s ${clusterCIDR} -j KUBE-MARK-MASQ`);
  if (sp.nodePort) {
    const np = `${protoMatch(sp)} --dport ${sp.nodePort}`;
    out.push(`-A KUBE-NODEPORTS ${comment(`${sp.name} node port`)} ${np} -j KUBE-MARK-MASQ`);
    out.push(`-A KUBE-NODEPORTS ${comment(`${sp.name} node port`)} ${np} -j ${sp.chain}`);
  }
  // Random choice: the i-th of n rules takes 1/(n-i) of what reaches it, the last takes the rest,
  // which gives each endpoint an equal share.
  const n = sp.endpoints.length;
  sp.endpoints.forEach((ep, i) => {
    const pick = i < n - 1 ? ` -m statistic --mode random --probability ${probability(n - i)}` : '';
    out.push(`-A ${sp.chain} ${comment(`${sp.name} -> ${ep.endpoint}`)}${pick} -j ${ep.chain}`);
  });
  for (const ep of sp.endpoints) {
    // Hairpin: a pod reaching itself through the service must see the reply come from the service.
    out.push(`-A ${ep.chain} ${comment(sp.name)} -s ${ep.ip}/32 -j KUBE-MARK-MASQ`);
    out.push(`-A ${ep.chain} ${comment(sp.name)} ${protoMatch(sp)} -j DNAT --to-destination ${ep.endpoint}`);
  }
}

function filterRejectRules(sp: ServicePortInfo, out: string[]): void {
  const why = comment(`${sp.name} has no endpoints`);
  const reject = '-j REJECT --reject-with icmp-port-unreachable';
  out.push(`-A KUBE-SERVICES ${why} -d ${sp.clusterIP}/32 ${protoMatch(sp)} --dport ${sp.port} ${reject}`);
  if (sp.nodePort) {
    out.push(`-A KUBE-EXTERNAL-SERVICES ${why} -m addrtype --dst-type LOCAL ${protoMatch(sp)} --dport ${sp.nodePort} ${reject}`);
  }
}

export function buildRules(input: BuildRulesInput): string {
  const ports = servicePorts(input.services, input.endpoints, input.skipped);
  const cidr = input.clusterCIDR;

  const filterRules: string[] = [
    `-A KUBE-FORWARD ${comment('kubernetes forwarding rules')} -m mark --mark ${MASQ_MARK_MASK} -j ACCEPT`,
    `-A KUBE-FORWARD ${comment('kubernetes forwarding conntrack rule')} -s ${cidr} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
    `-A KUBE-FORWARD ${comment('kubernetes forwarding conntrack rule')} -d ${cidr} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
  ];
  const natRules: string[] = [
    // Unmarked packets leave KUBE-POSTROUTING untouched; marked ones lose the mark (so a packet
    // re-entering the stack is not masqueraded twice) and get masqueraded.
    `-A KUBE-POSTROUTING -m mark ! --mark ${MASQ_MARK_MASK} -j RETURN`,
    `-A KUBE-POSTROUTING -j MARK --xor-mark ${MASQ_MARK}`,
    `-A KUBE-POSTROUTING ${comment('kubernetes service traffic requiring SNAT')} -j MASQUERADE`,
    `-A KUBE-MARK-MASQ -j MARK --or-mark ${MASQ_MARK}`,
  ];

  const activeChains: string[] = [];
  for (const sp of ports) {
    if (sp.endpoints.length === 0) {
      filterRejectRules(sp, filterRules);
      continue;
    }
    activeChains.push(sp.chain, ...sp.endpoints.map((e) => e.chain));
    natServiceRules(sp, cidr, natRules);
  }
  // Must stay last: anything addressed to a local address that no cluster IP rule took may be a
  // node port.
  natRules.push(
    `-A KUBE-SERVICES ${comment('kubernetes service nodeports; must be the last rule in this chain')} -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS`,
  );

  const active = new Set(activeChains);
  const stale = [...new Set(input.existingChains ?? [])].filter((c) => isHashedChain(c) && !active.has(c)).sort();
  const declare = (c: string) => `:${c} - [0:0]`;

  return [
    '*filter',
    ...OWNED_CHAINS.filter.map(declare),
    ...filterRules,
    'COMMIT',
    '*nat',
    ...OWNED_CHAINS.nat.map(declare),
    ...[...active].map(declare),
    // A stale chain is declared (which flushes it) and then deleted; the chains that referred to
    // it are rewritten in the same transaction, so nothing points at it any more.
    ...stale.map(declare),
    ...natRules,
    ...stale.map((c) => `-X ${c}`),
    'COMMIT',
    '',
  ].join('\n');
}

/** Number of rules ("-A" lines) in a payload, for metrics. */
export function countRules(payload: string): { filter: number; nat: number } {
  const counts = { filter: 0, nat: 0 };
  let table: 'filter' | 'nat' | undefined;
  for (const line of payload.split('\n')) {
    if (line === '*filter' || line === '*nat') table = line.slice(1) as 'filter' | 'nat';
    else if (line.startsWith('-A ') && table) counts[table]++;
  }
  return counts;
}
