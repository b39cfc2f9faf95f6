// The ingress controller's flags and the validated configuration built from them. Loaded by
// main.ts before logging is configured: imports nothing that creates a logger.
import * as os from 'node:os';
import { isIP } from 'node:net';

export const INGRESS_FLAGS = {
  kubeconfig: '',
  /** host:port of the apiserver's gRPC door; empty: the kubeconfig's host, port 6444. */
  apiserverGrpc: '',
  bindAddress: '0.0.0.0',
  httpPort: 80,
  httpsPort: 443,
  /** The IngressClass spec.controller value this controller implements. */
  controllerName: 'k8ts.io/ingress',
  /** /healthz /livez /readyz; 0 disables. ingress-nginx's health port. */
  healthPort: 10254,
  /** /metrics (and /healthz); 0 disables. Beside the health port; no other component uses it. */
  metricsPort: 10253,
  healthBindAddress: '0.0.0.0',
  /** Time from sending a request upstream to its response headers before a 504, milliseconds. */
  upstreamTimeoutMs: 60_000,
  /** Idle keep-alive connections kept per upstream endpoint. */
  upstreamKeepAlive: 32,
  /** Delay between the first change of a burst and the route table rebuild, milliseconds. */
  reloadCoalesceMs: 50,
  /** Addresses written to status.loadBalancer.ingress (IPs or host names); empty: the InternalIPs of the Ready nodes. */
  publishAddress: [] as string[],
  /** Only the elected instance writes Ingress status: the Lease it holds. */
  electionNamespace: 'kube-system',
  electionName: 'k8ts-ingress',
  /** Identity in the Lease; empty: the host name and pid. */
  nodeName: '',
  /** Whether to write Ingress status at all. */
  updateStatus: true,
};

export interface IngressConfig {
  kubeconfig: string;
  apiserverGrpc?: string;
  bindAddress: string;
  /** 0: an ephemeral port (tests). */
  httpPort: number;
  /** 0: an ephemeral port; -1: no HTTPS listener. */
  httpsPort: number;
  controllerName: string;
  health: { host: string; port: number };
  metrics: { host: string; port: number };
  upstreamTimeoutMs: number;
  upstreamKeepAlive: number;
  reloadCoalesceMs: number;
  publishAddresses: string[];
  election: { namespace: string; name: string; identity: string; leaseDurationMs: number; renewMs: number };
  updateStatus: boolean;
}

export class IngressConfigError extends Error {
  override name = 'IngressConfigError';
  readonly code = 'INGRESS_CONFIG_INVALID';
}

function port(flag: string, p: number, min: number): number {
  if (!Number.isInteger(p) || p < min || p > 65535) throw new IngressConfigError(`--${flag} ${p} is not a port`);
  return p;
}

const HOSTNAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function ingressConfigFromFlags(o: typeof INGRESS_FLAGS): IngressConfig {
  if (!o.kubeconfig) throw new IngressConfigError('--kubeconfig is required');
  if (!isIP(o.bindAddress)) throw new IngressConfigError(`--bind-address "${o.bindAddress}" is not an IP address`);
  if (!isIP(o.healthBindAddress)) throw new IngressConfigError(`--health-bind-address "${o.healthBindAddress}" is not an IP address`);
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?\/\S+$/i.test(o.controllerName) || o.controllerName.length > 250)
    throw new IngressConfigError(`--controller-name "${o.controllerName}" is not a domain-prefixed path like k8ts.io/ingress`);
  if (!(Number.isInteger(o.upstreamTimeoutMs) && o.upstreamTimeoutMs > 0)) throw new IngressConfigError('--upstream-timeout-ms must be a positive whole number');
  if (!(Number.isInteger(o.upstreamKeepAlive) && o.upstreamKeepAlive >= 0)) throw new IngressConfigError('--upstream-keep-alive must be a whole number');
  if (!(Number.isInteger(o.reloadCoalesceMs) && o.reloadCoalesceMs >= 0)) throw new IngressConfigError('--reload-coalesce-ms must be a whole number');
  for (const a of o.publishAddress) {
    if (!isIP(a) && !HOSTNAME.test(a)) throw new IngressConfigError(`--publish-address "${a}" is neither an IP address nor a host name`);
  }
  if (!o.electionNamespace || !o.electionName) throw new IngressConfigError('--election-namespace and --election-name must not be empty');
  const httpPort = port('http-port', o.httpPort, 0);
  const httpsPort = port('https-port', o.httpsPort, -1);
  if (httpPort !== 0 && httpPort === httpsPort) throw new IngressConfigError(`--http-port and --https-port are both ${httpPort}`);
  return {
    kubeconfig: o.kubeconfig,
    apiserverGrpc: o.apiserverGrpc || undefined,
    bindAddress: o.bindAddress,
    httpPort,
    httpsPort,
    controllerName: o.controllerName,
    health: { host: o.healthBindAddress, port: port('health-port', o.healthPort, 0) },
    metrics: { host: o.healthBindAddress, port: port('metrics-port', o.metricsPort, 0) },
    upstreamTimeoutMs: o.upstreamTimeoutMs,
    upstreamKeepAlive: o.upstreamKeepAlive,
    reloadCoalesceMs: o.reloadCoalesceMs,
    publishAddresses: [...o.publishAddress],
    election: {
      namespace: o.electionNamespace,
      name: o.electionName,
      identity: o.nodeName || `${os.hostname().toLowerCase()}_${process.pid}`,
      // client-go's defaults (15 s lease, renewed every 2 s) would also do; status writing is not urgent.
      leaseDurationMs: 15_000,
      renewMs: 2_000,
    },
    updateStatus: o.updateStatus,
  };
}
