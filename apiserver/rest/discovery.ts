// Legacy discovery documents (APIVersions, APIGroupList, APIGroup, APIResourceList) and /version,
// computed from the registry's ResourceDefs. Aggregated discovery is not served: kubectl asks for
// it first and falls back to these when the answer is plain application/json.
import type { ResourceDef } from '../registry/types';

export interface GroupVersion {
  group: string;
  version: string;
}

export function groupVersions(defs: ResourceDef[]): GroupVersion[] {
  const seen = new Map<string, GroupVersion>();
  for (const d of defs) seen.set(`${d.group}/${d.version}`, { group: d.group, version: d.version });
  return [...seen.values()];
}

export function apiVersions(serverAddress: string): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupDoc(group: string, versions: string[]): Record<string, unknown> {
  const vs = versions.map((v) => ({ groupVersion: `${group}/${v}`, version: v }));
  return { name: group, versions: vs, preferredVersion: vs[0] };
}

export function apiGroupList(defs: ResourceDef[]): Record<string, unknown> {
  const byGroup = new Map<string, string[]>();
  for (const gv of groupVersions(defs)) {
    if (gv.group === '') continue;
    const vs = byGroup.get(gv.group) ?? [];
    if (!vs.includes(gv.version)) vs.push(gv.version);
    byGroup.set(gv.group, vs);
  }
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...byGroup.entries()].map(([g, vs]) => groupDoc(g, vs)),
  };
}

export function apiGroup(defs: ResourceDef[], group: string): Record<string, unknown> | undefined {
  const vs = [...new Set(defs.filter((d) => d.group === group && group !== '').map((d) => d.version))];
  if (vs.length === 0) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...groupDoc(group, vs) };
}

interface SubresourceInfo {
  kind: string;
  group?: string;
  version?: string;
  verbs: string[];
}

/** Kinds and verbs of the subresources Kubernetes serves, as discovery lists them. */
export function subresourceInfo(def: ResourceDef, sub: string): SubresourceInfo {
  switch (sub) {
    case 'status': return { kind: def.kind, verbs: ['get', 'patch', 'update'] };
    case 'scale': return { kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] };
    case 'binding': return { kind: 'Binding', verbs: ['create'] };
    case 'eviction': return { kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] };
    case 'log': return { kind: 'Pod', verbs: ['get'] };
    case 'exec': return { kind: 'PodExecOptions', verbs: ['create', 'get'] };
    case 'attach': return { kind: 'PodAttachOptions', verbs: ['create', 'get'] };
    case 'portforward': return { kind: 'PodPortForwardOptions', verbs: ['create', 'get'] };
    case 'proxy': return { kind: `${def.kind}ProxyOptions`, verbs: ['create', 'delete', 'get', 'patch', 'update'] };
    case 'finalize': return { kind: def.kind, verbs: ['update'] };
    case 'approval': return { kind: def.kind, verbs: ['get', 'patch', 'update'] };
    default: return { kind: def.kind, verbs: ['get'] };
  }
}

export function apiResourceList(defs: ResourceDef[], group: string, version: string): Record<string, unknown> | undefined {
  const mine = defs.filter((d) => d.group === group && d.version === version);
  if (mine.length === 0) return undefined;
  const resources: Record<string, unknown>[] = [];
  for (const d of mine) {
    const main: Record<string, unknown> = {
      name: d.resource,
      singularName: d.singular,
      namespaced: d.namespaced,
      kind: d.kind,
      verbs: d.verbs,
    };
    if (d.shortNames.length) main.shortNames = d.shortNames;
    if (d.categories.length) main.categories = d.categories;
    resources.push(main);
    for (const sub of d.subresources) {
      const info = subresourceInfo(d, sub);
      const e: Record<string, unknown> = { name: `${d.resource}/${sub}`, singularName: '', namespaced: d.namespaced, kind: info.kind, verbs: info.verbs };
      if (info.group !== undefined) e.group = info.group;
      if (info.version !== undefined) e.version = info.version;
      resources.push(e);
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources };
}

export function versionInfo(): Record<string, string> {
  return {
    major: '1',
    minor: '32',
    gitVersion: 'v1.32.0-k8ts',
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2026-01-01T00:00:00Z',
    goVersion: `node${process.versions.node}`,
    compiler: 'tsc',
    platform: 'linux/amd64',
  };
}
