// A node's VXLAN tunnel endpoint as the other nodes see it: its InternalIP (the outer address), the
// MAC of its VXLAN device (published on its Node object, as flannel publishes its backend data) and
// the inner address behind that MAC — the network address of the node's pod subnet, which the
// device carries as a /32 (flannel's scheme), so that every node can name every other node's
// gateway without asking.
import { formatCidr, parseCidr } from '../cidr';

/** Annotation on a Node: the MAC of its VXLAN device, set by that node's kube-proxy. */
export const VTEP_MAC_ANNOTATION = 'k8ts.io/vxlan-mac';

const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

/** A unicast MAC in canonical form (lower case, colons), or undefined. */
export function canonicalMac(text: unknown): string | undefined {
  if (typeof text !== 'string') return undefined;
  const mac = text.trim().toLowerCase();
  if (!MAC.test(mac)) return undefined;
  // multicast (I/G bit) or all-zero: never a device's own address
  if ((parseInt(mac.slice(0, 2), 16) & 1) === 1 || mac === '00:00:00:00:00:00') return undefined;
  return mac;
}

/** The first byte of every MAC we give a VXLAN device: locally administered, unicast ("k" = 0x6b follows). */
export const VTEP_MAC_PREFIX = '0e:6b';

/**
 * The MAC this node's VXLAN device gets: the prefix and the four bytes of its InternalIP. Stable
 * across restarts and device re-creation (peers keep a valid entry), unique per node address.
 */
export function vtepMacFor(nodeIP: string): string {
  const bytes = nodeIP.split('.').map((o) => Number(o).toString(16).padStart(2, '0'));
  return `${VTEP_MAC_PREFIX}:${bytes.join(':')}`;
}

/** The network address of a pod subnet: "10.244.3.0/24" → "10.244.3.0". */
export function subnetAddress(cidr: string): string | undefined {
  const c = parseCidr(cidr);
  return c ? formatCidr(c).split('/')[0] : undefined;
}

/**
 * The merge patch that makes a Node's annotation say mac (undefined: removes it), or undefined
 * when it already does. A patch, not an update: the kubelet owns the rest of the object.
 */
export function vtepAnnotationPatch(annotations: Record<string, string> | undefined, mac: string | undefined): object | undefined {
  const current = annotations?.[VTEP_MAC_ANNOTATION];
  if (current === mac) return undefined;
  return { metadata: { annotations: { [VTEP_MAC_ANNOTATION]: mac ?? null } } };
}
