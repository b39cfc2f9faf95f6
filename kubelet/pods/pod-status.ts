// The pure pod status: phase, conditions, container statuses and addresses from the CRI state
// and the decisions of the last sync. The kubelet writes it only when it differs from the API's.
import type { Container, ContainerState, ContainerStatus, Pod, PodCondition, PodStatus } from '../../lib/api/types';
import { currentSandbox, instancesOf, nsToIso, type ContainerInfo, type PodCriState } from './cri-state';
import { initDone, initFailedForGood, isSidecar, restartPolicyOf } from './pod-actions';
import { podQos } from '../../lib/api/qos';

export interface StatusInputs {
  nodeIP: string;
  nowIso: string;
  /** Waiting reasons found by the sync for containers not running (ErrImagePull, CrashLoopBackOff...). */
  waiting: Record<string, { reason: string; message?: string }>;
  /** Probe verdicts for a running container (default: ready and started once running). */
  probe?: (containerId: string, spec: Container) => { ready: boolean; started: boolean };
  /** The pod is being deleted and nothing of it runs: its phase becomes terminal, as in Kubernetes. */
  terminal?: boolean;
}

function terminatedOf(c: ContainerInfo): ContainerState {
  return {
    terminated: {
      exitCode: c.exitCode,
      reason: c.reason || (c.exitCode === 0 ? 'Completed' : 'Error'),
      ...(c.message ? { message: c.message } : {}),
      startedAt: nsToIso(c.startedAt),
      finishedAt: nsToIso(c.finishedAt),
      containerID: `containerd://${c.id}`,
    },
  };
}

export function containerStatusOf(spec: Container, s: PodCriState, inputs: StatusInputs, defaultWaiting = 'ContainerCreating', init = false): ContainerStatus {
  const [latest, previous] = instancesOf(s, spec.name);
  const waiting = inputs.waiting[spec.name];
  const st: ContainerStatus = {
    name: spec.name,
    state: { waiting: { reason: waiting?.reason ?? defaultWaiting, ...(waiting?.message ? { message: waiting.message } : {}) } },
    lastState: {},
    ready: false,
    started: false,
    restartCount: latest ? latest.attempt : 0,
    image: spec.image,
    imageID: latest?.imageRef ?? '',
  };
  if (!latest) return st;
  st.containerID = `containerd://${latest.id}`;
  if (previous && previous.state === 'CONTAINER_EXITED') st.lastState = terminatedOf(previous);
  if (latest.state === 'CONTAINER_RUNNING') {
    st.state = { running: { startedAt: nsToIso(latest.startedAt) } };
    const p = inputs.probe?.(latest.id, spec) ?? { ready: true, started: true };
    // A sidecar is ready by its readiness probe like an app container; a running regular init
    // container is not ready until it completed.
    st.ready = (!init || isSidecar(spec)) && p.ready && p.started;
    st.started = p.started;
  } else if (latest.state === 'CONTAINER_EXITED') {
    if (waiting) {
      // Waiting to restart: the exit becomes the last state.
      st.lastState = terminatedOf(latest);
    } else {
      st.state = terminatedOf(latest);
      // A completed init container counts as ready, as Kubernetes reports it (a sidecar that
      // exited is simply not ready).
      st.ready = init && !isSidecar(spec) && latest.exitCode === 0;
    }
  }
  return st;
}

/**
 * The phase from the app containers' statuses. `sidecarsRunning` counts running sidecars: as
 * upstream's getPhase has it, they keep a pod whose app containers all exited Running until the
 * kubelet stopped them, and then do not count at all (their kill is not the pod's failure).
 */
export function podPhaseOf(pod: Pod, statuses: ContainerStatus[], init: { done: boolean; failed: boolean } = { done: true, failed: false }, terminal = false, sidecarsRunning = 0): NonNullable<PodStatus['phase']> {
  const old = pod.status?.phase;
  if (old === 'Succeeded' || old === 'Failed') return old;
  if (init.failed) return 'Failed';
  if (!init.done) return 'Pending';
  const running = statuses.filter((c) => c.state.running).length + sidecarsRunning;
  const terminated = statuses.filter((c) => c.state.terminated);
  if (running > 0) return 'Running';
  if (statuses.length > 0 && terminated.length === statuses.length) {
    const allOk = terminated.every((c) => c.state.terminated!.exitCode === 0);
    const policy = restartPolicyOf(pod);
    // A deleted pod whose containers all stopped will never restart them, whatever its policy.
    if (terminal) return allOk ? 'Succeeded' : 'Failed';
    if (policy === 'Never') return allOk ? 'Succeeded' : 'Failed';
    if (policy === 'OnFailure' && allOk) return 'Succeeded';
    return 'Running';
  }
  // Some are waiting: a pod whose containers ran before is Running (restarting), else Pending.
  if (statuses.some((c) => c.restartCount > 0 || c.lastState?.terminated)) return 'Running';
  return 'Pending';
}

function condition(old: PodCondition[] | undefined, type: string, ok: boolean, nowIso: string, reason?: string, message?: string): PodCondition {
  const status = ok ? 'True' : 'False';
  const prev = old?.find((c) => c.type === type);
  const c: PodCondition = {
    type,
    status,
    lastProbeTime: null,
    lastTransitionTime: prev && prev.status === status && prev.lastTransitionTime ? prev.lastTransitionTime : nowIso,
  };
  if (!ok && reason) c.reason = reason;
  if (!ok && message) c.message = message;
  return c;
}

/** The pod conditions the kubelet owns (PodConditionByKubelet); it keeps every other one. */
const KUBELET_CONDITIONS = new Set(['Initialized', 'Ready', 'ContainersReady', 'PodScheduled', 'PodReadyToStartContainers']);

export function computePodStatus(pod: Pod, s: PodCriState, inputs: StatusInputs): PodStatus {
  const old = pod.status ?? {};
  const sandbox = currentSandbox(s);
  const inits = pod.spec.initContainers ?? [];
  // Running containers whose startup probe has not passed: a sidecar among them is not started.
  const notStarted = new Set<string>();
  for (const c of inits) {
    const latest = instancesOf(s, c.name)[0];
    if (latest?.state === 'CONTAINER_RUNNING' && inputs.probe && !inputs.probe(latest.id, c).started) notStarted.add(latest.id);
  }
  // A stopped pod (terminal, or its sandbox died) is judged by its newest sandbox: app containers
  // that ran there mean it was initialized.
  const newest = sandbox ?? [...s.sandboxes].sort((a, b) => b.attempt - a.attempt || b.createdAt - a.createdAt)[0];
  const initialized = initDone(pod, s, sandbox?.id, notStarted) || (!sandbox && !!newest && initDone(pod, s, newest.id, notStarted)) || (!sandbox && inits.length > 0 && old.conditions?.some((c) => c.type === 'Initialized' && c.status === 'True') === true);
  const initFailed = initFailedForGood(pod, s);
  // App containers wait with PodInitializing while init containers run.
  const containerStatuses = pod.spec.containers.map((c) => containerStatusOf(c, s, inputs, initialized ? 'ContainerCreating' : 'PodInitializing'));
  const initContainerStatuses = inits.map((c) => containerStatusOf(c, s, inputs, 'PodInitializing', true));
  const sidecarStatuses = initContainerStatuses.filter((_, i) => isSidecar(inits[i]));
  const sidecarsRunning = sidecarStatuses.filter((c) => c.state.running).length;
  const phase = podPhaseOf(pod, containerStatuses, { done: initialized, failed: initFailed }, inputs.terminal, sidecarsRunning);
  // Sidecars count for readiness beside the app containers (upstream's ContainersReady).
  const readiness = [...sidecarStatuses, ...containerStatuses];
  const allReady = readiness.every((c) => c.ready) && phase === 'Running';
  const unready = readiness.filter((c) => !c.ready).map((c) => c.name);
  const incomplete = initContainerStatuses.filter((c, i) => (isSidecar(inits[i]) ? !c.started : !c.ready)).map((c) => c.name);
  const status: PodStatus = {
    phase,
    conditions: [
      condition(old.conditions, 'Initialized', initialized, inputs.nowIso, 'ContainersNotInitialized', `containers with incomplete status: [${incomplete.join(' ')}]`),
      condition(old.conditions, 'Ready', allReady, inputs.nowIso, 'ContainersNotReady', `containers with unready status: [${unready.join(' ')}]`),
      condition(old.conditions, 'ContainersReady', allReady, inputs.nowIso, 'ContainersNotReady', `containers with unready status: [${unready.join(' ')}]`),
      condition(old.conditions, 'PodScheduled', true, inputs.nowIso),
      // Conditions others own (DisruptionTarget, readiness gates) are kept as the API has them.
      ...(Array.isArray(old.conditions) ? old.conditions : []).filter((c) => c && !KUBELET_CONDITIONS.has(c.type)),
    ],
    hostIP: inputs.nodeIP,
    hostIPs: [{ ip: inputs.nodeIP }],
    startTime: old.startTime ?? inputs.nowIso,
    containerStatuses,
    // The class the apiserver stored at creation (one computation everywhere: lib/api/qos.ts).
    qosClass: podQos(pod),
  };
  if (inits.length) status.initContainerStatuses = initContainerStatuses;
  const ip = (sandbox && pod.spec.hostNetwork ? inputs.nodeIP : sandbox?.ip) ?? (phase === 'Succeeded' || phase === 'Failed' ? undefined : old.podIP);
  if (ip) {
    status.podIP = ip;
    status.podIPs = [{ ip }];
  }
  return status;
}

/** Deterministic comparison: key order does not matter. */
export function statusEqual(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return '[' + v.map(canonical).join(',') + ']';
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
    return '{' + entries.map(([k, x]) => JSON.stringify(k) + ':' + canonical(x)).join(',') + '}';
  }
  return JSON.stringify(v ?? null);
}
