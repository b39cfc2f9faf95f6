// The nftables proxier's brain: a ProxyPlan → one `nft -f` transaction that makes the table
// `ip k8ts-proxy` exactly the desired state. nft applies a file as one kernel transaction, so the
// kernel moves from whatever the table held to the new contents atomically; no other table is
// named, so nothing outside ours is touched.
//
// Two shapes, chosen by whether the caller says what the table holds now (`existing`):
//  - without it (the first sync of a process): `add table` + `delete table` + the whole table.
//    Simplest possible, and it also sweeps anything an older version left behind.
//  - with it (every later sync): the table stays; every chain is flushed and refilled, the fixed
//    maps are flushed and refilled, and chains and sets that are no longer wanted are deleted.
//    This is what Kubernetes does, for one reason that matters: the per-endpoint affinity sets
//    keep their entries, so ClientIP session affinity survives syncs (re-creating the table on
//    every sync would send every sticky client to a random endpoint after each Service change
//    anywhere in the cluster). An affinity set whose timeout changed is deleted and re-created,
//    because the kernel refuses to change a set's timeout in place.
//
// Kernels before 6.2 may refuse to delete a chain in the transaction that removed the last map
// element naming it; kube-proxy's nftables mode needs a newer kernel anyway (see applier.ts).
import type { ProxyPlan } from '../plan/types';
import { checkCIDR, checkNodeIPs, checkTableName, unprogrammable } from './check-plan';
import { CHAIN, DEFAULT_TABLE, MAP, SET } from './names';
import { Ruleset } from './ruleset';
import { addServicePort } from './service-port-rules';

/** What the table holds now, as read by NftablesApplier.existingState(). */
export interface NftExistingState {
  chains: string[];
  /** Sets (not maps), with their timeout in seconds when they have one. */
  sets: { name: string; timeoutSeconds?: number }[];
  maps: string[];
}

export interface BuildNftOptions {
  /** Pod CIDR of the whole cluster: traffic from outside it to a cluster IP is masqueraded, and
   *  with externalTrafficPolicy Local, traffic from inside it keeps using every endpoint. */
  clusterCIDR: string;
  /** The node's addresses. Node ports answer on every local address (`fib daddr type local`),
   *  as in the iptables mode, so the rules do not list them; they are checked for the other
   *  modes' parity (IPVS binds them). */
  nodeIPs: string[];
  /** Default 'k8ts-proxy' (family ip). */
  tableName?: string;
  /** The table's current objects; absent → re-create the whole table. */
  existing?: NftExistingState;
  /** Filled with the service ports left out because they cannot be programmed ("ns/name: why"). */
  skipped?: string[];
}

/** The packet mark (bit 14) meaning "masquerade this on the way out", as Kubernetes uses it. */
export const MASQ_MARK = '0x00004000';

interface BaseChain {
  name: string;
  type: 'filter' | 'nat';
  hook: 'prerouting' | 'input' | 'forward' | 'output' | 'postrouting';
  priority: number;
  jumps: string[];
}

// Numeric priorities (dstnat is -100, srcnat 100) keep the text independent of nft's names for
// them. The filter chains run just before DNAT so they see the address the client used; the
// second output chain runs just after it, to catch what no DNAT rule took.
const BASE_CHAINS: BaseChain[] = [
  { name: 'filter-input', type: 'filter', hook: 'input', priority: -110, jumps: [`ct state new jump ${CHAIN.nodePortEndpointsCheck}`, `ct state new jump ${CHAIN.serviceEndpointsCheck}`] },
  { name: 'filter-forward', type: 'filter', hook: 'forward', priority: -110, jumps: [`ct state new jump ${CHAIN.serviceEndpointsCheck}`, `ct state new jump ${CHAIN.clusterIPsCheck}`] },
  { name: 'filter-output', type: 'filter', hook: 'output', priority: -110, jumps: [`ct state new jump ${CHAIN.serviceEndpointsCheck}`] },
  { name: 'filter-output-post-dnat', type: 'filter', hook: 'output', priority: -90, jumps: [`ct state new jump ${CHAIN.clusterIPsCheck}`] },
  { name: 'nat-prerouting', type: 'nat', hook: 'prerouting', priority: -100, jumps: [`jump ${CHAIN.services}`] },
  { name: 'nat-output', type: 'nat', hook: 'output', priority: -100, jumps: [`jump ${CHAIN.services}`] },
  { name: 'nat-postrouting', type: 'nat', hook: 'postrouting', priority: 100, jumps: [`jump ${CHAIN.masquerading}`] },
];

const SERVICE_KEY = 'ipv4_addr . inet_proto . inet_service : verdict';
const NODEPORT_KEY = 'inet_proto . inet_service : verdict';
const FIXED_MAPS: { name: string; type: string; comment: string }[] = [
  { name: MAP.serviceIPs, type: SERVICE_KEY, comment: 'ClusterIP, ExternalIP and LoadBalancer IP traffic' },
  { name: MAP.serviceNodePorts, type: NODEPORT_KEY, comment: 'NodePort traffic' },
  { name: MAP.noEndpointServices, type: SERVICE_KEY, comment: 'service addresses to drop or reject: no usable endpoints' },
  { name: MAP.noEndpointNodePorts, type: NODEPORT_KEY, comment: 'node ports to drop or reject: no usable endpoints' },
];

/** The fixed regular chains and their rules, in a Ruleset that service ports are added to. */
function skeleton(): Ruleset {
  const rs = new Ruleset();
  rs.rule(CHAIN.services, `ip daddr . meta l4proto . th dport vmap @${MAP.serviceIPs}`);
  // Node ports on every local address but loopback: DNAT from 127.0.0.1 to a pod needs
  // route_localnet, which Kubernetes' nftables mode deliberately does not enable.
  rs.rule(CHAIN.services, `fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @${MAP.serviceNodePorts}`);
  // Unmarked packets pass; marked ones lose the mark (a packet re-entering the stack is not
  // masqueraded twice) and are masqueraded.
  rs.rule(CHAIN.masquerading, `mark and ${MASQ_MARK} == 0 return`);
  rs.rule(CHAIN.masquerading, `mark set mark xor ${MASQ_MARK}`);
  rs.rule(CHAIN.masquerading, 'masquerade fully-random');
  rs.rule(CHAIN.markMasq, `mark set mark or ${MASQ_MARK}`);
  rs.rule(CHAIN.serviceEndpointsCheck, `ip daddr . meta l4proto . th dport vmap @${MAP.noEndpointServices}`);
  // Reached from the input hook only, so the destination is already known to be local.
  rs.rule(CHAIN.nodePortEndpointsCheck, `ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @${MAP.noEndpointNodePorts}`);
  // A cluster IP on a port no Service defines was not DNATed: refuse it rather than let it wander.
  rs.rule(CHAIN.clusterIPsCheck, `ip daddr @${SET.clusterIPs} reject comment "no such port on this cluster IP"`);
  rs.rule(CHAIN.reject, 'reject');
  return rs;
}

export function buildNftRuleset(plan: ProxyPlan, opts: BuildNftOptions): string {
  return writeNftRuleset(desiredNftRuleset(plan, opts), { tableName: opts.tableName, existing: opts.existing });
}

/** The table's desired contents for the plan (regular chains, affinity sets, elements); the base
 *  chains are fixed and written by writeNftRuleset. Kept by the caller as its memory of the table
 *  after a successful apply, so the next sync can send only the difference (partial-ruleset.ts). */
export function desiredNftRuleset(plan: ProxyPlan, opts: Omit<BuildNftOptions, 'existing'>): Ruleset {
  checkTableName(opts.tableName ?? DEFAULT_TABLE);
  checkCIDR(opts.clusterCIDR);
  checkNodeIPs(opts.nodeIPs ?? []);
  const rs = skeleton();
  for (const sp of plan.servicePorts) {
    const why = unprogrammable(sp);
    if (why) {
      opts.skipped?.push(`${sp.name}: ${why}`);
      continue;
    }
    addServicePort(rs, sp, opts.clusterCIDR);
  }
  return rs;
}

/** The whole table as one transaction: re-created when `existing` is absent, else in place. */
export function writeNftRuleset(rs: Ruleset, opts: { tableName?: string; existing?: NftExistingState }): string {
  const table = opts.tableName ?? DEFAULT_TABLE;
  checkTableName(table);
  const T = `ip ${table}`;

  const out: string[] = [];
  // An object someone else put into our table under a name that cannot be written unquoted is
  // swept by re-creating the table rather than by naming it.
  const existing = opts.existing && nameable(opts.existing) ? opts.existing : undefined;
  if (!existing) out.push(`add table ${T}`, `delete table ${T}`);
  out.push(`add table ${T} { comment "k8ts kube-proxy (nftables mode)"; }`);

  const baseNames = BASE_CHAINS.map((b) => b.name);
  for (const b of BASE_CHAINS) {
    out.push(`add chain ${T} ${b.name} { type ${b.type} hook ${b.hook} priority ${b.priority}; policy accept; }`);
  }
  for (const c of rs.chains.keys()) out.push(`add chain ${T} ${c}`);

  const wantedChains = new Set([...baseNames, ...rs.chains.keys()]);
  const wantedSets = new Map<string, number | undefined>([[SET.clusterIPs, undefined], ...rs.affinitySets]);
  const wantedMaps = new Set(FIXED_MAPS.map((m) => m.name));
  const staleChains = existing ? [...new Set(existing.chains)].filter((c) => !wantedChains.has(c)).sort() : [];

  if (existing) {
    // Empty every chain first: after this no rule refers to a set or chain about to be deleted.
    for (const c of [...wantedChains, ...staleChains]) out.push(`flush chain ${T} ${c}`);
    const dropSets = existing.sets
      .filter((s) => !wantedSets.has(s.name) || (wantedSets.get(s.name) !== undefined && wantedSets.get(s.name) !== s.timeoutSeconds))
      .map((s) => s.name);
    for (const s of [...new Set(dropSets)].sort()) out.push(`delete set ${T} ${s}`);
    for (const m of [...new Set(existing.maps)].filter((m) => !wantedMaps.has(m)).sort()) out.push(`delete map ${T} ${m}`);
  }

  out.push(`add set ${T} ${SET.clusterIPs} { type ipv4_addr; comment "active cluster IPs"; }`);
  for (const m of FIXED_MAPS) out.push(`add map ${T} ${m.name} { type ${m.type}; comment "${m.comment}"; }`);
  for (const [name, timeout] of rs.affinitySets) out.push(addAffinitySet(T, name, timeout));
  if (existing) {
    out.push(`flush set ${T} ${SET.clusterIPs}`);
    for (const m of FIXED_MAPS) out.push(`flush map ${T} ${m.name}`);
  }

  for (const b of BASE_CHAINS) for (const j of b.jumps) out.push(`add rule ${T} ${b.name} ${j}`);
  for (const [chain, rules] of rs.chains) for (const r of rules) out.push(`add rule ${T} ${chain} ${r}`);
  for (const [container, elements] of rs.elements) for (const e of elements) out.push(`add element ${T} ${container} { ${e} }`);

  for (const c of staleChains) out.push(`delete chain ${T} ${c}`);
  out.push('');
  return out.join('\n');
}

/** Declares an affinity set ("ip <table>" as T). "dynamic" because the packet path adds elements;
 *  without it the kernel adds the flag itself and a later `add set` with different flags would fail. */
export function addAffinitySet(T: string, name: string, timeoutSeconds: number): string {
  return `add set ${T} ${name} { type ipv4_addr; flags dynamic,timeout; timeout ${timeoutSeconds}s; }`;
}

/** nft identifiers as this file writes them: a letter, "_" or "." first, then also digits, "/", "-". */
const IDENTIFIER = /^[A-Za-z_.][A-Za-z0-9/_.-]*$/;

function nameable(e: NftExistingState): boolean {
  return [...e.chains, ...e.sets.map((s) => s.name), ...e.maps].every((n) => IDENTIFIER.test(n));
}

/** Number of rules in a payload (for metrics): every `add rule` line. */
export function countNftRules(payload: string): number {
  let n = 0;
  for (const line of payload.split('\n')) if (line.startsWith('add rule ')) n++;
  return n;
}

/** What the table holds after a successful apply of rs: the in-place full sync's `existing`,
 *  from memory instead of an `nft -j list` of the whole table. */
export function existingFromRuleset(rs: Ruleset): NftExistingState {
  return {
    chains: [...BASE_CHAINS.map((b) => b.name), ...rs.chains.keys()],
    sets: [{ name: SET.clusterIPs }, ...[...rs.affinitySets].map(([name, timeoutSeconds]) => ({ name, timeoutSeconds }))],
    maps: FIXED_MAPS.map((m) => m.name),
  };
}

/** Rules the table holds with rs applied (the metric), without writing the payload. */
export function countRulesetRules(rs: Ruleset): number {
  let n = 0;
  for (const b of BASE_CHAINS) n += b.jumps.length;
  for (const rules of rs.chains.values()) n += rules.length;
  return n;
}
