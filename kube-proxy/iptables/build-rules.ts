// The iptables proxier's brain: the proxy plan (plan/plan-services.ts) → one complete
// `iptables-restore --noflush` payload. Only kube-proxy's own chains appear in it, and each is fully
// rewritten (declaring a chain in a --noflush restore flushes it), so one atomic restore moves the
// kernel from whatever it had to exactly the desired state. Built-in chains are never named here:
// the jumps into our chains are ensured separately (jumps.ts). The rules of each service port are
// in service-port-rules.ts.
import type { ProxyPlan } from '../plan/types';
import { isHashedChain } from './chain-names';
import { comment, servicePortRules } from './service-port-rules';

export { probability } from './service-port-rules';

export interface BuildRulesInput {
  plan: ProxyPlan;
  /** The node's addresses. NodePorts match every local address through `addrtype LOCAL`, so the
   *  iptables rules do not need them; they are part of the input for the other modes' parity. */
  nodeIPs: string[];
  /** Pod CIDR of the whole cluster: traffic from outside it to a service gets masqueraded. */
  clusterCIDR: string;
  /** Names of the nat-table chains that exist now (from `iptables-save -t nat`): stale hashed
   *  chains (KUBE-SVC-, KUBE-SVL-, KUBE-EXT-, KUBE-FW-, KUBE-SEP-) among them are deleted. */
  existingChains?: string[];
}

/** The packet mark (bit 14) meaning "masquerade this on the way out", as Kubernetes uses it. */
export const MASQ_MARK = '0x4000';
export const MASQ_MARK_MASK = '0x4000/0x4000';

/** The fixed chains this proxier owns, per table. */
export const OWNED_CHAINS = {
  nat: ['KUBE-SERVICES', 'KUBE-NODEPORTS', 'KUBE-POSTROUTING', 'KUBE-MARK-MASQ'],
  filter: ['KUBE-SERVICES', 'KUBE-EXTERNAL-SERVICES', 'KUBE-FORWARD', 'KUBE-NODEPORTS'],
} as const;

export function buildRules(input: BuildRulesInput): string {
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
  for (const sp of input.plan.servicePorts) {
    const r = servicePortRules(sp, cidr);
    activeChains.push(...r.chains);
    natRules.push(...r.nat);
    filterRules.push(...r.filter);
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
