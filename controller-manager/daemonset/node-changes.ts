// Which node updates can change where daemon pods belong (upstream's shouldIgnoreNodeUpdate): labels,
// taints, unschedulable, and the conditions apart from their heartbeat times. Kubelet heartbeats
// alone must not wake every DaemonSet.
import type { Node } from '../../lib/api/types';
import { canonicalJson } from '../common/pod-utils';

const conditions = (n: Node) =>
  (n.status?.conditions ?? []).map((c) => ({ type: c.type, status: c.status, reason: c.reason })).sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));

const relevant = (n: Node) => canonicalJson({ labels: n.metadata.labels ?? {}, taints: n.spec?.taints ?? [], unschedulable: !!n.spec?.unschedulable, conditions: conditions(n) });

export const nodeChangeMatters = (old: Node, cur: Node): boolean => relevant(old) !== relevant(cur);
