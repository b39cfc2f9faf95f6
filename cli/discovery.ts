// Resource discovery: which group/version/resource a word like `po`, `deploy`, `Deployment` or
// `deployments.apps` names, learnt from /api, /api/v1, /apis and /apis/<g>/<v>. The answer is kept
// in a per-server cache file and refetched when a lookup misses (a new resource type appeared).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RestClient } from './rest-client';
import { CliError, UnknownResourceError } from './errors';

export interface ApiResource {
  group: string; // '' for core
  version: string;
  resource: string; // plural, 'deployments'
  kind: string;
  namespaced: boolean;
  singularName: string;
  shortNames: string[];
  verbs: string[];
  categories: string[];
  subresources: string[];
}

export const groupVersion = (r: { group: string; version: string }): string => (r.group ? `${r.group}/${r.version}` : r.version);

/** `pod`, `deployment.apps`: the name kubectl prints in `deployment.apps/web created`. */
export const qualifiedKind = (r: ApiResource): string => (r.group ? `${r.kind.toLowerCase()}.${r.group}` : r.kind.toLowerCase());

export function resourcePath(r: ApiResource, namespace?: string, name?: string, subresource?: string): string {
  let p = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  if (r.namespaced && namespace) p += `/namespaces/${encodeURIComponent(namespace)}`;
  p += `/${r.resource}`;
  if (name !== undefined) p += `/${encodeURIComponent(name)}`;
  if (subresource) p += `/${subresource}`;
  return p;
}

/** Turns one APIResourceList into entries (subresources folded into their parent). */
export function fromResourceList(group: string, version: string, list: any): ApiResource[] {
  const all: any[] = Array.isArray(list?.resources) ? list.resources : [];
  const out: ApiResource[] = [];
  for (const r of all) {
    if (typeof r.name !== 'string' || r.name.includes('/')) continue;
    out.push({
      group,
      version,
      resource: r.name,
      kind: r.kind,
      namespaced: !!r.namespaced,
      singularName: r.singularName || String(r.kind ?? '').toLowerCase(),
      shortNames: r.shortNames ?? [],
      verbs: r.verbs ?? [],
      categories: r.categories ?? [],
      subresources: all.filter((s) => typeof s.name === 'string' && s.name.startsWith(r.name + '/')).map((s) => s.name.slice(r.name.length + 1)),
    });
  }
  return out;
}

/**
 * Finds the resource a user's word names. Entries earlier in the list win (core first, then the
 * server's group order, preferred versions first), as with kubectl.
 */
export function matchResource(list: ApiResource[], type: string): ApiResource | undefined {
  const dot = type.indexOf('.');
  const word = (dot >= 0 ? type.slice(0, dot) : type).toLowerCase();
  const rest = dot >= 0 ? type.slice(dot + 1).toLowerCase() : undefined;
  const inGroup = (r: ApiResource): boolean => {
    if (rest === undefined) return true;
    if (r.group === rest) return true;
    const d = rest.indexOf('.');
    // resource.version.group, e.g. deployments.v1.apps
    return d > 0 && r.version === rest.slice(0, d) && r.group === rest.slice(d + 1);
  };
  const names = (r: ApiResource) => [r.resource, r.singularName, r.kind.toLowerCase(), ...r.shortNames.map((s) => s.toLowerCase())];
  return list.find((r) => inGroup(r) && names(r).includes(word));
}

export function matchKind(list: ApiResource[], apiVersion: string, kind: string): ApiResource | undefined {
  const slash = apiVersion.indexOf('/');
  const group = slash >= 0 ? apiVersion.slice(0, slash) : '';
  const version = slash >= 0 ? apiVersion.slice(slash + 1) : apiVersion;
  return list.find((r) => r.group === group && r.version === version && r.kind === kind);
}

export function cacheFileFor(cacheDir: string, server: string): string {
  const safe = server.replace(/^https?:\/\//, '').replace(/[^A-Za-z0-9.-]/g, '_');
  return path.join(cacheDir, 'discovery', `${safe}.json`);
}

interface CacheFile {
  server: string;
  fetchedAt: string;
  resources: ApiResource[];
}

export class Discovery {
  private resources: ApiResource[] | undefined;
  private fresh = false; // fetched from the server during this run

  constructor(
    private readonly client: RestClient,
    private readonly cacheDir: string | undefined,
  ) {}

  /** Every resource the server serves, from the cache when there is one. */
  async all(): Promise<ApiResource[]> {
    if (!this.resources) this.resources = this.readCache() ?? (await this.refresh());
    return this.resources;
  }

  async refresh(): Promise<ApiResource[]> {
    const out: ApiResource[] = [];
    const core = await this.client.get<any>('/api');
    for (const v of core?.versions ?? []) out.push(...fromResourceList('', v, await this.client.get(`/api/${v}`)));
    const groups = await this.client.get<any>('/apis');
    for (const g of groups?.groups ?? []) {
      const preferred: string | undefined = g.preferredVersion?.version;
      const versions: string[] = (g.versions ?? []).map((v: any) => v.version);
      const ordered = preferred ? [preferred, ...versions.filter((v) => v !== preferred)] : versions;
      for (const v of ordered) out.push(...fromResourceList(g.name, v, await this.client.get(`/apis/${g.name}/${v}`)));
    }
    this.resources = out;
    this.fresh = true;
    this.writeCache(out);
    return out;
  }

  /** Resolves a user's type word; refetches once on a miss before giving up. */
  async resolve(type: string): Promise<ApiResource> {
    const hit = matchResource(await this.all(), type);
    if (hit) return hit;
    if (!this.fresh) {
      const again = matchResource(await this.refresh(), type);
      if (again) return again;
    }
    throw new UnknownResourceError(type);
  }

  /** Resolves a word that may be a category (`all`) into several resources. */
  async resolveMany(type: string): Promise<ApiResource[]> {
    const list = await this.all();
    if (!matchResource(list, type)) {
      const inCategory = list.filter((r) => r.categories.includes(type));
      if (inCategory.length) return dedupe(inCategory);
    }
    return [await this.resolve(type)];
  }

  async resolveKind(apiVersion: string, kind: string): Promise<ApiResource> {
    const hit = matchKind(await this.all(), apiVersion, kind);
    if (hit) return hit;
    if (!this.fresh) {
      const again = matchKind(await this.refresh(), apiVersion, kind);
      if (again) return again;
    }
    throw new CliError(`no matches for kind "${kind}" in version "${apiVersion}"`, 'CLI_UNKNOWN_KIND');
  }

  private readCache(): ApiResource[] | undefined {
    if (!this.cacheDir) return undefined;
    try {
      const c = JSON.parse(fs.readFileSync(cacheFileFor(this.cacheDir, this.client.server), 'utf8')) as CacheFile;
      return Array.isArray(c.resources) && c.resources.length ? c.resources : undefined;
    } catch {
      return undefined;
    }
  }

  private writeCache(resources: ApiResource[]): void {
    if (!this.cacheDir) return;
    const file = cacheFileFor(this.cacheDir, this.client.server);
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const body: CacheFile = { server: this.client.server, fetchedAt: new Date().toISOString(), resources };
      fs.writeFileSync(file + '.tmp', JSON.stringify(body));
      fs.renameSync(file + '.tmp', file); // readers never see a half-written cache
    } catch {
      /* a read-only home only costs a refetch next time */
    }
  }
}

/** Same kind in several groups/versions (category listing): keep the first. */
function dedupe(list: ApiResource[]): ApiResource[] {
  const seen = new Set<string>();
  return list.filter((r) => {
    const k = `${r.group}/${r.resource}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
