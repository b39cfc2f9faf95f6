// The cluster DNS process: the zone source (informers → zone index), the UDP+TCP server on
// --port, forwarding to the upstreams, /healthz and /readyz on --health-port (ready once the zone
// is built) and /metrics on --metrics-port. main.ts loads this after logging is configured; tests
// call startDns in-process with a client of their own.
import type { ApiClient } from '../lib/client/api-client';
import { GrpcApiClient, grpcOptionsFromKubeconfig } from '../lib/client/grpc-client';
import { startHealthServer, standardProbes, type HealthServer } from '../lib/health-server';
import { componentLogger } from '../lib/log';
import type { DnsConfig } from './config';
import { Forwarder } from './server/forwarder';
import { DnsMetrics } from './server/metrics';
import { ResponseCache } from './server/response-cache';
import { DnsServer } from './server/udp-tcp-server';
import { ZoneSource } from './server/zone-source';
import { startLeaseEndpoints, type LeaseEndpoints } from '../lib/lease-endpoints/lease-endpoints';
import { ensureKubeDnsService, kubeDnsEndpointPorts } from './kube-dns-service';

export interface RunningDns {
  /** The DNS port bound (UDP and TCP): --port, or the one picked for port 0. */
  readonly port: number;
  readonly healthPort?: number;
  readonly metricsPort?: number;
  readonly metrics: DnsMetrics;
  /** The Service membership (--node-name): its Lease and the Service's endpoints. */
  readonly membership?: LeaseEndpoints;
  stop(): Promise<void>;
}

export interface DnsDeps {
  client?: ApiClient;
}

export async function startDns(config: DnsConfig, deps: DnsDeps = {}): Promise<RunningDns> {
  const log = componentLogger('dns');
  const metrics = new DnsMetrics();
  const client = deps.client ?? new GrpcApiClient(grpcOptionsFromKubeconfig(config.kubeconfig, config.apiserverGrpc));
  const zone = new ZoneSource({
    client,
    zone: { zone: config.clusterDomain, ttl: config.ttl, podMode: config.podMode },
    log,
    onRebuild: () => metrics.zoneRebuilds.inc(),
  });
  const server = new DnsServer({
    host: config.bindAddress,
    port: config.port,
    index: () => zone.index(),
    forwarder: new Forwarder({ upstreams: config.upstreams, timeoutMs: config.upstreamTimeoutMs }),
    cache: config.cacheSize > 0 ? new ResponseCache({ maxEntries: config.cacheSize }) : undefined,
    metrics,
    log,
    tcpIdleTimeoutMs: config.tcpIdleTimeoutMs,
  });
  const servers: HealthServer[] = [];
  let membership: LeaseEndpoints | undefined;
  const stop = async () => {
    // First leave the Service, so no client is sent here while the sockets close.
    await membership?.stop();
    zone.stop();
    await server.stop();
    await Promise.all(servers.map((s) => s.stop()));
    if (!deps.client) client.close();
  };
  try {
    // Sockets first: until the zone is built queries get SERVFAIL (retryable) rather than a
    // refused port, and /readyz says not ready.
    await server.start();
    const probes = standardProbes(() => zone.synced);
    if (config.health.port) servers.push(await startHealthServer({ ...config.health, probes }));
    if (config.metrics.port) servers.push(await startHealthServer({ ...config.metrics, probes: { '/healthz': probes['/healthz'] }, metrics: metrics.registry }));
    await zone.start();
    // Only once the zone is built: an endpoint of the Service answers.
    const m = config.membership;
    if (m) {
      const service = { namespace: m.service.namespace, name: m.service.name };
      membership = startLeaseEndpoints({
        client,
        service,
        leaseNamespace: m.service.namespace,
        identity: m.nodeName,
        address: m.address,
        nodeName: m.nodeName,
        ports: kubeDnsEndpointPorts(server.port, config.metrics.port ? servers[servers.length - 1]?.port : undefined),
        renewMs: m.renewMs,
        leaseDurationSeconds: m.leaseDurationSeconds,
        ensureService: async () => {
          const r = await ensureKubeDnsService(client, { ...service, clusterIP: m.service.clusterIP });
          if (r === 'created') log.info({ service: `${service.namespace}/${service.name}`, clusterIP: m.service.clusterIP }, 'dns service created');
        },
      });
    }
  } catch (err) {
    await stop();
    throw err;
  }
  log.info(
    {
      address: `${config.bindAddress}:${server.port}`,
      zone: config.clusterDomain,
      upstreams: config.upstreams.map((u) => `${u.host}:${u.port}`),
      health: config.health.port || 'off',
      metrics: config.metrics.port || 'off',
    },
    'cluster dns started',
  );
  return {
    port: server.port,
    healthPort: config.health.port ? servers[0]?.port : undefined,
    metricsPort: config.metrics.port ? servers[servers.length - 1]?.port : undefined,
    metrics,
    ...(membership ? { membership } : {}),
    stop,
  };
}
