// The pod network's own iptables rules (not the Service proxy's): what flannel's FLANNEL-POSTRTG
// and FLANNEL-FWD chains do, as one more part of the same atomic restore.
//  - Egress masquerade: pod traffic leaving the cluster CIDR goes out with the node's address, so
//    replies find their way back; pod → pod (across nodes too, and pod → Service once DNAT has
//    turned it into pod → pod) keeps its source: the server sees the client pod's IP. The CNI
//    bridge's own ipMasq stays off, since it would masquerade everything leaving the node's /24,
//    other nodes' pods included.
//  - Forwarding: traffic from and to pods is accepted, so pods keep working on hosts whose FORWARD
//    policy is DROP (Docker sets that). The jump is appended, after kube-proxy's: its REJECT for
//    Services without endpoints must win.
import { formatCidr, parseCidr } from '../cidr';

export const POD_EGRESS_CHAIN = 'K8TS-POD-EGRESS';
export const POD_FORWARD_CHAIN = 'K8TS-POD-FORWARD';

/** The chains the pod network owns, per table. */
export const POD_NETWORK_CHAINS = {
  nat: [POD_EGRESS_CHAIN],
  filter: [POD_FORWARD_CHAIN],
} as const;

export class PodNetworkRulesError extends Error {
  readonly code = 'POD_NETWORK_RULES_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'PodNetworkRulesError';
  }
}

const comment = (text: string) => `-m comment --comment "${text}"`;

/** A `--noflush` restore payload declaring (so rewriting) both chains in full. */
export function buildPodNetworkRules(clusterCIDR: string): string {
  const c = parseCidr(clusterCIDR);
  if (!c) throw new PodNetworkRulesError(`cluster CIDR "${clusterCIDR}" is not an IPv4 CIDR`);
  const cidr = formatCidr(c);
  return [
    '*filter',
    `:${POD_FORWARD_CHAIN} - [0:0]`,
    `-A ${POD_FORWARD_CHAIN} ${comment('pod network: traffic from pods')} -s ${cidr} -j ACCEPT`,
    `-A ${POD_FORWARD_CHAIN} ${comment('pod network: traffic to pods')} -d ${cidr} -j ACCEPT`,
    'COMMIT',
    '*nat',
    `:${POD_EGRESS_CHAIN} - [0:0]`,
    `-A ${POD_EGRESS_CHAIN} ${comment('pod to pod: no NAT')} -s ${cidr} -d ${cidr} -j RETURN`,
    `-A ${POD_EGRESS_CHAIN} ${comment('pod to multicast: no NAT')} -s ${cidr} -d 224.0.0.0/4 -j RETURN`,
    `-A ${POD_EGRESS_CHAIN} ${comment('pod traffic leaving the cluster')} -s ${cidr} -j MASQUERADE --random-fully`,
    'COMMIT',
    '',
  ].join('\n');
}
