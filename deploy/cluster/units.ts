// The local cluster as supervisor units: each component's command line, environment, log and pid
// file, readiness probe and dependencies. Pure: the supervisor itself knows nothing of k8ts.
import type { Probe, UnitSpec } from '../supervisor/unit';
import { componentCommand, CONTROL_PLANE_HOST, healthPort, type CommandContext } from './component-commands';
import { COMPONENTS, type ComponentName } from './layout';

/** What each component needs ready before its first start. */
export const DEPENDENCIES: Record<ComponentName, ComponentName[]> = {
  etcd: [],
  apiserver: ['etcd'],
  registry: [],
  containerd: [],
  'controller-manager': ['apiserver'],
  scheduler: ['apiserver'],
  kubelet: ['apiserver', 'containerd'],
  'kube-proxy': ['apiserver'],
  dns: ['apiserver'],
  ingress: ['apiserver'],
};

const PATH_TAIL = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const PASSED = /^(HOME|LANG|LC_[A-Z]+|TZ|TMPDIR|USER|LOGNAME|K8TS_[A-Z0-9_]+)$/;

/**
 * The environment of every component: a clean one (like a systemd unit's), keeping the locale,
 * the home and the project's K8TS_* settings of whoever ran up. PATH reaches containerd's shims,
 * runc and iptables-restore; the logs in the log files are JSON.
 */
export function unitEnv(from: NodeJS.ProcessEnv): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(from)) if (v !== undefined && PASSED.test(k)) env[k] = v;
  env.PATH = from.PATH ? `${from.PATH}:${PATH_TAIL}` : PATH_TAIL;
  env.K8TS_LOG_FORMAT = 'json';
  return env;
}

export function readinessProbes(c: ComponentName, ctx: CommandContext): Probe[] {
  const { ports: p, netns } = ctx;
  if (c === 'containerd') return [{ unix: ctx.layout.containerdSocket }];
  const ns = netns ? { netns: `/run/netns/${netns}` } : {};
  const ports = c === 'apiserver' ? [p.apiserver, p.apiserverGrpc] : [healthPort(c, p)!];
  return ports.map((port) => ({ tcp: { host: CONTROL_PLANE_HOST, port }, ...ns }));
}

export function clusterUnits(ctx: CommandContext, env: Record<string, string>): UnitSpec[] {
  return COMPONENTS.map((c) => ({
    name: c,
    argv: componentCommand(c, ctx),
    env,
    logFile: ctx.layout.logFile(c),
    pidFile: ctx.layout.pidFile(c),
    ready: readinessProbes(c, ctx),
    after: DEPENDENCIES[c],
  }));
}
