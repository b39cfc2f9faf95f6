// The only rules kube-proxy places in built-in chains: one jump each into its own chains (the
// Service proxy's and the pod network's). They are ensured one by one (`-C` then `-I`/`-A`) rather
// than restored, because a restore that names a built-in chain would have to rewrite it and could
// drop rules that belong to someone else.
import { POD_EGRESS_CHAIN, POD_FORWARD_CHAIN } from './pod-network-rules';

export type Table = 'nat' | 'filter';

export interface JumpRule {
  table: Table;
  /** Built-in chain the jump lives in. */
  chain: string;
  /** Rule spec after the chain name, as iptables argv. */
  args: string[];
  /** Appended at the end of the chain instead of inserted at the top. */
  append?: boolean;
}

const portals = ['-m', 'comment', '--comment', 'kubernetes service portals', '-j', 'KUBE-SERVICES'];
const newConn = ['-m', 'conntrack', '--ctstate', 'NEW'];

export const JUMP_RULES: readonly JumpRule[] = [
  { table: 'nat', chain: 'PREROUTING', args: portals },
  { table: 'nat', chain: 'OUTPUT', args: portals },
  {
    table: 'nat',
    chain: 'POSTROUTING',
    args: ['-m', 'comment', '--comment', 'kubernetes postrouting rules', '-j', 'KUBE-POSTROUTING'],
  },
  {
    table: 'filter',
    chain: 'INPUT',
    args: [...newConn, '-m', 'comment', '--comment', 'kubernetes externally-visible service portals', '-j', 'KUBE-EXTERNAL-SERVICES'],
  },
  {
    table: 'filter',
    chain: 'INPUT',
    // health check node ports are accepted even where INPUT's policy drops
    args: ['-m', 'comment', '--comment', 'kubernetes health check service ports', '-j', 'KUBE-NODEPORTS'],
  },
  {
    table: 'filter',
    chain: 'FORWARD',
    // external IPs and LB IPs that are not this node's own addresses are forwarded, not input
    args: [...newConn, '-m', 'comment', '--comment', 'kubernetes externally-visible service portals', '-j', 'KUBE-EXTERNAL-SERVICES'],
  },
  {
    table: 'filter',
    chain: 'FORWARD',
    args: ['-m', 'comment', '--comment', 'kubernetes forwarding rules', '-j', 'KUBE-FORWARD'],
  },
  {
    table: 'filter',
    chain: 'FORWARD',
    args: [...newConn, '-m', 'comment', '--comment', 'kubernetes service portals', '-j', 'KUBE-SERVICES'],
  },
  {
    table: 'filter',
    chain: 'OUTPUT',
    args: [...newConn, '-m', 'comment', '--comment', 'kubernetes service portals', '-j', 'KUBE-SERVICES'],
  },
  {
    table: 'nat',
    chain: 'POSTROUTING',
    args: ['-m', 'comment', '--comment', 'k8ts pod network egress', '-j', POD_EGRESS_CHAIN],
  },
  {
    table: 'filter',
    chain: 'FORWARD',
    // after kube-proxy's FORWARD jumps: a Service without endpoints is rejected before pods are accepted
    args: ['-m', 'comment', '--comment', 'k8ts pod network forwarding', '-j', POD_FORWARD_CHAIN],
    append: true,
  },
];

/** The pod network's own jumps: what stays in iptables when another mode programs the Services. */
export const POD_NETWORK_JUMPS: readonly JumpRule[] = JUMP_RULES.filter((j) => j.args.includes(POD_EGRESS_CHAIN) || j.args.includes(POD_FORWARD_CHAIN));

/** argv for `iptables` checking (-C), adding (-I: at the top, or appended) or deleting (-D) one jump. */
export function jumpArgv(op: '-C' | '-I' | '-D', j: JumpRule): string[] {
  if (op === '-I' && j.append) return ['-w', '-t', j.table, '-A', j.chain, ...j.args];
  return ['-w', '-t', j.table, op, j.chain, ...(op === '-I' ? ['1'] : []), ...j.args];
}
