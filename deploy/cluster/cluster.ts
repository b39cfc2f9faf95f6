// The local cluster: `up` brings a whole single-node cluster to life as detached processes under a
// state dir (optionally all inside one network namespace); `down` stops it and its pods while
// keeping the data; `restartComponent` bounces one process for restart tests.
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFile, execFileSync } from 'node:child_process';
import { componentLogger } from '../../lib/log';
import { renderContainerdConfig } from '../../kubelet/containerd/config';
import { buildImages } from '../images/build-images';
import { renderRegistryConfig } from '../registry/registry';
import { PAUSE_IMAGE_REF } from '../images/image-specs';
import { repoRoot } from '../../lib/repo-root';
import {
  componentCommand,
  CONTROL_PLANE_HOST,
  grpcAddress,
  healthPort,
  inNetns,
  kubeProxyCleanupCommand,
  type CommandContext,
} from './component-commands';
import {
  cgroupRootFor,
  clusterLayout,
  COMPONENTS,
  defaultNetnsNodeIp,
  isComponentName,
  NETNS_NODE_IFACE,
  resolvePorts,
  type ClusterInfo,
  type ClusterOptions,
  type ComponentName,
  type Layout,
  type Ports,
} from './layout';
import { discoverNodeIp, IPV4 } from './node-address';
import { ensurePki } from './pki-setup';
import { ensurePackages, requireRoot, requireTools } from './preflight';
import { runningPid, spawnDetached, stopRecorded, tcpOpen, waitUntil } from './supervisor';
import { killPods, pruneCgroups, removeCniState, runQuiet, unmountUnder } from './teardown';

export type { ClusterInfo, ClusterOptions } from './layout';

const log = componentLogger('cluster');

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
  return { layout, s: { nodeName, nodeIp, netns, ports: resolvePorts({ ...saved?.ports, ...o.ports }), nodeMonitorGracePeriodSeconds } };
}

function commandContext(layout: Layout, s: SavedState): CommandContext {
  return { layout, ports: s.ports, nodeName: s.nodeName, nodeIp: s.nodeIp, netns: s.netns, nodeMonitorGracePeriodSeconds: s.nodeMonitorGracePeriodSeconds, nodeBin: process.execPath, distDir: path.join(repoRoot(), 'dist') };
}

function childEnv(): NodeJS.ProcessEnv {
  // containerd needs containerd-shim-runc-v2 and runc; kube-proxy needs iptables-restore
  return { ...process.env, PATH: `${process.env.PATH ?? ''}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin` };
}

function ensureNetns(netns: string, nodeIp: string): void {
  const ns = (...args: string[]) => execFileSync('ip', ['-n', netns, ...args], { stdio: 'pipe' });
  if (!fs.existsSync(`/run/netns/${netns}`)) execFileSync('ip', ['netns', 'add', netns]);
  ns('link', 'set', 'lo', 'up');
  // The node's address sits on the namespace's loopback (as a /32): routable inside the namespace,
  // reaching nothing outside. (These kernels have no `dummy` link type.)
  const addrs = execFileSync('ip', ['-n', netns, '-4', '-o', 'addr', 'show', 'dev', NETNS_NODE_IFACE], { encoding: 'utf8' });
  if (!addrs.includes(` ${nodeIp}/`)) ns('addr', 'add', `${nodeIp}/32`, 'dev', NETNS_NODE_IFACE);
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

function unixSocketOpen(file: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ path: file });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

async function waitHealthy(c: ComponentName, ctx: CommandContext): Promise<void> {
  const { layout: l, ports: p } = ctx;
  const opts = { pidFile: l.pidFile(c), logFile: l.logFile(c) };
  if (c === 'containerd') {
    await waitUntil('containerd', () => unixSocketOpen(l.containerdSocket), opts);
    return;
  }
  const ports = c === 'apiserver' ? [p.apiserver, p.apiserverGrpc] : [healthPort(c, p)!];
  for (const port of ports) await waitUntil(`${c} on port ${port}`, () => tcpOpen(CONTROL_PLANE_HOST, port, ctx.netns), opts);
}

function prepare(c: ComponentName, ctx: CommandContext): void {
  const l = ctx.layout;
  if (c === 'containerd') {
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
  }
  if (c === 'registry') {
    const storageDir = path.join(l.registryDir, 'storage');
    fs.mkdirSync(storageDir, { recursive: true });
    fs.writeFileSync(l.registryConfig, renderRegistryConfig({ storageDir, addr: `${CONTROL_PLANE_HOST}:${ctx.ports.registry}` }));
  }
  if (c === 'etcd') fs.mkdirSync(l.etcdDir, { recursive: true, mode: 0o700 });
  const argv = componentCommand(c, ctx);
  const script = argv.find((a) => a.endsWith('main.js'));
  if (script && !fs.existsSync(script)) throw new ClusterError('NOT_BUILT', `${script} is missing: run npm run build`);
}

/** Starts c unless it already runs; then waits until it answers. */
async function startComponent(c: ComponentName, ctx: CommandContext): Promise<void> {
  const l = ctx.layout;
  const pid = runningPid(l.pidFile(c));
  if (pid !== undefined) {
    log.info({ name: c, pid }, 'already running');
  } else {
    prepare(c, ctx);
    const started = spawnDetached(componentCommand(c, ctx), l.logFile(c), l.pidFile(c), childEnv());
    log.info({ name: c, pid: started, log: l.logFile(c) }, 'started');
  }
  await waitHealthy(c, ctx);
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

async function waitNodeReady(info: ClusterInfo, layout: Layout, timeoutMs: number): Promise<void> {
  await waitUntil(
    `node ${info.nodeName} Ready`,
    async () => nodeIsReady(await kubectl(info, ['get', 'node', info.nodeName, '-o', 'json']).catch(() => '')),
    { timeoutMs, pidFile: layout.pidFile('kubelet'), logFile: layout.logFile('kubelet'), intervalMs: 1000 },
  );
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

export async function up(o: ClusterOptions & { nodeReadyTimeoutMs?: number }): Promise<ClusterInfo> {
  requireRoot();
  ensurePackages();
  requireTools();
  const { layout, s } = resolve(o, true);
  for (const d of [layout.home, layout.logsDir, layout.runDir, layout.imagesDir, layout.cniConfDir, layout.kubeletRoot]) {
    fs.mkdirSync(d, { recursive: true });
  }
  fs.writeFileSync(stateFile(layout), JSON.stringify(s, null, 2) + '\n');
  if (s.netns) ensureNetns(s.netns, s.nodeIp);
  ensureNodeSysctls(s.netns);
  await buildImages(layout.imagesDir);
  const info = infoOf(layout, s);
  await ensurePki(layout, { nodeName: s.nodeName, nodeIp: s.nodeIp, server: info.apiserverUrl });
  const ctx = commandContext(layout, s);
  for (const c of COMPONENTS) await startComponent(c, ctx);
  await waitNodeReady(info, layout, o.nodeReadyTimeoutMs ?? 180_000);
  log.info({ node: s.nodeName, nodeIp: s.nodeIp, grpc: grpcAddress(ctx) }, 'cluster up');
  return info;
}

function componentName(name: string): ComponentName {
  if (!isComponentName(name)) throw new ClusterError('INVALID_OPTIONS', `unknown component "${name}" (one of ${COMPONENTS.join(', ')})`);
  return name;
}

/** Stops one component (a later up starts it again), as a node or component failure would. */
export async function stopComponent(o: ClusterOptions, name: ComponentName | string): Promise<void> {
  const { layout } = resolve(o, false);
  await stopRecorded(layout.pidFile(componentName(name)));
}

/** Stops one component and starts it again with the same command line, waiting until healthy. */
export async function restartComponent(o: ClusterOptions, name: ComponentName | string): Promise<void> {
  const c = componentName(name);
  const { layout, s } = resolve(o, false);
  await stopRecorded(layout.pidFile(c));
  await startComponent(c, commandContext(layout, s));
}

export async function down(o: ClusterOptions, opts: { purge?: boolean } = {}): Promise<void> {
  requireRoot();
  const { layout, s } = resolve(o, false);
  const ctx = commandContext(layout, s);
  const stop = async (c: ComponentName) => {
    if (await stopRecorded(layout.pidFile(c))) log.info({ name: c }, 'stopped');
  };
  for (const c of ['kube-proxy', 'kubelet', 'scheduler', 'controller-manager'] as const) await stop(c);
  // containers outlive containerd (their shims are reparented): kill them while containerd still
  // runs so it records their exit, then stop containerd itself
  await killPods(layout.containerdSocket);
  await stop('containerd');
  await killPods(layout.containerdSocket);
  await stop('registry');
  await stop('apiserver');
  await stop('etcd');

  const netnsGone = s.netns !== undefined && !fs.existsSync(`/run/netns/${s.netns}`);
  if (!netnsGone) {
    const cleanup = kubeProxyCleanupCommand(ctx);
    const script = cleanup.find((a) => a.endsWith('main.js'));
    if (script && fs.existsSync(script) && !runQuiet(cleanup)) log.warn({}, 'kube-proxy cleanup failed');
    removeCniState(layout.cniConfDir, layout.home, s.netns);
  }
  const unmounted = unmountUnder(layout.home);
  pruneCgroups(cgroupRootFor(s.netns));
  log.info({ unmounted }, 'cluster down');

  if (opts.purge) {
    fs.rmSync(layout.home, { recursive: true, force: true });
    if (s.netns && !netnsGone) runQuiet(['ip', 'netns', 'del', s.netns]);
    log.info({ home: layout.home }, 'state removed');
  }
}

/** argv that runs a command against the cluster (inside its netns when it has one). */
export function clusterCommand(info: Pick<ClusterInfo, 'netns'>, argv: string[]): string[] {
  return inNetns(argv, info.netns);
}

export { COMPONENTS };
