// Applies computePodActions to CRI, step by step, then writes the pod status when it changed.
// Every step is idempotent: a failed sync is simply run again.
import * as fs from 'node:fs';
import type { KObject, Pod } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import type { ApiClient } from '../../lib/client/api-client';
import type { EventRecorder } from '../../lib/client/event-recorder';
import { isConflict, isNotFound } from '../../lib/errors';
import { componentLogger } from '../../lib/log';
import { CriClient, isCriNotFound } from '../cri/client';
import * as path from 'node:path';
import type { Container } from '../../lib/api/types';
import { ANNOTATION_BACKOFF_STEP, LABEL_CONTAINER_NAME, LABEL_POD_UID, currentSandbox, instancesOf, nsToMs, type ContainerInfo, type PodCriState, type SandboxInfo } from './cri-state';
import { computePodActions, DEFAULT_BACKOFF, isSidecar, type BackoffPolicy } from './pod-actions';
import { terminationWaves } from './termination-order';
import type { StartStep } from './pod-termination';
import { computePodStatus, statusEqual } from './pod-status';
import { containerConfigOf, podLogDir, sandboxConfigOf, type PodConfigContext, type ResolvedContainer } from './pod-config';
import { ensurePodCgroup, removeCgroupDirs } from './cgroups';
import { podCgroupCandidates, podCgroupConfig, podCgroupPath, qosCgroupPath } from './pod-cgroups';
import { podQos } from '../../lib/api/qos';
import { ContainerConfigError, expandCommand, fetchEnvSources, resolveEnv, type EnvSources } from './env';
import { asX } from './spec-types';
import type { ProbeManager } from '../probes/probe-manager';
import { runHandler } from '../probes/handlers';
import { cleanupVolumes, prepareVolumes, type PreparedVolumes } from '../volumes';
import { ImageManager } from '../images/image-manager';
import type { PodSandboxConfig } from '../cri/types';
import { podDnsConfig, type DnsConfig } from './pod-dns';
import { PodHostnameError } from './pod-hostname';
import { readResolvConf, ResolvConfError } from './resolv-conf';
import { hostsMount, removePodHostsFile, writePodHostsFile } from './pod-hosts-file';

export interface PodSyncConfig extends PodConfigContext {
  nodeName: string;
  nodeIP: string;
  backoff?: BackoffPolicy;
  /** Pulls images per pull policy with backoff and events; one per kubelet (its use times feed the image GC). */
  images?: ImageManager;
  /** Probe workers; without them containers count as ready once running. */
  probes?: ProbeManager;
  /**
   * Called before a pod's cgroup is first made in this process: the QoS tier it goes into is
   * brought up to date first (upstream's QoS manager does the same before a pod cgroup appears).
   */
  beforePodCgroup?: () => void;
  /** Pod DNS (pod-dns.ts); without it sandboxes get no DNS config and containerd copies the node's resolv.conf. */
  dns?: PodDnsSettings;
}

export interface PodDnsSettings {
  /** --cluster-dns: the nameservers of ClusterFirst pods; empty makes them fall back to Default. */
  clusterDNS: string[];
  /** --resolv-conf: the node's resolver file, read at each sandbox creation; '' disables host DNS. */
  resolvConf: string;
}

export interface SyncResult {
  requeueAfterMs?: number;
  /** The sync stopped early because the pod began terminating (see pod-termination.ts). */
  abandoned?: boolean;
}

const log = componentLogger('kubelet', { part: 'pod-sync' });

/** Upstream's reference to the node in events: its name stands in for the UID. */
const nodeRef = (name: string): KObject => ({ apiVersion: 'v1', kind: 'Node', metadata: { name, uid: name } });

const roundMarks = (m: Record<string, number>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Math.round(v * 10) / 10]));

export class PodSyncer {
  /** Containers this kubelet stopped itself: their SIGKILL exit is not an OOM kill. */
  private readonly stoppedByUs = new Set<string>();

  /** Pods whose cgroup this process has checked (once per pod: its resources are immutable). */
  private readonly cgroupsChecked = new Set<string>();

  private readonly images: ImageManager;

  constructor(
    private readonly cri: CriClient,
    private readonly client: ApiClient,
    private readonly recorder: EventRecorder | undefined,
    private readonly cfg: PodSyncConfig,
  ) {
    this.images = cfg.images ?? new ImageManager(cri, recorder);
  }

  /** Everything CRI knows about one pod UID, with container details. */
  async readState(uid: string): Promise<PodCriState> {
    const sel = { [LABEL_POD_UID]: uid };
    const [sandboxes, containers] = await Promise.all([this.cri.listPodSandbox({ labelSelector: sel }), this.cri.listContainers({ labelSelector: sel })]);
    const sbs: SandboxInfo[] = sandboxes.map((s) => ({ id: s.id, attempt: s.metadata.attempt, state: s.state, createdAt: s.createdAt }));
    const cur = currentSandbox({ sandboxes: sbs, containers: [] });
    // The sandbox's IP and every container's status are independent reads: issued together, a
    // pod's state costs one CRI round trip instead of one per container (it matters when 30 pods
    // start at once and each round trip queues behind containerd's other work).
    const sandboxIp = async () => {
      if (!cur) return;
      try {
        cur.ip = (await this.cri.podSandboxStatus(cur.id)).network?.ip || undefined;
      } catch (e) {
        if (!isCriNotFound(e)) throw e;
      }
    };
    const [, found] = await Promise.all([sandboxIp(), Promise.all(containers.map((c) => this.containerInfo(c.id, c.podSandboxId)))]);
    const infos = found.filter((x): x is ContainerInfo => x !== undefined);
    return { sandboxes: sbs, containers: infos };
  }

  /** One container's CRI status as the decision functions read it; undefined once it is gone. */
  private async containerInfo(id: string, sandboxId: string): Promise<ContainerInfo | undefined> {
    try {
      const st = await this.cri.containerStatus(id);
      return {
        id,
        sandboxId,
        name: st.labels?.[LABEL_CONTAINER_NAME] ?? st.metadata.name,
        attempt: st.metadata.attempt,
        state: st.state,
        createdAt: st.createdAt,
        startedAt: st.startedAt,
        finishedAt: st.finishedAt,
        exitCode: st.exitCode,
        reason: st.reason,
        message: st.message,
        image: st.image?.image ?? '',
        imageRef: st.imageRef,
        backoffStep: st.annotations?.[ANNOTATION_BACKOFF_STEP] !== undefined ? Number(st.annotations[ANNOTATION_BACKOFF_STEP]) : undefined,
      };
    } catch (e) {
      if (!isCriNotFound(e)) throw e;
      return undefined;
    }
  }

  /**
   * The state of a pod that had nothing in CRI before this sync: just the sandbox and containers
   * it made, read by id in one round trip instead of listing the runtime's objects first (the
   * lists cost most when many pods start at once).
   */
  private async stateOfNewPod(sandboxId: string, attempt: number, containerIds: string[]): Promise<PodCriState> {
    const [sb, found] = await Promise.all([this.cri.podSandboxStatus(sandboxId), Promise.all(containerIds.map((id) => this.containerInfo(id, sandboxId)))]);
    return {
      sandboxes: [{ id: sandboxId, attempt, state: sb.state, createdAt: sb.createdAt, ip: sb.network?.ip || undefined }],
      containers: found.filter((x): x is ContainerInfo => x !== undefined),
    };
  }

  /**
   * One sync of the pod. `signal` is aborted by the pod worker once the pod is terminating: a
   * start then stops at its next step (before or after the sandbox, around each image pull,
   * before each container create and start; an image pull in flight is cancelled) and returns
   * `abandoned`, leaving what exists to the teardown that follows.
   */
  async sync(pod: Pod, signal?: AbortSignal): Promise<SyncResult> {
    const uid = pod.metadata.uid!;
    const plog = log.child({ pod: `${pod.metadata.namespace}/${pod.metadata.name}`, uid });
    const abandoned = (step: StartStep): boolean => {
      if (!signal?.aborted) return false;
      plog.info({ step }, 'pod start abandoned: the pod is terminating');
      return true;
    };
    const t0 = performance.now();
    const state = this.withLostOoms(pod, await this.readState(uid));
    const marks: Record<string, number> = { read: performance.now() - t0 };
    const now = Date.now();
    const specs = [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
    const specOf = (name: string) => specs.find((c) => c.name === name);
    const unhealthy = new Set<string>();
    const notStarted = new Set<string>();
    for (const c of state.containers) {
      const spec = specOf(c.name);
      if (c.state !== 'CONTAINER_RUNNING' || !spec || !this.cfg.probes) continue;
      const v = this.cfg.probes.verdict(c.id, spec);
      if (v.unhealthy) unhealthy.add(c.id);
      if (!v.started) notStarted.add(c.id);
    }
    const actions = computePodActions(pod, state, now, this.cfg.backoff ?? DEFAULT_BACKOFF, { unhealthy, notStarted });
    const grace = pod.metadata.deletionGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
    const sandboxIP = currentSandbox(state)?.ip;
    let podIP = pod.spec.hostNetwork ? this.cfg.nodeIP : sandboxIP;

    // 1. Whole-pod kill: deletion or a finished pod.
    if (actions.killPod) {
      this.cfg.probes?.forgetPod(uid);
      await this.killAll(pod, state, grace, podIP);
      if (actions.finalize) {
        // As Kubernetes does, the API sees the containers terminated (exit codes) before the
        // pod object goes away; the object is removed only once nothing of the pod runs.
        const stopped = await this.readState(uid);
        await this.writeStatus(pod, computePodStatus(pod, stopped, { nodeIP: this.cfg.nodeIP, nowIso: new Date().toISOString(), waiting: {}, terminal: true }));
        await this.removeAll(uid, stopped);
        this.cleanupPodDirs(pod);
        cleanupVolumes(this.cfg.rootDir, uid);
        removePodHostsFile(this.cfg.rootDir, uid);
        try {
          await this.client.delete(Resources.pods, pod.metadata.namespace, pod.metadata.name!, { gracePeriodSeconds: 0, preconditions: { uid } });
          plog.info('pod deleted');
        } catch (e) {
          if (!isNotFound(e) && !isConflict(e)) throw e;
        }
        return {};
      }
    }
    if (actions.finalize) return {};

    // 2. Stop containers that must not run; garbage-collect old instances and sandboxes.
    for (const k of actions.containersToKill) {
      if (k.reason === 'Unhealthy') {
        const spec = specOf(k.name)!;
        const why = asX(spec).startupProbe && !this.cfg.probes?.verdict(k.id, spec).started ? 'startup' : 'liveness';
        this.recorder?.event(pod, 'Normal', 'Killing', `Container ${k.name} failed ${why} probe, will be restarted`);
        await this.stopWithHooks(pod, k.id, spec, pod.spec.terminationGracePeriodSeconds ?? 30, podIP);
      } else await this.stopContainer(k.id, grace);
      if (!k.keep) await this.ignoreNotFound(() => this.cri.removeContainer(k.id));
    }
    for (const id of actions.containersToRemove) await this.ignoreNotFound(() => this.cri.removeContainer(id));
    for (const id of actions.sandboxesToRemove) {
      await this.ignoreNotFound(() => this.cri.stopPodSandbox(id));
      await this.ignoreNotFound(() => this.cri.removePodSandbox(id));
    }

    // 3. Pod cgroup (before the sandbox, which runs inside it), then the sandbox.
    if (abandoned('before-sandbox')) return { abandoned: true };
    if (actions.createSandbox || !this.cgroupsChecked.has(uid)) {
      try {
        this.ensurePodCgroup(pod);
      } catch (e) {
        this.recorder?.event(pod, 'Warning', 'FailedCreatePodSandBox', (e as Error).message);
        throw e;
      }
    }
    let sandboxConfig: PodSandboxConfig;
    try {
      // The resolver config matters only when the sandbox is made (containerd writes it then).
      sandboxConfig = sandboxConfigOf(pod, actions.sandboxAttempt, this.cfg, actions.createSandbox ? this.podDns(pod, plog) : undefined);
    } catch (e) {
      if (!(e instanceof ResolvConfError || e instanceof PodHostnameError)) throw e;
      this.recorder?.event(pod, 'Warning', 'FailedCreatePodSandBox', `Failed to generate sandbox config for pod "${pod.metadata.name}_${pod.metadata.namespace}(${uid})": ${e.message}`);
      throw e;
    }
    let sandboxId = actions.sandboxId;
    if (actions.createSandbox) {
      fs.mkdirSync(podLogDir(this.cfg.rootDir, pod), { recursive: true });
      try {
        sandboxId = await this.cri.runPodSandbox(sandboxConfig);
        plog.info({ sandboxId, attempt: actions.sandboxAttempt }, 'sandbox started');
      } catch (e) {
        this.recorder?.event(pod, 'Warning', 'FailedCreatePodSandBox', (e as Error).message);
        throw e;
      }
    }

    // A new sandbox's address (upstream reads it the same way): the pod's line in its hosts file
    // and status.podIP in the environment of the containers started below.
    if (actions.createSandbox && !pod.spec.hostNetwork && actions.containersToStart.length) podIP = (await this.cri.podSandboxStatus(sandboxId!)).network?.ip || undefined;
    if (actions.createSandbox) marks.sandbox = performance.now() - t0;
    if (abandoned('after-sandbox')) return { abandoned: true };
    // 4. Containers: image, configuration, create, start.
    const waiting: Record<string, { reason: string; message?: string }> = {};
    for (const b of actions.backoff) {
      const secs = Math.ceil((b.untilMs - now) / 1000);
      waiting[b.name] = { reason: 'CrashLoopBackOff', message: `back-off ${secs}s restarting failed container=${b.name} pod=${pod.metadata.name}_${pod.metadata.namespace}(${uid})` };
      this.recorder?.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
    }
    let requeueAfterMs = actions.requeueAfterMs;
    const requeue = (ms: number) => (requeueAfterMs = Math.min(requeueAfterMs ?? ms, ms));
    let envSources: EnvSources | undefined;
    const created: string[] = [];
    let volumes: PreparedVolumes | undefined;
    let hostsFile: string | undefined | null = null;
    for (const s of actions.containersToStart) {
      const spec = specOf(s.name)!;
      if (abandoned('before-image')) return { abandoned: true };
      const pulled = await this.images.ensureImage(pod, spec, undefined, signal);
      if (abandoned('after-image')) return { abandoned: true };
      if (!pulled.ok) {
        waiting[s.name] = { reason: pulled.waitingReason, message: pulled.message };
        if (pulled.retryAfterMs !== undefined) requeue(pulled.retryAfterMs);
        continue;
      }
      let resolved: ResolvedContainer;
      try {
        volumes ??= await prepareVolumes(pod, { client: this.client, rootDir: this.cfg.rootDir });
        if (volumes.errors.length) {
          waiting[s.name] = { reason: 'ContainerCreating', message: volumes.errors.join('; ') };
          this.recorder?.event(pod, 'Warning', 'FailedMount', volumes.errors.join('; '));
          requeue(2000);
          continue;
        }
        envSources ??= await fetchEnvSources(this.client, pod, specs, podIP, this.cfg.nodeIP);
        if (hostsFile === null) hostsFile = writePodHostsFile(this.cfg.rootDir, pod, podIP ? [podIP] : [], this.cfg.clusterDomain ?? '');
        resolved = this.resolveContainer(pod, spec, envSources, volumes, s.backoffStep, !!s.init, hostsFile);
        containerConfigOf(pod, spec, s.attempt, resolved); // validates the securityContext
      } catch (e) {
        if (!(e instanceof ContainerConfigError)) throw e;
        waiting[s.name] = { reason: 'CreateContainerConfigError', message: e.message };
        this.recorder?.event(pod, 'Warning', 'Failed', `Error: ${e.message}`);
        requeue(2000);
        continue;
      }
      if (abandoned('before-create')) return { abandoned: true };
      try {
        const id = await this.cri.createContainer(sandboxId!, containerConfigOf(pod, spec, s.attempt, resolved), sandboxConfig);
        created.push(id);
        this.recorder?.event(pod, 'Normal', 'Created', `Created container ${s.name}`);
        // A created container that never starts is removed by the teardown that follows.
        if (abandoned('before-start')) return { abandoned: true };
        try {
          await this.cri.startContainer(id);
        } catch (e) {
          waiting[s.name] = { reason: 'RunContainerError', message: (e as Error).message };
          this.recorder?.event(pod, 'Warning', 'Failed', `Error: ${(e as Error).message}`);
          requeue(DEFAULT_BACKOFF.baseMs);
          continue;
        }
        this.recorder?.event(pod, 'Normal', 'Started', `Started container ${s.name}`);
        plog.info({ container: s.name, attempt: s.attempt }, 'container started');
      } catch (e) {
        waiting[s.name] = { reason: 'CreateContainerError', message: (e as Error).message };
        this.recorder?.event(pod, 'Warning', 'Failed', `Error: ${(e as Error).message}`);
        requeue(DEFAULT_BACKOFF.baseMs);
      }
    }

    marks.containers = performance.now() - t0;
    // 5. Probes for what runs now; status from a fresh read.
    const brandNew = actions.createSandbox && state.sandboxes.length === 0 && state.containers.length === 0;
    const after = this.withLostOoms(pod, brandNew ? await this.stateOfNewPod(sandboxId!, actions.sandboxAttempt, created) : await this.readState(uid));
    const afterSandbox = currentSandbox(after);
    const ip = pod.spec.hostNetwork ? this.cfg.nodeIP : afterSandbox?.ip;
    if (this.cfg.probes && ip) {
      // App containers and sidecars have probes; regular init containers may not.
      const running = [...(pod.spec.initContainers ?? []).filter(isSidecar), ...pod.spec.containers]
        .map((c) => ({ spec: c, latest: instancesOf(after, c.name)[0] }))
        .filter((x) => x.latest?.state === 'CONTAINER_RUNNING')
        .map((x) => ({ id: x.latest!.id, spec: x.spec, startedAtMs: nsToMs(x.latest!.startedAt) }));
      this.cfg.probes.sync(pod, ip, running);
    }
    const probes = this.cfg.probes;
    const probe = probes ? (id: string, spec: Container) => probes.verdict(id, spec) : undefined;
    marks.reread = performance.now() - t0;
    await this.writeStatus(pod, computePodStatus(pod, after, { nodeIP: this.cfg.nodeIP, nowIso: new Date().toISOString(), waiting, probe }));
    // A pod start's timeline (ms since the sync began), as Kubernetes' pod startup tracker keeps it.
    if (actions.createSandbox) plog.info({ ...roundMarks(marks), status: Math.round(performance.now() - t0) }, 'pod start synced');
    // Exited init containers hand over to the next step at once.
    if (actions.containersToStart.some((x) => x.init) && !Object.keys(waiting).length) requeue(500);
    return { requeueAfterMs };
  }

  /**
   * containerd 1.6 sometimes processes a task's exit before its OOM event and then never reports
   * OOMKilled. A SIGKILL exit (137) of a memory-limited container that the kubelet did not stop
   * itself can only be the kernel's OOM killer here, so it is reported as such.
   */
  private withLostOoms(pod: Pod, state: PodCriState): PodCriState {
    const limited = new Set([...(pod.spec.initContainers ?? []), ...pod.spec.containers].filter((c) => c.resources?.limits?.memory).map((c) => c.name));
    for (const c of state.containers) {
      if (c.state === 'CONTAINER_EXITED' && (!c.reason || c.reason === 'Error') && c.exitCode === 137 && limited.has(c.name) && !this.stoppedByUs.has(c.id)) c.reason = 'OOMKilled';
    }
    return state;
  }

  /** Creates the pod cgroup in its QoS tier and writes the pod limits that differ (none on re-adoption). */
  private ensurePodCgroup(pod: Pod): void {
    const qos = podQos(pod);
    const podPath = podCgroupPath(this.cfg.cgroupRoot, pod);
    if (!this.cgroupsChecked.has(pod.metadata.uid!)) this.cfg.beforePodCgroup?.();
    const r = ensurePodCgroup({ podPath, tierPath: qosCgroupPath(this.cfg.cgroupRoot, qos), qos, config: podCgroupConfig(pod) });
    if (r.created || r.written.length) log.info({ pod: `${pod.metadata.namespace}/${pod.metadata.name}`, cgroup: podPath, created: r.created, written: r.written }, 'pod cgroup updated');
    this.cgroupsChecked.add(pod.metadata.uid!);
  }

  /** Tears down a pod that no longer exists in the API (deleted while we were away). */
  async teardownOrphan(uid: string): Promise<void> {
    this.cfg.probes?.forgetPod(uid);
    const state = await this.readState(uid);
    await this.killAll(undefined, state, 2, undefined);
    await this.removeAll(uid, state);
    try {
      cleanupVolumes(this.cfg.rootDir, uid);
      removePodHostsFile(this.cfg.rootDir, uid);
    } catch (e) {
      log.warn({ uid, err: (e as Error).message }, 'volume cleanup failed');
    }
    log.info({ uid }, 'orphaned pod torn down');
  }

  private async writeStatus(pod: Pod, status: Pod['status']): Promise<void> {
    let cur: Pod = pod;
    for (let i = 0; i < 3; i++) {
      if (statusEqual(cur.status ?? {}, status)) return;
      try {
        await this.client.updateStatus(Resources.pods, { ...cur, status });
        return;
      } catch (e) {
        if (isNotFound(e)) return;
        if (!isConflict(e)) throw e;
        cur = await this.client.get<Pod>(Resources.pods, pod.metadata.namespace, pod.metadata.name!);
        if (cur.metadata.uid !== pod.metadata.uid) return;
      }
    }
  }

  /**
   * Stops every live container (preStop hooks first, within the grace period), then the
   * sandboxes. App containers go first, together; sidecars after them, one by one in reverse
   * order, each with what is left of the grace period (termination-order.ts).
   */
  private async killAll(pod: Pod | undefined, state: PodCriState, graceSec: number, podIP: string | undefined): Promise<void> {
    const live = state.containers.filter((c) => c.state !== 'CONTAINER_EXITED');
    const specs = pod ? [...(pod.spec.initContainers ?? []), ...pod.spec.containers] : [];
    const started = Date.now();
    for (const wave of terminationWaves(pod?.spec.initContainers ?? [], live)) {
      const left = Math.max(0, graceSec - Math.floor((Date.now() - started) / 1000));
      // Kubernetes grants a container stopped late in the sequence at least 2 s to handle SIGTERM.
      const grace = graceSec > 0 ? Math.max(2, left) : 0;
      await Promise.all(
        wave.map((c) => {
          const spec = specs.find((x) => x.name === c.name);
          if (pod && spec) {
            this.recorder?.event(pod, 'Normal', 'Killing', `Stopping container ${c.name}`);
            return this.stopWithHooks(pod, c.id, spec, grace, podIP);
          }
          return this.stopContainer(c.id, grace);
        }),
      );
    }
    for (const s of state.sandboxes) await this.ignoreNotFound(() => this.cri.stopPodSandbox(s.id));
  }

  /** preStop (exec or httpGet) bounded by the grace period, then StopContainer with what is left. */
  private async stopWithHooks(pod: Pod, id: string, spec: Container, graceSec: number, podIP: string | undefined): Promise<void> {
    const preStop = asX(spec).lifecycle?.preStop;
    const started = Date.now();
    if (preStop && graceSec > 0) {
      const out = await runHandler(this.cri, preStop, { containerId: id, container: spec, podIP: podIP ?? '' }, graceSec);
      if (!out.ok) this.recorder?.event(pod, 'Warning', 'FailedPreStopHook', `PreStopHook failed: ${out.output}`);
    }
    // Kubernetes grants at least 2 s after the hook so the process still gets its SIGTERM.
    const left = Math.max(2, graceSec - Math.floor((Date.now() - started) / 1000));
    await this.stopContainer(id, graceSec > 0 ? left : 0);
  }

  /** The pod's DNSConfig from the node's resolv.conf as it is now; the warnings become events. */
  private podDns(pod: Pod, plog: { warn: (fields: object, msg: string) => void }): DnsConfig | undefined {
    const dns = this.cfg.dns;
    if (!dns) return undefined;
    const hostResolv = readResolvConf(dns.resolvConf);
    const r = podDnsConfig(pod, { clusterDNS: dns.clusterDNS, clusterDomain: this.cfg.clusterDomain ?? '', hostResolv, nodeIPs: [this.cfg.nodeIP] });
    for (const w of r.warnings) {
      plog.warn({ reason: w.reason, detail: w.message }, 'pod DNS config formed with a warning');
      this.recorder?.event(pod, 'Warning', w.reason, w.message);
      if (w.nodeMessage) this.recorder?.event(nodeRef(this.cfg.nodeName), 'Warning', w.reason, w.nodeMessage);
    }
    return r.config;
  }

  private resolveContainer(pod: Pod, spec: Container, src: EnvSources, volumes: PreparedVolumes, backoffStep: number, init: boolean, hostsFile: string | undefined): ResolvedContainer {
    const envs = resolveEnv(pod, spec, src);
    const mounts = (asX(spec).volumeMounts ?? []).map((m) => {
      const v = volumes.mounts.get(m.name);
      if (!v) throw new ContainerConfigError(`unable to find volume "${m.name}" for container ${spec.name}`);
      return { containerPath: m.mountPath, hostPath: m.subPath ? path.join(v.hostPath, m.subPath) : v.hostPath, readonly: !!m.readOnly || v.readOnly };
    });
    return { envs, ...expandCommand(spec, envs), mounts: [...mounts, ...hostsMount(hostsFile, mounts)], backoffStep, init };
  }

  private async removeAll(uid: string, state: PodCriState): Promise<void> {
    for (const c of state.containers) await this.ignoreNotFound(() => this.cri.removeContainer(c.id));
    for (const s of state.sandboxes) await this.ignoreNotFound(() => this.cri.removePodSandbox(s.id));
    // The pod object may be gone: every QoS tier is tried, and the tiers themselves stay.
    for (const p of podCgroupCandidates(this.cfg.cgroupRoot, uid)) removeCgroupDirs(p);
    this.cgroupsChecked.delete(uid);
  }

  private cleanupPodDirs(pod: Pod): void {
    fs.rmSync(podLogDir(this.cfg.rootDir, pod), { recursive: true, force: true });
  }

  private async stopContainer(id: string, graceSec: number): Promise<void> {
    this.stoppedByUs.add(id);
    if (this.stoppedByUs.size > 10_000) this.stoppedByUs.delete(this.stoppedByUs.values().next().value!);
    await this.ignoreNotFound(() => this.cri.stopContainer(id, graceSec));
  }

  private async ignoreNotFound(fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
    } catch (e) {
      if (!isCriNotFound(e)) throw e;
    }
  }
}

