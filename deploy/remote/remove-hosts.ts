// Taking hosts out: those that left the inventory (their Node deleted, the host uninstalled; a
// host that is gone for good only leaves the cluster) and every host with --uninstall. The work
// on a host is the host agent's (host-uninstall.ts); the bundle is shipped first where it lacks.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ApiClient } from '../../lib/client/api-client';
import { repoRoot } from '../../lib/repo-root';
import type { UninstallResult } from './agent-protocol';
import { ensureBundle, type Bundle } from './bundle';
import { deleteNode } from './cluster-api';
import type { DeployOptions, DeployResult } from './deploy';
import { DeployError } from './deploy-error';
import { adminKubeconfigPath, deployedFile, saveDeployed, type DeployedState } from './deployed-state';
import { hostStep, silentDeployReporter, type DeployReporter, type HostState, type HostSummary } from './deploy-report';
import { uninstallPlan } from './host-plan';
import { HostSession, type HostError } from './host-session';
import type { Inventory, Role } from './inventory';

const sessionFor = (h: DeployedState['hosts'][number]): HostSession =>
  new HostSession({ address: h.address, nodeIp: h.nodeIp, role: h.role, name: h.nodeName, labels: h.labels, ssh: h.ssh, line: 0 }, h.nodeName);

/** Uninstalls one host (the bundle is shipped first when it lacks it: the agent does the work). */
async function uninstallOne(s: HostSession, role: Role, bundle: Bundle): Promise<UninstallResult> {
  await s.connect();
  try {
    if (!(await s.hasBundle(bundle.hash))) await s.installBundle(bundle.hash, bundle.tarball);
    return (await s.agent<UninstallResult>(bundle.hash, { cmd: 'uninstall', plan: uninstallPlan(role, bundle.hash) })).result;
  } finally {
    s.close();
  }
}

export async function removeHosts(r: DeployReporter, gone: DeployedState['hosts'], client: ApiClient, bundle: Bundle): Promise<HostSummary[]> {
  return Promise.all(
    gone.map(async (h): Promise<HostSummary> => {
      const t0 = performance.now();
      try {
        const cleaned = await hostStep(r, h.nodeName, 'remove', async () => {
          // The host first: a kubelet still running would register its Node again at once.
          let u: UninstallResult | undefined;
          try {
            u = await uninstallOne(sessionFor(h), h.role, bundle);
          } catch (e) {
            // a machine that is gone for good leaves the cluster all the same
            if ((e as HostError).code !== 'HOST_UNREACHABLE') throw e;
          }
          await deleteNode(client, h.nodeName);
          return u;
        }, (u) => (u ? `Node deleted; stopped ${u.stopped.length} units, ${u.sandboxes} pods; host clean` : 'Node deleted; the host is unreachable and was not cleaned'));
        const ms = Math.round(performance.now() - t0);
        if (!cleaned) return { address: h.address, role: h.role, nodeName: h.nodeName, state: 'unreachable', bundle: bundle.hash, changes: 'Node deleted; host not cleaned', ms };
        return { address: h.address, role: h.role, nodeName: h.nodeName, state: 'removed', bundle: bundle.hash, ms };
      } catch (e) {
        return { address: h.address, role: h.role, nodeName: h.nodeName, state: 'failed', bundle: bundle.hash, changes: (e as Error).message.split('\n')[0], ms: Math.round(performance.now() - t0) };
      }
    }),
  );
}

export async function uninstallAll(o: DeployOptions, inv: Inventory, state: string, prev: DeployedState | undefined): Promise<DeployResult> {
  const r = o.progress ?? silentDeployReporter;
  const bundle = await hostStep(r, 'cluster', 'bundle', () => ensureBundle(o.repo ?? repoRoot(), path.join(state, 'bundles')), (b) => `${b.hash.slice(0, 12)}${b.cached ? ', cached' : ', built'}`);
  // the inventory's hosts, and those a previous deploy installed that it no longer lists
  const hosts: DeployedState['hosts'] = inv.hosts.map((h) => ({
    address: h.address,
    nodeIp: h.nodeIp,
    nodeName: h.name ?? prev?.hosts.find((p) => p.address === h.address)?.nodeName ?? h.address,
    role: h.role,
    ssh: h.ssh,
    labels: h.labels,
  }));
  for (const h of prev?.hosts ?? []) if (!hosts.some((x) => x.address === h.address)) hosts.push(h);
  const rows = await Promise.all(
    hosts.map(async (h): Promise<HostSummary> => {
      const t0 = performance.now();
      try {
        await hostStep(r, h.nodeName, 'uninstall', () => uninstallOne(sessionFor(h), h.role, bundle), (u) =>
          `stopped ${u.stopped.length ? u.stopped.join(' ') : 'nothing'}; ${u.sandboxes} pods, ${u.unmounted} mounts; removed ${u.removed.length} paths`,
        );
        return { address: h.address, role: h.role, nodeName: h.nodeName, state: 'uninstalled', bundle: bundle.hash, ms: Math.round(performance.now() - t0) };
      } catch (e) {
        const state: HostState = (e as HostError).code === 'HOST_UNREACHABLE' ? 'unreachable' : 'failed';
        return { address: h.address, role: h.role, nodeName: h.nodeName, state, bundle: bundle.hash, changes: (e as Error).message.split('\n')[0], ms: Math.round(performance.now() - t0) };
      }
    }),
  );
  const failed = rows.filter((x) => x.state !== 'uninstalled');
  if (failed.length === 0) {
    fs.rmSync(deployedFile(state), { force: true });
    fs.rmSync(adminKubeconfigPath(state), { force: true });
  } else if (prev) {
    saveDeployed(state, { ...prev, hosts: prev.hosts.filter((h) => failed.some((f) => f.address === h.address)) });
  }
  r.summary(rows, failed.length ? [] : [`every host is clean; ${state} keeps the PKI and the bundle cache`]);
  if (failed.length) {
    const e = new DeployError('DEPLOY_HOSTS_FAILED', `could not uninstall ${failed.map((f) => `${f.address} (${f.changes})`).join(', ')}`);
    (e as { reported?: boolean }).reported = true;
    throw e;
  }
  return { cluster: inv.cluster.name, stateDir: state, bundle: bundle.hash, hosts: rows, changed: true };
}
