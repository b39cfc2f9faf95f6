// Wires the apiserver together: etcd client → store → registry → bootstrap → gRPC and REST doors.
import * as fs from 'node:fs';
import { newEtcdClient } from './storage/etcd-client';
import { EtcdUnaryClient, plainEndpoints } from './storage/etcd-unary';
import { componentLogger, configureLogging, parseLogLevel } from '../lib/log';
import type { ApiserverConfig } from './config';
import { EtcdStore } from './storage/etcd-store';
import { createRegistry, type CoreRegistry } from './registry/registry';
import { bootstrap } from './bootstrap';
import { startGrpcServer } from './grpc/server';
import { startRestServer } from './rest/server';
import { DEFAULT_TOLERATION_SECONDS } from './admission';
import { TokenAuthenticator } from './auth/token-authenticator';
import { MetricsScraper } from './metrics-api/scraper';
import { withMetricsApi } from './metrics-api/registry';
import type { Registry } from './registry/types';

const log = componentLogger('apiserver');

export interface RunningApiserver {
  registry: CoreRegistry;
  /** Ports actually bound (useful when 0 was asked for). */
  securePort: number;
  grpcPort: number;
  stop(): Promise<void>;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out after ${ms}ms`)), ms);
    p.then((v) => { clearTimeout(t); resolve(v); }, (e) => { clearTimeout(t); reject(e); });
  });
}

/** Waits until etcd answers (it may still be starting next to us). */
async function waitForEtcd(store: EtcdStore, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await withTimeout(store.currentRevision(), 3000);
      return;
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`etcd not reachable: ${(e as Error).message}`);
      log.info({ err: String((e as Error).message) }, 'waiting for etcd');
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

export async function startApiserver(config: ApiserverConfig): Promise<RunningApiserver> {
  if (config.logLevel) configureLogging({ level: parseLogLevel(config.logLevel) });
  const tls = {
    cert: fs.readFileSync(config.tlsCertFile),
    key: fs.readFileSync(config.tlsPrivateKeyFile),
    ca: fs.readFileSync(config.clientCaFile),
  };
  const client = newEtcdClient(config.etcdServers);
  // Creates and updates go through a lean gRPC client where the endpoints are plain http.
  const endpoints = plainEndpoints(config.etcdServers);
  const writer = endpoints ? new EtcdUnaryClient(endpoints) : undefined;
  const store = new EtcdStore(client, config.etcdPrefix, writer);
  const cleanups: (() => Promise<void> | void)[] = [() => client.close(), () => writer?.close()];
  const stop = async () => {
    for (const c of cleanups.reverse()) await Promise.resolve(c()).catch((e) => log.warn({ err: String(e) }, 'stop step failed'));
    cleanups.length = 0;
  };
  try {
    await waitForEtcd(store, 30_000);
    log.info({ etcd: config.etcdServers }, 'etcd reachable');
    const registry = createRegistry({
      store,
      serviceCidr: config.serviceClusterIpRange,
      nodePortRange: config.serviceNodePortRange,
      admission: {
        defaultTolerationSeconds: {
          notReadySeconds: config.defaultNotReadyTolerationSeconds ?? DEFAULT_TOLERATION_SECONDS.notReadySeconds,
          unreachableSeconds: config.defaultUnreachableTolerationSeconds ?? DEFAULT_TOLERATION_SECONDS.unreachableSeconds,
        },
      },
    });
    cleanups.push(() => registry.close());
    // The caches are filled before any door listens, so no request and no /readyz sees them cold.
    await registry.start();
    log.info({}, 'watch caches started');
    // Bootstrap tokens authenticate on both doors (joining kubelets use gRPC, kubectl REST).
    const tokens = new TokenAuthenticator(registry);
    const kubeletClient = config.kubeletClientCertificate && config.kubeletClientKey
      ? { cert: fs.readFileSync(config.kubeletClientCertificate), key: fs.readFileSync(config.kubeletClientKey) }
      : undefined;
    // The Metrics API is served only where it can work: with an identity towards the kubelets.
    let served: Registry = registry;
    if (kubeletClient && config.metricResolution) {
      const scraper = new MetricsScraper({ registry, ca: tls.ca, clientCert: kubeletClient, resolutionMs: config.metricResolution * 1000 });
      scraper.start();
      cleanups.push(() => scraper.stop());
      served = withMetricsApi(registry, scraper.store);
    }
    const grpcServer = await startGrpcServer({ registry: served, host: config.bindAddress, port: config.grpcPort, tls, tokens });
    cleanups.push(() => grpcServer.close());
    log.info({ port: grpcServer.port }, 'grpc door listening');
    const rest = await startRestServer({
      registry: served,
      host: config.bindAddress,
      port: config.securePort,
      tls,
      tokens,
      nodeProxy: {
        registry,
        ca: tls.ca,
        clientCert: kubeletClient,
      },
      etcdHealthy: () => (registry.cachesStarted() ? withTimeout(store.currentRevision(), 2000).then(() => true, () => false) : Promise.resolve(false)),
    });
    cleanups.push(() => rest.close());
    log.info({ port: rest.port }, 'rest door listening');
    // After the doors listen, so the kubernetes Endpoints carry the port actually bound (0 = any).
    await bootstrap(registry, { advertiseAddress: config.advertiseAddress, securePort: rest.port });
    log.info({}, 'bootstrap done');
    log.info({ securePort: rest.port, grpcPort: grpcServer.port }, 'apiserver ready');
    return { registry, securePort: rest.port, grpcPort: grpcServer.port, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
