// Pure URL routing for the REST door: turns a path + method into what is being asked for
// (discovery, a collection, an object, a subresource), without touching the registry.

export type Route =
  | { kind: 'health'; check: 'healthz' | 'livez' | 'readyz' }
  | { kind: 'version' }
  | { kind: 'apiVersions' }                                 // /api
  | { kind: 'apiGroupList' }                                // /apis
  | { kind: 'apiGroup'; group: string }                     // /apis/<g>
  | { kind: 'resourceList'; group: string; version: string } // /api/v1, /apis/<g>/<v>
  | { kind: 'openapi'; version: 'v2' | 'v3'; gv?: string }  // /openapi/v2, /openapi/v3[/<api/v1|apis/g/v>]
  | ResourceRoute
  | { kind: 'notFound' };

export interface ResourceRoute {
  kind: 'resource';
  group: string;
  version: string;
  /** Path segments after the group-version (and after a legacy "watch/" prefix). */
  segments: string[];
  legacyWatch: boolean;
}

/** A resource path resolved against the set of namespaced plurals. */
export interface ResourceTarget {
  plural: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

function decodeSegments(pathname: string): string[] | undefined {
  try {
    return pathname.split('/').filter((s) => s.length > 0).map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
}

export function route(pathname: string): Route {
  const segs = decodeSegments(pathname);
  if (!segs) return { kind: 'notFound' };
  const [a, b, c, ...rest] = segs;
  if (segs.length === 1 && (a === 'healthz' || a === 'livez' || a === 'readyz')) return { kind: 'health', check: a };
  if (segs.length >= 2 && (a === 'healthz' || a === 'livez' || a === 'readyz')) return { kind: 'health', check: a };
  if (segs.length === 1 && a === 'version') return { kind: 'version' };
  if (a === 'openapi') {
    if (segs.length === 2 && b === 'v2') return { kind: 'openapi', version: 'v2' };
    if (b === 'v3') return segs.length === 2 ? { kind: 'openapi', version: 'v3' } : { kind: 'openapi', version: 'v3', gv: segs.slice(2).join('/') };
    return { kind: 'notFound' };
  }
  if (a === 'api') {
    if (segs.length === 1) return { kind: 'apiVersions' };
    if (segs.length === 2) return { kind: 'resourceList', group: '', version: b };
    return resourceRoute('', b, segs.slice(2));
  }
  if (a === 'apis') {
    if (segs.length === 1) return { kind: 'apiGroupList' };
    if (segs.length === 2) return { kind: 'apiGroup', group: b };
    if (segs.length === 3) return { kind: 'resourceList', group: b, version: c };
    return resourceRoute(b, c, rest);
  }
  return { kind: 'notFound' };
}

function resourceRoute(group: string, version: string, segments: string[]): Route {
  if (segments[0] === 'watch') return { kind: 'resource', group, version, segments: segments.slice(1), legacyWatch: true };
  return { kind: 'resource', group, version, segments, legacyWatch: false };
}

/**
 * Splits resource segments into plural/namespace/name/subresource. `isNamespaced(plural)` tells
 * whether a plural names a namespaced resource, which disambiguates `namespaces/<x>/<y>` (a
 * namespaced collection, or a subresource of the Namespace <x>).
 */
export function resolveTarget(segments: string[], isNamespaced: (plural: string) => boolean | undefined): ResourceTarget | undefined {
  if (segments.length === 0) return undefined;
  if (segments[0] === 'namespaces' && segments.length >= 3 && isNamespaced(segments[2]) === true) {
    const [, namespace, plural, name, subresource, ...extra] = segments;
    if (extra.length > 0) return undefined;
    return { plural, namespace, name, subresource };
  }
  const [plural, name, subresource, ...extra] = segments;
  if (extra.length > 0) return undefined;
  return { plural, name, subresource };
}
