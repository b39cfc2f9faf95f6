// Applies computePodActions to CRI, step by step, then writes the pod status when it changed.
// Every step is idempotent: a failed sync is simply run again.
import * as fs from 'node:fs';
import type { Pod } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import type { ApiClient } from '../../lib/client/api-client';
import type { EventRecorder } from '../../lib/client/event-recorder';
import { isConflict, isNotFound } from '../../lib/errors';
import { componentLogger } from '../../lib/log';
import { CriClient, isCriNotFound } from '../cri/client';
import { LABEL_CONTAINER_NAME, LABEL_POD_UID, currentSandbox, type ContainerInfo, type PodCriState, type SandboxInfo } from './cri-state';
import { computePodActions, DEFAULT_BACKOFF, type BackoffPolicy } from './pod-actions';
import { computePodStatus, statusEqual } from './pod-status';
import { containerConfigOf, podCgroupParent, podLogDir, sandboxConfigOf, type PodConfigContext } from './pod-config';
import { removeCgroupDirs } from './cgroups';

export interface PodSyncConfig extends PodConfigContext {
  nodeName: string;
  nodeIP: string;
  backoff?: BackoffPolicy;
  /** Image pull retry backoff. */
  pullBackoff?: BackoffPolicy;
}

export interface SyncResult {
  requeueAfterMs?: number;
}

const log = componentLogger('kubelet', { part: 'pod-sync' });

export class PodSyncer {
  /** Image pull failures per "uid/container": count and when the next try is allowed. */
  private readonly pullFailures = new Map<string, { count: number; untilMs: number; message: string }>();

  constructor(
    private readonly cri: CriClient,
    private readonly client: ApiClient,
    private readonly recorder: EventRecorder | undefined,
    private readonly cfg: PodSyncConfig,
  ) {}

  /** Everything CRI knows about one pod UID, with container details. */
  async readState(uid: string): Promise<PodCriState> {
    const sel = { [LABEL_POD_UID]: uid };
    const [sandboxes, containers] = await Promise.all([this.cri.listPodSandbox({ labelSelector: sel }), this.cri.listContainers({ labelSelector: sel })]);
    const sbs: SandboxInfo[] = sandboxes.map((s) => ({ id: s.id, attempt: s.metadata.attempt, state: s.state, createdAt: s.createdAt }));
    const cur = currentSandbox({ sandboxes: sbs, containers: [] });
    if (cur) {
      try {
        cur.ip = (await this.cri.podSandboxStatus(cur.id)).network?.ip || undefined;
      } catch (e) {
        if (!isCriNotFound(e)) throw e;
      }
    }
    const infos: ContainerInfo[] = [];
    for (const c of containers) {
      try {
        const st = await this.cri.containerStatus(c.id);
        infos.push({
          id: c.id,
          sandboxId: c.podSandboxId,
          name: c.labels[LABEL_CONTAINER_NAME] ?? c.metadata.name,
          attempt: c.metadata.attempt,
          state: st.state,
          createdAt: st.createdAt,
          startedAt: st.startedAt,
          finishedAt: st.finishedAt,
          exitCode: st.exitCode,
          reason: st.reason,
          message: st.message,
          image: st.image?.image ?? '',
          imageRef: st.imageRef,
        });
      } catch (e) {
        if (!isCriNotFound(e)) throw e;
      }
    }
    return { sandboxes: sbs, containers: infos };
  }

  async sync(pod: Pod): Promise<SyncResult> {
    const uid = pod.metadata.uid!;
    const plog = log.child({ pod: `${pod.metadata.namespace}/${pod.metadata.name}`, uid });
    const state = await this.readState(uid);
    const now = Date.now();
    const actions = computePodActions(pod, state, now, this.cfg.backoff ?? DEFAULT_BACKOFF);
    const grace = pod.metadata.deletionGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;

    // 1. Whole-pod kill: deletion or a finished pod.
    if (actions.killPod) {
      await this.killAll(state, grace);
      if (actions.finalize) {
        await this.removeAll(uid, state);
        this.cleanupPodDirs(pod);
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
      await this.ignoreNotFound(() => this.cri.stopContainer(k.id, grace));
      await this.ignoreNotFound(() => this.cri.removeContainer(k.id));
    }
    for (const id of actions.containersToRemove) await this.ignoreNotFound(() => this.cri.removeContainer(id));
    for (const id of actions.sandboxesToRemove) {
      await this.ignoreNotFound(() => this.cri.stopPodSandbox(id));
      await this.ignoreNotFound(() => this.cri.removePodSandbox(id));
    }

    // 3. Sandbox.
    const sandboxConfig = sandboxConfigOf(pod, actions.sandboxAttempt, this.cfg);
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

    // 4. Containers: image, create, start.
    const waiting: Record<string, { reason: string; message?: string }> = {};
    for (const b of actions.backoff) {
      waiting[b.name] = { reason: 'CrashLoopBackOff', message: `back-off restarting failed container ${b.name}` };
    }
    let requeueAfterMs = actions.requeueAfterMs;
    const requeue = (ms: number) => (requeueAfterMs = Math.min(requeueAfterMs ?? ms, ms));
    for (const s of actions.containersToStart) {
      const spec = pod.spec.containers.find((c) => c.name === s.name)!;
      const pullKey = `${uid}/${s.name}`;
      const ok = await this.ensureImage(pod, spec.image, spec.imagePullPolicy, pullKey, waiting, s.name, requeue);
      if (!ok) continue;
      try {
        const id = await this.cri.createContainer(sandboxId!, containerConfigOf(pod, spec, s.attempt), sandboxConfig);
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

    // 5. Status from a fresh read.
    const after = await this.readState(uid);
    await this.writeStatus(pod, computePodStatus(pod, after, { nodeIP: this.cfg.nodeIP, nowIso: new Date().toISOString(), waiting }));
    return { requeueAfterMs };
  }

  /** Tears down a pod that no longer exists in the API (deleted while we were away). */
  async teardownOrphan(uid: string): Promise<void> {
    const state = await this.readState(uid);
    await this.killAll(state, 2);
    await this.removeAll(uid, state);
    log.info({ uid }, 'orphaned pod torn down');
  }

  private async ensureImage(
    pod: Pod,
    image: string,
    policy: string | undefined,
    pullKey: string,
    waiting: Record<string, { reason: string; message?: string }>,
    name: string,
    requeue: (ms: number) => void,
  ): Promise<boolean> {
    const effective = policy ?? (/:latest$|^[^:]*$/.test(image.split('/').pop() ?? '') ? 'Always' : 'IfNotPresent');
    const present = await this.cri.imageStatus(image);
    if (present && effective !== 'Always') return true;
    if (effective === 'Never') {
      waiting[name] = { reason: 'ErrImageNeverPull', message: `image ${image} is not present and pull policy is Never` };
      return false;
    }
    const failed = this.pullFailures.get(pullKey);
    if (failed && failed.untilMs > Date.now()) {
      waiting[name] = { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"` };
      requeue(failed.untilMs - Date.now());
      return false;
    }
    try {
      this.recorder?.event(pod, 'Normal', 'Pulling', `Pulling image "${image}"`);
      await this.cri.pullImage(image);
      this.pullFailures.delete(pullKey);
      this.recorder?.event(pod, 'Normal', 'Pulled', `Successfully pulled image "${image}"`);
      return true;
    } catch (e) {
      if (present) return true; // Always, but the registry is unreachable: use what we have
      const count = (failed?.count ?? 0) + 1;
      const pb = this.cfg.pullBackoff ?? DEFAULT_BACKOFF;
      const delay = Math.min(pb.baseMs * 2 ** (count - 1), pb.maxMs);
      this.pullFailures.set(pullKey, { count, untilMs: Date.now() + delay, message: (e as Error).message });
      waiting[name] = { reason: 'ErrImagePull', message: (e as Error).message };
      this.recorder?.event(pod, 'Warning', 'Failed', `Failed to pull image "${image}": ${(e as Error).message}`);
      requeue(delay);
      return false;
    }
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

  private async killAll(state: PodCriState, graceSec: number): Promise<void> {
    const live = state.containers.filter((c) => c.state !== 'CONTAINER_EXITED');
    await Promise.all(live.map((c) => this.ignoreNotFound(() => this.cri.stopContainer(c.id, graceSec))));
    for (const s of state.sandboxes) await this.ignoreNotFound(() => this.cri.stopPodSandbox(s.id));
  }

  private async removeAll(uid: string, state: PodCriState): Promise<void> {
    for (const c of state.containers) await this.ignoreNotFound(() => this.cri.removeContainer(c.id));
    for (const s of state.sandboxes) await this.ignoreNotFound(() => this.cri.removePodSandbox(s.id));
    removeCgroupDirs(podCgroupParent(this.cfg.cgroupRoot, uid));
  }

  private cleanupPodDirs(pod: Pod): void {
    fs.rmSync(podLogDir(this.cfg.rootDir, pod), { recursive: true, force: true });
  }

  private async ignoreNotFound(fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
    } catch (e) {
      if (!isCriNotFound(e)) throw e;
    }
  }
}

