// The pure heart of a pod sync: given the desired pod and what CRI reports, decide what to do.
// No I/O here; pod-sync.ts applies the result step by step.
import type { Pod } from '../../lib/api/types';
import { currentSandbox, instancesOf, nsToMs, type ContainerInfo, type PodCriState } from './cri-state';

export interface BackoffPolicy {
  /** Delay before the first restart of a container, ms. */
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 10_000, maxMs: 300_000 };

export interface ContainerToStart {
  name: string;
  attempt: number;
  reason: 'NotCreated' | 'Restart' | 'NewSandbox';
}

export interface PodActions {
  /** Stop every container and sandbox of the pod (deletion or a terminal phase). */
  killPod: boolean;
  /** The pod is being deleted: after killPod, remove CRI state and delete the API object. */
  finalize: boolean;
  createSandbox: boolean;
  /** Attempt number of the sandbox to create. */
  sandboxAttempt: number;
  /** The sandbox to start containers in, when not creating one. */
  sandboxId?: string;
  containersToStart: ContainerToStart[];
  containersToKill: { id: string; name: string; reason: string }[];
  /** Exited instances no longer needed (older than the latest two per name). */
  containersToRemove: string[];
  /** Sandboxes to stop and remove: not ready, or older than the current one. */
  sandboxesToRemove: string[];
  /** Containers waiting out a crash backoff, with when the wait ends (ms since epoch). */
  backoff: { name: string; untilMs: number }[];
  /** Sync again after this many ms (the earliest backoff end), if any. */
  requeueAfterMs?: number;
}

export function restartPolicyOf(pod: Pod): 'Always' | 'OnFailure' | 'Never' {
  return pod.spec.restartPolicy ?? 'Always';
}

/** Whether an exited container should run again under the pod's restart policy. */
export function shouldRestart(pod: Pod, exitCode: number): boolean {
  const p = restartPolicyOf(pod);
  return p === 'Always' || (p === 'OnFailure' && exitCode !== 0);
}

/** Crash backoff before starting attempt `nextAttempt`: doubling from base, capped. */
export function backoffDelayMs(nextAttempt: number, policy: BackoffPolicy): number {
  if (nextAttempt <= 0) return 0;
  return Math.min(policy.baseMs * 2 ** Math.min(nextAttempt - 1, 30), policy.maxMs);
}

/** True when every container has finished for good: the pod reached Succeeded or Failed. */
export function podIsTerminal(pod: Pod, s: PodCriState): boolean {
  if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return true;
  if (restartPolicyOf(pod) === 'Always') return false;
  return pod.spec.containers.every((c) => {
    const latest = instancesOf(s, c.name)[0];
    return !!latest && latest.state === 'CONTAINER_EXITED' && !shouldRestart(pod, latest.exitCode);
  });
}

export function computePodActions(pod: Pod, s: PodCriState, nowMs: number, policy: BackoffPolicy = DEFAULT_BACKOFF): PodActions {
  const a: PodActions = {
    killPod: false,
    finalize: false,
    createSandbox: false,
    sandboxAttempt: 0,
    containersToStart: [],
    containersToKill: [],
    containersToRemove: [],
    sandboxesToRemove: [],
    backoff: [],
  };
  if (pod.metadata.deletionTimestamp) {
    a.killPod = true;
    a.finalize = true;
    return a;
  }
  const live = (c: ContainerInfo) => c.state === 'CONTAINER_RUNNING' || c.state === 'CONTAINER_CREATED' || c.state === 'CONTAINER_UNKNOWN';
  if (podIsTerminal(pod, s)) {
    // Leave exited containers for their status and logs; stop whatever still runs.
    a.killPod = s.containers.some(live) || s.sandboxes.some((x) => x.state === 'SANDBOX_READY');
    return a;
  }

  const sandbox = currentSandbox(s);
  const specNames = new Set(pod.spec.containers.map((c) => c.name));
  a.sandboxesToRemove = s.sandboxes.filter((x) => x !== sandbox && (sandbox !== undefined || x.state !== 'SANDBOX_READY')).map((x) => x.id);

  // Containers of sandboxes other than the current one, or not in the spec, must not run.
  for (const c of s.containers) {
    if (!live(c)) continue;
    if (!sandbox || c.sandboxId !== sandbox.id) a.containersToKill.push({ id: c.id, name: c.name, reason: 'SandboxChanged' });
    else if (!specNames.has(c.name)) a.containersToKill.push({ id: c.id, name: c.name, reason: 'NotInSpec' });
  }

  if (!sandbox) {
    a.createSandbox = true;
    a.sandboxAttempt = s.sandboxes.reduce((m, x) => Math.max(m, x.attempt + 1), 0);
    for (const c of pod.spec.containers) {
      const latest = instancesOf(s, c.name)[0];
      a.containersToStart.push({ name: c.name, attempt: latest ? latest.attempt + 1 : 0, reason: 'NewSandbox' });
    }
    return a;
  }
  a.sandboxId = sandbox.id;

  for (const c of pod.spec.containers) {
    const all = instancesOf(s, c.name);
    const latest = all[0];
    a.containersToRemove.push(...all.slice(2).filter((x) => x.state === 'CONTAINER_EXITED').map((x) => x.id));
    if (!latest) {
      a.containersToStart.push({ name: c.name, attempt: 0, reason: 'NotCreated' });
      continue;
    }
    if (latest.sandboxId !== sandbox.id) {
      // The sandbox was replaced: every container starts again in the new one.
      a.containersToStart.push({ name: c.name, attempt: latest.attempt + 1, reason: 'NewSandbox' });
      continue;
    }
    if (latest.state === 'CONTAINER_RUNNING') continue;
    if (latest.state === 'CONTAINER_CREATED' || latest.state === 'CONTAINER_UNKNOWN') {
      // Created but never started (the kubelet died in between): replace it.
      a.containersToKill.push({ id: latest.id, name: c.name, reason: 'NeverStarted' });
      a.containersToStart.push({ name: c.name, attempt: latest.attempt + 1, reason: 'Restart' });
      continue;
    }
    if (!shouldRestart(pod, latest.exitCode)) continue;
    const next = latest.attempt + 1;
    const untilMs = nsToMs(latest.finishedAt) + backoffDelayMs(next, policy);
    if (untilMs > nowMs) {
      a.backoff.push({ name: c.name, untilMs });
      continue;
    }
    a.containersToStart.push({ name: c.name, attempt: next, reason: 'Restart' });
  }
  if (a.backoff.length > 0) a.requeueAfterMs = Math.max(0, Math.min(...a.backoff.map((b) => b.untilMs)) - nowMs);
  return a;
}
