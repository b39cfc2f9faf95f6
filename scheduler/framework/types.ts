// The scheduling framework's extension points: a Filter plugin says whether a pod may run on a
// node, a Score plugin ranks the nodes that passed. Plugins are pure functions of (pod, NodeInfo).
import type { Node, Pod } from '../../lib/api/types';

export type StatusCode = 'Success' | 'Unschedulable' | 'Error';

export interface Status {
  code: StatusCode;
  /** Human reasons, aggregated across nodes into the FailedScheduling message. */
  reasons: string[];
}

export const success = (): Status => ({ code: 'Success', reasons: [] });
export const unschedulable = (...reasons: string[]): Status => ({ code: 'Unschedulable', reasons });
export const error = (reason: string): Status => ({ code: 'Error', reasons: [reason] });

/** Resource amounts in integer units: millicores, bytes, pod count. */
export interface Resources {
  milliCpu: number;
  memory: number;
  pods: number;
}

/** A node with the pods already on it (bound or assumed) and their summed requests. */
export interface NodeInfo {
  node: Node;
  pods: Pod[];
  requested: Resources;
  /** Requests with the scoring defaults for containers that ask for nothing. */
  nonZeroRequested: Resources;
  /** Infinity where the node reports no figure (pods). */
  allocatable: Resources;
}

export interface Plugin {
  readonly name: string;
}

export interface FilterPlugin extends Plugin {
  filter(pod: Pod, nodeInfo: NodeInfo): Status;
}

export interface ScorePlugin extends Plugin {
  /** 0..100, higher is better. */
  score(pod: Pod, nodeInfo: NodeInfo): number;
}

export type AnyPlugin = Partial<FilterPlugin & ScorePlugin> & Plugin;

export const isFilter = (p: AnyPlugin): p is FilterPlugin => typeof p.filter === 'function';
export const isScore = (p: AnyPlugin): p is ScorePlugin => typeof p.score === 'function';
