// The cluster DNS's flags and the validated configuration built from them. Loaded by main.ts
// before logging is configured: imports nothing that creates a logger.
import * as fs from 'node:fs';
import { isIP } from 'node:net';
import type { PodMode } from './records/zone-index';
import { upstreamsFromFlag, type Upstream } from './server/upstreams';

export const DNS_FLAGS = {
  kubeconfig: '',
  /** host:port of the apiserver's gRPC door; empty: the kubeconfig's host, port 6444. */
  apiserverGrpc: '',
  bindAddress: '0.0.0.0',
  port: 53,
  clusterDomain: 'cluster.local',
  /** Comma-separated `ip[:port]`; empty: the non-loopback nameservers of --resolv-conf; `none`: no forwarding. */
  upstream: '',
  resolvConf: '/etc/resolv.conf',
  /** Per upstream attempt, milliseconds. */
  upstreamTimeoutMs: 1000,
  /** TTL of positive answers, seconds. */
  ttl: 5,
  /** insecure | verified | disabled: how <a-b-c-d>.<ns>.pod.<zone> is answered. */
  podMode: 'insecure',
  tcpIdleTimeoutMs: 10_000,
  /** Forwarded answers kept in the response cache at most; 0 disables it. */
  cacheSize: 10_000,
  /** /healthz /livez /readyz; 0 disables. */
  healthPort: 8080,
  /** /metrics (and /healthz); 0 disables. CoreDNS' port. */
  metricsPort: 9153,
  healthBindAddress: '0.0.0.0',
  /** This instance's node: with it, the instance holds a Lease making it an endpoint of --service-name. Empty: no Service membership. */
  nodeName: '',
  /** The address the Service's endpoints list for this instance; empty: --bind-address (which must then not be 0.0.0.0). */
  advertiseAddress: '',
  /** The DNS Service, created when absent: kube-system/kube-dns at 10.96.0.10. */
  serviceName: 'kube-dns',
  serviceNamespace: 'kube-system',
  serviceIp: '10.96.0.10',
  /** Membership Lease: renewed this often (ms), valid this long (s). */
  leaseRenewMs: 10_000,
  leaseDurationSeconds: 30,
};

export interface DnsConfig {
  kubeconfig: string;
  apiserverGrpc?: string;
  bindAddress: string;
  port: number;
  clusterDomain: string;
  upstreams: Upstream[];
  upstreamTimeoutMs: number;
  ttl: number;
  podMode: PodMode;
  tcpIdleTimeoutMs: number;
  /** Response cache entries; 0: no cache. */
  cacheSize: number;
  health: { host: string; port: number };
  metrics: { host: string; port: number };
  /** Present when the instance is an endpoint of the DNS Service (--node-name given). */
  membership?: DnsMembership;
}

export interface DnsMembership {
  nodeName: string;
  address: string;
  service: { namespace: string; name: string; clusterIP: string };
  renewMs: number;
  leaseDurationSeconds: number;
}

export class DnsConfigError extends Error {
  override name = 'DnsConfigError';
  readonly code = 'DNS_CONFIG_INVALID';
}

const POD_MODES: readonly PodMode[] = ['insecure', 'verified', 'disabled'];

function port(flag: string, p: number, allowZero: boolean): number {
  if (!Number.isInteger(p) || p < (allowZero ? 0 : 1) || p > 65535) throw new DnsConfigError(`--${flag} ${p} is not a port`);
  return p;
}

/** Parsed flags → config. `readFile` is injectable for tests (resolv.conf). */
export function dnsConfigFromFlags(o: typeof DNS_FLAGS, readFile: (f: string) => string = (f) => fs.readFileSync(f, 'utf8')): DnsConfig {
  if (!o.kubeconfig) throw new DnsConfigError('--kubeconfig is required');
  if (!isIP(o.bindAddress)) throw new DnsConfigError(`--bind-address "${o.bindAddress}" is not an IP address`);
  const domain = o.clusterDomain.replace(/\.$/, '').toLowerCase();
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(domain)) throw new DnsConfigError(`--cluster-domain "${o.clusterDomain}" is not a domain name`);
  if (!POD_MODES.includes(o.podMode as PodMode)) throw new DnsConfigError(`--pod-mode "${o.podMode}": one of ${POD_MODES.join(', ')}`);
  if (!(o.upstreamTimeoutMs > 0)) throw new DnsConfigError('--upstream-timeout-ms must be positive');
  if (!(Number.isInteger(o.ttl) && o.ttl >= 0)) throw new DnsConfigError('--ttl must be a whole number of seconds');
  if (!(o.tcpIdleTimeoutMs > 0)) throw new DnsConfigError('--tcp-idle-timeout-ms must be positive');
  if (!(Number.isInteger(o.cacheSize) && o.cacheSize >= 0)) throw new DnsConfigError('--cache-size must be a whole number (0 disables the cache)');
  let upstreams: Upstream[];
  try {
    upstreams = upstreamsFromFlag(o.upstream, () => {
      try {
        return readFile(o.resolvConf);
      } catch {
        // No resolv.conf (a minimal container): no upstream, out-of-zone names get SERVFAIL.
        return '';
      }
    });
  } catch (err) {
    throw new DnsConfigError((err as Error).message);
  }
  return {
    ...membershipFromFlags(o),
    kubeconfig: o.kubeconfig,
    apiserverGrpc: o.apiserverGrpc || undefined,
    bindAddress: o.bindAddress,
    port: port('port', o.port, true),
    clusterDomain: domain,
    upstreams,
    upstreamTimeoutMs: o.upstreamTimeoutMs,
    ttl: o.ttl,
    podMode: o.podMode as PodMode,
    tcpIdleTimeoutMs: o.tcpIdleTimeoutMs,
    cacheSize: o.cacheSize,
    health: { host: o.healthBindAddress, port: port('health-port', o.healthPort, true) },
    metrics: { host: o.healthBindAddress, port: port('metrics-port', o.metricsPort, true) },
  };
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function membershipFromFlags(o: typeof DNS_FLAGS): { membership?: DnsMembership } {
  if (!o.nodeName) return {};
  if (!/^[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?$/.test(o.nodeName)) throw new DnsConfigError(`--node-name "${o.nodeName}" is not a node name`);
  const address = o.advertiseAddress || o.bindAddress;
  if (isIP(address) !== 4 || address === '0.0.0.0') {
    throw new DnsConfigError(`--advertise-address "${address}": the Service endpoint needs this instance's IPv4 address (give it, or a specific --bind-address)`);
  }
  if (!DNS1123_LABEL.test(o.serviceName)) throw new DnsConfigError(`--service-name "${o.serviceName}" is not a Service name`);
  if (!DNS1123_LABEL.test(o.serviceNamespace)) throw new DnsConfigError(`--service-namespace "${o.serviceNamespace}" is not a namespace name`);
  if (isIP(o.serviceIp) !== 4) throw new DnsConfigError(`--service-ip "${o.serviceIp}" is not an IPv4 address`);
  if (!(o.leaseRenewMs > 0) || !(o.leaseDurationSeconds * 1000 > o.leaseRenewMs)) {
    throw new DnsConfigError('--lease-duration-seconds must be longer than --lease-renew-ms');
  }
  return {
    membership: {
      nodeName: o.nodeName,
      address,
      service: { namespace: o.serviceNamespace, name: o.serviceName, clusterIP: o.serviceIp },
      renewMs: o.leaseRenewMs,
      leaseDurationSeconds: o.leaseDurationSeconds,
    },
  };
}
