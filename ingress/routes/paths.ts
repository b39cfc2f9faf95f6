// Ingress host and path matching as networking.k8s.io/v1 defines it.
//
// Paths: Exact matches the URL path exactly (case-sensitive, a trailing slash counts). Prefix
// matches element-wise on '/'-separated elements: `/foo` matches `/foo`, `/foo/` and `/foo/bar`
// but not `/foobar`; a trailing slash on either side is ignored; `/` matches everything. Among
// matches the longest path wins, and Exact beats Prefix at equal length. ImplementationSpecific
// is treated as Prefix here (an empty path then means `/`).
//
// Hosts: compared case-insensitively without a port or a trailing dot; `*.example.com` matches
// exactly one more label (`a.example.com`, not `example.com` nor `a.b.example.com`).

export type MatchType = 'Exact' | 'Prefix';

/** The path elements of a Prefix path or a request path: empty elements dropped. */
export function pathElements(path: string): string[] {
  return path.split('/').filter((e) => e !== '');
}

/** Whether an Ingress path of the given type matches the request path (already without query). */
export function pathMatches(type: MatchType, path: string, requestPath: string): boolean {
  if (type === 'Exact') return path === requestPath;
  const want = pathElements(path);
  const have = pathElements(requestPath);
  if (want.length > have.length) return false;
  return want.every((e, i) => e === have[i]);
}

/**
 * Ordering of candidate paths: longer first, then Exact before Prefix. Both match one request,
 * so the first in this order is the one the spec says wins.
 */
export function comparePaths(a: { path: string; type: MatchType }, b: { path: string; type: MatchType }): number {
  if (a.path.length !== b.path.length) return b.path.length - a.path.length;
  if (a.type !== b.type) return a.type === 'Exact' ? -1 : 1;
  return 0;
}

/** The request's host as rules compare it: lower case, no port, no trailing dot. */
export function normalizeHost(host: string | undefined): string {
  if (!host) return '';
  let h = host.trim().toLowerCase();
  if (h.startsWith('[')) {
    // An IPv6 literal: [::1]:8080. Rules never name IPs (the apiserver refuses them), so this only
    // needs to be stable, not to match.
    const end = h.indexOf(']');
    return end > 0 ? h.slice(0, end + 1) : h;
  }
  const colon = h.lastIndexOf(':');
  if (colon >= 0) h = h.slice(0, colon);
  return h.endsWith('.') ? h.slice(0, -1) : h;
}

/** For `*.example.com`: `.example.com`; undefined for a plain host. */
export function wildcardSuffix(host: string): string | undefined {
  return host.startsWith('*.') ? host.slice(1) : undefined;
}

/** The wildcard suffix a request host would match: `a.example.com` → `.example.com` (one label off). */
export function hostSuffix(host: string): string | undefined {
  const dot = host.indexOf('.');
  if (dot <= 0) return undefined;
  return host.slice(dot);
}

/** Whether a rule host (exact or `*.`) covers the request host; both normalized. */
export function hostMatches(ruleHost: string, host: string): boolean {
  const suffix = wildcardSuffix(ruleHost);
  return suffix === undefined ? ruleHost === host : hostSuffix(host) === suffix;
}
