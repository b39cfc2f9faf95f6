// The pure heart of a pod sync: given the desired pod and what CRI reports, decide what to do.
// No I/O here; pod-sync.ts applies the result step by step.
import type { Container, Pod } from '../../lib/api/types';
import { currentSandbox, instancesOf, nsToMs, type ContainerInfo, type PodCriState } from './cri-state';

export interface BackoffPolicy {
  /** Delay before the second restart of a container, ms; it doubles from there. */
  baseMs: number;
  maxMs: number;
}

/** Kubernetes' crash backoff: 10 s doubling to 5 min; forgotten after 2 × max (10 min) of running. */
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 10_000, maxMs: 300_000 };

export interface ContainerToStart {
  name: string;
  attempt: number;
  reason: 'NotCreated' | 'Restart' | 'NewSandbox';
  init?: boolean;
  /** Backoff step recorded on the new instance. */
  backoffStep: number;
}

export interface ContainerToKill {
  id: string;
  name: string;
  reason: string;
  /** Keep the exited instance (status, logs, restart decision); else remove it after stopping. */
  keep?: boolean;
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
  containersToKill: ContainerToKill[];
  /** Exited instances no longer needed (older than the latest two per name). */
  containersToRemove: string[];
  /** Sandboxes to stop and remove: not ready, or older than the current one. */
  sandboxesToRemove: string[];
  /** Containers waiting out a crash backoff, with when the wait ends (ms since epoch). */
  backoff: { name: string; untilMs: number }[];
  /** Sync again after this many ms (the earliest backoff end), if any. */
  requeueAfterMs?: number;
}

export interface ActionInputs {
  /** Running container IDs whose liveness (or startup) probe failed: they are killed. */
  unhealthy?: Set<string>;
  /**
   * Running container IDs whose startup probe has not passed yet. A sidecar counts as started
   * once it runs and is not in here; the next init container waits for that.
   */
  notStarted?: Set<string>;
}

/** A sidecar: an init container with restartPolicy Always, which keeps running beside the app. */
export const isSidecar = (c: Container): boolean => c.restartPolicy === 'Always';

export function restartPolicyOf(pod: Pod): 'Always' | 'OnFailure' | 'Never' {
  return pod.spec.restartPolicy ?? 'Always';
}

/** Whether an exited container should run again under the pod's restart policy. */
export function shouldRestart(pod: Pod, exitCode: number): boolean {
  const p = restartPolicyOf(pod);
  return p === 'Always' || (p === 'OnFailure' && exitCode !== 0);
}

/** Init containers restart on failure unless the policy is Never (Always acts as OnFailure). */
export function shouldRestartInit(pod: Pod, exitCode: number): boolean {
  return exitCode !== 0 && restartPolicyOf(pod) !== 'Never';
}

/**
 * Delay before starting an instance at backoff step `step`: the first restart is immediate, the
 * next waits base, then doubling, capped at max (what kubectl shows as CrashLoopBackOff).
 */
export function backoffDelayMs(step: number, policy: BackoffPolicy): number {
  if (step <= 1) return 0;
  return Math.min(policy.baseMs * 2 ** Math.min(step - 2, 30), policy.maxMs);
}

/** The backoff step of the instance that replaces `latest`: reset once it ran 2 × max. */
export function nextBackoffStep(latest: ContainerInfo, policy: BackoffPolicy): number {
  const ranMs = latest.startedAt > 0 ? nsToMs(latest.finishedAt) - nsToMs(latest.startedAt) : 0;
  if (ranMs >= 2 * policy.maxMs) return 1;
  return (latest.backoffStep ?? latest.attempt) + 1;
}

const exited = (c: ContainerInfo | undefined) => !!c && c.state === 'CONTAINER_EXITED';
const live = (c: ContainerInfo) => c.state === 'CONTAINER_RUNNING' || c.state === 'CONTAINER_CREATED' || c.state === 'CONTAINER_UNKNOWN';

/** An init container failed for good (restartPolicy Never): the pod is Failed. */
export function initFailedForGood(pod: Pod, s: PodCriState): boolean {
  const sandbox = currentSandbox(s);
  return (pod.spec.initContainers ?? []).some((c) => {
    if (isSidecar(c)) return false; // a sidecar is restarted whatever the pod's policy
    const latest = instancesOf(s, c.name)[0];
    return exited(latest) && latest!.exitCode !== 0 && (!sandbox || latest!.sandboxId === sandbox.id) && !shouldRestartInit(pod, latest!.exitCode);
  });
}

/** True when every container has finished for good: the pod reached Succeeded or Failed. */
export function podIsTerminal(pod: Pod, s: PodCriState): boolean {
  if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return true;
  if (initFailedForGood(pod, s)) return true;
  if (restartPolicyOf(pod) === 'Always') return false;
  return pod.spec.containers.every((c) => {
    const latest = instancesOf(s, c.name)[0];
    return exited(latest) && !shouldRestart(pod, latest!.exitCode);
  });
}

/**
 * Whether the pod is initialized in the given sandbox: every regular init container completed
 * and every sidecar started (running, its startup probe passed). Once an app container exists in
 * the sandbox the pod stays initialized, as upstream's kubelet has it: a sidecar that restarts
 * later does not send the pod back to Init, and completed init containers never run again.
 */
export function initDone(pod: Pod, s: PodCriState, sandboxId: string | undefined, notStarted: ReadonlySet<string> = new Set()): boolean {
  if (sandboxId && pod.spec.containers.some((c) => instancesOf(s, c.name).some((x) => x.sandboxId === sandboxId))) return true;
  return (pod.spec.initContainers ?? []).every((c) => {
    const latest = instancesOf(s, c.name)[0];
    if (!latest || latest.sandboxId !== sandboxId) return false;
    if (isSidecar(c)) return latest.state === 'CONTAINER_RUNNING' && !notStarted.has(latest.id);
    return exited(latest) && latest.exitCode === 0;
  });
}

export function computePodActions(pod: Pod, s: PodCriState, nowMs: number, policy: BackoffPolicy = DEFAULT_BACKOFF, inputs: ActionInputs = {}): PodActions {
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
  if (podIsTerminal(pod, s)) {
    // Leave exited containers for their status and logs; stop whatever still runs.
    a.killPod = s.containers.some(live) || s.sandboxes.some((x) => x.state === 'SANDBOX_READY');
    return a;
  }

  const inits = pod.spec.initContainers ?? [];
  const sandbox = currentSandbox(s);
  const specNames = new Set([...inits, ...pod.spec.containers].map((c) => c.name));
  a.sandboxesToRemove = s.sandboxes.filter((x) => x !== sandbox && (sandbox !== undefined || x.state !== 'SANDBOX_READY')).map((x) => x.id);

  // Containers of sandboxes other than the current one, or not in the spec, must not run.
  for (const c of s.containers) {
    if (!live(c)) continue;
    if (!sandbox || c.sandboxId !== sandbox.id) a.containersToKill.push({ id: c.id, name: c.name, reason: 'SandboxChanged' });
    else if (!specNames.has(c.name)) a.containersToKill.push({ id: c.id, name: c.name, reason: 'NotInSpec' });
  }
  for (const c of [...inits, ...pod.spec.containers]) {
    a.containersToRemove.push(...instancesOf(s, c.name).slice(2).filter((x) => x.state === 'CONTAINER_EXITED').map((x) => x.id));
  }

  if (!sandbox) {
    // A new sandbox runs the init containers again from the first one, as Kubernetes does.
    a.createSandbox = true;
    a.sandboxAttempt = s.sandboxes.reduce((m, x) => Math.max(m, x.attempt + 1), 0);
    const first = inits.length ? [inits[0]] : pod.spec.containers;
    for (const c of first) {
      const latest = instancesOf(s, c.name)[0];
      a.containersToStart.push({ name: c.name, attempt: latest ? latest.attempt + 1 : 0, reason: 'NewSandbox', init: inits.length > 0, backoffStep: 0 });
    }
    return a;
  }
  a.sandboxId = sandbox.id;

  if (!initDone(pod, s, sandbox.id, inputs.notStarted)) {
    planInit(pod, inits, s, sandbox.id, nowMs, policy, inputs, a);
  } else {
    // Sidecars keep running beside the app containers: restarted whenever they exit.
    for (const c of inits) if (isSidecar(c)) planContainer(pod, c, s, sandbox.id, nowMs, policy, inputs, a, true);
    for (const c of pod.spec.containers) planContainer(pod, c, s, sandbox.id, nowMs, policy, inputs, a, false);
  }
  if (a.backoff.length > 0) a.requeueAfterMs = Math.max(0, Math.min(...a.backoff.map((b) => b.untilMs)) - nowMs);
  if (a.containersToKill.some((k) => k.keep)) a.requeueAfterMs = 0;
  return a;
}

/**
 * Init containers in order, one step at a time: a regular one must complete, a sidecar must be
 * started (running, its startup probe passed) before the next one starts.
 */
function planInit(pod: Pod, inits: Container[], s: PodCriState, sandboxId: string, nowMs: number, policy: BackoffPolicy, inputs: ActionInputs, a: PodActions): void {
  for (const c of inits) {
    const latest = instancesOf(s, c.name)[0];
    const here = latest && latest.sandboxId === sandboxId;
    if (isSidecar(c)) {
      if (here && latest.state === 'CONTAINER_RUNNING' && !inputs.unhealthy?.has(latest.id)) {
        if (inputs.notStarted?.has(latest.id)) return; // its startup probe has not passed yet
        continue;
      }
    } else if (here && exited(latest) && latest.exitCode === 0) continue;
    planContainer(pod, c, s, sandboxId, nowMs, policy, inputs, a, true);
    return;
  }
}

function planContainer(pod: Pod, c: Container, s: PodCriState, sandboxId: string, nowMs: number, policy: BackoffPolicy, inputs: ActionInputs, a: PodActions, init: boolean): void {
  const latest = instancesOf(s, c.name)[0];
  if (!latest) {
    a.containersToStart.push({ name: c.name, attempt: 0, reason: 'NotCreated', init, backoffStep: 0 });
    return;
  }
  if (latest.sandboxId !== sandboxId) {
    // The sandbox was replaced: the container starts again in the new one.
    a.containersToStart.push({ name: c.name, attempt: latest.attempt + 1, reason: 'NewSandbox', init, backoffStep: 0 });
    return;
  }
  if (latest.state === 'CONTAINER_RUNNING') {
    if (inputs.unhealthy?.has(latest.id)) a.containersToKill.push({ id: latest.id, name: c.name, reason: 'Unhealthy', keep: true });
    return;
  }
  if (latest.state === 'CONTAINER_CREATED' || latest.state === 'CONTAINER_UNKNOWN') {
    // Created but never started (the kubelet died in between): replace it.
    a.containersToKill.push({ id: latest.id, name: c.name, reason: 'NeverStarted' });
    a.containersToStart.push({ name: c.name, attempt: latest.attempt + 1, reason: 'Restart', init, backoffStep: latest.backoffStep ?? 0 });
    return;
  }
  const again = isSidecar(c) || (init ? shouldRestartInit(pod, latest.exitCode) : shouldRestart(pod, latest.exitCode));
  if (!again) return;
  const step = nextBackoffStep(latest, policy);
  const untilMs = nsToMs(latest.finishedAt) + backoffDelayMs(step, policy);
  if (untilMs > nowMs) {
    a.backoff.push({ name: c.name, untilMs });
    return;
  }
  a.containersToStart.push({ name: c.name, attempt: latest.attempt + 1, reason: 'Restart', init, backoffStep: step });
}
