// The kubelet as one object: the constructor builds its parts in dependency order from the config
// (clients, images, node, the pods' caches and engine, the server); start() brings them up as a
// numbered checklist and stop() takes down what start() brought up, in reverse. Parts that call
// back into others (probes resync a pod, a changed ConfigMap reaches its pods and volumes) call
// methods of this object, so no callback is patched in after construction.
import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';
import type { KObject, Node, Pod } from '../lib/api/types';
import { Resources } from '../lib/api/resources';
import type { ApiClient } from '../lib/client/api-client';
import { GrpcApiClient, grpcOptionsFromKubeconfig } from '../lib/client/grpc-client';
import { Informer } from '../lib/client/informer';
import { LocalPathProvisioner } from './local-path/provisioner';
import { EventRecorder } from '../lib/client/event-recorder';
import { loadKubeconfig } from '../lib/client/kubeconfig';
import { componentLogger, type Logger } from '../lib/log';
import { standardProbes, startHealthServer } from '../lib/health-server';
import { CriClient } from './cri/client';
import type { Image } from './cri/types';
import { KubeletServer } from './server/server';
import { ImageDirImporter } from './images/importer';
import { ImageGc } from './images/image-gc';
import { ImageManager } from './images/image-manager';
import { renderCniConfig, writeCniConfig } from './network/cni-config';
import { NodeAgent } from './node/node-agent';
import { readResourceFacts } from './node/node-pressure';
import { readMachineInfo, type NodeStatusInputs } from './node/node-status';
import { VolumeManager } from './volumes/volume-manager';
import { ObjectManager } from './objects/object-manager';
import { ReadThroughClient } from './objects/read-through-client';
import { PodSyncer } from './pods/pod-sync';
import { referencedObjects } from './pods/pod-references';
import { ensureQosTiers } from './pods/cgroups';
import { isActivePod, qosTierConfigOf } from './pods/pod-cgroups';
import { PodWorkers } from './pods/pod-workers';
import { LABEL_POD_UID } from './pods/cri-state';
import type { BackoffPolicy } from './pods/pod-actions';
import { ProbeManager } from './probes/probe-manager';
import { KubeletMetrics } from './metrics';
import { clientCertRenewer, ensureClientCertificate } from './certificates/client-certificates';
import { obtainServingCert, servingCertRenewer } from './certificates/serving-certificates';
import { hostSearchProblem } from './pods/pod-dns';
import { readResolvConf } from './pods/resolv-conf';

export interface KubeletConfig {
  kubeconfig: string;
  apiserverGrpc: string;
  nodeName: string;
  nodeIp: string;
  containerRuntimeEndpoint: string;
  rootDir: string;
  imageDir: string;
  cniConfDir: string;
  cniBinDir: string;
  cgroupRoot: string;
  port: number;
  tlsCertFile: string;
  tlsPrivateKeyFile: string;
  /** Interval of the pod relist that notices container exits and orphans, ms. */
  housekeepingMs?: number;
  backoff?: BackoffPolicy;
  /** Tests pass an in-memory client. */
  client?: ApiClient;
  /** TLS bootstrapping (kubelet/certificates/): the token kubeconfig, the certificate dir, rotation. */
  bootstrapKubeconfig?: string;
  certDir?: string;
  rotateCertificates?: boolean;
  /** Without --tls-cert-file: obtain and renew the serving certificate through kubelet-serving CSRs. */
  rotateServerCertificates?: boolean;
  /**
   * Pod DNS (kubelet/pods/pod-dns.ts): the nameservers of ClusterFirst pods (empty: they fall
   * back to the node's resolver), the cluster domain, and the node's resolv.conf ('' disables it).
   * The flags always set clusterDNS; a config built in code without it gives sandboxes no DNS
   * config at all (containerd then copies the node's resolv.conf, as before pod DNS existed).
   */
  clusterDNS?: string[];
  clusterDomain?: string;
  resolvConf?: string;
}

const SANDBOX_IMAGE = 'k8ts/pause:1.0';
const IMAGE_IMPORT_MS = 5000;
const IMAGE_GC_MS = 30_000;
const QOS_DEBOUNCE_MS = 1000;
const QOS_RESYNC_MS = 60_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class KubeletStoppedError extends Error {
  readonly code = 'KUBELET_STOPPED';
  constructor() {
    super('the kubelet was stopped while waiting for the container runtime');
    this.name = 'KubeletStoppedError';
  }
}

/** The kubelet's own port: the kubelet API with a serving certificate and the cluster CA, else health and metrics only, or nothing. */
type ServerPlan =
  | { kind: 'api'; server: KubeletServer }
  | { kind: 'csr'; ca: Buffer }
  | { kind: 'health'; tls?: { cert: Buffer; key: Buffer } }
  | { kind: 'off' };

export class Kubelet {
  private readonly log: Logger;
  private readonly client: ApiClient;
  private readonly cri: CriClient;
  private readonly recorder: EventRecorder;
  private readonly metrics = new KubeletMetrics();
  // Images
  private readonly importer: ImageDirImporter;
  private readonly images: ImageManager;
  private readonly imageGc: ImageGc;
  // Node
  private readonly machine = readMachineInfo();
  private readonly agent: NodeAgent;
  private readonly nodeInformer: Informer<Node>;
  // Pods
  private readonly pods: Informer<Pod>;
  private readonly objects: ObjectManager;
  private readonly volumes: VolumeManager;
  private readonly probes: ProbeManager;
  private readonly workers: PodWorkers;
  private readonly serverPlan: ServerPlan;
  private readonly localPath: LocalPathProvisioner;

  /** The gRPC client (not a test's in-memory one): certificate rotation switches its credentials. */
  get grpcClient(): GrpcApiClient | undefined {
    return this.client instanceof GrpcApiClient ? this.client : undefined;
  }

  private runtimeVersion = '';
  private cniReadyFor?: string;
  /** Images for status.images, refreshed with the image GC pass. */
  private nodeImages: Image[] = [];
  private importing = false;
  private qosTimer?: NodeJS.Timeout;
  private stopped = false;
  /** What start() brought up, undone last-first by stop(). */
  private readonly undo: (() => unknown)[] = [];
  port?: number;

  constructor(private readonly cfg: KubeletConfig) {
    this.log = componentLogger('kubelet', { node: cfg.nodeName });
    this.client = cfg.client ?? new GrpcApiClient(grpcOptionsFromKubeconfig(cfg.kubeconfig, cfg.apiserverGrpc || undefined));
    this.cri = new CriClient(cfg.containerRuntimeEndpoint);
    this.recorder = new EventRecorder(this.client, { component: 'kubelet', host: cfg.nodeName });

    this.importer = new ImageDirImporter(cfg.imageDir, cfg.rootDir, cfg.containerRuntimeEndpoint);
    // One image manager: pulls for the pod workers, and its last-used times order the image GC.
    this.images = new ImageManager(this.cri, this.recorder);
    this.imageGc = new ImageGc(this.cri, { imageFsPath: cfg.rootDir, sandboxImage: SANDBOX_IMAGE, lastUsed: this.images.lastUsed });

    this.agent = new NodeAgent(this.client, { statusInputs: () => this.statusInputs(), onPodCIDR: (cidr) => this.onPodCIDR(cidr) });
    // The podCIDR usually arrives seconds after registration: watch the node for it.
    this.nodeInformer = new Informer<Node>(this.client, Resources.nodes, { name: 'kubelet-node' });
    this.nodeInformer.addHandler({
      onAdd: (n) => n.metadata.name === cfg.nodeName && n.spec.podCIDR && this.agent.kick(),
      onUpdate: (_o, n) => n.metadata.name === cfg.nodeName && n.spec.podCIDR && !this.cniReadyFor && this.agent.kick(),
    });

    this.pods = new Informer<Pod>(this.client, Resources.pods, { fieldSelector: `spec.nodeName=${cfg.nodeName}`, name: 'kubelet-pods' });
    this.pods.addIndex('uid', (p) => (p.metadata.uid ? [p.metadata.uid] : []));
    // The ConfigMaps and Secrets the pods on this node reference, each watched by name (never
    // cluster-wide); the pod engine and the volume manager read them through this cache.
    this.objects = new ObjectManager(this.client, { onChange: (ref, obj) => this.onObjectChange(obj, ref.kind, ref.namespace, ref.name) });
    const readClient = new ReadThroughClient(this.client, this.objects);
    // Volumes of running pods stay current: configMap, secret and downwardAPI contents are
    // rewritten in place when their sources change (and every 10 s), like the kubelet's volume manager.
    this.volumes = new VolumeManager({ client: readClient, rootDir: cfg.rootDir });
    // A probe verdict that changes resyncs its pod (probes run only for pods the workers started).
    this.probes = new ProbeManager(this.cri, this.recorder, (uid) => this.workers.update(uid));
    const syncer = new PodSyncer(this.cri, readClient, this.recorder, {
      nodeName: cfg.nodeName,
      nodeIP: cfg.nodeIp,
      rootDir: cfg.rootDir,
      cgroupRoot: cfg.cgroupRoot,
      backoff: cfg.backoff,
      probes: this.probes,
      images: this.images,
      beforePodCgroup: () => this.updateQosTiers(),
      clusterDomain: cfg.clusterDomain ?? 'cluster.local',
      dns: cfg.clusterDNS ? { clusterDNS: cfg.clusterDNS, resolvConf: cfg.resolvConf ?? '/etc/resolv.conf' } : undefined,
    });
    this.workers = new PodWorkers(syncer, (uid) => this.podByUid(uid));
    this.pods.addHandler({
      onAdd: (p) => this.podChanged(p, true),
      onUpdate: (o, p) => this.podChanged(p, isActivePod(o) !== isActivePod(p)),
      onDelete: (p) => {
        this.podDeleted(p);
        this.localPath.podGone();
      },
    });
    // The local-path StorageClass's volumes on this node: provisioned here, reclaimed here.
    this.localPath = new LocalPathProvisioner({
      client: this.client,
      nodeName: cfg.nodeName,
      baseDir: path.join(cfg.rootDir, 'local-path'),
      pods: () => this.pods.list(),
      node: () => this.nodeInformer.get(undefined, cfg.nodeName),
    });

    this.serverPlan = this.planServer();
  }

  /**
   * Brings the kubelet up. Each step needs the ones before it; stop() undoes them in reverse, also
   * after a step failed.
   */
  async start(): Promise<void> {
    try {
      fs.mkdirSync(this.cfg.rootDir, { recursive: true });
      // 1. The container runtime answers.
      this.undo.push(() => this.cri.close());
      await this.waitForRuntime();
      // 2. Images from the node's image dir are imported, now and whenever new archives appear;
      //    the first image GC pass fills status.images.
      await this.importImages();
      this.every(IMAGE_IMPORT_MS, () => this.importImages());
      await this.imagePass();
      this.every(IMAGE_GC_MS, () => this.imagePass());
      // 3. The node is registered; status and lease are kept; its podCIDR is watched for the CNI config.
      await this.agent.start();
      this.undo.push(() => this.agent.stop());
      this.checkResolvConf();
      await this.nodeInformer.start();
      this.undo.push(() => this.nodeInformer.stop());
      // 4. The pods bound to this node: cache, referenced objects, volumes, probes and workers.
      this.undo.push(() => this.workers.stop(), () => this.probes.stop(), () => this.objects.stop());
      await this.pods.start();
      this.undo.push(() => this.pods.stop());
      await this.localPath.start();
      this.undo.push(() => this.localPath.stop());
      this.volumes.start();
      this.undo.push(() => this.volumes.stop());
      // The tiers exist (with their shares) before the first pod cgroup goes into one.
      this.updateQosTiers();
      this.every(QOS_RESYNC_MS, () => this.updateQosTiers());
      this.undo.push(() => clearTimeout(this.qosTimer));
      // 5. Housekeeping: every pod resynced (notices container exits), orphans torn down.
      this.every(this.cfg.housekeepingMs ?? 5000, () => this.housekeeping());
      void this.housekeeping();
      // 6. The kubelet's port.
      await this.startServer();
    } catch (e) {
      await this.stop();
      throw e;
    }
    this.log.info({ port: this.port }, 'kubelet started');
  }

  /** Upstream's start-up check of the node's resolv.conf: a problem is a warning on the node, pods still start. */
  private checkResolvConf(): void {
    const file = this.cfg.resolvConf ?? '/etc/resolv.conf';
    if (!this.cfg.clusterDNS || !file) return;
    let problem: string | undefined;
    try {
      problem = hostSearchProblem(file, readResolvConf(file)?.searches ?? [], this.cfg.clusterDomain ?? 'cluster.local');
    } catch (e) {
      problem = (e as Error).message;
    }
    if (!problem) return;
    this.log.warn({ file, problem }, 'the node resolv.conf exceeds what pods can use');
    this.recorder.event({ apiVersion: 'v1', kind: 'Node', metadata: { name: this.cfg.nodeName, uid: this.cfg.nodeName } }, 'Warning', 'CheckLimitsForResolvConf', problem);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    while (this.undo.length) {
      try {
        await this.undo.pop()!();
      } catch (e) {
        this.log.warn({ err: (e as Error).message }, 'stop step failed');
      }
    }
    if (!this.cfg.client) this.client.close();
    this.log.info('kubelet stopped');
  }

  private every(ms: number, fn: () => unknown): void {
    const t = setInterval(() => void fn(), ms);
    this.undo.push(() => clearInterval(t));
  }

  private planServer(): ServerPlan {
    const cfg = this.cfg;
    if (cfg.port <= 0) return { kind: 'off' };
    const tls = cfg.tlsCertFile ? { cert: fs.readFileSync(cfg.tlsCertFile), key: fs.readFileSync(cfg.tlsPrivateKeyFile) } : undefined;
    // The kubelet API (logs, exec, port-forward, stats) needs the cluster CA to check its callers.
    const ca = cfg.client ? undefined : loadKubeconfig(cfg.kubeconfig).ca;
    if (!tls && ca && cfg.rotateServerCertificates) return { kind: 'csr', ca };
    if (!tls || !ca) return { kind: 'health', tls };
    return { kind: 'api', server: this.newServer({ ...tls, ca }) };
  }

  private newServer(tls: { cert: Buffer; key: Buffer; ca: Buffer }): KubeletServer {
    const cfg = this.cfg;
    return new KubeletServer({
      port: cfg.port,
      tls,
      nodeName: cfg.nodeName,
      rootDir: cfg.rootDir,
      cgroupRoot: cfg.cgroupRoot,
      criEndpoint: cfg.containerRuntimeEndpoint,
      cri: this.cri,
      metrics: this.metrics.registry,
      pods: () => this.pods.list(),
    });
  }

  /**
   * The kubelet API with a serving certificate from the certificates API. Runs beside start(): the
   * request waits for csrapproving (which needs this Node's addresses, registered by now), and
   * the kubelet works meanwhile; the port opens once a certificate is issued.
   */
  private async serveWithCsrCertificate(ca: Buffer): Promise<void> {
    const o = { nodeName: this.cfg.nodeName, nodeIp: this.cfg.nodeIp, hostname: os.hostname(), certDir: this.cfg.certDir || path.join(this.cfg.rootDir, 'pki') };
    try {
      const first = await obtainServingCert(this.client, o, () => this.stopped);
      if (this.stopped) return;
      const server = this.newServer({ cert: first.cert, key: first.key, ca });
      await server.start();
      if (this.stopped) {
        await server.stop();
        return;
      }
      this.undo.push(() => server.stop());
      this.port = server.port;
      const renewer = servingCertRenewer(this.client, o, first.facts, (c) => server.setCertificate(c.cert, c.key));
      renewer.start();
      this.undo.push(() => renewer.stop());
      this.log.info({ port: server.port }, 'kubelet API serving with a certificate from the certificates API');
    } catch (e) {
      if (!this.stopped) this.log.error({ err: (e as Error).message }, 'no serving certificate: the kubelet API stays closed');
    }
  }

  private async startServer(): Promise<void> {
    const plan = this.serverPlan;
    if (plan.kind === 'api') {
      await plan.server.start();
      this.undo.push(() => plan.server.stop());
      this.port = plan.server.port;
    } else if (plan.kind === 'csr') {
      void this.serveWithCsrCertificate(plan.ca);
    } else if (plan.kind === 'health') {
      const health = await startHealthServer({ port: this.cfg.port, tls: plan.tls, probes: standardProbes(() => this.pods.hasSynced()), metrics: this.metrics.registry });
      this.undo.push(() => health.stop());
      this.port = health.port;
    }
  }

  private async waitForRuntime(): Promise<void> {
    for (;;) {
      if (this.stopped) throw new KubeletStoppedError();
      try {
        const v = await this.cri.version(5000);
        this.runtimeVersion = `${v.runtimeName}://${v.runtimeVersion}`;
        this.log.info({ runtimeVersion: this.runtimeVersion }, 'container runtime ready');
        return;
      } catch (e) {
        this.log.warn({ err: (e as Error).message }, 'waiting for container runtime');
        await sleep(1000);
      }
    }
  }

  private async importImages(): Promise<void> {
    if (this.importing || this.stopped) return;
    this.importing = true;
    try {
      const done = await this.importer.sync();
      if (done.length) this.log.info({ archives: done }, 'images imported');
    } catch (e) {
      this.log.warn({ err: (e as Error).message }, 'image import failed');
    } finally {
      this.importing = false;
    }
  }

  private async imagePass(): Promise<void> {
    try {
      await this.imageGc.run();
      this.nodeImages = await this.cri.listImages();
    } catch (e) {
      this.log.warn({ err: (e as Error).message }, 'image garbage collection failed');
    }
  }

  private statusInputs(): NodeStatusInputs {
    const cfg = this.cfg;
    return {
      nodeName: cfg.nodeName,
      nodeIP: cfg.nodeIp,
      hostname: os.hostname(),
      machine: this.machine,
      runtimeVersion: this.runtimeVersion,
      kubeletPort: cfg.port,
      notReadyReason: this.cniReadyFor ? undefined : 'network not ready: waiting for node.spec.podCIDR and the CNI config',
      nowIso: new Date().toISOString(),
      resources: readResourceFacts(cfg.rootDir),
      images: this.nodeImages,
      networkReady: !!this.cniReadyFor,
    };
  }

  private onPodCIDR(cidr: string): void {
    if (this.cniReadyFor === cidr) return;
    writeCniConfig(this.cfg.cniConfDir, renderCniConfig({ podCIDR: cidr, ipamDataDir: path.join(this.cfg.rootDir, 'cni-ipam') }));
    this.log.info({ podCIDR: cidr, dir: this.cfg.cniConfDir }, 'CNI config written');
    this.cniReadyFor = cidr;
    this.agent.kick();
  }

  private podByUid(uid: string): Pod | undefined {
    return this.pods.byIndex('uid', uid)[0];
  }

  private podChanged(p: Pod, qosMayChange: boolean): void {
    // A finished pod (Succeeded/Failed, nothing running) releases its ConfigMaps and Secrets.
    this.objects.syncPod(p);
    this.workers.update(p.metadata.uid!);
    if (p.metadata.deletionTimestamp || p.status?.phase !== 'Running') this.volumes.untrack(p.metadata.uid!);
    else this.volumes.track(p);
    this.metrics.podSeen(p);
    if (qosMayChange) this.scheduleQosUpdate();
  }

  private podDeleted(p: Pod): void {
    this.volumes.untrack(p.metadata.uid!);
    this.objects.unregisterPod(p.metadata.uid!);
    this.workers.update(p.metadata.uid!);
    this.metrics.podGone(p.metadata.uid!);
    this.scheduleQosUpdate();
  }

  /** A referenced ConfigMap or Secret changed: volumes using it are rewritten in place, and pods
   *  using it resync (a container waiting in CreateContainerConfigError starts as soon as it appears). */
  private onObjectChange(obj: KObject | undefined, kind: string, namespace: string, name: string): void {
    if (obj) this.volumes.onObjectChanged(obj);
    for (const p of this.pods.list(namespace)) {
      if (referencedObjects(p).some((r) => r.kind === kind && r.name === name)) this.workers.update(p.metadata.uid!);
    }
  }

  /** The QoS tiers' shares follow the node's active pods (upstream's QoS container manager). */
  private updateQosTiers(): void {
    if (this.stopped) return;
    try {
      const written = ensureQosTiers(this.cfg.cgroupRoot, qosTierConfigOf(this.pods.list()));
      if (written.length) this.log.info({ written }, 'QoS tier cgroups updated');
    } catch (e) {
      this.log.warn({ err: (e as Error).message }, 'QoS tier cgroup update failed');
    }
  }

  /** Recomputed shortly after the set of pods changes (one update for a burst), and every minute. */
  private scheduleQosUpdate(): void {
    this.qosTimer ??= setTimeout(() => {
      this.qosTimer = undefined;
      this.updateQosTiers();
    }, QOS_DEBOUNCE_MS);
  }

  /** Resyncs every pod and tears down pods CRI still runs but the API no longer has (deleted while the kubelet was down). */
  private async housekeeping(): Promise<void> {
    if (this.stopped || !this.pods.hasSynced()) return;
    const pods = this.pods.list();
    this.metrics.housekeeping.inc();
    this.metrics.runningPods.set({}, pods.length);
    for (const p of pods) this.workers.update(p.metadata.uid!);
    try {
      const uids = new Set((await this.cri.listPodSandbox()).map((s) => s.labels[LABEL_POD_UID]).filter(Boolean));
      for (const uid of uids) if (!this.podByUid(uid)) this.workers.update(uid);
    } catch (e) {
      this.log.warn({ err: (e as Error).message }, 'housekeeping failed');
    }
  }
}

/**
 * Builds and starts a kubelet (the entry point and the tests use this). With a bootstrap
 * kubeconfig, the client certificate is obtained first (TLS bootstrapping) and then rotated.
 */
export async function startKubelet(cfg: KubeletConfig): Promise<{ stop(): Promise<void> }> {
  let stopping = false;
  const certs = cfg.bootstrapKubeconfig && !cfg.client
    ? { nodeName: cfg.nodeName, kubeconfig: cfg.kubeconfig, bootstrapKubeconfig: cfg.bootstrapKubeconfig, certDir: cfg.certDir || path.join(cfg.rootDir, 'pki'), apiserverGrpc: cfg.apiserverGrpc }
    : undefined;
  const facts = certs ? await ensureClientCertificate(certs, () => stopping) : undefined;
  const k = new Kubelet(cfg);
  await k.start();
  const client = k.grpcClient;
  const rotator = certs && facts && client && cfg.rotateCertificates !== false ? clientCertRenewer({ ...certs, client }, facts) : undefined;
  rotator?.start();
  return {
    stop: async () => {
      stopping = true;
      rotator?.stop();
      await k.stop();
    },
  };
}
