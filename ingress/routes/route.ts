// Request routing and certificate selection on a route table: pure lookups.
//
// Host precedence: the exact host's rules, then the `*.` wildcard that covers it, then the rules
// without a host. The first of these levels with a matching path wins (a request for a known
// host whose path only a host-less rule matches still reaches that rule: the spec says a rule
// without a host applies to all traffic). Nothing matching: the default backend, else 404.
import type { ResolvedBackend } from './backends';
import { hostSuffix, normalizeHost, pathMatches } from './paths';
import type { RouteTable } from './route-table';

export type RouteResult =
  | { kind: 'backend'; backend: ResolvedBackend; ingress: string; rule: string }
  | { kind: 'not-found' };

/** The path part of a request target: no query, no fragment; '/' when empty or absolute-form junk. */
export function requestPath(url: string | undefined): string {
  let u = url ?? '/';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(u)) {
    // absolute-form (a proxy-style request line): keep only the path.
    const slash = u.indexOf('/', u.indexOf('//') + 2);
    u = slash < 0 ? '/' : u.slice(slash);
  }
  const cut = u.search(/[?#]/);
  if (cut >= 0) u = u.slice(0, cut);
  return u.startsWith('/') ? u : '/';
}

/** The rule hosts to try for a request host, most specific first. */
export function hostCandidates(host: string): string[] {
  const h = normalizeHost(host);
  const out: string[] = [];
  if (h) out.push(h);
  const suffix = h ? hostSuffix(h) : undefined;
  if (suffix) out.push(`*${suffix}`);
  out.push('');
  return out;
}

export function route(table: RouteTable, host: string | undefined, path: string): RouteResult {
  for (const h of hostCandidates(host ?? '')) {
    for (const p of table.hosts[h] ?? []) {
      if (pathMatches(p.type, p.path, path)) return { kind: 'backend', backend: p.backend, ingress: p.ingress, rule: `${h || '*'} ${p.type} ${p.path}` };
    }
  }
  const d = table.defaultBackend;
  return d ? { kind: 'backend', backend: d.backend, ingress: d.ingress, rule: 'defaultBackend' } : { kind: 'not-found' };
}

/**
 * The Secret whose certificate a TLS handshake for `servername` (SNI) gets: the exact host's,
 * then the covering wildcard's, then that of a spec.tls entry without hosts. Undefined: the
 * controller's default certificate (also for clients that send no SNI).
 */
export function selectCertificate(table: RouteTable, servername: string | undefined): string | undefined {
  for (const h of hostCandidates(servername ?? '')) {
    const s = table.tls[h];
    if (s !== undefined && table.certificates[s]) return s;
  }
  return undefined;
}
