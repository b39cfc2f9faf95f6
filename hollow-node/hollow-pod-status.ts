// The status a hollow node writes for a pod, as pure functions. A hollow pod's containers exist only
// as a made-up CRI state (a ready sandbox with the pod's address, every container running since the
// simulated start), and the status comes from the kubelet's own computePodStatus over that state:
// phase, conditions, container statuses and addresses are exactly what a kubelet would write for
// such a pod, only the container IDs say hollow:// instead of containerd://.
import type { ContainerStatus, Pod, PodStatus } from '../lib/api/types';
import type { ContainerInfo, PodCriState } from '../kubelet/pods/cri-state';
import { isSidecar } from '../kubelet/pods/pod-actions';
import { computePodStatus } from '../kubelet/pods/pod-status';

/** Pod annotation: the containers exit with this code once started, and the pod ends
 *  (Succeeded for 0, Failed otherwise) whatever its restartPolicy: a Job's pod can finish. */
export const ANNOTATION_EXIT_CODE = 'k8ts.io/hollow-exit-code';

export const HOLLOW_ID_PREFIX = 'hollow://';

export interface HollowRun {
  nodeIP: string;
  /** Undefined for hostNetwork pods (they report the node's address). */
  podIP?: string;
  /** When the simulated containers started (ms since epoch). */
  startedAtMs: number;
  nowIso: string;
  /** The pod is being deleted: everything stopped (exit 0), the phase becomes terminal. */
  stopping?: boolean;
  /** When it stopped (default: now). */
  stoppedAtMs?: number;
}

/** The exit code the pod's annotation asks for, or undefined to run forever (a bad value too). */
export function exitCodeOf(pod: Pod): number | undefined {
  const raw = pod.metadata.annotations?.[ANNOTATION_EXIT_CODE];
  if (raw === undefined || !/^\d{1,3}$/.test(raw.trim())) return undefined;
  const n = Number(raw.trim());
  return n <= 255 ? n : undefined;
}

/** A container ID that is stable for a pod UID and container name, never a real runtime's. */
export function hollowContainerId(uid: string, name: string): string {
  return `${uid.replace(/-/g, '')}-${name}`;
}

/** Pure: the CRI state a kubelet would see for this hollow pod. */
export function hollowCriState(pod: Pod, run: HollowRun): PodCriState {
  const uid = pod.metadata.uid ?? '';
  const startNs = run.startedAtMs * 1e6;
  const stopNs = (run.stoppedAtMs ?? Date.parse(run.nowIso)) * 1e6;
  const exitCode = run.stopping ? 0 : exitCodeOf(pod);
  const sandboxId = `hollow-sandbox-${uid}`;
  const container = (name: string, image: string, exited: boolean, code = 0): ContainerInfo => ({
    id: hollowContainerId(uid, name),
    sandboxId,
    name,
    attempt: 0,
    state: exited ? 'CONTAINER_EXITED' : 'CONTAINER_RUNNING',
    createdAt: startNs,
    startedAt: startNs,
    // Exited at once when the annotation says so, at the deletion when stopped: stable across
    // reconciles, so a written status is not written again.
    finishedAt: exited ? (run.stopping ? Math.max(startNs, stopNs) : startNs) : 0,
    exitCode: exited ? code : 0,
    reason: exited ? (code === 0 ? 'Completed' : 'Error') : '',
    message: '',
    image,
    imageRef: `${HOLLOW_ID_PREFIX}${image}`,
  });
  const inits = (pod.spec.initContainers ?? []).map((c) =>
    // Regular init containers completed; sidecars run beside the app containers.
    container(c.name, c.image, !isSidecar(c) || exitCode !== undefined),
  );
  const apps = pod.spec.containers.map((c) => container(c.name, c.image, exitCode !== undefined, exitCode));
  return {
    sandboxes: [{ id: sandboxId, attempt: 0, state: run.stopping ? 'SANDBOX_NOTREADY' : 'SANDBOX_READY', createdAt: startNs, ip: run.podIP }],
    containers: [...inits, ...apps],
  };
}

function hollowIds(s: ContainerStatus): ContainerStatus {
  const swap = (id: string | undefined) => (id?.startsWith('containerd://') ? HOLLOW_ID_PREFIX + id.slice('containerd://'.length) : id);
  const out: ContainerStatus = { ...s, containerID: swap(s.containerID) };
  if (!out.containerID) delete out.containerID;
  if (s.state.terminated) out.state = { terminated: { ...s.state.terminated, containerID: swap(s.state.terminated.containerID) } };
  return out;
}

/** Pure: the status a kubelet writes for the hollow pod (terminal once exited or stopping). */
export function hollowPodStatus(pod: Pod, run: HollowRun): PodStatus {
  const state = hollowCriState(pod, run);
  const terminal = run.stopping || exitCodeOf(pod) !== undefined;
  const status = computePodStatus(pod, state, { nodeIP: run.nodeIP, nowIso: run.nowIso, waiting: {}, terminal });
  status.containerStatuses = status.containerStatuses?.map(hollowIds);
  if (status.initContainerStatuses) status.initContainerStatuses = status.initContainerStatuses.map(hollowIds);
  return status;
}

/**
 * Pure: what the hollow node decides about a pod, without the times and the fields the apiserver
 * may normalise (timestamps to seconds, a null lastProbeTime dropped). Status writes cause watch
 * events that reconcile the pod again: comparing whole objects would turn any normalisation into
 * an endless write loop; a hollow pod's times never change once written anyway.
 */
export function statusFingerprint(s: PodStatus | undefined): string {
  const containers = (cs: ContainerStatus[] | undefined) =>
    (cs ?? []).map((c) => {
      const [state] = Object.keys(c.state ?? {});
      return [c.name, state, c.state?.terminated?.exitCode ?? null, !!c.ready, !!c.started, c.restartCount ?? 0, c.containerID ?? null, c.image, c.imageID];
    });
  const conditions = (s?.conditions ?? [])
    .map((c) => `${c.type}=${c.status}:${c.reason ?? ''}`)
    .sort();
  return JSON.stringify([
    s?.phase ?? null,
    s?.hostIP ?? null,
    s?.podIP ?? null,
    !!s?.startTime,
    s?.qosClass ?? null,
    conditions,
    containers(s?.containerStatuses),
    containers(s?.initContainerStatuses),
  ]);
}

/** Whether writing `desired` would change what the API holds. */
export function statusChanged(pod: Pod, desired: PodStatus): boolean {
  return statusFingerprint(pod.status) !== statusFingerprint(desired);
}
