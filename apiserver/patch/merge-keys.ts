// The strategic-merge-patch metadata of the core kinds: which lists merge (and by which key)
// instead of being replaced. Kubernetes declares these as patchStrategy/patchMergeKey struct tags;
// here they are a table keyed by the list's field name, with the context that disambiguates
// (container ports merge by containerPort, Service ports by port).

export interface ListStrategy {
  /** Objects merged by this key; undefined for a list of primitives merged as a set. */
  key?: string;
}

const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);

/**
 * Strategy for the list at `path` (field names from the object root, no indices) in an object of
 * `kind`. Undefined means the list is atomic and a patch replaces it.
 */
export function listStrategy(kind: string, path: string[]): ListStrategy | undefined {
  const field = path[path.length - 1];
  const parent = path[path.length - 2];
  const inContainer = path.slice(0, -1).some((p) => CONTAINER_LISTS.has(p));
  switch (field) {
    case 'containers':
    case 'initContainers':
    case 'ephemeralContainers':
    case 'volumes':
    case 'imagePullSecrets':
    case 'resourceClaims':
      return { key: 'name' };
    case 'env':
      return inContainer ? { key: 'name' } : undefined;
    case 'volumeMounts':
      return { key: 'mountPath' };
    case 'volumeDevices':
      return { key: 'devicePath' };
    case 'ports':
      if (inContainer) return { key: 'containerPort' };
      if (kind === 'Service' && parent === 'spec') return { key: 'port' };
      return undefined;
    case 'conditions':
      return parent === 'status' ? { key: 'type' } : undefined;
    case 'addresses':
      return kind === 'Node' && parent === 'status' ? { key: 'type' } : undefined;
    case 'ownerReferences':
      return parent === 'metadata' ? { key: 'uid' } : undefined;
    case 'finalizers':
      return parent === 'metadata' ? {} : undefined;
    case 'hostAliases':
      return { key: 'ip' };
    default:
      return undefined;
  }
}
