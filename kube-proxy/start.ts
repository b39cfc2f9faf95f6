// kube-proxy: start-up checklist, informers on services, endpointslices and nodes feeding a
// rate-limited sync loop, /healthz on the healthz port and /metrics (with /healthz) on the metrics
// port. `--cleanup` undoes everything. main.ts loads this after logging is configured; tests call
// startKubeProxy and cleanupKubeProxy in-process.
import { Resources } from '../lib/api/resources';
import type { EndpointSlice } from '../lib/api/endpoint-slice';
import type { Node, Service } from '../lib/api/types';
import type { ApiClient } from '../lib/client/api-client';
import { GrpcApiClient, grpcOptionsFromKubeconfig } from '../lib/client/grpc-client';
import { Informer } from '../lib/client/informer';
import { startHealthServer, type HealthServer } from '../lib/health-server';
import { componentLogger, type Logger } from '../lib/log';
import { IptablesApplier } from './applier';
import type { KubeProxyConfig } from './config';
import { localRunner, type CommandRunner } from './exec';
import { healthz } from './health';
import { ConntrackCleaner } from './conntrack/cleaner';
import { ServiceHealthServer } from './healthcheck/service-health-server';
import { checkIpvsSupport } from './ipvs/ipvs-support';
import { NftablesApplier } from './nftables/applier';
import { NftablesServiceRules } from './nftables/service-rules';
import { ProxyMetrics } from './metrics';
import { NodeRoutes } from './node-routes';
import { PodNetwork } from './pod-network/pod-network';
import { vtepAnnotationPatch } from './pod-network/vtep';
import { FULL_SYNC_PERIOD_MS, nodeRoutingKey, Proxier } from './proxier';
import type { ServiceRules } from './service-rules';
import { SyncLoop } from './sync-loop';

export interface KubeProxy {
  stop(): Promise<void>;
  /** Ports served; undefined when configured as 0 (off). */
  readonly healthzPort?: number;
  readonly metricsPort?: number;
}

export interface KubeProxyDeps {
  client?: ApiClient;
  runner?: CommandRunner;
}

function podNetworkFor(config: KubeProxyConfig, run: CommandRunner, log: ReturnType<typeof componentLogger>, publishVtepMac?: (mac: string | undefined) => Promise<void>): PodNetwork {
  return new PodNetwork({
    run,
    mode: config.podNetworkMode,
    vxlan: config.vxlan,
    nodeName: config.nodeName,
    nodeIP: config.nodeIP,
    clusterCIDR: config.clusterCIDR,
    publishVtepMac,
    log,
  });
}

/** `--cleanup`: remove our jumps, chains, routes, the VXLAN device and the sink interface. The
 *  Node's VXLAN MAC annotation stays (cleanup needs no apiserver); peers keep tunnelling to a node
 *  that has no device, where the packets are dropped. */
export async function cleanupKubeProxy(config: KubeProxyConfig, runner?: CommandRunner): Promise<void> {
  const log = componentLogger('kube-proxy', { node: config.nodeName });
  const run = runner ?? localRunner({ netns: config.netns });
  const iptables = await new IptablesApplier(run, log).cleanup();
  const vxlan = await podNetworkFor(config, run, log).cleanup();
  const nftTable = await removeNftablesTable(run, log);
  const routes = await new NodeRoutes(run, config.serviceInterface, log).cleanup();
  log.info({ jumps: iptables.jumps, chains: iptables.chains, nftablesTable: nftTable, routes: routes.routes, device: routes.device, vxlanDevice: vxlan }, 'cleanup done');
}

/** Deletes the nftables mode's table when nft is installed; whether there was nft to ask. */
async function removeNftablesTable(run: CommandRunner, log: Logger): Promise<boolean> {
  const v = await run('nft', ['--version']);
  if (v.code !== 0) return false; // no nft here: the nftables mode never ran on this node
  await new NftablesApplier(run, {}, log).cleanup();
  return true;
}

/**
 * The mode's ServiceRules, after removing what another mode left (as upstream kube-proxy cleans
 * up the other modes' rules at start): switching a node from iptables to nftables or back must not
 * leave two sets of DNAT rules fighting over the same packets.
 */
async function serviceRulesFor(config: KubeProxyConfig, run: CommandRunner, iptables: IptablesApplier, log: Logger): Promise<ServiceRules | undefined> {
  const nodeIPs = [config.nodeIP];
  if (config.proxyMode === 'nftables') {
    const nft = new NftablesApplier(run, {}, log);
    const { version } = await nft.available(); // throws NftablesUnavailableError with the reason
    if ((await iptables.existingChains()).nat.includes('KUBE-SERVICES')) {
      // the iptables mode ran here: drop its chains (the pod network's come back with the first sync)
      const removed = await iptables.cleanup();
      log.info({ chains: removed.chains, jumps: removed.jumps }, 'removed the iptables mode rules');
    }
    log.info({ nftVersion: version }, 'nftables mode');
    return new NftablesServiceRules(nft, { clusterCIDR: config.clusterCIDR, nodeIPs, log });
  }
  if (await removeNftablesTable(run, log)) log.debug({}, 'no nftables mode table left');
  return undefined; // iptables, the proxier's default
}

export async function startKubeProxy(config: KubeProxyConfig, deps: KubeProxyDeps = {}): Promise<KubeProxy> {
  const log = componentLogger('kube-proxy', { node: config.nodeName });
  if (config.proxyMode === 'ipvs') checkIpvsSupport(); // throws IpvsUnavailableError with the reason
  const run = deps.runner ?? localRunner({ netns: config.netns });
  const iptables = new IptablesApplier(run, log);
  const { backend, version } = await iptables.detectBackend();
  const serviceRules = await serviceRulesFor(config, run, iptables, log);
  const routes = new NodeRoutes(run, config.serviceInterface, log);
  const metrics = new ProxyMetrics();
  metrics.setBackend(backend);

  const client =
    deps.client ?? new GrpcApiClient(grpcOptionsFromKubeconfig(config.kubeconfig, config.apiserverGrpc));
  const services = new Informer<Service>(client, Resources.services, { name: 'kube-proxy-services' });
  const endpointSlices = new Informer<EndpointSlice>(client, Resources.endpointslices, { name: 'kube-proxy-endpointslices' });
  const nodes = new Informer<Node>(client, Resources.nodes, { name: 'kube-proxy-nodes' });

  // This node's VXLAN MAC goes on its Node, read by every other node's kube-proxy. Only when the
  // Node exists (the kubelet registers it) and says something else: the watch brings the next sync.
  const publishVtepMac = async (mac: string | undefined) => {
    const own = nodes.get(undefined, config.nodeName);
    const patch = own && vtepAnnotationPatch(own.metadata.annotations, mac);
    if (!patch) return;
    await client.patch(Resources.nodes, undefined, config.nodeName, 'merge', patch);
    log.info({ mac: mac ?? null }, 'published vxlan mac on node');
  };
  // Health-check node ports answer whether this node has local endpoints; they say unhealthy
  // while the proxy's own syncs are failing, as upstream.
  let proxyHealthy = () => true;
  const serviceHealth = new ServiceHealthServer({ log, addresses: [config.healthCheckBindAddress], proxyHealthy: () => proxyHealthy() });
  const proxier = new Proxier({
    state: { services: () => services.list(), endpointSlices: () => endpointSlices.list(), nodes: () => nodes.list() },
    iptables,
    ...(serviceRules ? { serviceRules } : {}),
    sinkCIDRs: config.sinkCIDRs,
    serviceHealth,
    conntrack: new ConntrackCleaner(run, log),
    routes,
    podNetwork: podNetworkFor(config, run, log, publishVtepMac),
    nodeName: config.nodeName,
    nodeIP: config.nodeIP,
    clusterCIDR: config.clusterCIDR,
    serviceCIDR: config.serviceCIDR,
    serviceInterface: config.serviceInterface,
    // between two full syncs, an hour apart, only what changed is sent (as upstream)
    fullSyncPeriodMs: FULL_SYNC_PERIOD_MS,
    log,
  });
  const loop = new SyncLoop({
    minSyncPeriodMs: config.minSyncPeriodMs,
    syncPeriodMs: config.syncPeriodMs,
    sync: metrics.instrument(() => proxier.sync(), () => ({ rules: proxier.rules, routes: proxier.routeCount })),
    log,
  });
  const poke = { onAdd: () => loop.request(), onUpdate: () => loop.request(), onDelete: () => loop.request() };
  services.addHandler(poke);
  endpointSlices.addHandler(poke);
  nodes.addHandler({
    onAdd: () => loop.request(),
    onUpdate: (a, b) => nodeRoutingKey(a) !== nodeRoutingKey(b) && loop.request(),
    onDelete: () => loop.request(),
  });

  const servers: HealthServer[] = [];
  const stop = async () => {
    await loop.stop();
    for (const i of [services, endpointSlices, nodes]) i.stop();
    await Promise.all(servers.map((s) => s.stop()));
    await serviceHealth.close();
    if (!deps.client) client.close();
  };
  try {
    await Promise.all([services.start(), endpointSlices.start(), nodes.start()]);
    // The first sync waits for full caches: syncing from a partial cache would delete live rules.
    loop.start();
    const health = () => healthz(Date.now(), loop.stats, config.syncPeriodMs);
    proxyHealthy = () => health().code === 200;
    // Two ports as upstream: healthz for load balancers and probes, metrics for scrapers.
    if (config.healthz.port) {
      servers.push(await startHealthServer({ ...config.healthz, probes: { '/healthz': health, '/livez': health } }));
    }
    if (config.metrics.port) {
      servers.push(await startHealthServer({ ...config.metrics, probes: { '/healthz': health }, metrics: metrics.registry }));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  log.info(
    {
      mode: config.proxyMode,
      backend,
      iptablesVersion: version,
      nodeIP: config.nodeIP,
      clusterCIDR: config.clusterCIDR,
      serviceCIDR: config.serviceCIDR,
      serviceInterface: config.serviceInterface,
      podNetworkMode: config.podNetworkMode,
      vxlan: config.vxlan,
      minSyncPeriodMs: config.minSyncPeriodMs,
      syncPeriodMs: config.syncPeriodMs,
      healthz: config.healthz.port ? `${config.healthz.host}:${config.healthz.port}` : 'off',
      metrics: config.metrics.port ? `${config.metrics.host}:${config.metrics.port}` : 'off',
    },
    'kube-proxy started',
  );
  if (backend !== 'nf_tables') log.warn({ backend }, 'iptables backend is not nf_tables');
  return { stop, healthzPort: config.healthz.port || undefined, metricsPort: config.metrics.port || undefined };
}
