// apiserver options: the flags the local-cluster launcher passes, parsed into a typed config.
// Loaded by main.ts before logging is configured: import nothing that creates a logger.
import * as os from 'node:os';
import { parseFlags, type Parsed } from '../lib/flags';

export const APISERVER_FLAGS = {
  etcdServers: 'http://127.0.0.1:2379',
  etcdPrefix: '/registry',
  bindAddress: '0.0.0.0',
  securePort: 6443,
  grpcPort: 6444,
  advertiseAddress: '',
  tlsCertFile: '',
  tlsPrivateKeyFile: '',
  clientCaFile: '',
  kubeletClientCertificate: '',
  kubeletClientKey: '',
  serviceClusterIpRange: '10.96.0.0/16',
  serviceNodePortRange: '30000-32767',
  logLevel: 'info',
  /** DefaultTolerationSeconds admission: tolerationSeconds of the not-ready:NoExecute toleration added to pods. */
  defaultNotReadyTolerationSeconds: 300,
  /** DefaultTolerationSeconds admission: tolerationSeconds of the unreachable:NoExecute toleration added to pods. */
  defaultUnreachableTolerationSeconds: 300,
  /** Seconds between scrapes of the kubelets for the built-in Metrics API (metrics.k8s.io); 0 turns it off. */
  metricResolution: 15,
};

export interface ApiserverConfig {
  etcdServers: string[];
  etcdPrefix: string;
  bindAddress: string;
  securePort: number;
  grpcPort: number;
  advertiseAddress: string;
  tlsCertFile: string;
  tlsPrivateKeyFile: string;
  clientCaFile: string;
  /** The apiserver's client identity towards kubelets (logs, exec, port-forward, node proxy). */
  kubeletClientCertificate?: string;
  kubeletClientKey?: string;
  serviceClusterIpRange: string;
  serviceNodePortRange: string;
  logLevel: string;
  /** Seconds; 300 when not given (upstream's default). */
  defaultNotReadyTolerationSeconds?: number;
  defaultUnreachableTolerationSeconds?: number;
  /** Seconds between kubelet scrapes for metrics.k8s.io; 0 or unset: the Metrics API is not served. */
  metricResolution?: number;
}

export class ConfigError extends Error {
  readonly code = 'APISERVER_CONFIG_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** The first non-internal IPv4 address of this machine, else loopback. */
export function defaultAdvertiseAddress(): string {
  for (const list of Object.values(os.networkInterfaces()))
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return '127.0.0.1';
}

export function parseApiserverConfig(argv: string[]): ApiserverConfig {
  return apiserverConfigFromFlags(parseFlags(argv, APISERVER_FLAGS));
}

/** Parsed flags → the config (the entry helper parses, this compiles). */
export function apiserverConfigFromFlags(f: Parsed<typeof APISERVER_FLAGS>): ApiserverConfig {
  for (const k of ['tlsCertFile', 'tlsPrivateKeyFile', 'clientCaFile'] as const)
    if (!f[k]) throw new ConfigError(`--${k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())} is required`);
  for (const k of ['defaultNotReadyTolerationSeconds', 'defaultUnreachableTolerationSeconds'] as const)
    if (!Number.isSafeInteger(f[k])) throw new ConfigError(`--${k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())} must be a whole number of seconds, not ${f[k]}`);
  if (!(f.metricResolution >= 0)) throw new ConfigError(`--metric-resolution must be a number of seconds, 0 or more, not ${f.metricResolution}`);
  return {
    etcdServers: f.etcdServers.split(',').map((s) => s.trim()).filter(Boolean),
    etcdPrefix: f.etcdPrefix,
    bindAddress: f.bindAddress,
    securePort: f.securePort,
    grpcPort: f.grpcPort,
    advertiseAddress: f.advertiseAddress || defaultAdvertiseAddress(),
    tlsCertFile: f.tlsCertFile,
    tlsPrivateKeyFile: f.tlsPrivateKeyFile,
    clientCaFile: f.clientCaFile,
    kubeletClientCertificate: f.kubeletClientCertificate,
    kubeletClientKey: f.kubeletClientKey,
    serviceClusterIpRange: f.serviceClusterIpRange,
    serviceNodePortRange: f.serviceNodePortRange,
    logLevel: f.logLevel,
    defaultNotReadyTolerationSeconds: f.defaultNotReadyTolerationSeconds,
    defaultUnreachableTolerationSeconds: f.defaultUnreachableTolerationSeconds,
    metricResolution: f.metricResolution,
  };
}
