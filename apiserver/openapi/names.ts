// Naming shared by the OpenAPI documents: Kubernetes-style schema names and the group-version
// path keys of the /openapi/v3 index.
import type { ResourceDef } from '../registry/types';

/** "api/v1" for the core group, "apis/<group>/<version>" otherwise. */
export function groupVersionPath(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

/** io.k8s.api.core.v1.Pod, io.k8s.api.apps.v1.Deployment, io.k8s.api.coordination.v1.Lease. */
export function schemaName(group: string, version: string, kind: string): string {
  const pkg = group === '' ? 'core' : group.split('.')[0];
  return `io.k8s.api.${pkg}.${version}.${kind}`;
}

/** The kind a subresource speaks (Scale for scale, Binding for binding, the object for status). */
export function subresourceGvk(def: ResourceDef, sub: string): { group: string; version: string; kind: string } | undefined {
  switch (sub) {
    case 'status': return { group: def.group, version: def.version, kind: def.kind };
    case 'scale': return { group: 'autoscaling', version: 'v1', kind: 'Scale' };
    case 'binding': return { group: '', version: 'v1', kind: 'Binding' };
    case 'eviction': return { group: 'policy', version: 'v1', kind: 'Eviction' };
    default: return undefined;
  }
}
