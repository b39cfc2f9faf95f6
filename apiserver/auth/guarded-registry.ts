// The registry as one caller may use it: every call is authorized (authorize.ts) before it runs,
// and a caller limited to its own objects gets its gets checked, its lists filtered and its watch
// events dropped when they are another requester's. Callers nothing restricts get the registry itself.
import type { KObject } from '../../lib/api/types';
import { apiError } from '../../lib/errors';
import type { Registry, ResourceDef, UserInfo } from '../registry/types';
import { authorize, isBootstrapper, type ResourceAttributes } from './authorize';

const owner = (o: KObject): string | undefined => (o as { spec?: { username?: string } }).spec?.username;

export function guardRegistry(registry: Registry, user: UserInfo): Registry {
  if (!isBootstrapper(user)) return registry;
  const check = (def: ResourceDef, verb: string, namespace: string | undefined, name?: string, subresource?: string) => {
    const a: ResourceAttributes = { verb, group: def.group, resource: def.resource, subresource, name, namespace: def.namespaced ? namespace : undefined };
    const d = authorize(user, a);
    if (!d.allowed) throw apiError(403, 'Forbidden', d.message, { name, group: def.group || undefined, kind: def.resource });
    return { decision: d, attrs: a };
  };
  const mine = (o: KObject) => owner(o) === user.name;
  return {
    all: () => registry.all(),
    resolve: (v, r) => registry.resolve(v, r),
    async get(def, ns, name, sub) {
      const { decision, attrs } = check(def, 'get', ns, name, sub);
      const obj = await registry.get(def, ns, name, sub);
      if (decision.allowed && decision.ownOnly && !mine(obj))
        throw apiError(403, 'Forbidden', authorizeOwn(user, attrs), { name, group: def.group || undefined, kind: def.resource });
      return obj;
    },
    async list(def, ns, q) {
      const { decision } = check(def, 'list', ns);
      const l = await registry.list(def, ns, q);
      return decision.allowed && decision.ownOnly ? { ...l, items: l.items.filter(mine) } : l;
    },
    async create(def, ns, obj, o) {
      check(def, 'create', ns, o.subresource ? o.name : undefined, o.subresource);
      return registry.create(def, ns, obj, o);
    },
    async update(def, ns, name, obj, o) {
      check(def, 'update', ns, name, o.subresource);
      return registry.update(def, ns, name, obj, o);
    },
    async patch(def, ns, name, type, body, o) {
      check(def, 'patch', ns, name, o.subresource);
      return registry.patch(def, ns, name, type, body, o);
    },
    async delete(def, ns, name, q) {
      check(def, 'delete', ns, name);
      return registry.delete(def, ns, name, q);
    },
    async watch(def, ns, q, sink) {
      const { decision } = check(def, 'watch', ns);
      if (!(decision.allowed && decision.ownOnly)) return registry.watch(def, ns, q, sink);
      return registry.watch(def, ns, q, {
        send: (type, object) => {
          if (type === 'BOOKMARK' || type === 'ERROR' || mine(object as KObject)) sink.send(type, object);
        },
        end: () => sink.end(),
      });
    },
  };
}

/** A get of another requester's object is refused as the verb on that name would be. */
function authorizeOwn(user: UserInfo, a: ResourceAttributes): string {
  const qualified = a.group ? `${a.resource}.${a.group}` : a.resource;
  return `${qualified} "${a.name}" is forbidden: User "${user.name}" cannot get resource "${a.resource}" in API group "${a.group}" at the cluster scope: it was requested by another user`;
}
