// Nodes (ValidateNode / ValidateNodeUpdate): taints (upstream reports them under metadata.taints),
// pod CIDRs (v1's podCIDR is the first of podCIDRs), capacity and allocatable quantities, unique
// addresses — and, a k8ts addition, IP-typed addresses that are IPs, since kube-proxy's routes and
// the node proxy parse them.
import type { KObject } from '../../lib/api/types';
import { duplicate, invalid, type FieldError } from './field-errors';
import { cidr, ip, parseCIDR } from './validation-network';
import { nodeResources } from './validation-quantity';
import { taints } from './validation-scheduling';

type Obj = Record<string, any>;
const list = (v: unknown): any[] => (Array.isArray(v) ? v : []);

/** The list upstream validates after conversion: the single v1 field wins when it differs. */
function podCIDRList(spec: Obj): string[] {
  const all = list(spec.podCIDRs);
  if (typeof spec.podCIDR === 'string' && spec.podCIDR !== '' && all[0] !== spec.podCIDR) return [spec.podCIDR];
  return all;
}

export function validateNodeSpec(o: KObject): FieldError[] {
  const spec = ((o as Obj).spec ?? {}) as Obj;
  const errs = taints(spec.taints, 'metadata.taints');
  const cidrs = podCIDRList(spec);
  const f = 'spec.podCIDRs';
  cidrs.forEach((c, i) => errs.push(...cidr(`${f}[${i}]`, c)));
  if (cidrs.length > 1) {
    const fams = cidrs.map((c) => parseCIDR(String(c))?.v4);
    if (cidrs.length > 2 || fams.includes(undefined) || fams[0] === fams[1]) errs.push(invalid(f, cidrs, 'may specify no more than one CIDR for each IP family'));
    const seen = new Set<string>();
    cidrs.forEach((c, i) => {
      if (seen.has(c)) errs.push(duplicate(`${f}[${i}]`, c));
      seen.add(c);
    });
  }
  return errs;
}

const IP_ADDRESS_TYPES = new Set(['InternalIP', 'ExternalIP']);

export function validateNodeStatus(o: KObject): FieldError[] {
  const st = ((o as Obj).status ?? {}) as Obj;
  const errs = [...nodeResources('status.capacity', st.capacity), ...nodeResources('status.allocatable', st.allocatable)];
  const seen = new Set<string>();
  list(st.addresses).forEach((a, i) => {
    const key = `${a?.type}\u0000${a?.address}`;
    if (seen.has(key)) errs.push(duplicate(`status.addresses[${i}]`, a));
    seen.add(key);
    if (IP_ADDRESS_TYPES.has(a?.type)) errs.push(...ip(`status.addresses[${i}].address`, a?.address));
  });
  return errs;
}
