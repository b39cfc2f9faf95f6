// The iptables proxier's brain: the proxy plan (plan/plan-services.ts) → one
// `iptables-restore --noflush` payload. Only kube-proxy's own chains appear in it, and each chain
// named is fully rewritten (declaring a chain in a --noflush restore flushes it), so one atomic
// restore moves the kernel to exactly the desired state. A full payload names every chain; a
// partial one (given what the last successful apply wrote) names the fixed chains and only those
// per-port chains whose rules changed, so one endpoint change costs a few hundred lines instead of
// all of them. Built-in chains are never named here: the jumps into our chains are ensured
// separately (jumps.ts). The rules of each service port are in service-port-rules.ts.
import type { ProxyPlan, ServicePortPlan } from '../plan/types';
import { isHashedChain } from './chain-names';
import { comment, servicePortRules, type PortRules } from './service-port-rules';

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
  /** What the last successful apply wrote into each hashed nat chain (chain → its rules' text, as
   *  `chains` of that build). Given: a partial payload, which rewrites a hashed chain only when its
   *  text differs (or it is new) and deletes the remembered chains no longer wanted. Absent: a
   *  full payload. */
  previous?: ReadonlyMap<string, string>;
  /** The last build's `portMemo`: ports whose plan is unchanged reuse their rules instead of
   *  being built again. Only a speed-up: the output is the same with or without it. */
  portMemo?: ReadonlyMap<string, BuiltPort>;
}

export interface BuiltRules {
  payload: string;
  /** Every hashed nat chain of the desired state → its rules' text: the next build's `previous`. */
  chains: Map<string, string>;
  /** Every port's rules, for the next build's `portMemo`. */
  portMemo: Map<string, BuiltPort>;
  /** Rules of the whole desired state, per table (a partial payload carries fewer). */
  rules: { filter: number; nat: number };
}

/** The packet mark (bit 14) meaning "masquerade this on the way out", as Kubernetes uses it. */
export const MASQ_MARK = '0x4000';
export const MASQ_MARK_MASK = '0x4000/0x4000';

/** The fixed chains this proxier owns, per table. */
export const OWNED_CHAINS = {
  nat: ['KUBE-SERVICES', 'KUBE-NODEPORTS', 'KUBE-POSTROUTING', 'KUBE-MARK-MASQ'],
  filter: ['KUBE-SERVICES', 'KUBE-EXTERNAL-SERVICES', 'KUBE-FORWARD', 'KUBE-NODEPORTS'],
} as const;

export function buildRules(input: BuildRulesInput): BuiltRules {
  const cidr = input.clusterCIDR;

  const filterRules: string[] = [
    `-A KUBE-FORWARD ${comment('kubernetes forwarding rules')} -m mark --mark ${MASQ_MARK_MASK} -j ACCEPT`,
    `-A KUBE-FORWARD ${comment('kubernetes forwarding conntrack rule')} -s ${cidr} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
    `-A KUBE-FORWARD ${comment('kubernetes forwarding conntrack rule')} -d ${cidr} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
  ];
  const natHead: string[] = [
    // Unmarked packets leave KUBE-POSTROUTING untouched; marked ones lose the mark (so a packet
    // re-entering the stack is not masqueraded twice) and get masqueraded.
    `-A KUBE-POSTROUTING -m mark ! --mark ${MASQ_MARK_MASK} -j RETURN`,
    `-A KUBE-POSTROUTING -j MARK --xor-mark ${MASQ_MARK}`,
    `-A KUBE-POSTROUTING ${comment('kubernetes service traffic requiring SNAT')} -j MASQUERADE`,
    `-A KUBE-MARK-MASQ -j MARK --or-mark ${MASQ_MARK}`,
  ];

  // Each port's rules, taken from the memo when the port is exactly as last built (1,000 ports of
  // 10 endpoints are ~32k rule strings and 11k chain-name hashes: most of a partial sync's time).
  const ports: BuiltPort[] = [];
  const portMemo = new Map<string, BuiltPort>();
  for (const sp of input.plan.servicePorts) {
    const key = `${cidr} ${JSON.stringify(sp)}`;
    const port = input.portMemo?.get(key) ?? builtPort(sp, cidr);
    portMemo.set(key, port);
    ports.push(port);
    filterRules.push(...port.filter);
  }
  // Must stay last: anything addressed to a local address that no cluster IP rule took may be a
  // node port.
  const natTail = `-A KUBE-SERVICES ${comment('kubernetes service nodeports; must be the last rule in this chain')} -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS`;

  const chains = new Map<string, string>();
  for (const port of ports) for (const [c, text] of port.texts) chains.set(c, text);
  const previous = input.previous;
  // The hashed chains this payload rewrites: all of them, or those whose rules changed.
  const rewrite = previous ? new Set([...chains].filter(([c, text]) => previous.get(c) !== text).map(([c]) => c)) : new Set(chains.keys());
  // Stale: a full build trusts only the kernel's list; a partial one what the last apply wrote.
  const candidates = previous ? previous.keys() : (input.existingChains ?? []);
  const stale = [...new Set(candidates)].filter((c) => isHashedChain(c) && !chains.has(c)).sort();
  const declare = (c: string) => `:${c} - [0:0]`;
  // A port's rules in its hashed chains stay out when those did not change: the kernel holds them.
  const sent = (port: BuiltPort): string[] => {
    if (!previous) return port.nat;
    if (!port.texts.some(([c]) => rewrite.has(c))) return port.fixedNat;
    return port.nat.filter((l) => { const c = ruleChain(l); return !isHashedChain(c) || rewrite.has(c); });
  };

  const payload = [
    '*filter',
    ...OWNED_CHAINS.filter.map(declare),
    ...filterRules,
    'COMMIT',
    '*nat',
    ...OWNED_CHAINS.nat.map(declare),
    ...[...rewrite].map(declare),
    // A stale chain is declared (which flushes it) and then deleted; the chains that referred to
    // it are rewritten in the same transaction (their text no longer names it, so they changed),
    // so nothing points at it any more.
    ...stale.map(declare),
    ...natHead,
    ...ports.flatMap(sent),
    natTail,
    ...stale.map((c) => `-X ${c}`),
    'COMMIT',
    '',
  ].join('\n');
  const nat = natHead.length + 1 + ports.reduce((n, p) => n + p.nat.length, 0);
  return { payload, chains, portMemo, rules: { filter: filterRules.length, nat } };
}

/** One service port's rules as built, kept (see BuildRulesInput.portMemo) to be reused unchanged. */
export interface BuiltPort extends PortRules {
  /** Its nat rules in the fixed chains (KUBE-SERVICES, KUBE-NODEPORTS): sent on every sync. */
  fixedNat: string[];
  /** Each of its hashed chains with the text of its rules, in order. */
  texts: [string, string][];
}

function builtPort(sp: ServicePortPlan, cidr: string): BuiltPort {
  const r = servicePortRules(sp, cidr);
  const lines = new Map<string, string[]>(r.chains.map((c) => [c, []]));
  const fixedNat: string[] = [];
  for (const l of r.nat) {
    const own = lines.get(ruleChain(l));
    if (own) own.push(l);
    else fixedNat.push(l);
  }
  return { ...r, fixedNat, texts: [...lines].map(([c, ls]) => [c, ls.join('\n')]) };
}

/** The chain an "-A CHAIN ..." line appends to. */
function ruleChain(line: string): string {
  const end = line.indexOf(' ', 3);
  return line.slice(3, end < 0 ? undefined : end);
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
