// The local cluster: `up` checks that every port and path it needs is free (or already this
// cluster's), prepares the state dir (optionally all inside one network namespace), writes the
// components as units for a supervisor (deploy/supervisor) that starts them in order and restarts
// any that exits, and reports Ready only once the node is Ready through this cluster's apiserver
// and every port answers from the process it started. `down` stops the supervisor, then the
// components and their pods, keeping the data. stop/start/restart of one component go through the
// supervisor, so an operator's stop is not a crash.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFile, execFileSync } from 'node:child_process';
import { renderContainerdConfig } from '../../kubelet/containerd/config';
import { buildImages } from '../images/build-images';
import { renderRegistryConfig } from '../registry/registry';
import { PAUSE_IMAGE_REF } from '../images/image-specs';
import { repoRoot } from '../../lib/repo-root';
import { ensureSupervisor, liveStatus, send, shutdownSupervisor, statusFile, supervisorPid, waitUnitsRunning, writeUnits } from '../supervisor/launch';
import { logTail, runningPid, stopRecorded } from '../supervisor/proc';
import type { ControlRequest } from '../supervisor/control';
import type { SupervisorStatus, UnitStatus } from '../supervisor/status';
import { supervisorPaths } from '../supervisor/supervisor';
import { componentCommand, CONTROL_PLANE_HOST, inNetns, kubeProxyCleanupCommand, type CommandContext } from './component-commands';
import {
  cgroupRootFor,
  clusterLayout,
  COMPONENTS,
  defaultNetnsNodeIp,
  HOST_LOCAL_ADDRESS,
  HOST_LOCAL_IFACE,
  isComponentName,
  NETNS_NODE_IFACE,
  resolvePorts,
  type ClusterInfo,
  type ClusterOptions,
  type ComponentName,
  type Layout,
  type Ports,
} from './layout';
import { launcherLog } from './launcher-log';
import { discoverNodeIp, IPV4 } from './node-address';
import { assertFree, assertOwnListeners } from './occupancy';
import { ensurePki } from './pki-setup';
import { duplicatePorts, portNeeds } from './ports-and-paths';
import { ensurePackages, requireRoot, requireTools } from './preflight';
import { silentReporter, step, type Reporter } from './progress';
import { killPods, pruneCgroups, removeCniState, runQuiet, unmountUnder } from './teardown';
import { clusterUnits, unitEnv } from './units';

export type { ClusterInfo, ClusterOptions } from './layout';

const log = launcherLog('cluster');

export class ClusterError extends Error {
  readonly code: 'INVALID_OPTIONS' | 'NOT_BUILT' | 'NODE_NOT_READY';
  constructor(code: 'INVALID_OPTIONS' | 'NOT_BUILT' | 'NODE_NOT_READY', message: string) {
    super(message);
    this.name = 'ClusterError';
    this.code = code;
  }
}

/** What up decided, saved so that down/restart from a bare CLI act on the same cluster. */
interface SavedState {
  nodeName: string;
  nodeIp: string;
  netns?: string;
  ports: Ports;
  nodeMonitorGracePeriodSeconds?: number;
  extraFlags?: ClusterOptions['extraFlags'];
}

const stateFile = (l: Layout) => path.join(l.home, 'cluster.json');

function loadState(l: Layout): SavedState | undefined {
  try {
    return JSON.parse(fs.readFileSync(stateFile(l), 'utf8')) as SavedState;
  } catch {
    return undefined;
  }
}

/** Options win over what an earlier up saved; defaults fill the rest. */
function resolve(o: ClusterOptions, needIp: boolean): { layout: Layout; s: SavedState } {
  const layout = clusterLayout(o.home);
  const saved = loadState(layout);
  const netns = o.netns ?? saved?.netns;
  const nodeIp = o.nodeIp ?? saved?.nodeIp ?? (netns ? defaultNetnsNodeIp(netns) : needIp ? discoverNodeIp() : '127.0.0.1');
  if (!IPV4.test(nodeIp)) throw new ClusterError('INVALID_OPTIONS', `node IP "${nodeIp}" is not an IPv4 address`);
  const nodeName = (o.nodeName ?? saved?.nodeName ?? (netns ?? os.hostname())).toLowerCase();
  if (!/^[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?$/.test(nodeName)) {
    throw new ClusterError('INVALID_OPTIONS', `node name "${nodeName}" is not a DNS-1123 name: pass --node-name`);
  }
  const nodeMonitorGracePeriodSeconds = o.nodeMonitorGracePeriodSeconds ?? saved?.nodeMonitorGracePeriodSeconds;
  return { layout, s: { nodeName, nodeIp, netns, ports: resolvePorts({ ...saved?.ports, ...o.ports }), nodeMonitorGracePeriodSeconds, extraFlags: o.extraFlags ?? saved?.extraFlags } };
}

function commandContext(layout: Layout, s: SavedState): CommandContext {
  // In a netns the node address is the cluster's own; on the host it is the machine's: see HOST_LOCAL_ADDRESS.
  const local = s.netns ? s.nodeIp : HOST_LOCAL_ADDRESS;
  return { layout, ports: s.ports, nodeName: s.nodeName, nodeIp: s.nodeIp, netns: s.netns, dnsAddress: local, ingressAddress: local, nodeMonitorGracePeriodSeconds: s.nodeMonitorGracePeriodSeconds, extraFlags: s.extraFlags, nodeBin: process.execPath, distDir: path.join(repoRoot(), 'dist') };
}

/** The supervisor's directory: the unit file, its socket, status and pid file sit beside the pid files. */
const supervisorDir = (l: Layout) => l.runDir;
const supervisorLog = (l: Layout) => path.join(l.logsDir, 'supervisor.log');

function ensureNetns(netns: string, nodeIp: string): void {
  const ns = (...args: string[]) => execFileSync('ip', ['-n', netns, ...args], { stdio: 'pipe' });
  if (!fs.existsSync(`/run/netns/${netns}`)) execFileSync('ip', ['netns', 'add', netns]);
  ns('link', 'set', 'lo', 'up');
  // The node's address sits on the namespace's loopback (as a /32): routable inside the namespace,
  // reaching nothing outside. (These kernels have no `dummy` link type.)
  const addrs = execFileSync('ip', ['-n', netns, '-4', '-o', 'addr', 'show', 'dev', NETNS_NODE_IFACE], { encoding: 'utf8' });
  if (!addrs.includes(` ${nodeIp}/`)) ns('addr', 'add', `${nodeIp}/32`, 'dev', NETNS_NODE_IFACE);
}

/** On the host: the interface and address of the node's own services, DNS and ingress (HOST_LOCAL_ADDRESS says why). */
function ensureHostLocalAddress(): void {
  const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe', encoding: 'utf8' });
  if (!fs.existsSync(`/sys/class/net/${HOST_LOCAL_IFACE}`)) ip('link', 'add', HOST_LOCAL_IFACE, 'type', 'bridge');
  ip('link', 'set', HOST_LOCAL_IFACE, 'up');
  if (!ip('-4', '-o', 'addr', 'show', 'dev', HOST_LOCAL_IFACE).includes(` ${HOST_LOCAL_ADDRESS}/`)) ip('addr', 'add', `${HOST_LOCAL_ADDRESS}/32`, 'dev', HOST_LOCAL_IFACE);
}

/**
 * Kernel settings every Kubernetes node needs: forwarding (pod → Service → pod crosses the host's
 * routing) and bridged traffic passing iptables (so DNAT applies between pods on one bridge). In a
 * network namespace they are the namespace's own; on the host they are what kubeadm requires too.
 */
const NODE_SYSCTLS: [string, string][] = [
  ['net/ipv4/ip_forward', '1'],
  ['net/bridge/bridge-nf-call-iptables', '1'],
];

function ensureNodeSysctls(netns?: string): void {
  for (const [key, value] of NODE_SYSCTLS) {
    const file = `/proc/sys/${key}`;
    try {
      if (netns) execFileSync('ip', ['netns', 'exec', netns, 'sh', '-c', `echo ${value} > ${file}`], { stdio: 'pipe' });
      else if (fs.readFileSync(file, 'utf8').trim() !== value) fs.writeFileSync(file, value);
    } catch (err) {
      log.warn({ key, err: (err as Error).message }, 'cannot set node sysctl');
    }
  }
}

/** Config files and directories of every component (idempotent: rewritten on every up). */
function prepare(ctx: CommandContext): void {
  const l = ctx.layout;
  fs.mkdirSync(l.containerdDir, { recursive: true });
  const toml = renderContainerdConfig({
    root: l.containerdRoot,
    state: l.containerdState,
    socket: l.containerdSocket,
    cniBinDir: l.cniBinDir,
    cniConfDir: l.cniConfDir,
    sandboxImage: PAUSE_IMAGE_REF,
    // containerd pulls from the node's own registry over plain HTTP
    insecureRegistries: [`${CONTROL_PLANE_HOST}:${ctx.ports.registry}`],
  });
  fs.writeFileSync(l.containerdConfig, toml);
  const storageDir = path.join(l.registryDir, 'storage');
  fs.mkdirSync(storageDir, { recursive: true });
  fs.writeFileSync(l.registryConfig, renderRegistryConfig({ storageDir, addr: `${CONTROL_PLANE_HOST}:${ctx.ports.registry}` }));
  fs.mkdirSync(l.etcdDir, { recursive: true, mode: 0o700 });
  for (const c of COMPONENTS) {
    const script = componentCommand(c, ctx).find((a) => a.endsWith('main.js'));
    if (script && !fs.existsSync(script)) throw new ClusterError('NOT_BUILT', `${script} is missing: run npm run build`);
  }
}

function kubectl(info: { kubeconfig: string; netns?: string }, args: string[]): Promise<string> {
  const argv = inNetns(['kubectl', `--kubeconfig=${info.kubeconfig}`, '--request-timeout=5s', ...args], info.netns);
  return new Promise((resolve, reject) =>
    execFile(argv[0], argv.slice(1), { encoding: 'utf8', timeout: 15_000 }, (err, out) => (err ? reject(err) : resolve(out))),
  );
}

/** Pure: the Ready condition of a Node as kubectl prints it in JSON. */
export function nodeIsReady(nodeJson: string): boolean {
  try {
    const node = JSON.parse(nodeJson) as { status?: { conditions?: { type: string; status: string }[] } };
    return (node.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
  } catch {
    return false;
  }
}

/**
 * Pure, over `kubectl get node/<n> lease/<n> -o json` (a List): the node is Ready, and its Lease
 * was renewed since the kubelet started — so a Ready condition left over from before a restart
 * does not count; it is the kubelet we started that reports.
 */
export function nodeReadySince(listJson: string, kubeletStartedAt: number): boolean {
  try {
    const list = JSON.parse(listJson) as { items?: { kind: string; spec?: { renewTime?: string } }[] };
    const node = list.items?.find((i) => i.kind === 'Node');
    const renewed = Date.parse(list.items?.find((i) => i.kind === 'Lease')?.spec?.renewTime ?? '');
    // renewTime and the process start time are both rounded: a second of slack
    return node !== undefined && nodeIsReady(JSON.stringify(node)) && renewed >= kubeletStartedAt - 1000;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls the node and its Lease through this cluster's apiserver with this cluster's CA (the admin
 * kubeconfig carries it: an apiserver of another cluster fails TLS verification).
 */
async function waitNodeReady(info: ClusterInfo, layout: Layout, kubeletStartedAt: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    const out = await kubectl(info, ['get', '-n', 'kube-node-lease', `node/${info.nodeName}`, `lease/${info.nodeName}`, '-o', 'json']).catch((e: Error) => {
      last = e.message.split('\n').slice(-2).join(' ').trim();
      return '';
    });
    if (nodeReadySince(out, kubeletStartedAt)) return;
    if (Date.now() > deadline) {
      const kubelet = layout.logFile('kubelet');
      throw new ClusterError('NODE_NOT_READY', `node ${info.nodeName} not Ready in time${last ? ` (${last})` : ''}; see ${kubelet}\n${logTail(kubelet)}`);
    }
    await sleep(500);
  }
}

function infoOf(layout: Layout, s: SavedState): ClusterInfo {
  const info: ClusterInfo = {
    home: layout.home,
    kubeconfig: layout.adminKubeconfig,
    nodeName: s.nodeName,
    nodeIp: s.nodeIp,
    apiserverUrl: `https://${CONTROL_PLANE_HOST}:${s.ports.apiserver}`,
    grpcAddress: `${CONTROL_PLANE_HOST}:${s.ports.apiserverGrpc}`,
    registry: `${CONTROL_PLANE_HOST}:${s.ports.registry}`,
  };
  if (s.netns) info.netns = s.netns;
  return info;
}

/** Live pids of this cluster's recorded processes: the components and the supervisor. */
function ourPids(layout: Layout): number[] {
  const pids = COMPONENTS.map((c) => runningPid(layout.pidFile(c)));
  return [...pids, supervisorPid(supervisorDir(layout))].filter((p): p is number => p !== undefined);
}

export interface UpOptions extends ClusterOptions {
  nodeReadyTimeoutMs?: number;
  /** How long each component may take to become ready on its first start. */
  componentTimeoutMs?: number;
  /** Step lines (the CLI prints them); silent by default. */
  progress?: Reporter;
  /** The environment the components inherit from (default: this process's). */
  env?: NodeJS.ProcessEnv;
}

export async function up(o: UpOptions): Promise<ClusterInfo> {
  const r = o.progress ?? silentReporter;
  requireRoot();
  await step(r, 'packages', () => {
    ensurePackages();
    requireTools();
  });
  const { layout, s } = resolve(o, true);
  const dups = duplicatePorts(portNeeds(s.ports));
  if (dups.length > 0) throw new ClusterError('INVALID_OPTIONS', dups.join('; '));
  const ctx = commandContext(layout, s);
  const units = clusterUnits(ctx, unitEnv(o.env ?? process.env));
  // Before anything is written or started: every port and path is free or already ours.
  await step(r, 'ports and paths', () =>
    assertFree({ layout, ports: s.ports, netns: s.netns, cgroupRoot: cgroupRootFor(s.netns), ourPids: ourPids(layout), programs: units.map((u) => u.argv) }),
  );
  for (const d of [layout.home, layout.logsDir, layout.runDir, layout.imagesDir, layout.cniConfDir, layout.kubeletRoot]) {
    fs.mkdirSync(d, { recursive: true });
  }
  fs.writeFileSync(stateFile(layout), JSON.stringify(s, null, 2) + '\n');
  if (s.netns) await step(r, 'netns', () => ensureNetns(s.netns!, s.nodeIp), () => `${s.netns}, node ${s.nodeIp}`);
  else await step(r, 'local address', ensureHostLocalAddress, () => `${HOST_LOCAL_ADDRESS} on ${HOST_LOCAL_IFACE}`);
  ensureNodeSysctls(s.netns);
  await step(r, 'images', () => buildImages(layout.imagesDir));
  const info = infoOf(layout, s);
  await step(r, 'certificates', () => ensurePki(layout, { nodeName: s.nodeName, nodeIp: s.nodeIp, server: info.apiserverUrl }));
  prepare(ctx);
  writeUnits(supervisorDir(layout), units);

  const since = Date.now();
  const sup = await step(
    r,
    'supervisor',
    () => ensureSupervisor({ dir: supervisorDir(layout), logFile: supervisorLog(layout), env: { K8TS_LOG_LEVEL: 'info' } }),
    (v) => `pid ${v.pid}${v.started ? '' : ', already running'}`,
  );
  // every unit that is not running starts (a stopped one too): up means the whole cluster
  await send(supervisorDir(layout), { cmd: 'apply' });
  const t0 = performance.now();
  let started: SupervisorStatus;
  try {
    started = await waitUnitsRunning(supervisorDir(layout), [...COMPONENTS], {
      since,
      timeoutMs: o.componentTimeoutMs ?? 120_000,
      onReady: (u) => {
        const fresh = !u.adopted && u.readyAt !== undefined && u.startedAt !== undefined && u.startedAt >= since;
        r.step({
          step: u.name,
          ok: true,
          ...(fresh ? { ms: u.readyAt! - u.startedAt! } : {}),
          detail: fresh ? `pid ${u.pid}` : `pid ${u.pid}, already running${u.adopted ? ' (adopted)' : ''}`,
        });
      },
    });
  } catch (e) {
    const err = e as Error & { unit?: string; reported?: boolean };
    const detail = err.unit && err.message.startsWith(`${err.unit} `) ? err.message.slice(err.unit.length + 1) : err.message;
    r.step({ step: err.unit ?? 'components', ok: false, ms: Math.round(performance.now() - t0), detail });
    err.reported = true;
    throw err;
  }
  const kubeletStartedAt = started.units.find((u) => u.name === 'kubelet')?.startedAt ?? since;
  await step(r, `node ${s.nodeName} Ready`, () => waitNodeReady(info, layout, kubeletStartedAt, o.nodeReadyTimeoutMs ?? 180_000));
  await step(
    r,
    'ports answer from us',
    async () => {
      const { status } = await send(supervisorDir(layout), { cmd: 'status' });
      assertOwnListeners({ ports: s.ports, netns: s.netns, pidOf: (c) => status.units.find((u) => u.name === c)?.pid });
    },
    () => `${portNeeds(s.ports).length} ports`,
  );
  log.info({ node: s.nodeName, nodeIp: s.nodeIp, supervisor: sup.pid }, 'cluster up');
  return info;
}

function componentName(name: string): ComponentName {
  if (!isComponentName(name)) throw new ClusterError('INVALID_OPTIONS', `unknown component "${name}" (one of ${COMPONENTS.join(', ')})`);
  return name;
}

export interface ComponentAction {
  name: ComponentName;
  /** The pid before and after. */
  before?: number;
  after?: number;
  ms: number;
}

/** Stops one component through the supervisor; it stays stopped (no restart) until started. */
export async function stopComponent(o: ClusterOptions, name: ComponentName | string): Promise<ComponentAction> {
  const c = componentName(name);
  const { layout } = resolve(o, false);
  const t = performance.now();
  const before = runningPid(layout.pidFile(c));
  try {
    await send(supervisorDir(layout), { cmd: 'stop', unit: c });
  } catch (e) {
    // no supervisor: nothing would restart it anyway, so stop it by its pid file
    if ((e as { code?: string }).code !== 'SUPERVISOR_DOWN') throw e;
    await stopRecorded(layout.pidFile(c));
  }
  return { name: c, ...(before ? { before } : {}), ms: Math.round(performance.now() - t) };
}

/** A request to this cluster's supervisor; when none runs, say how to get one. */
async function toSupervisor(layout: Layout, req: ControlRequest): Promise<void> {
  try {
    await send(supervisorDir(layout), req);
  } catch (e) {
    if ((e as { code?: string }).code === 'SUPERVISOR_DOWN') {
      (e as Error).message += ': npm run up starts one, which adopts the running components';
    }
    throw e;
  }
}

async function startOrRestart(o: ClusterOptions, name: string, cmd: 'start' | 'restart', timeoutMs = 120_000): Promise<ComponentAction> {
  const c = componentName(name);
  const { layout } = resolve(o, false);
  const t = performance.now();
  const before = runningPid(layout.pidFile(c));
  const since = Date.now();
  await toSupervisor(layout, { cmd, unit: c });
  const status = await waitUnitsRunning(supervisorDir(layout), [c], { since, timeoutMs });
  const after = status.units.find((u) => u.name === c)?.pid;
  return { name: c, ...(before ? { before } : {}), ...(after ? { after } : {}), ms: Math.round(performance.now() - t) };
}

/** Starts a stopped component through the supervisor and waits until it is ready. */
export function startComponent(o: ClusterOptions, name: ComponentName | string): Promise<ComponentAction> {
  return startOrRestart(o, name, 'start');
}

/** Stops one component and starts it again with the same command line, waiting until ready. */
export function restartComponent(o: ClusterOptions, name: ComponentName | string): Promise<ComponentAction> {
  return startOrRestart(o, name, 'restart');
}

/**
 * What the supervisor reports; when it is not running, the last status it wrote with each
 * component's liveness read from its pid file.
 */
export async function clusterStatus(o: ClusterOptions): Promise<SupervisorStatus> {
  const { layout } = resolve(o, false);
  const live = await liveStatus(supervisorDir(layout));
  if (live) return live;
  const last = statusFile(supervisorDir(layout));
  const units: UnitStatus[] = COMPONENTS.map((c) => {
    const prev = last?.units.find((u) => u.name === c);
    const pid = runningPid(layout.pidFile(c));
    return {
      name: c,
      state: pid !== undefined ? 'running' : 'stopped',
      ...(pid !== undefined ? { pid } : {}),
      adopted: false,
      restarts: prev?.restarts ?? 0,
      ...(prev?.lastExit ? { lastExit: prev.lastExit } : {}),
      ...(prev?.lastDecision ? { lastDecision: prev.lastDecision } : {}),
      decisions: prev?.decisions ?? [],
      logFile: layout.logFile(c),
    };
  });
  return {
    supervisor: { pid: last?.supervisor.pid ?? 0, startedAt: last?.supervisor.startedAt ?? 0, running: false, socket: supervisorPaths(supervisorDir(layout)).socket, logFile: supervisorLog(layout) },
    units,
    writtenAt: Date.now(),
  };
}

export async function down(o: ClusterOptions, opts: { purge?: boolean; progress?: Reporter } = {}): Promise<void> {
  const r = opts.progress ?? silentReporter;
  requireRoot();
  const { layout, s } = resolve(o, false);
  const ctx = commandContext(layout, s);
  // first the supervisor, or it would restart what is stopped next
  await step(r, 'supervisor', () => shutdownSupervisor(supervisorDir(layout)), (pid) => (pid ? `stopped pid ${pid}` : 'was not running'));
  const stop = (c: ComponentName) => step(r, c, () => stopRecorded(layout.pidFile(c)), (was) => (was ? 'stopped' : 'was not running'));
  for (const c of ['ingress', 'dns', 'kube-proxy', 'kubelet', 'scheduler', 'controller-manager'] as const) await stop(c);
  // containers outlive containerd (their shims are reparented): kill them while containerd still
  // runs so it records their exit, then stop containerd itself
  await step(r, 'pods', () => killPods(layout.containerdSocket), (n) => `${n} sandboxes killed`);
  await stop('containerd');
  await killPods(layout.containerdSocket);
  await stop('registry');
  await stop('apiserver');
  await stop('etcd');

  await step(r, 'cleanup', () => {
    const netnsGone = s.netns !== undefined && !fs.existsSync(`/run/netns/${s.netns}`);
    if (!netnsGone) {
      const cleanup = kubeProxyCleanupCommand(ctx);
      const script = cleanup.find((a) => a.endsWith('main.js'));
      if (script && fs.existsSync(script) && !runQuiet(cleanup)) log.warn({}, 'kube-proxy cleanup failed');
      removeCniState(layout.cniConfDir, layout.home, s.netns);
    }
    if (!s.netns && fs.existsSync(`/sys/class/net/${HOST_LOCAL_IFACE}`) && !runQuiet(['ip', 'link', 'del', HOST_LOCAL_IFACE])) log.warn({ device: HOST_LOCAL_IFACE }, 'removing the local services interface failed');
    const unmounted = unmountUnder(layout.home);
    pruneCgroups(cgroupRootFor(s.netns));
    log.info({ unmounted }, 'cluster down');
  });

  if (opts.purge) {
    await step(r, 'purge', () => {
      const netnsExists = s.netns !== undefined && fs.existsSync(`/run/netns/${s.netns}`);
      fs.rmSync(layout.home, { recursive: true, force: true });
      if (s.netns && netnsExists) runQuiet(['ip', 'netns', 'del', s.netns]);
      log.info({ home: layout.home }, 'state removed');
    }, () => (s.netns ? `${layout.home} and netns ${s.netns} removed` : `${layout.home} removed`));
  }
}

/** argv that runs a command against the cluster (inside its netns when it has one). */
export function clusterCommand(info: Pick<ClusterInfo, 'netns'>, argv: string[]): string[] {
  return inNetns(argv, info.netns);
}

export { COMPONENTS };
