// The scheduling algorithm alone, in this process: the real default profile (every plugin) over a
// snapshot of fake nodes shaped as bench:scheduler registers them, deciding and assuming one pod
// after another with no API in the way. It says how many decisions per second the scheduler
// could make if the apiserver and the informers cost nothing — the ceiling its end-to-end figure
// is read against on a machine where the scheduler shares two cores with apiserver and etcd.
import { SchedulerCache } from '../scheduler/cache/cache';
import { Snapshot } from '../scheduler/cache/snapshot';
import { CycleState } from '../scheduler/framework/cycle-state';
import { buildFramework } from '../scheduler/framework/profile';
import { registry } from '../scheduler/framework/registry';
import type { Framework } from '../scheduler/framework/runtime';
import { schedulePod } from '../scheduler/framework/schedule-one';
import { staticHandle } from '../scheduler/framework/static-handle';
import { benchNode, benchPod, type PodShape } from './scheduler-workloads';

export interface AlgorithmResult {
  nodes: number;
  pods: number;
  decisions_per_sec: number;
  us_per_decision: number;
  unschedulable: number;
}

function setup(nodes: number): { cache: SchedulerCache; snapshot: Snapshot; fwk: Framework } {
  const cache = new SchedulerCache();
  for (let i = 0; i < nodes; i++) cache.addNode(benchNode(i));
  const snapshot = new Snapshot();
  const handle = staticHandle(() => snapshot);
  const fwk = buildFramework({ schedulerName: 'default-scheduler' }, registry, handle);
  handle.setFramework(fwk);
  return { cache, snapshot, fwk };
}

/** Places `warmup` then `pods` pods of `shape` on `nodes` nodes; times the second batch. */
export function measureAlgorithm(nodes: number, pods: number, shape: PodShape = 'default', warmup = 200): AlgorithmResult {
  const { cache, snapshot, fwk } = setup(nodes);
  const search = { nextStartNodeIndex: 0 };
  let unschedulable = 0;
  const place = (i: number) => {
    const pod = benchPod(shape, 'bench', `pod-${i}`);
    pod.metadata.uid = `uid-${i}`;
    pod.metadata.creationTimestamp = new Date().toISOString();
    cache.updateSnapshot(snapshot);
    const r = schedulePod(fwk, new CycleState(), pod, snapshot, search);
    if (r.kind !== 'scheduled') {
      unschedulable++;
      return;
    }
    cache.assumePod({ ...pod, spec: { ...pod.spec, nodeName: r.nodeName } });
  };
  for (let i = 0; i < warmup; i++) place(i);
  unschedulable = 0;
  const t0 = process.hrtime.bigint();
  for (let i = warmup; i < warmup + pods; i++) place(i);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return { nodes, pods, decisions_per_sec: +((pods * 1000) / ms).toFixed(0), us_per_decision: +((ms * 1000) / pods).toFixed(1), unschedulable };
}
