// `k8ts deploy -i cluster.yaml`: brings the inventory's hosts to a running cluster over SSH, and
// `--uninstall` takes it away again. The order: reach every host (facts, missing Debian packages),
// make the PKI, the bundle and the images here, ship the bundle and images where they differ,
// apply the control plane and wait for its apiserver, then the workers (a fresh bootstrap token
// for each one that has not joined), wait for every node to be Ready and mark it, and finally
// remove the hosts that left the inventory. Every host step is idempotent: an unchanged inventory
// writes nothing and restarts nothing, and the summary says "unchanged".
import * as fs from 'node:fs';
import * as path from 'node:path';
import { renderKubeconfig } from '../../lib/client/kubeconfig';
import { repoRoot } from '../../lib/repo-root';
import { dns1123SubdomainErrors } from '../../apiserver/resources/validation-names';
import { buildImages } from '../images/build-images';
import { resolvePorts } from '../cluster/layout';
import { acquireHostLock } from '../machines/host-lock';
import { NODE_PACKAGES } from '../node-image/recipe';
import type { ApplyResult, StatusResult } from './agent-protocol';
import { adminKubeconfigPath, defaultStateDir, loadDeployed, saveDeployed, type DeployedState } from './deployed-state';
import { removeHosts, uninstallAll } from './remove-hosts';
import { DeployError } from './deploy-error';
import { ensureBundle } from './bundle';
import { adminClient, markNode, waitApiserver, waitNodeReady } from './cluster-api';
import { ensureClusterPki, type ClusterPki } from './cluster-pki';
import { describeChanges, hostStep, silentDeployReporter, type DeployReporter, type HostState, type HostSummary } from './deploy-report';
import { apiserverUrl, planHost, type HostPlan } from './host-plan';
import { hostLayout } from './host-layout';
import { HostError, HostSession, nodeArchOf, sha256File, type HostFacts } from './host-session';
import { apiserverServiceIp, controlPlaneOf, InventoryError, isIpv4, parseInventory, type Inventory, type InventoryHost } from './inventory';
import { createJoinToken } from './join-token';

export { DeployError };

export interface DeployOptions {
  /** The inventory file. */
  inventory: string;
  /** Local state folder (PKI, admin kubeconfig, bundle cache, what was deployed); default ~/.k8ts/<cluster>. */
  stateDir?: string;
  uninstall?: boolean;
  progress?: DeployReporter;
  /** The checkout whose dist/ is shipped (default: this one). */
  repo?: string;
  /** How long each host's units may take to run, and each node to be Ready. */
  unitTimeoutMs?: number;
  nodeReadyTimeoutMs?: number;
}

export interface DeployResult {
  cluster: string;
  stateDir: string;
  /** The admin kubeconfig (absent after --uninstall). */
  kubeconfig?: string;
  apiserver?: string;
  bundle: string;
  hosts: HostSummary[];
  /** Whether anything on any host changed. */
  changed: boolean;
}

export function readInventory(file: string): Inventory {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new InventoryError(path.resolve(file), [{ line: 1, col: 1, path: '', message: `cannot read the inventory: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` }]);
  }
  return parseInventory(text, file, { fileExists: (p) => fs.existsSync(p) });
}

const GRPC_PORT = resolvePorts().apiserverGrpc;
const MB = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;

interface Target {
  host: InventoryHost;
  session: HostSession;
  facts?: HostFacts;
  nodeName: string;
  status?: StatusResult;
  plan?: HostPlan;
  applied?: ApplyResult;
  uploaded: string[];
  marked: boolean;
  t0: number;
  failed?: Error;
}

/** Runs fn for every target at once; a failure marks its target and does not stop the others. */
async function eachTarget(ts: Target[], fn: (t: Target) => Promise<void>): Promise<void> {
  await Promise.all(
    ts.filter((t) => !t.failed).map((t) =>
      fn(t).catch((e: Error) => {
        t.failed = e;
      }),
    ),
  );
}

export async function deploy(o: DeployOptions): Promise<DeployResult> {
  const inv = readInventory(o.inventory);
  const state = path.resolve(o.stateDir ?? defaultStateDir(inv.cluster.name));
  fs.mkdirSync(state, { recursive: true, mode: 0o700 });
  const release = await acquireHostLock(path.join(state, 'deploy.lock'), 'deploy', 2_000).catch(() => {
    throw new DeployError('DEPLOY_LOCKED', `another deploy of ${state} is running`);
  });
  try {
    const prev = loadDeployed(state);
    if (prev && prev.cluster !== inv.cluster.name) {
      throw new DeployError('DEPLOY_STATE_MISMATCH', `${state} holds cluster "${prev.cluster}", not "${inv.cluster.name}": give another --state`);
    }
    return o.uninstall ? await uninstallAll(o, inv, state, prev) : await deployAll(o, inv, state, prev);
  } finally {
    release();
  }
}

async function deployAll(o: DeployOptions, inv: Inventory, state: string, prev: DeployedState | undefined): Promise<DeployResult> {
  const r = o.progress ?? silentDeployReporter;
  const cp = controlPlaneOf(inv);
  if (prev && prev.controlPlane !== cp.address) {
    throw new DeployError('DEPLOY_STATE_MISMATCH', `the control plane moved from ${prev.controlPlane} to ${cp.address}: one control plane only (issue 14); run --uninstall with the old inventory first`);
  }
  const targets: Target[] = inv.hosts.map((h) => ({ host: h, session: new HostSession(h, h.name ?? h.address), nodeName: h.name ?? '', uploaded: [], marked: false, t0: performance.now() }));
  try {
    // 1. reach every host: who it is, what it has
    await eachTarget(targets, async (t) => {
      t.facts = await hostStep(r, t.session.label, 'connect', async () => {
        await t.session.connect();
        const f = await t.session.facts(NODE_PACKAGES);
        if (nodeArchOf(f.arch) !== process.arch) throw new HostError('HOST_UNSUPPORTED', t.session.label, `${t.host.address} is ${f.arch}; the bundle's Node.js runtime is ${process.arch}`);
        return f;
      }, (f) => `${t.host.ssh.user}@${t.host.address} (${f.hostname}), ${f.systemd ? 'systemd' : 'no systemd: the k8ts supervisor'}`);
    });
    failIfAny(targets, 'cannot reach every host');
    resolveNodeNames(targets);
    await eachTarget(targets, async (t) => {
      const missing = NODE_PACKAGES.filter((p) => !t.facts!.installed.has(p));
      await hostStep(r, t.nodeName, 'packages', () => (missing.length ? t.session.installPackages(missing) : undefined), () => (missing.length ? `installed ${missing.join(' ')}` : 'all present'));
    });
    failIfAny(targets, 'packages are missing');

    // 2. here: certificates, the bundle, the images
    const cpTarget = targets.find((t) => t.host === cp)!;
    const serviceIp = apiserverServiceIp(inv.cluster.serviceCIDR);
    const extraSans = (h: InventoryHost) => (isIpv4(h.address) ? [] : [h.address]);
    const pki = await hostStep(r, 'cluster', 'certificates', () =>
      ensureClusterPki(path.join(state, 'pki'), {
        serviceIp,
        controlPlane: { name: cpTarget.nodeName, ip: cp.nodeIp, extraSans: extraSans(cp) },
        nodes: targets.map((t) => ({ name: t.nodeName, ip: t.host.nodeIp, extraSans: extraSans(t.host) })),
      }),
    );
    const kubeconfig = writeAdminKubeconfig(state, pki, cp.nodeIp);
    const bundle = await hostStep(r, 'cluster', 'bundle', () => ensureBundle(o.repo ?? repoRoot(), path.join(state, 'bundles')), (b) => `${b.hash.slice(0, 12)}, ${b.files} files, ${MB(b.bytes)}${b.cached ? ', cached' : ', built'}`);
    const imagesDir = path.join(state, 'images');
    const images = await hostStep(r, 'cluster', 'images', async () => {
      await buildImages(imagesDir);
      return fs.readdirSync(imagesDir).filter((f) => f.endsWith('.tar')).sort();
    }, (names) => names.join(' '));

    // 3. every host: the bundle and the images, where they differ
    await eachTarget(targets, async (t) => {
      await hostStep(r, t.nodeName, 'bundle', async () => {
        const present = await t.session.hasBundle(bundle.hash);
        if (!present) {
          await t.session.installBundle(bundle.hash, bundle.tarball);
          t.uploaded.push('bundle');
        }
        // what the host runs now, from the bundle's agent
        t.status = (await t.session.agent<StatusResult>(bundle.hash, { cmd: 'status', images, caCert: pki.ca.cert })).result;
        if (t.status.cluster && t.status.cluster !== inv.cluster.name) {
          throw new HostError('HOST_IN_OTHER_CLUSTER', t.nodeName, `${t.host.address} runs a node of cluster "${t.status.cluster}": uninstall it with that cluster's inventory first (k8ts deploy --uninstall)`);
        }
        return !present;
      }, (up) => (up ? `uploaded ${MB(bundle.bytes)}` : 'present'));
      await hostStep(r, t.nodeName, 'images', async () => {
        const sent: string[] = [];
        for (const name of images) {
          const local = path.join(imagesDir, name);
          if (t.status!.images[name] === sha256File(fs.readFileSync(local))) continue;
          await t.session.installFile(local, path.join(hostLayout().imagesDir, name));
          sent.push(name);
        }
        t.uploaded.push(...sent);
        return sent;
      }, (sent) => (sent.length ? `uploaded ${sent.join(' ')}` : 'present'));
    });
    failIfAny(targets, 'the bundle or images could not be shipped');

    // 4. the control plane, then its apiserver from here
    const plan = (t: Target, bootstrapToken?: string) =>
      planHost({ cluster: inv.cluster, nodeName: t.nodeName, nodeIp: t.host.nodeIp, role: t.host.role, labels: t.host.labels, controlPlaneIp: cp.nodeIp, pki, bundle: bundle.hash, ...(bootstrapToken ? { bootstrapToken } : {}) });
    await applyTarget(r, cpTarget, plan(cpTarget), o.unitTimeoutMs);
    const client = adminClient(kubeconfig, `${cp.nodeIp}:${GRPC_PORT}`);
    try {
      await hostStep(r, 'cluster', 'apiserver', () => waitApiserver(client, 120_000), () => apiserverUrl(cp.nodeIp));

      // 5. the workers: a token for each that has not joined
      const workers = targets.filter((t) => t !== cpTarget);
      await eachTarget(workers, async (t) => {
        const token = t.status!.joined ? undefined : await createJoinToken(client);
        await applyTarget(r, t, plan(t, token), o.unitTimeoutMs);
      });

      // 6. every node Ready, with its labels and taints
      const prevLabels = new Map((prev?.hosts ?? []).map((h) => [h.address, Object.keys(h.labels)]));
      await eachTarget(targets, async (t) => {
        await hostStep(r, t.nodeName, 'node', async () => {
          await waitNodeReady(client, t.nodeName, o.nodeReadyTimeoutMs ?? 180_000);
          t.marked = await markNode(client, t.nodeName, { labels: t.plan!.labels, taints: t.plan!.taints }, { labels: prevLabels.get(t.host.address) ?? [] });
          return t.marked;
        }, (marked) => (marked ? 'Ready; labels and taints set' : 'Ready'));
      });

      // 7. hosts that left the inventory
      const gone = (prev?.hosts ?? []).filter((h) => !inv.hosts.some((x) => x.address === h.address));
      const removed = await removeHosts(r, gone, client, bundle);
      const summary = [...targets.map((t) => summarize(t, bundle.hash)), ...removed];
      saveDeployed(state, {
        cluster: inv.cluster.name,
        controlPlane: cp.address,
        bundle: bundle.hash,
        hosts: [
          // every host of the inventory (one that failed may be half installed: a later run must know it)
          ...targets.map((t) => ({ address: t.host.address, nodeIp: t.host.nodeIp, nodeName: t.nodeName, role: t.host.role, ssh: t.host.ssh, labels: t.host.labels })),
          // hosts that left it and could not be removed yet
          ...gone.filter((h) => removed.find((x) => x.address === h.address)?.state === 'failed'),
        ],
      });
      r.summary(summary, [`admin kubeconfig: ${kubeconfig}`, `apiserver: ${apiserverUrl(cp.nodeIp)}`]);
      failIfAny(targets, 'some hosts failed', summary);
      const stuck = removed.filter((x) => x.state === 'failed');
      if (stuck.length) throw new DeployError('DEPLOY_HOSTS_FAILED', `could not remove ${stuck.map((x) => `${x.address} (${x.changes})`).join(', ')}`);
      return {
        cluster: inv.cluster.name,
        stateDir: state,
        kubeconfig,
        apiserver: apiserverUrl(cp.nodeIp),
        bundle: bundle.hash,
        hosts: summary,
        changed: summary.some((s) => s.state !== 'unchanged'),
      };
    } finally {
      client.close();
    }
  } finally {
    for (const t of targets) t.session.close();
  }
}

function resolveNodeNames(targets: Target[]): void {
  const problems: string[] = [];
  for (const t of targets) {
    if (!t.nodeName) t.nodeName = t.facts!.hostname.toLowerCase();
    const errs = dns1123SubdomainErrors(t.nodeName);
    if (errs.length) problems.push(`${t.host.address}: its hostname "${t.nodeName}" is not a node name (${errs[0]}): give the host a name in the inventory (line ${t.host.line})`);
  }
  const seen = new Map<string, Target>();
  for (const t of targets) {
    const other = seen.get(t.nodeName);
    if (other) problems.push(`${t.host.address} and ${other.host.address} are both named ${t.nodeName}: give them names in the inventory (lines ${other.host.line}, ${t.host.line})`);
    seen.set(t.nodeName, t);
  }
  if (problems.length) throw new DeployError('NODE_NAME_INVALID', problems.join('\n'));
  for (const t of targets) (t.session as { label: string }).label = t.nodeName;
}

async function applyTarget(r: DeployReporter, t: Target, plan: HostPlan, timeoutMs = 120_000): Promise<void> {
  t.plan = plan;
  t.applied = await hostStep(
    r,
    t.nodeName,
    'apply',
    async () => (await t.session.agent<ApplyResult>(plan.bundle, { cmd: 'apply', plan, timeoutMs })).result,
    (a) => describeChanges({ ...a, supervisorStarted: a.supervisor?.started }) ?? `unchanged (${a.init === 'systemd' ? 'systemd' : 'supervisor'})`,
  );
}

function summarize(t: Target, bundle: string): HostSummary {
  const a = t.applied;
  let state: HostState;
  const applyChanges = a ? describeChanges({ ...a, supervisorStarted: a.supervisor?.started }) : undefined;
  if (t.failed) state = 'failed';
  else if (!t.status?.bundle) state = 'installed';
  else if (applyChanges || t.uploaded.length || t.marked) state = 'updated';
  else state = 'unchanged';
  const changes = [t.uploaded.length ? `uploaded ${t.uploaded.join(' ')}` : '', applyChanges ?? '', t.marked ? 'marked the node' : ''].filter(Boolean).join('; ');
  return {
    address: t.host.address,
    role: t.host.role,
    nodeName: t.nodeName,
    state,
    bundle,
    ...(t.failed ? { changes: t.failed.message.split('\n')[0] } : changes ? { changes } : {}),
    ms: Math.round(performance.now() - t.t0),
  };
}

function failIfAny(targets: Target[], what: string, summary?: HostSummary[]): void {
  const failed = targets.filter((t) => t.failed);
  if (!failed.length) return;
  // a header line, then each host's failure (its step line showed only the first line of it)
  const e = new DeployError('DEPLOY_HOSTS_FAILED', [`${what}: ${failed.map((t) => t.session.label).join(', ')}`, ...failed.map((t) => `  ${t.session.label}: ${t.failed!.message}`)].join('\n'));
  if (summary || failed.every((t) => (t.failed as { reported?: boolean }).reported)) (e as { reported?: boolean }).reported = true;
  throw e;
}

function writeAdminKubeconfig(state: string, pki: ClusterPki, cpIp: string): string {
  const file = adminKubeconfigPath(state);
  const text = renderKubeconfig({ server: apiserverUrl(cpIp), ca: pki.ca.cert, cert: pki.admin.cert, key: pki.admin.key, user: 'kubernetes-admin' });
  try {
    if (fs.readFileSync(file, 'utf8') === text) return file;
  } catch {
    // first deploy
  }
  fs.writeFileSync(file, text, { mode: 0o600 });
  return file;
}
