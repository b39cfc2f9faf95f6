// A control plane for the node-failure suites: a real etcd and apiserver (with the 10 s default
// tolerations an operator would set for tests), the real controller-manager and scheduler
// in-process, and Nodes registered through the API with no kubelet behind them. Stand-in kubelets
// do what a kubelet does for the nodes the test keeps alive — renew the node Lease, report Ready,
// run the pods bound there (Running and Ready) and finish their graceful deletions — and do
// nothing at all for a node the test has "killed". The real kubectl talks to the REST door.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Lease, Node, NodeCondition, Pod } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import { Informer } from '../../lib/client/informer';
import { renderKubeconfig } from '../../lib/client/kubeconfig';
import { isAlreadyExists, isNotFound } from '../../lib/errors';
import { controllerManagerFlags } from '../../controller-manager/flags';
import { startControllerManager } from '../../controller-manager/start';
import { schedulerFlags } from '../../scheduler/flags';
import { startScheduler } from '../../scheduler/start';
import { startTestApiserver, type TestApiserver } from '../helpers/apiserver';
import { run, type RunResult } from '../harness/exec';
import { isRunningReady } from '../harness/readiness';
import { runningStatus } from '../compat/control-plane';

export const GRACE_PERIOD_SECONDS = 3;
export const TOLERATION_SECONDS = 10;

const rfc3339 = (d = new Date()) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export interface NodeFailureCluster {
  api: TestApiserver;
  kubectl(args: string[], input?: string): Promise<RunResult>;
  /** Registers a Node (Ready, with a Lease) that a stand-in kubelet keeps alive. */
  addNode(name: string): Promise<void>;
  /** Stops (false) or resumes (true) the stand-in kubelet of a node. */
  setAlive(name: string, alive: boolean): void;
  pods(namespace?: string): Pod[];
  node(name: string): Node | undefined;
  stop(): Promise<void>;
}

export async function startNodeFailureCluster(name: string): Promise<NodeFailureCluster> {
  const stops: (() => Promise<unknown> | unknown)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await Promise.resolve().then(s).catch(() => undefined);
    stops.length = 0;
  };
  try {
    const api = await startTestApiserver({
      name,
      config: { defaultNotReadyTolerationSeconds: TOLERATION_SECONDS, defaultUnreachableTolerationSeconds: TOLERATION_SECONDS },
    });
    stops.push(() => api.stop());
    const client = api.client;
    const kubeconfig = path.join(api.dir, 'admin.kubeconfig');
    fs.writeFileSync(kubeconfig, renderKubeconfig({ server: `https://127.0.0.1:${api.api.securePort}`, ca: api.certs.ca, cert: api.certs.clientCert, key: api.certs.clientKey, user: 'admin' }));
    const cacheDir = path.join(api.dir, 'kube-cache');
    const kubectl = (args: string[], input?: string) =>
      run(['kubectl', '--kubeconfig', kubeconfig, '--cache-dir', cacheDir, ...args], { input, check: false, timeoutMs: 300_000, env: { HOME: api.dir } });

    const cm = await startControllerManager({
      ...controllerManagerFlags, _: [], client, leaderElect: false, healthPort: 0, bindAddress: '127.0.0.1',
      nodeMonitorGracePeriod: GRACE_PERIOD_SECONDS, nodeMonitorPeriod: 0.5,
    } as never);
    stops.push(() => cm.stop());
    const sched = await startScheduler({ ...schedulerFlags, _: [], client, leaderElect: false, healthPort: 0, bindAddress: '127.0.0.1' } as never);
    stops.push(() => sched.stop());

    const kubelets = new StandInKubelets(api);
    await kubelets.start();
    stops.push(() => kubelets.stop());

    return {
      api,
      kubectl,
      addNode: (n) => kubelets.addNode(n),
      setAlive: (n, alive) => kubelets.setAlive(n, alive),
      pods: (ns) => kubelets.pods.list(ns),
      node: (n) => kubelets.nodes.get(undefined, n),
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** What the kubelets of the live nodes would do, through the API only. */
class StandInKubelets {
  readonly pods: Informer<Pod>;
  readonly nodes: Informer<Node>;
  private readonly alive = new Set<string>();
  private readonly busy = new Set<string>();
  private timer?: NodeJS.Timeout;
  private nextIp = 2;
  private readonly ips = new Map<string, string>();

  constructor(private readonly api: TestApiserver) {
    this.pods = new Informer<Pod>(api.client, Resources.pods, { name: 'test-kubelet-pods' });
    this.nodes = new Informer<Node>(api.client, Resources.nodes, { name: 'test-kubelet-nodes' });
  }

  async start(): Promise<void> {
    this.pods.addHandler({ onAdd: (p) => this.syncPod(p), onUpdate: (_o, p) => this.syncPod(p) });
    await Promise.all([this.pods.start(), this.nodes.start()]);
    this.timer = setInterval(() => void this.heartbeat(), 500);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.alive.clear();
    this.pods.stop();
    this.nodes.stop();
  }

  async addNode(name: string): Promise<void> {
    const node: Node = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux' } },
      spec: {},
      status: {
        capacity: { cpu: '4', memory: '8Gi', pods: '110' },
        allocatable: { cpu: '4', memory: '8Gi', pods: '110' },
        conditions: this.conditions(),
        addresses: [{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: name }],
      },
    };
    await this.api.client.create(Resources.nodes, node);
    this.alive.add(name);
    await this.heartbeat();
  }

  setAlive(name: string, alive: boolean): void {
    if (!alive) {
      this.alive.delete(name);
      return;
    }
    this.alive.add(name);
    void this.heartbeat().then(() => {
      for (const p of this.pods.list()) this.syncPod(p);
    });
  }

  private conditions(): NodeCondition[] {
    const now = rfc3339();
    const c = (type: string, status: 'True' | 'False', reason: string): NodeCondition => ({ type, status, reason, message: '', lastHeartbeatTime: now, lastTransitionTime: now });
    return [
      c('MemoryPressure', 'False', 'KubeletHasSufficientMemory'),
      c('DiskPressure', 'False', 'KubeletHasNoDiskPressure'),
      c('PIDPressure', 'False', 'KubeletHasSufficientPID'),
      c('Ready', 'True', 'KubeletReady'),
    ];
  }

  /** Renews each live node's Lease and reports Ready again where the node controller marked it otherwise. */
  private async heartbeat(): Promise<void> {
    for (const name of [...this.alive]) {
      const renewTime = new Date().toISOString().replace('Z', '000Z');
      const lease: Lease = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace: 'kube-node-lease' }, spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime } };
      try {
        await this.api.client.patch(Resources.leases, 'kube-node-lease', name, 'merge', { spec: { renewTime } });
      } catch (err) {
        if (!isNotFound(err)) continue;
        await this.api.client.create(Resources.leases, lease).catch((e) => {
          if (!isAlreadyExists(e)) throw e;
        });
      }
      const node = this.nodes.get(undefined, name);
      const ready = node?.status?.conditions?.find((c) => c.type === 'Ready');
      if (node && ready?.status !== 'True') {
        await this.api.client.patch(Resources.nodes, undefined, name, 'merge', { status: { conditions: this.conditions() } }, 'status').catch(() => undefined);
      }
    }
  }

  /** Runs a pod bound to a live node, or finishes its graceful deletion. */
  private syncPod(p: Pod): void {
    const node = p.spec?.nodeName;
    if (!node || !this.alive.has(node)) return;
    const key = `${p.metadata.namespace}/${p.metadata.name}/${p.metadata.uid}`;
    if (this.busy.has(key)) return;
    const ready = isRunningReady(p);
    if (!p.metadata.deletionTimestamp && ready) return;
    this.busy.add(key);
    const work = p.metadata.deletionTimestamp
      ? this.api.client.delete(Resources.pods, p.metadata.namespace, p.metadata.name!, { gracePeriodSeconds: 0, preconditions: { uid: p.metadata.uid } })
      : this.api.client.updateStatus<Pod>(Resources.pods, { ...p, status: { ...p.status, ...runningStatus(p, this.ipOf(p), rfc3339()), conditions: this.runningConditions(p) } } as Pod);
    void work.catch(() => undefined).finally(() => this.busy.delete(key));
  }

  /** Ready conditions, keeping any other condition (DisruptionTarget) the pod carries. */
  private runningConditions(p: Pod) {
    const now = rfc3339();
    const mine = ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'];
    const others = (p.status?.conditions ?? []).filter((c) => !mine.includes(c.type));
    return [...mine.map((type) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: now })), ...others];
  }

  private ipOf(p: Pod): string {
    const uid = p.metadata.uid!;
    if (!this.ips.has(uid)) this.ips.set(uid, `10.244.0.${this.nextIp++ % 250}`);
    return this.ips.get(uid)!;
  }
}

