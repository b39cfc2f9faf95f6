// Which watch cache an etcd key belongs to. Keys are <prefix>/<group or "core">/<resource>/...;
// anything else under the prefix (the service allocator's claims, keys of resources nobody
// serves) belongs to no cache, though its revision still counts.
import type { ResourceName } from '../storage/errors';

/** The cache id of a resource: "<group>/<resource>", group '' for core. */
export function resourceId(r: ResourceName): string {
  return `${r.group}/${r.resource}`;
}

/** The resource an object key names, or undefined when the key is no object key under prefix. */
export function resourceOfKey(prefix: string, key: string): ResourceName | undefined {
  const base = prefix.endsWith('/') ? prefix : `${prefix}/`;
  if (!key.startsWith(base)) return undefined;
  const parts = key.slice(base.length).split('/');
  // group, resource, then at least a name (namespaced objects add the namespace before it)
  if (parts.length < 3 || parts.some((p) => p === '')) return undefined;
  return { group: parts[0] === 'core' ? '' : parts[0], resource: parts[1] };
}
