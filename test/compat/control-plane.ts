// A control plane for the compatibility suites: the real registry on a throwaway etcd behind both
// doors (REST for kubectl and client-node, gRPC for the controllers), the real controller-manager
// in-process, and a stand-in kubelet that reports every pod Running and Ready with a pod IP, so
// that Deployments become Available without containerd. Everything is torn down by stop().
import { Etcd3 } from 'etcd3';
import type { Pod } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import { GrpcApiClient } from '../../lib/client/grpc-client';
import { EventRecorder } from '../../lib/client/event-recorder';
import { ensureCa, ensureServingCert } from '../../lib/pki';
import { createRegistry } from '../../apiserver/registry/registry';
import { EtcdStore } from '../../apiserver/storage/etcd-store';
import { bootstrap } from '../../apiserver/bootstrap';
import { startGrpcServer } from '../../apiserver/grpc/server';
import { controllerManagerFlags } from '../../controller-manager/flags';
import { startControllerManager } from '../../controller-manager/start';
import { startEtcd, type TestEtcd } from '../helpers/etcd';
import { startRestHarness, type RestHarness } from '../apiserver-rest/harness';

export interface ControlPlane {
  h: RestHarness;
  client: GrpcApiClient;
  /** Compacts etcd up to its current revision: every older resourceVersion is then expired. */
  compact(): Promise<string>;
  stop(): Promise<void>;
}

export interface ControlPlaneOptions {
  /** Run the controller-manager (replicaset, deployment, endpoints, garbage-collector). */
  controllers?: boolean;
  /** Run the stand-in kubelet. */
  kubelet?: boolean;
}

/** The status a kubelet reports for a started pod whose only probe is "the process runs". */
export function runningStatus(pod: Pod, podIP: string, now: string): Record<string, unknown> {
  const containers = (pod.spec?.containers ?? []) as { name: string; image: string }[];
  const ready = (type: string) => ({ type, status: 'True', lastTransitionTime: now });
  return {
    phase: 'Running',
    podIP,
    podIPs: [{ ip: podIP }],
    hostIP: '127.0.0.1',
    startTime: now,
    conditions: [ready('Initialized'), ready('Ready'), ready('ContainersReady'), ready('PodScheduled')],
    containerStatuses: containers.map((c) => ({
      name: c.name, image: c.image, imageID: '', ready: true, started: true, restartCount: 0,
      state: { running: { startedAt: now } },
    })),
  };
}

/** The stand-in kubelet: polls pods and marks the new ones Running; finishes graceful deletions. */
function startFakeKubelet(client: GrpcApiClient): { stop(): Promise<void> } {
  let stopped = false;
  let next = 2;
  const seen = new Map<string, string>();
  const recorder = new EventRecorder(client, { component: 'kubelet', host: 'compat-node' });
  const loop = (async () => {
    while (!stopped) {
      try {
        const pods = await client.list<Pod>(Resources.pods);
        for (const p of pods.items) {
          const key = p.metadata.uid!;
          if (p.metadata.deletionTimestamp) {
            await client.delete(Resources.pods, p.metadata.namespace, p.metadata.name!, { gracePeriodSeconds: 0 }).catch(() => undefined);
            continue;
          }
          if ((p.status as { phase?: string } | undefined)?.phase === 'Running') continue;
          if (!seen.has(key)) seen.set(key, `10.244.0.${next++}`);
          const status = runningStatus(p, seen.get(key)!, new Date().toISOString().replace(/\.\d+Z$/, 'Z'));
          const pod = { ...p, apiVersion: 'v1', kind: 'Pod' } as Pod;
          await client.updateStatus<Pod>(Resources.pods, { ...pod, status } as Pod);
          for (const c of (p.spec?.containers ?? []) as { name: string }[]) recorder.event(pod, 'Normal', 'Started', `Started container ${c.name}`);
        }
      } catch {
        // The apiserver may be stopping; the next round retries.
      }
      await new Promise((r) => setTimeout(r, 150));
    }
  })();
  return { stop: async () => { stopped = true; await loop; } };
}

export async function startControlPlane(o: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  const stop = async () => {
    for (const c of cleanups.reverse()) await Promise.resolve().then(c).catch(() => undefined);
    cleanups.length = 0;
  };
  try {
    const etcd: TestEtcd = await startEtcd();
    cleanups.push(() => etcd.stop());
    const etcdClient = new Etcd3({ hosts: etcd.endpoint });
    cleanups.push(() => etcdClient.close());
    const registry = createRegistry({ store: new EtcdStore(etcdClient, '/registry') });
    cleanups.push(() => registry.close());
    await bootstrap(registry, { advertiseAddress: '127.0.0.1', securePort: 6443 });
    const h = await startRestHarness(registry, async () => true);
    cleanups.push(() => h.stop());
    // The harness wrote its PKI into h.dir; the ensure* calls read those files back.
    const ca = await ensureCa(h.dir);
    const serving = await ensureServingCert(h.dir, ca, 'apiserver', 'kube-apiserver', ['127.0.0.1', 'localhost']);
    const grpcServer = await startGrpcServer({
      registry, host: '127.0.0.1', port: 0,
      tls: { cert: Buffer.from(serving.cert), key: Buffer.from(serving.key), ca: Buffer.from(ca.cert) },
    });
    cleanups.push(() => grpcServer.close());
    const client = new GrpcApiClient({
      address: `127.0.0.1:${grpcServer.port}`, ca: Buffer.from(ca.cert), cert: Buffer.from(h.admin.cert), key: Buffer.from(h.admin.key),
    });
    cleanups.push(() => client.close());
    if (o.controllers) {
      const cm = await startControllerManager({
        ...controllerManagerFlags, leaderElect: false, healthPort: 0, bindAddress: '127.0.0.1', client,
        controllers: ['replicaset', 'deployment', 'endpoints', 'garbage-collector'],
      });
      cleanups.push(() => cm.stop());
    }
    if (o.kubelet) {
      const k = startFakeKubelet(client);
      cleanups.push(() => k.stop());
    }
    return {
      h,
      client,
      compact: async () => {
        const rev = (await etcdClient.maintenance.status()).header.revision;
        await etcdClient.kv.compact({ revision: rev, physical: true });
        return rev;
      },
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
