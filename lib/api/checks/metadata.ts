// What every component reads of any object: metadata. Names and namespaces must be what the
// apiserver's admission would have allowed (they end up in keys, event names, iptables comments
// and paths); the other fields must have the types the code reading them assumes; annotations must
// fit upstream's size limit, or no write a component makes to the object can succeed.
import { Checker, DNS1123_LABEL, DNS1123_SUBDOMAIN } from './checker';

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** An IPv4 address in dotted-quad form. */
export const isIPv4 = (s: string): boolean => IPV4.test(s);

/** An IPv4 CIDR ("10.244.1.0/24"). */
export function isIPv4Cidr(s: string): boolean {
  const i = s.indexOf('/');
  if (i < 0 || !isIPv4(s.slice(0, i))) return false;
  const bits = s.slice(i + 1);
  return /^\d{1,2}$/.test(bits) && Number(bits) <= 32;
}

/** Kubernetes' limit on the total size of an object's annotations (keys and values). */
export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

function annotationBytes(a: Record<string, string>): number {
  let n = 0;
  for (const [k, v] of Object.entries(a)) n += Buffer.byteLength(k) + Buffer.byteLength(v);
  return n;
}

export interface MetaRule {
  /** The kind's name rule (most kinds: a DNS-1123 subdomain). */
  name?: [RegExp, string];
  namespaced: boolean;
}

/** Checks the top level and metadata of obj; the object (or undefined when it is not one). */
export function checkMetadata(c: Checker, obj: unknown, rule: MetaRule): Record<string, unknown> | undefined {
  const o = c.object('<object>', obj, true);
  if (!o) return undefined;
  const m = c.object('metadata', o.metadata, true);
  if (!m) return o;
  c.string('metadata.name', m.name, { required: true, max: 253, pattern: rule.name ?? DNS1123_SUBDOMAIN });
  if (rule.namespaced) c.string('metadata.namespace', m.namespace, { required: true, max: 63, pattern: DNS1123_LABEL });
  else c.string('metadata.namespace', m.namespace);
  for (const f of ['uid', 'resourceVersion', 'generateName', 'creationTimestamp', 'deletionTimestamp'] as const) c.string(`metadata.${f}`, m[f]);
  c.integer('metadata.generation', m.generation);
  c.integer('metadata.deletionGracePeriodSeconds', m.deletionGracePeriodSeconds);
  c.stringMap('metadata.labels', m.labels);
  const ann = c.stringMap('metadata.annotations', m.annotations);
  // Every write of the object (a status update, a controller's patch) would be refused with 422
  // by upstream's metadata validation: components could never finish anything they do with it.
  if (ann && annotationBytes(ann) > TOTAL_ANNOTATION_SIZE_LIMIT) c.fail('metadata.annotations', `Too long: must have at most ${TOTAL_ANNOTATION_SIZE_LIMIT} bytes`);
  const fin = c.array('metadata.finalizers', m.finalizers);
  fin?.forEach((f, i) => c.string(`metadata.finalizers[${i}]`, f, { required: true }));
  c.objects('metadata.ownerReferences', m.ownerReferences, (p, r) => {
    for (const f of ['apiVersion', 'kind', 'name', 'uid'] as const) c.string(`${p}.${f}`, r[f], { required: true });
    c.boolean(`${p}.controller`, r.controller);
    c.boolean(`${p}.blockOwnerDeletion`, r.blockOwnerDeletion);
  });
  return o;
}

/** A label selector ({matchLabels, matchExpressions}) as controllers evaluate it. */
export function checkLabelSelector(c: Checker, path: string, v: unknown, required = false): void {
  const s = c.object(path, v, required);
  if (!s) return;
  c.stringMap(`${path}.matchLabels`, s.matchLabels);
  c.objects(`${path}.matchExpressions`, s.matchExpressions, (p, e) => {
    c.string(`${p}.key`, e.key, { required: true });
    c.string(`${p}.operator`, e.operator, { required: true, oneOf: ['In', 'NotIn', 'Exists', 'DoesNotExist'] });
    c.array(`${p}.values`, e.values)?.forEach((x, i) => c.string(`${p}.values[${i}]`, x, { required: true }));
  });
}
