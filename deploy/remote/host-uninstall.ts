// `k8ts deploy --uninstall`, on one host (run by the host agent): stop everything in the order
// the local cluster's `down` uses, remove the pods through CRI (so CNI releases their addresses
// and network namespaces) and kill what is left, let kube-proxy remove its chains, routes and
// devices, delete the CNI bridge, unmount what is mounted under the node's directories, prune
// its cgroups and remove every file and directory the deploy created. The teardown helpers are
// the local cluster's (deploy/cluster/teardown.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CriClient } from '../../kubelet/cri/client';
import { killPods, pruneCgroups, removeCniState, runQuiet, unmountUnder } from '../cluster/teardown';
import type { UninstallRequest, UninstallResult } from './agent-protocol';
import { backendFor, detectInit } from './host-init';
import { APPLIED_FILE, BOOT_HOOK, MODULES_FILE, STATE_DIR, SYSCTL_FILE } from './host-layout';
import { readApplied } from './host-apply';

/** Removed when empty after an uninstall: a node image's own /etc/k8ts/boot keeps /etc/k8ts. */
const EMPTY_PARENTS = [path.dirname(BOOT_HOOK), '/etc/k8ts', '/run/k8ts'];

/** Stop order: what uses the API first, pods while containerd still runs, the store last. */
export const STOP_ORDER = ['ingress', 'dns', 'kube-proxy', 'kubelet', 'scheduler', 'controller-manager', 'containerd', 'apiserver', 'etcd'];

/** Pure: the units in the order they are stopped (any not in STOP_ORDER first). */
export function stopOrder<T extends { name: string }>(units: T[]): T[] {
  const rank = (n: string) => (STOP_ORDER.includes(n) ? STOP_ORDER.indexOf(n) : -1);
  return [...units].sort((a, b) => rank(a.name) - rank(b.name));
}

/** Stops and removes every pod sandbox through CRI; how many there were. */
async function removeSandboxes(socket: string): Promise<number> {
  if (!fs.existsSync(socket)) return 0;
  const cri = new CriClient(socket, { timeoutMs: 30_000 });
  try {
    const sandboxes = await cri.listPodSandbox();
    for (const s of sandboxes) {
      await cri.stopPodSandbox(s.id).catch(() => undefined);
      await cri.removePodSandbox(s.id).catch(() => undefined);
    }
    return sandboxes.length;
  } catch {
    return 0;
  } finally {
    cri.close();
  }
}

export async function uninstallHost(req: UninstallRequest): Promise<UninstallResult> {
  const p = req.plan.uninstall;
  const backend = backendFor(detectInit());
  // the units the host actually had (an earlier plan may have had others)
  const applied = readApplied();
  const known = new Map(req.plan.units.map((u) => [u.name, u.pidFile]));
  for (const [name, pidFile] of Object.entries(applied?.pidFiles ?? {})) known.set(name, pidFile);
  const units = stopOrder([...known].map(([name, pidFile]) => ({ name, pidFile })));

  await backend.release(units.map((u) => u.name));
  const stopped: string[] = [];
  let sandboxes = 0;
  for (const u of units) {
    if (u.name === 'containerd') {
      sandboxes = await removeSandboxes(p.containerdSocket);
      // containers outlive containerd (their shims are reparented): kill them while it still runs
      await killPods(p.containerdSocket);
    }
    if (await backend.stop(u.name, u.pidFile)) stopped.push(u.name);
    if (u.name === 'containerd') await killPods(p.containerdSocket);
  }

  const script = p.kubeProxyCleanup.find((a) => a.endsWith('main.js'));
  if (script && fs.existsSync(script)) runQuiet(p.kubeProxyCleanup);
  removeCniState(p.cniConfDir, STATE_DIR);
  let unmounted = 0;
  for (const d of p.dirs) unmounted += unmountUnder(d);
  pruneCgroups(p.cgroupRoot);
  backend.uninstallFiles();

  const removed: string[] = [];
  for (const f of [BOOT_HOOK, SYSCTL_FILE, MODULES_FILE, APPLIED_FILE, ...p.dirs]) {
    if (fs.existsSync(f)) {
      fs.rmSync(f, { recursive: true, force: true });
      removed.push(f);
    }
  }
  // parents the deploy may have made, when nothing else is left in them
  for (const d of EMPTY_PARENTS) {
    try {
      fs.rmdirSync(d);
      removed.push(d);
    } catch {
      // not empty, or not there
    }
  }
  return { stopped, sandboxes, unmounted, removed };
}
