// The ingress controller process: the route source (informers → route table), TLS contexts from
// the table's Secrets, the HTTP and HTTPS listeners proxying to endpoints, the status writer
// (leader-elected), /healthz and /readyz on --health-port (ready once the first table is built)
// and /metrics on --metrics-port. main.ts loads this after logging is configured; tests call
// startIngress in-process with a client of their own.
import * as http from 'node:http';
import type { ApiClient } from '../lib/client/api-client';
import { GrpcApiClient, grpcOptionsFromKubeconfig } from '../lib/client/grpc-client';
import { startHealthServer, standardProbes, type HealthServer } from '../lib/health-server';
import { componentLogger } from '../lib/log';
import type { IngressConfig } from './config';
import { IngressMetrics } from './metrics';
import { proxyHandler, RoundRobin } from './proxy/reverse-proxy';
import { upgradeHandler } from './proxy/upgrade-proxy';
import type { RouteTable } from './routes/route-table';
import { startHttp, startHttps, type Listener } from './server/listeners';
import { RouteSource } from './source/route-source';
import { StatusWriter } from './status/status-writer';
import { generateDefaultCertificate, SecureContexts, type PemPair } from './tls/secure-contexts';

export interface RunningIngress {
  httpPort: number;
  /** Undefined with --https-port -1. */
  httpsPort?: number;
  healthPort?: number;
  metricsPort?: number;
  metrics: IngressMetrics;
  /** The current route table (tests, debugging). */
  table(): RouteTable;
  stop(): Promise<void>;
}

export interface IngressDeps {
  client?: ApiClient;
  /** The default certificate; generated when absent. */
  defaultCertificate?: PemPair;
}

export async function startIngress(config: IngressConfig, deps: IngressDeps = {}): Promise<RunningIngress> {
  const log = componentLogger('ingress');
  const accessLog = componentLogger('ingress', { log: 'access' });
  const metrics = new IngressMetrics();
  const client = deps.client ?? new GrpcApiClient(grpcOptionsFromKubeconfig(config.kubeconfig, config.apiserverGrpc));
  const balancer = new RoundRobin();
  const contexts = new SecureContexts(deps.defaultCertificate ?? (await generateDefaultCertificate()), log);
  let status: StatusWriter | undefined;
  const source = new RouteSource({
    client,
    controllerName: config.controllerName,
    coalesceMs: config.reloadCoalesceMs,
    log,
    onRebuild: (table) => {
      metrics.reloads.inc();
      metrics.claimed.set({}, table.ingresses.length);
      metrics.tableProblems.set({}, table.problems.length);
      contexts.update(table);
      // Endpoint lists changed: positions in them mean nothing any more.
      balancer.reset();
      status?.sync();
    },
  });
  if (config.updateStatus) {
    status = new StatusWriter({
      client,
      publishAddresses: config.publishAddresses,
      election: config.election,
      claimed: () => source.table().ingresses.map((k) => source.ingress(k)).filter((i) => i !== undefined),
      metrics,
      log,
    });
  }
  const agent = new http.Agent({ keepAlive: true, maxFreeSockets: config.upstreamKeepAlive, scheduling: 'lifo' });
  const handlerOpts = { table: () => source.table(), balancer, agent, upstreamTimeoutMs: config.upstreamTimeoutMs, metrics, log: accessLog };
  const servers: HealthServer[] = [];
  const listeners: Listener[] = [];
  const stop = async () => {
    source.stop();
    await status?.stop();
    await Promise.all(listeners.map((l) => l.stop()));
    agent.destroy();
    await Promise.all(servers.map((s) => s.stop()));
    if (!deps.client) client.close();
  };
  try {
    const probes = standardProbes(() => source.synced);
    if (config.health.port) servers.push(await startHealthServer({ ...config.health, probes }));
    if (config.metrics.port) servers.push(await startHealthServer({ ...config.metrics, probes: { '/healthz': probes['/healthz'] }, metrics: metrics.registry }));
    // The table first: listening before it exists would answer 404 for every host.
    await source.start();
    listeners.push(await startHttp(config.bindAddress, config.httpPort, proxyHandler(handlerOpts, 'http'), upgradeHandler(handlerOpts, 'http')));
    if (config.httpsPort >= 0)
      listeners.push(await startHttps(config.bindAddress, config.httpsPort, contexts, proxyHandler(handlerOpts, 'https'), upgradeHandler(handlerOpts, 'https')));
    await status?.start();
  } catch (err) {
    await stop();
    throw err;
  }
  log.info(
    {
      http: `${config.bindAddress}:${listeners[0].port}`,
      https: listeners[1] ? `${config.bindAddress}:${listeners[1].port}` : 'off',
      controller: config.controllerName,
      health: config.health.port || 'off',
      metrics: config.metrics.port || 'off',
    },
    'ingress controller started',
  );
  return {
    httpPort: listeners[0].port,
    httpsPort: listeners[1]?.port,
    healthPort: config.health.port ? servers[0]?.port : undefined,
    metricsPort: config.metrics.port ? servers[servers.length - 1]?.port : undefined,
    metrics,
    table: () => source.table(),
    stop,
  };
}
