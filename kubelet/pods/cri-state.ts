// What CRI reports about one pod, reduced to the plain values the pure decision functions read.
import type { ContainerStateName, SandboxState } from '../cri/types';

export const LABEL_POD_UID = 'io.kubernetes.pod.uid';
export const LABEL_POD_NAME = 'io.kubernetes.pod.name';
export const LABEL_POD_NAMESPACE = 'io.kubernetes.pod.namespace';
export const LABEL_CONTAINER_NAME = 'io.kubernetes.container.name';
/** Marks sandboxes/containers the k8ts kubelet manages. */
export const LABEL_MANAGED = 'io.k8ts.kubelet.managed';
/** Container annotation: consecutive quick crashes before this instance (drives the backoff). */
export const ANNOTATION_BACKOFF_STEP = 'io.k8ts.kubelet.backoff-step';
/** Container annotation: "init" for init containers, so status and ordering survive restarts. */
export const ANNOTATION_CONTAINER_KIND = 'io.k8ts.kubelet.container-kind';

export interface SandboxInfo {
  id: string;
  attempt: number;
  state: SandboxState;
  /** ns since epoch */
  createdAt: number;
  ip?: string;
}

export interface ContainerInfo {
  id: string;
  sandboxId: string;
  name: string;
  attempt: number;
  state: ContainerStateName;
  /** ns since epoch; 0 when not reached */
  createdAt: number;
  startedAt: number;
  finishedAt: number;
  exitCode: number;
  reason: string;
  message: string;
  image: string;
  imageRef: string;
  /** From ANNOTATION_BACKOFF_STEP; the attempt number for containers made before it existed. */
  backoffStep?: number;
}

export interface PodCriState {
  sandboxes: SandboxInfo[];
  containers: ContainerInfo[];
}

export const emptyCriState = (): PodCriState => ({ sandboxes: [], containers: [] });

/** The newest ready sandbox (highest attempt, then newest). */
export function currentSandbox(s: PodCriState): SandboxInfo | undefined {
  return [...s.sandboxes]
    .filter((x) => x.state === 'SANDBOX_READY')
    .sort((a, b) => b.attempt - a.attempt || b.createdAt - a.createdAt)[0];
}

/** Instances of one container name, newest first. */
export function instancesOf(s: PodCriState, name: string): ContainerInfo[] {
  return s.containers
    .filter((c) => c.name === name)
    .sort((a, b) => b.attempt - a.attempt || b.createdAt - a.createdAt);
}

export const nsToIso = (ns: number): string | undefined => (ns > 0 ? new Date(Math.floor(ns / 1e6)).toISOString() : undefined);
export const nsToMs = (ns: number): number => Math.floor(ns / 1e6);
