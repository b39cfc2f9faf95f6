// A pod's resolver configuration as CRI's DNSConfig (containerd writes it into the sandbox's
// /etc/resolv.conf), following the kubelet's rules: the dnsPolicy picks a base (the cluster DNS,
// the node's resolv.conf, or nothing), spec.dnsConfig is merged over it, and the result is cut to
// what resolvers accept. Pure: the node's resolv.conf is read by the caller, and what upstream
// records as events comes back as values for the caller to record.
import * as net from 'node:net';
import type { Pod } from '../../lib/api/types';
import type { ResolvConf } from './resolv-conf';

export interface DnsConfig {
  servers: string[];
  searches: string[];
  options: string[];
}

export interface PodDnsContext {
  /** --cluster-dns: the cluster DNS Service's addresses; empty makes ClusterFirst fall back to Default. */
  clusterDNS: string[];
  /** --cluster-domain, e.g. cluster.local; empty leaves the cluster search paths out. */
  clusterDomain: string;
  /** The parsed --resolv-conf; undefined when the flag is '' (host DNS disabled). */
  hostResolv: ResolvConf | undefined;
  /** The node's addresses: with --resolv-conf='' a Default pod asks the loopback of each family. */
  nodeIPs: string[];
}

/** A Warning event upstream records on the pod; `nodeMessage`, when set, also goes on the node. */
export interface DnsWarning {
  reason: 'DNSConfigForming' | 'MissingClusterDNS';
  message: string;
  nodeMessage?: string;
}

export interface PodDnsResult {
  config: DnsConfig;
  warnings: DnsWarning[];
}

/** The core/v1 fields this file reads (lib/api/types leaves them open). */
interface PodDnsSpec {
  dnsPolicy?: string;
  hostNetwork?: boolean;
  dnsConfig?: { nameservers?: string[]; searches?: string[]; options?: { name?: string; value?: string }[] } | null;
}

/** Resolver limits (glibc: 3 nameservers; the search limits are upstream's expanded ones). */
export const MAX_NAMESERVERS = 3;
export const MAX_SEARCH_PATHS = 32;
export const MAX_SEARCH_LINE_CHARS = 2048;
/** glibc aborts on a search path longer than a domain name may be. */
export const MAX_SEARCH_PATH_CHARS = 253;
export const DEFAULT_DNS_OPTIONS = ['ndots:5'];

export type PodDnsType = 'cluster' | 'host' | 'none';

/**
 * ClusterFirst means Default for a host-network pod (its resolver is the node's unless it asks
 * for ClusterFirstWithHostNet). An unknown policy cannot pass validation; like upstream it is
 * treated as ClusterFirst, as is a missing one (the apiserver defaults it).
 */
export function podDnsType(pod: Pod): PodDnsType {
  const spec = pod.spec as PodDnsSpec;
  switch (spec.dnsPolicy) {
    case 'None':
      return 'none';
    case 'ClusterFirstWithHostNet':
      return 'cluster';
    case 'Default':
      return 'host';
    default:
      return spec.hostNetwork === true ? 'host' : 'cluster';
  }
}

const unique = (xs: string[]): string[] => [...new Set(xs)];

/** "<ns>.svc.<domain> svc.<domain> <domain>" ahead of the node's search paths. */
export function clusterSearches(namespace: string, clusterDomain: string, hostSearches: string[]): string[] {
  if (!clusterDomain) return [...hostSearches];
  return unique([`${namespace}.svc.${clusterDomain}`, `svc.${clusterDomain}`, clusterDomain, ...hostSearches]);
}

/**
 * Options merged by name, the pod's winning. Upstream builds them through a Go map (random
 * order); here the base's order is kept, a replaced option stays in place and new ones follow.
 */
export function mergeDnsOptions(base: string[], extra: { name?: string; value?: string }[]): string[] {
  const byName = new Map<string, string>();
  for (const op of base) {
    const i = op.indexOf(':');
    byName.set(i < 0 ? op : op.slice(0, i), i < 0 ? '' : op.slice(i + 1));
  }
  for (const op of extra) if (op.name) byName.set(op.name, op.value ?? '');
  return [...byName].map(([name, value]) => (value ? `${name}:${value}` : name));
}

/** The search list cut to the limits: count, then over-long paths, then total length from the end. */
export function fitSearches(searches: string[]): { searches: string[]; cut: boolean } {
  let cut = searches.length > MAX_SEARCH_PATHS;
  let out = searches.slice(0, MAX_SEARCH_PATHS);
  const short = out.filter((s) => s.length <= MAX_SEARCH_PATH_CHARS);
  if (short.length !== out.length) cut = true;
  out = short;
  while (out.length && out.join(' ').length > MAX_SEARCH_LINE_CHARS) {
    out = out.slice(0, -1);
    cut = true;
  }
  return { searches: out, cut };
}

function fitLimits(cfg: DnsConfig, warnings: DnsWarning[]): DnsConfig {
  let servers = cfg.servers;
  if (servers.length > MAX_NAMESERVERS) {
    servers = servers.slice(0, MAX_NAMESERVERS);
    warnings.push({ reason: 'DNSConfigForming', message: `Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: ${servers.join(' ')}` });
  }
  const fit = fitSearches(cfg.searches);
  if (fit.cut) warnings.push({ reason: 'DNSConfigForming', message: `Search Line limits were exceeded, some search paths have been omitted, the applied search line is: ${fit.searches.join(' ')}` });
  return { servers, searches: fit.searches, options: cfg.options };
}

/** With --resolv-conf='' the node's resolver is "the local machine": its loopback, no search. */
function disabledHostDns(nodeIPs: string[]): DnsConfig {
  const servers = unique(nodeIPs.map((ip) => (net.isIPv6(ip) ? '::1' : '127.0.0.1')));
  return { servers: servers.length ? servers : ['127.0.0.1'], searches: ['.'], options: [] };
}

/** The pod's DNSConfig for CRI and the warnings upstream would record while forming it. */
export function podDnsConfig(pod: Pod, ctx: PodDnsContext): PodDnsResult {
  const warnings: DnsWarning[] = [];
  const host: DnsConfig = ctx.hostResolv
    ? { servers: [...ctx.hostResolv.nameservers], searches: [...ctx.hostResolv.searches], options: [...ctx.hostResolv.options] }
    : { servers: [], searches: [], options: [] };
  let cfg: DnsConfig;
  let type = podDnsType(pod);
  if (type === 'cluster' && ctx.clusterDNS.length === 0) {
    // Without a cluster DNS address a ClusterFirst pod still starts, with the node's resolver.
    const nodeMessage = 'kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy. Falling back to "Default" policy.';
    const podRef = `${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;
    warnings.push({ reason: 'MissingClusterDNS', message: `pod: "${podRef}". ${nodeMessage}`, nodeMessage });
    type = 'host';
  }
  if (type === 'none') cfg = { servers: [], searches: [], options: [] };
  else if (type === 'cluster') {
    // The cluster DNS is the only nameserver: it forwards what it does not serve itself.
    cfg = { servers: [...ctx.clusterDNS], searches: clusterSearches(pod.metadata.namespace ?? 'default', ctx.clusterDomain, host.searches), options: [...DEFAULT_DNS_OPTIONS] };
  } else cfg = ctx.hostResolv ? host : disabledHostDns(ctx.nodeIPs);

  const extra = (pod.spec as PodDnsSpec).dnsConfig;
  if (extra) {
    cfg = {
      servers: unique([...cfg.servers, ...(extra.nameservers ?? [])]),
      searches: unique([...cfg.searches, ...(extra.searches ?? [])]),
      options: mergeDnsOptions(cfg.options, extra.options ?? []),
    };
  }
  return { config: fitLimits(cfg, warnings), warnings };
}

/**
 * What is wrong with the node's search line for pods (checked once at start, reported on the
 * node): more paths than fit beside the three cluster ones, an over-long path, an over-long line.
 * Pods still start; their search list is cut as fitLimits says.
 */
export function hostSearchProblem(file: string, hostSearches: string[], clusterDomain: string): string | undefined {
  const limit = MAX_SEARCH_PATHS - (clusterDomain ? 3 : 0);
  if (hostSearches.length > limit) return `Resolv.conf file '${file}' contains search line consisting of more than ${limit} domains!`;
  if (hostSearches.some((s) => s.length > MAX_SEARCH_PATH_CHARS)) return `Resolv.conf file "${file}" contains a search path which length is more than allowed ${MAX_SEARCH_PATH_CHARS} chars!`;
  if (hostSearches.join(' ').length > MAX_SEARCH_LINE_CHARS) return `Resolv.conf file '${file}' contains search line which length is more than allowed ${MAX_SEARCH_LINE_CHARS} chars!`;
  return undefined;
}
