// The kubelet: wires CRI, image import, node registration, CNI config and the pod workers.
import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';
import type { KObject, Node, Pod } from '../lib/api/types';
import { Resources } from '../lib/api/resources';
import type { ApiClient } from '../lib/client/api-client';
import { GrpcApiClient, grpcOptionsFromKubeconfig } from '../lib/client/grpc-client';
import { Informer } from '../lib/client/informer';
import { EventRecorder } from '../lib/client/event-recorder';
import { componentLogger } from '../lib/log';
import { Metrics, startHealthServer } from '../lib/health-server';
import { CriClient } from './cri/client';
import { KubeletServer } from './server/server';
import { loadKubeconfig } from '../lib/client/kubeconfig';
import { ImageDirImporter } from './images/importer';
import { renderCniConfig, writeCniConfig } from './network/cni-config';
import { NodeAgent } from './node/node-agent';
import { readResourceFacts } from './node/node-pressure';
import { ImageGc } from './images/image-gc';
import { ImageManager } from './images/image-manager';
import { VolumeManager } from './volumes/volume-manager';
import { ObjectManager } from './objects/object-manager';
import { ReadThroughClient } from './objects/read-through-client';
import type { Image } from './cri/types';
import { readMachineInfo, type NodeStatusInputs } from './node/node-status';
import { PodSyncer } from './pods/pod-sync';
import { referencedObjects } from './pods/pod-references';
import { ensureQosTiers } from './pods/cgroups';
import { isActivePod, qosTierConfigOf } from './pods/pod-cgroups';
import { PodWorkers } from './pods/pod-workers';
import { LABEL_POD_UID } from './pods/cri-state';
import type { BackoffPolicy } from './pods/pod-actions';
import { ProbeManager } from './probes/probe-manager';

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
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startKubelet(cfg: KubeletConfig): Promise<{ stop(): Promise<void> }> {
  const log = componentLogger('kubelet', { node: cfg.nodeName });
  fs.mkdirSync(cfg.rootDir, { recursive: true });
  const client = cfg.client ?? new GrpcApiClient(grpcOptionsFromKubeconfig(cfg.kubeconfig, cfg.apiserverGrpc || undefined));
  const cri = new CriClient(cfg.containerRuntimeEndpoint);
  const timers: NodeJS.Timeout[] = [];
  let stopped = false;

  // 1. The runtime must answer before anything else.
  let runtimeVersion = '';
  for (;;) {
    try {
      const v = await cri.version(5000);
      runtimeVersion = `${v.runtimeName}://${v.runtimeVersion}`;
      break;
    } catch (e) {
      log.warn({ err: (e as Error).message }, 'waiting for container runtime');
      await sleep(1000);
    }
  }
  log.info({ runtimeVersion }, 'container runtime ready');

  // 2. Images from the node's image dir, now and whenever new archives appear.
  const importer = new ImageDirImporter(cfg.imageDir, cfg.rootDir, cfg.containerRuntimeEndpoint);
  let importing = false;
  const importImages = async () => {
    if (importing || stopped) return;
    importing = true;
    try {
      const done = await importer.sync();
      if (done.length) log.info({ archives: done }, 'images imported');
    } catch (e) {
      log.warn({ err: (e as Error).message }, 'image import failed');
    } finally {
      importing = false;
    }
  };
  await importImages();
  timers.push(setInterval(() => void importImages(), 5000));

  // 3. Node registration, status, lease; CNI config once the podCIDR is known.
  const machine = readMachineInfo();
  let cniReadyFor: string | undefined;
  // Images for status.images, refreshed with the image GC pass (kubelet/images/image-gc.ts).
  let nodeImages: Image[] = [];
  const recorder = new EventRecorder(client, { component: 'kubelet', host: cfg.nodeName });
  // One image manager: pulls for the pod workers, and its last-used times order the image GC.
  const images = new ImageManager(cri, recorder);
  const imageGc = new ImageGc(cri, { imageFsPath: cfg.rootDir, sandboxImage: 'k8ts/pause:1.0', lastUsed: images.lastUsed });
  const imagePass = async () => {
    try {
      await imageGc.run();
      nodeImages = await cri.listImages();
    } catch (e) {
      log.warn({ err: (e as Error).message }, 'image garbage collection failed');
    }
  };
  await imagePass();
  timers.push(setInterval(() => void imagePass(), 30_000));
  const statusInputs = (): NodeStatusInputs => ({
    nodeName: cfg.nodeName,
    nodeIP: cfg.nodeIp,
    hostname: os.hostname(),
    machine,
    runtimeVersion,
    kubeletPort: cfg.port,
    notReadyReason: cniReadyFor ? undefined : 'network not ready: waiting for node.spec.podCIDR and the CNI config',
    nowIso: new Date().toISOString(),
    resources: readResourceFacts(cfg.rootDir),
    images: nodeImages,
    networkReady: !!cniReadyFor,
  });
  const agent = new NodeAgent(client, {
    statusInputs,
    onPodCIDR: (cidr) => {
      if (cniReadyFor === cidr) return;
      writeCniConfig(cfg.cniConfDir, renderCniConfig({ podCIDR: cidr, ipamDataDir: path.join(cfg.rootDir, 'cni-ipam') }));
      log.info({ podCIDR: cidr, dir: cfg.cniConfDir }, 'CNI config written');
      cniReadyFor = cidr;
      agent.kick();
    },
  });
  await agent.start();
  // The podCIDR usually arrives seconds after registration: watch the node for it.
  const nodeInformer = new Informer<Node>(client, Resources.nodes, { name: 'kubelet-node' });
  nodeInformer.addHandler({
    onAdd: (n) => n.metadata.name === cfg.nodeName && n.spec.podCIDR && agent.kick(),
    onUpdate: (_o, n) => n.metadata.name === cfg.nodeName && n.spec.podCIDR && !cniReadyFor && agent.kick(),
  });
  await nodeInformer.start();

  // 4. Pods bound to this node.
  // Probe verdict changes resync their pod (workers is assigned below, before any probe runs).
  let workers: PodWorkers | undefined;
  const probes = new ProbeManager(cri, recorder, (uid) => workers?.update(uid));
  // The ConfigMaps and Secrets the pods on this node reference, each watched by name (never
  // cluster-wide); the pod engine and the volume manager read them through this cache.
  // onObjectChange is set below, once the pod informer and volume manager exist (before any pod registers).
  let onObjectChange: (obj: KObject | undefined, kind: string, namespace: string, name: string) => void = () => {};
  const objects = new ObjectManager(client, { onChange: (ref, obj) => onObjectChange(obj, ref.kind, ref.namespace, ref.name) });
  const readClient = new ReadThroughClient(client, objects);
  const syncer = new PodSyncer(cri, readClient, recorder, {
    nodeName: cfg.nodeName,
    nodeIP: cfg.nodeIp,
    rootDir: cfg.rootDir,
    cgroupRoot: cfg.cgroupRoot,
    backoff: cfg.backoff,
    probes,
    images,
    beforePodCgroup: () => updateQosTiers(),
  });
  const pods = new Informer<Pod>(client, Resources.pods, { fieldSelector: `spec.nodeName=${cfg.nodeName}`, name: 'kubelet-pods' });
  pods.addIndex('uid', (p) => (p.metadata.uid ? [p.metadata.uid] : []));
  const byUid = (uid: string) => pods.byIndex('uid', uid)[0];
  const podWorkers = new PodWorkers(syncer, byUid);
  workers = podWorkers;
  // Volumes of running pods stay current: configMap, secret and downwardAPI contents are
  // rewritten in place when their sources change (and every 10 s), like the kubelet's volume manager.
  const volumes = new VolumeManager({ client: readClient, rootDir: cfg.rootDir });
  onObjectChange = (obj, kind, namespace, name) => {
    // Volumes using it are rewritten in place; pods using it resync (a container waiting in
    // CreateContainerConfigError for a missing key or object starts as soon as it appears).
    if (obj) volumes.onObjectChanged(obj);
    for (const p of pods.list(namespace)) if (referencedObjects(p).some((r) => r.kind === kind && r.name === name)) podWorkers.update(p.metadata.uid!);
  };
  const trackVolumes = (p: Pod) => {
    if (p.metadata.deletionTimestamp || p.status?.phase !== 'Running') volumes.untrack(p.metadata.uid!);
    else volumes.track(p);
  };
  // The QoS tiers' shares follow the node's active pods (upstream's QoS container manager):
  // recomputed 1 s after the set of pods changes, and every minute in case something drifted.
  let qosTimer: NodeJS.Timeout | undefined;
  const updateQosTiers = () => {
    if (stopped) return;
    try {
      const written = ensureQosTiers(cfg.cgroupRoot, qosTierConfigOf(pods.list()));
      if (written.length) log.info({ written }, 'QoS tier cgroups updated');
    } catch (e) {
      log.warn({ err: (e as Error).message }, 'QoS tier cgroup update failed');
    }
  };
  const scheduleQosUpdate = () => {
    qosTimer ??= setTimeout(() => {
      qosTimer = undefined;
      updateQosTiers();
    }, 1000);
  };
  pods.addHandler({
    onAdd: (p) => {
      objects.syncPod(p);
      podWorkers.update(p.metadata.uid!);
      trackVolumes(p);
      scheduleQosUpdate();
    },
    onUpdate: (o, p) => {
      // A finished pod (Succeeded/Failed, nothing running) releases its ConfigMaps and Secrets.
      objects.syncPod(p);
      podWorkers.update(p.metadata.uid!);
      trackVolumes(p);
      if (isActivePod(o) !== isActivePod(p)) scheduleQosUpdate();
    },
    onDelete: (p) => {
      volumes.untrack(p.metadata.uid!);
      objects.unregisterPod(p.metadata.uid!);
      podWorkers.update(p.metadata.uid!);
      scheduleQosUpdate();
    },
  });
  await pods.start();
  volumes.start();
  // The tiers exist (with their shares) before the first pod cgroup goes into one.
  updateQosTiers();
  timers.push(setInterval(updateQosTiers, 60_000));

  // 5. Housekeeping: resync every pod (notices container exits) and tear down pods CRI still runs
  // but the API no longer has (deleted while the kubelet was down).
  const housekeeping = async () => {
    if (stopped || !pods.hasSynced()) return;
    for (const p of pods.list()) podWorkers.update(p.metadata.uid!);
    try {
      const uids = new Set((await cri.listPodSandbox()).map((s) => s.labels[LABEL_POD_UID]).filter(Boolean));
      for (const uid of uids) if (!byUid(uid)) podWorkers.update(uid);
    } catch (e) {
      log.warn({ err: (e as Error).message }, 'housekeeping failed');
    }
  };
  timers.push(setInterval(() => void housekeeping(), cfg.housekeepingMs ?? 5000));
  void housekeeping();

  // 6. The kubelet's own port: /healthz and /metrics over HTTPS with its serving certificate
  // (logs, exec and port-forward come with the kubelet issue). Port 0 turns it off.
  const metrics = new Metrics();
  metrics.define('kubelet_running_pods', 'Pods with a running sandbox on this node', 'gauge');
  metrics.define('kubelet_housekeeping_total', 'Housekeeping passes over every pod');
  // With a serving certificate the port is the kubelet API (kubelet/server: logs, exec, stats);
  // without one only plain-HTTP health and metrics.
  const kubeconfigCa = cfg.client ? undefined : loadKubeconfig(cfg.kubeconfig).ca;
  let server: { port: number; stop(): Promise<void> } | undefined;
  if (cfg.port > 0 && cfg.tlsCertFile && kubeconfigCa) {
    const ks = new KubeletServer({
      port: cfg.port,
      tls: { cert: fs.readFileSync(cfg.tlsCertFile), key: fs.readFileSync(cfg.tlsPrivateKeyFile), ca: kubeconfigCa },
      nodeName: cfg.nodeName,
      rootDir: cfg.rootDir,
      cgroupRoot: cfg.cgroupRoot,
      criEndpoint: cfg.containerRuntimeEndpoint,
      cri,
      metrics,
      pods: () => pods.list(),
    });
    await ks.start();
    server = ks;
  } else if (cfg.port > 0) {
    server = await startHealthServer({
      port: cfg.port,
      ready: () => pods.hasSynced(),
      metrics,
      tls: cfg.tlsCertFile ? { cert: fs.readFileSync(cfg.tlsCertFile), key: fs.readFileSync(cfg.tlsPrivateKeyFile) } : undefined,
    });
  }
  timers.push(
    setInterval(() => {
      metrics.inc('kubelet_housekeeping_total');
      metrics.set('kubelet_running_pods', pods.list().length);
    }, cfg.housekeepingMs ?? 5000),
  );
  log.info({ port: server?.port }, 'kubelet started');

  return {
    stop: async () => {
      stopped = true;
      for (const t of timers) clearInterval(t);
      clearTimeout(qosTimer);
      agent.stop();
      pods.stop();
      objects.stop();
      volumes.stop();
      nodeInformer.stop();
      probes.stop();
      await podWorkers.stop();
      await server?.stop();
      cri.close();
      if (!cfg.client) client.close();
      log.info('kubelet stopped');
    },
  };
}
