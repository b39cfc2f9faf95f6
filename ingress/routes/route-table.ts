// The route table: every claimed Ingress merged into one plain value that request routing and
// certificate selection read. Built from scratch by a pure function after any change (no
// incremental state to get wrong), so a table is what its inputs say, testable as a value.
//
// Merging rules (upstream leaves them to the controller; these follow ingress-nginx where it has
// one): Ingresses are taken oldest first (creationTimestamp, then namespace/name). The same host,
// path and match type in two Ingresses goes to the older one; the cluster-wide default backend is
// the oldest claimed Ingress' spec.defaultBackend; a TLS host's certificate is the oldest
// Ingress' Secret for that host. Every loser is listed in `problems`.
import type { EndpointSlice } from '../../lib/api/endpoint-slice';
import type { Service } from '../../lib/api/types';
import { tlsCertificateOf, type TlsCertificate } from '../tls/tls-secret';
import type { Ingress, IngressClass, Secret } from './api-types';
import { backendIndex, resolveBackend, type ResolvedBackend } from './backends';
import { claimedIngresses, ingressKey } from './claims';
import { comparePaths, normalizeHost, type MatchType } from './paths';

export interface PathRoute {
  path: string;
  type: MatchType;
  backend: ResolvedBackend;
  /** `namespace/name` of the Ingress the rule comes from. */
  ingress: string;
}

export interface DefaultRoute {
  backend: ResolvedBackend;
  ingress: string;
}

export interface TableProblem {
  ingress: string;
  message: string;
}

export interface RouteTable {
  /** Claimed Ingresses, oldest first. */
  ingresses: string[];
  /**
   * Paths by rule host: exact hosts, `*.suffix` wildcards and '' for rules without a host. Each
   * list is sorted so that the first match is the winner (longest, Exact before Prefix).
   */
  hosts: Record<string, PathRoute[]>;
  defaultBackend?: DefaultRoute;
  /** TLS Secret (`namespace/name`) by host; '' for a spec.tls entry that lists no hosts. */
  tls: Record<string, string>;
  /** The usable certificates by Secret, only those some TLS host refers to. */
  certificates: Record<string, TlsCertificate>;
  /** What was skipped and why: conflicts, bad Secrets, unsupported backends. */
  problems: TableProblem[];
}

export interface RouteInputs {
  ingresses: readonly Ingress[];
  classes: readonly IngressClass[];
  services: readonly Service[];
  slices: readonly EndpointSlice[];
  secrets: readonly Secret[];
}

export const EMPTY_TABLE: RouteTable = { ingresses: [], hosts: {}, tls: {}, certificates: {}, problems: [] };

function matchType(pathType: string | undefined): MatchType | undefined {
  if (pathType === 'Exact') return 'Exact';
  // ImplementationSpecific is this controller's to define: it behaves as Prefix.
  if (pathType === 'Prefix' || pathType === 'ImplementationSpecific') return 'Prefix';
  return undefined;
}

export function buildRouteTable(inputs: RouteInputs, controllerName: string): RouteTable {
  const claimed = claimedIngresses(inputs.ingresses, inputs.classes, controllerName);
  const index = backendIndex(inputs.services, inputs.slices);
  const secrets = new Map(inputs.secrets.map((s) => [`${s.metadata.namespace ?? ''}/${s.metadata.name ?? ''}`, s]));
  const hosts: Record<string, PathRoute[]> = {};
  const taken = new Map<string, string>();
  const tls: Record<string, string> = {};
  const certificates: Record<string, TlsCertificate> = {};
  const problems: TableProblem[] = [];
  let defaultBackend: DefaultRoute | undefined;

  for (const ing of claimed) {
    const key = ingressKey(ing);
    const ns = ing.metadata.namespace ?? '';
    const spec = ing.spec ?? {};
    const problem = (message: string) => problems.push({ ingress: key, message });

    if (spec.defaultBackend) {
      if (!defaultBackend) defaultBackend = { backend: resolveBackend(index, ns, spec.defaultBackend), ingress: key };
      else problem(`defaultBackend ignored: ${defaultBackend.ingress} (older) defines the default backend`);
    }

    for (const rule of spec.rules ?? []) {
      const host = normalizeHost(rule.host);
      for (const p of rule.http?.paths ?? []) {
        const type = matchType(p.pathType);
        if (!type || !p.backend) {
          problem(`path ${JSON.stringify(p.path ?? '')} skipped: pathType ${JSON.stringify(p.pathType ?? '')} or backend unusable`);
          continue;
        }
        const path = p.path || '/';
        if (!path.startsWith('/')) {
          problem(`path ${JSON.stringify(path)} skipped: not an absolute path`);
          continue;
        }
        const id = `${host}|${type}|${path}`;
        const owner = taken.get(id);
        if (owner) {
          if (owner !== key) problem(`${host || '*'} ${type} ${path} ignored: ${owner} (older) routes it`);
          continue;
        }
        taken.set(id, key);
        (hosts[host] ??= []).push({ path, type, backend: resolveBackend(index, ns, p.backend), ingress: key });
      }
    }

    for (const t of spec.tls ?? []) {
      if (!t.secretName) continue;
      const secretKey = `${ns}/${t.secretName}`;
      const names = (t.hosts ?? []).length ? (t.hosts ?? []).map((h) => normalizeHost(h)) : [''];
      const fresh = names.filter((h) => tls[h] === undefined);
      for (const h of names) if (tls[h] !== undefined && tls[h] !== secretKey) problem(`TLS for ${h || 'hosts without a certificate'} ignored: an older Ingress names ${tls[h]}`);
      if (!fresh.length) continue;
      if (!certificates[secretKey]) {
        const secret = secrets.get(secretKey);
        const checked = secret ? tlsCertificateOf(secret) : { ok: false as const, problem: `secret ${secretKey} not found` };
        if (!checked.ok) {
          problem(`${checked.problem}; the default certificate is served for ${fresh.map((h) => h || '*').join(', ')}`);
          continue;
        }
        certificates[secretKey] = checked.certificate;
      }
      for (const h of fresh) tls[h] = secretKey;
    }
  }

  for (const list of Object.values(hosts)) list.sort(comparePaths);
  return { ingresses: claimed.map(ingressKey), hosts, defaultBackend, tls, certificates, problems };
}
