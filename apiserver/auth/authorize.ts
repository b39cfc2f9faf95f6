// Authorization until RBAC exists (issue 13): certificate identities are trusted as today (any
// client certificate signed by the cluster CA acts as admin); bootstrap token identities
// (group system:bootstrappers) may only create CertificateSigningRequests and get, list and watch
// their own, plus the discovery documents every authenticated user may read upstream. Pure.
import { BOOTSTRAPPERS_GROUP } from '../../lib/api/bootstrap-token';
import type { UserInfo } from '../registry/types';

export interface ResourceAttributes {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  name?: string;
  namespace?: string;
}

/** allowed + ownOnly: the caller sees only objects it requested (spec.username is its name). */
export type Decision = { allowed: true; ownOnly?: boolean } | { allowed: false; message: string };

export const isBootstrapper = (u: UserInfo): boolean => u.groups.includes(BOOTSTRAPPERS_GROUP);

const CSR_GROUP = 'certificates.k8s.io';
const CSR_RESOURCE = 'certificatesigningrequests';

/** Upstream's wording: `<resource>.<group> "<name>" is forbidden: User "<u>" cannot <verb> resource ...`. */
export function forbiddenMessage(u: UserInfo, a: ResourceAttributes): string {
  const qualified = a.group ? `${a.resource}.${a.group}` : a.resource;
  const res = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const scope = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  return `${qualified}${a.name ? ` "${a.name}"` : ''} is forbidden: User "${u.name}" cannot ${a.verb} resource "${res}" in API group "${a.group}" ${scope}`;
}

export function authorize(u: UserInfo, a: ResourceAttributes): Decision {
  if (!isBootstrapper(u)) return { allowed: true };
  if (a.group === CSR_GROUP && a.resource === CSR_RESOURCE && !a.subresource) {
    if (a.verb === 'create') return { allowed: true };
    if (a.verb === 'get' || a.verb === 'list' || a.verb === 'watch') return { allowed: true, ownOnly: true };
  }
  return { allowed: false, message: forbiddenMessage(u, a) };
}

/** Paths outside the resource tree: discovery, version and OpenAPI are for every authenticated user. */
export function authorizePath(u: UserInfo, method: string, path: string): Decision {
  if (!isBootstrapper(u)) return { allowed: true };
  const read = method === 'GET' || method === 'HEAD';
  if (read && /^\/(api|apis|version|openapi)(\/|$)/.test(path)) return { allowed: true };
  return { allowed: false, message: `forbidden: User "${u.name}" cannot ${read ? 'get' : method.toLowerCase()} path "${path}"` };
}

const VERB_OF_METHOD: Record<string, string> = { GET: 'get', HEAD: 'get', POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };

/** The request attributes of a kubelet-proxied path (pods/log|exec|attach|portforward, nodes/proxy). */
export function proxyAttributes(
  method: string,
  t: { kind: 'pod'; sub: string; namespace: string; name: string } | { kind: 'node'; name: string },
): ResourceAttributes {
  const verb = VERB_OF_METHOD[method] ?? method.toLowerCase();
  return t.kind === 'pod'
    ? { verb, group: '', resource: 'pods', subresource: t.sub, namespace: t.namespace, name: t.name }
    : { verb, group: '', resource: 'nodes', subresource: 'proxy', name: t.name };
}
