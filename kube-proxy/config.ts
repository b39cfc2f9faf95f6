// kube-proxy's flags and the typed, validated configuration built from them. Loaded by main.ts
// before logging is configured: import nothing that creates a logger.
import * as os from 'node:os';
import { FlagError, parseFlags, type Parsed } from '../lib/flags';
import { normalizeCidr, parseIPv4 } from './cidr';
import { validInterfaceName } from './node-routes';
import { DEFAULT_VXLAN_PORT, POD_NETWORK_MODES, type PodNetworkMode } from './pod-network/plan';

export const KUBE_PROXY_FLAGS = {
  kubeconfig: '',
  apiserverGrpc: '',
  nodeName: '',
  nodeIp: '',
  clusterCidr: '10.244.0.0/16',
  serviceCidr: '10.96.0.0/16',
  proxyMode: 'iptables',
  /** Durations: "1s", "500ms", "2m", or a bare number of seconds. */
  minSyncPeriod: '1s',
  syncPeriod: '30s',
  healthzPort: 10256,
  healthzBindAddress: '0.0.0.0',
  metricsPort: 10249,
  metricsBindAddress: '127.0.0.1',
  /** The local sink interface the service CIDR is routed to (≤ 15 characters). */
  serviceInterface: 'k8ts-svc',
  /** More CIDRs routed to the sink like the service CIDR: the LoadBalancer pool (the
   *  controller-manager's default), so an address of it without rules dies here. Comma list; '' = none. */
  sinkCidrs: '198.19.254.0/24',
  /** Where the health-check node ports of externalTrafficPolicy: Local LoadBalancers listen. */
  healthCheckBindAddress: '0.0.0.0',
  /** How pods reach other nodes' pods: host-gw, vxlan, or auto (host-gw when every other node is
   *  on a directly connected network, vxlan otherwise). */
  podNetworkMode: 'auto',
  /** The VXLAN device (≤ 15 characters), its VNI and UDP port: the same on every node. */
  vxlanInterface: 'k8ts-vxlan',
  vxlanVni: 1,
  vxlanPort: DEFAULT_VXLAN_PORT,
  cleanup: false,
  logLevel: 'info',
  help: false,
};

export const PROXY_MODES = ['iptables', 'nftables', 'ipvs'] as const;
export type ProxyMode = (typeof PROXY_MODES)[number];

export interface KubeProxyConfig {
  kubeconfig: string;
  /** host:port of the apiserver's gRPC door; undefined = the kubeconfig's host, port 6444. */
  apiserverGrpc?: string;
  nodeName: string;
  nodeIP: string;
  clusterCIDR: string;
  serviceCIDR: string;
  proxyMode: ProxyMode;
  minSyncPeriodMs: number;
  syncPeriodMs: number;
  /** Port 0 disables a server. */
  healthz: { host: string; port: number };
  metrics: { host: string; port: number };
  serviceInterface: string;
  sinkCIDRs: string[];
  healthCheckBindAddress: string;
  podNetworkMode: PodNetworkMode;
  vxlan: { device: string; vni: number; port: number };
  cleanup: boolean;
  logLevel: string;
  /** In-process only (tests): run every host command inside this network namespace. */
  netns?: string;
}

export class ConfigError extends Error {
  readonly code = 'KUBE_PROXY_CONFIG_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses "1s", "250ms", "1.5m" or a bare number of seconds into milliseconds. */
export function parseDurationMs(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw new ConfigError(`"${text}" is not a duration (e.g. 1s, 500ms, 2m)`);
  return Math.round(Number(m[1]) * UNITS[m[2] ?? 's']);
}

function port(name: string, p: number): number {
  if (!Number.isInteger(p) || p < 0 || p > 65535) throw new ConfigError(`--${name} ${p} is not a port (0 disables)`);
  return p;
}

export function parseKubeProxyConfig(argv: string[]): KubeProxyConfig & { help: boolean } {
  let f;
  try {
    f = parseFlags(argv, KUBE_PROXY_FLAGS);
  } catch (err) {
    if (err instanceof FlagError) throw new ConfigError(err.message);
    throw err;
  }
  return kubeProxyConfigFromFlags(f);
}

/** Parsed flags → the validated config (the entry helper parses, this compiles). */
export function kubeProxyConfigFromFlags(f: Parsed<typeof KUBE_PROXY_FLAGS>): KubeProxyConfig & { help: boolean } {
  const clusterCIDR = normalizeCidr(f.clusterCidr);
  const serviceCIDR = normalizeCidr(f.serviceCidr);
  if (!clusterCIDR || !f.clusterCidr.includes('/')) throw new ConfigError(`--cluster-cidr "${f.clusterCidr}" is not an IPv4 CIDR`);
  if (!serviceCIDR || !f.serviceCidr.includes('/')) throw new ConfigError(`--service-cidr "${f.serviceCidr}" is not an IPv4 CIDR`);
  if (!(PROXY_MODES as readonly string[]).includes(f.proxyMode)) {
    throw new ConfigError(`--proxy-mode "${f.proxyMode}" is not supported (${PROXY_MODES.join(', ')})`);
  }
  const sinkCIDRs = f.sinkCidrs.split(',').map((c) => c.trim()).filter(Boolean).map((c) => {
    const n = normalizeCidr(c);
    if (!n || !c.includes('/')) throw new ConfigError(`--sink-cidrs: "${c}" is not an IPv4 CIDR`);
    return n;
  });
  if (parseIPv4(f.healthCheckBindAddress) === undefined) throw new ConfigError(`--health-check-bind-address "${f.healthCheckBindAddress}" must be an IPv4 address`);
  const minSyncPeriodMs = parseDurationMs(f.minSyncPeriod);
  const syncPeriodMs = parseDurationMs(f.syncPeriod);
  if (syncPeriodMs <= 0) throw new ConfigError('--sync-period must be positive');
  if (minSyncPeriodMs > syncPeriodMs) throw new ConfigError('--min-sync-period must not exceed --sync-period');
  if (!validInterfaceName(f.serviceInterface)) {
    throw new ConfigError(`--service-interface "${f.serviceInterface}" must be 1-15 characters of [A-Za-z0-9_.-]`);
  }
  if (!(POD_NETWORK_MODES as readonly string[]).includes(f.podNetworkMode)) {
    throw new ConfigError(`--pod-network-mode "${f.podNetworkMode}" is not supported (${POD_NETWORK_MODES.join(', ')})`);
  }
  if (!validInterfaceName(f.vxlanInterface)) {
    throw new ConfigError(`--vxlan-interface "${f.vxlanInterface}" must be 1-15 characters of [A-Za-z0-9_.-]`);
  }
  if (f.vxlanInterface === f.serviceInterface) throw new ConfigError('--vxlan-interface must differ from --service-interface');
  if (!Number.isInteger(f.vxlanVni) || f.vxlanVni < 1 || f.vxlanVni > 16_777_215) {
    throw new ConfigError(`--vxlan-vni ${f.vxlanVni} is not a VXLAN network identifier (1-16777215)`);
  }
  if (!Number.isInteger(f.vxlanPort) || f.vxlanPort < 1 || f.vxlanPort > 65535) throw new ConfigError(`--vxlan-port ${f.vxlanPort} is not a port`);
  if (!f.cleanup && !f.help) {
    if (!f.kubeconfig) throw new ConfigError('--kubeconfig is required');
    if (!f.nodeIp || parseIPv4(f.nodeIp) === undefined) throw new ConfigError(`--node-ip "${f.nodeIp}" must be an IPv4 address`);
  }
  return {
    kubeconfig: f.kubeconfig,
    apiserverGrpc: f.apiserverGrpc || undefined,
    nodeName: f.nodeName || os.hostname().toLowerCase(),
    nodeIP: f.nodeIp,
    clusterCIDR,
    serviceCIDR,
    proxyMode: f.proxyMode as ProxyMode,
    minSyncPeriodMs,
    syncPeriodMs,
    healthz: { host: f.healthzBindAddress, port: port('healthz-port', f.healthzPort) },
    metrics: { host: f.metricsBindAddress, port: port('metrics-port', f.metricsPort) },
    serviceInterface: f.serviceInterface,
    sinkCIDRs,
    healthCheckBindAddress: f.healthCheckBindAddress,
    podNetworkMode: f.podNetworkMode as PodNetworkMode,
    vxlan: { device: f.vxlanInterface, vni: f.vxlanVni, port: f.vxlanPort },
    cleanup: f.cleanup,
    logLevel: f.logLevel,
    help: f.help,
  };
}
