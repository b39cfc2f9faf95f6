// Aggregated discovery (apidiscovery.k8s.io/v2 APIGroupDiscoveryList): one document for /api and
// one for /apis listing every group, version and resource, so kubectl learns the whole API in two
// requests instead of one per group-version. Served when the Accept header asks for it.
import type { ResourceDef } from '../registry/types';
import { parseAccept } from './negotiate';
import { subresourceInfo } from './discovery';

export const AGGREGATED_CONTENT_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

/** True when the client's first acceptable alternative is the v2 aggregated form. */
export function wantsAggregated(accept: string | undefined): boolean {
  for (const r of parseAccept(accept ?? '')) {
    if (r.params.as === 'APIGroupDiscoveryList') {
      const json = (r.type === 'application' && r.subType === 'json') || (r.type === '*' && r.subType === '*');
      if (r.params.g === 'apidiscovery.k8s.io' && r.params.v === 'v2' && json) return true;
      continue;
    }
    if (r.params.as === undefined) return false;
  }
  return false;
}

function resourceDoc(d: ResourceDef): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    resource: d.resource,
    responseKind: { group: d.group, version: d.version, kind: d.kind },
    scope: d.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: d.singular,
    verbs: d.verbs,
  };
  if (d.shortNames.length) doc.shortNames = d.shortNames;
  if (d.categories.length) doc.categories = d.categories;
  if (d.subresources.length) {
    doc.subresources = d.subresources.map((sub) => {
      const info = subresourceInfo(d, sub);
      return {
        subresource: sub,
        responseKind: { group: info.group ?? d.group, version: info.version ?? d.version, kind: info.kind },
        verbs: info.verbs,
      };
    });
  }
  return doc;
}

/** core = true: the /api document (the legacy group ""), otherwise /apis (every named group). */
export function aggregatedDiscovery(defs: ResourceDef[], core: boolean): Record<string, unknown> {
  const groups = new Map<string, Map<string, ResourceDef[]>>();
  for (const d of defs) {
    if ((d.group === '') !== core) continue;
    const versions = groups.get(d.group) ?? new Map<string, ResourceDef[]>();
    const list = versions.get(d.version) ?? [];
    list.push(d);
    versions.set(d.version, list);
    groups.set(d.group, versions);
  }
  const items = [...groups.entries()].map(([group, versions]) => ({
    metadata: group ? { name: group } : {},
    versions: [...versions.entries()].map(([version, ds]) => ({
      version,
      resources: [...ds].sort((a, b) => a.resource.localeCompare(b.resource)).map(resourceDoc),
      freshness: 'Current',
    })),
  }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items };
}
