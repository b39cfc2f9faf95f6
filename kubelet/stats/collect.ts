// Gathers what /stats/summary reports: the node's root cgroup, each pod's cgroup, and each running
// container's cgroup, which runc creates as <pod cgroup>/<container id> (the cgroupfs driver).
import * as os from 'node:os';
import type { Pod } from '../../lib/api/types';
import type { CriClient } from '../cri/client';
import { LABEL_CONTAINER_NAME, LABEL_POD_UID } from '../pods/cri-state';
import { podCgroupPath } from '../pods/pod-cgroups';
import { readCgroup } from './cgroup-reader';
import { summaryOf, type CpuRates, type PodReading, type Summary } from './summary';

export interface CollectOptions {
  nodeName: string;
  cgroupRoot: string;
  pods: Pod[];
  cri: Pick<CriClient, 'listContainers'>;
  rates: CpuRates;
  /** The cgroup hierarchies' mount point (tests point it at a fake tree). */
  mountRoot?: string;
}

export async function collectSummary(o: CollectOptions): Promise<Summary> {
  const running = await o.cri.listContainers({ state: 'CONTAINER_RUNNING' });
  const byPod = new Map<string, { name: string; id: string; createdAt: number }[]>();
  for (const c of running) {
    const uid = c.labels?.[LABEL_POD_UID];
    const name = c.labels?.[LABEL_CONTAINER_NAME] ?? c.metadata?.name;
    if (!uid || !name) continue;
    const list = byPod.get(uid) ?? [];
    list.push({ name, id: c.id, createdAt: c.createdAt });
    byPod.set(uid, list);
  }
  const root = o.cgroupRoot.replace(/\/+$/, '');
  const pods: PodReading[] = [];
  for (const p of o.pods) {
    const uid = p.metadata.uid;
    if (!uid || !p.metadata.name || !p.metadata.namespace) continue;
    const cgroup = podCgroupPath(root, p);
    // A restarted container leaves its old record until removed; the newest of a name counts.
    const newest = new Map<string, { id: string; createdAt: number }>();
    for (const c of byPod.get(uid) ?? []) if ((newest.get(c.name)?.createdAt ?? -1) < c.createdAt) newest.set(c.name, c);
    pods.push({
      name: p.metadata.name,
      namespace: p.metadata.namespace,
      uid,
      startTime: p.status?.startTime,
      cgroup,
      reading: readCgroup(cgroup, o.mountRoot),
      containers: [...newest.entries()].map(([name, c]) => ({
        name,
        cgroup: `${cgroup}/${c.id}`,
        // CRI's createdAt is in nanoseconds.
        startTime: new Date(Math.floor(c.createdAt / 1e6)).toISOString(),
        reading: readCgroup(`${cgroup}/${c.id}`, o.mountRoot),
      })),
    });
  }
  return summaryOf(o.rates, {
    nodeName: o.nodeName,
    nodeStartTime: new Date(Date.now() - os.uptime() * 1000).toISOString(),
    nowMs: Date.now(),
    node: readCgroup('/', o.mountRoot),
    freeMemoryBytes: os.freemem(),
    pods,
  });
}
