// Who holds what, read from /proc: the listening sockets of the cluster's network namespace (read
// from inside it), the processes holding them, the processes in the namespace and in the pods'
// cgroup root. `up` fails before starting anything when one of them belongs to someone else, and
// after the node is Ready checks that every port answers from the process it started.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { parseCmdline } from '../supervisor/proc';
import {
  describeFinding,
  describeOccupation,
  foreignDaemons,
  foreignListeners,
  foreignPodProcesses,
  parseNetTcp,
  parseNetUnix,
  portNeeds,
  programOf,
  socketInode,
  wrongListeners,
  type Holder,
  type NetSnapshot,
} from './ports-and-paths';
import type { ComponentName, Layout, Ports } from './layout';
import { descendantsOf, listProcs, shimsOf, type ProcInfo } from './teardown';

export class OccupiedError extends Error {
  readonly code: 'IN_USE' | 'NOT_OURS';
  constructor(code: 'IN_USE' | 'NOT_OURS', message: string) {
    super(message);
    this.name = 'OccupiedError';
    this.code = code;
  }
}

const nsPath = (netns: string) => `/run/netns/${netns}`;
const UNIX_MARK = '=== k8ts unix ===';

/** /proc/net/{tcp,tcp6,unix} as seen from inside netns (or from here). */
function readNetTables(netns?: string): { tcp: string; unix: string } {
  if (netns && fs.existsSync(nsPath(netns))) {
    // /proc/net is the reading process's namespace: read it with a process inside
    const out = execFileSync(
      'nsenter',
      [`--net=${nsPath(netns)}`, '--', 'sh', '-c', `cat /proc/net/tcp /proc/net/tcp6 2>/dev/null; echo '${UNIX_MARK}'; cat /proc/net/unix`],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    const i = out.indexOf(UNIX_MARK);
    return { tcp: out.slice(0, i), unix: out.slice(i + UNIX_MARK.length) };
  }
  if (netns) return { tcp: '', unix: '' }; // a namespace not created yet holds nothing
  const read = (f: string) => {
    try {
      return fs.readFileSync(f, 'utf8');
    } catch {
      return '';
    }
  };
  return { tcp: read('/proc/net/tcp') + read('/proc/net/tcp6'), unix: read('/proc/net/unix') };
}

function cmdline(pid: number): string[] {
  try {
    return parseCmdline(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return [];
  }
}

/** The processes holding each of the given socket inodes. */
function socketHolders(inodes: Set<number>): Map<number, Holder[]> {
  const out = new Map<number, Holder[]>();
  if (inodes.size === 0) return out;
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    let fds: string[];
    try {
      fds = fs.readdirSync(`/proc/${d}/fd`);
    } catch {
      continue;
    }
    let argv: string[] | undefined;
    for (const fd of fds) {
      let link: string;
      try {
        link = fs.readlinkSync(`/proc/${d}/fd/${fd}`);
      } catch {
        continue;
      }
      const ino = socketInode(link);
      if (ino === undefined || !inodes.has(ino)) continue;
      argv ??= cmdline(Number(d));
      const list = out.get(ino) ?? [];
      if (!list.some((h) => h.pid === Number(d))) list.push({ pid: Number(d), argv });
      out.set(ino, list);
    }
  }
  return out;
}

export function netSnapshot(netns: string | undefined, ports: number[], socketPaths: string[]): NetSnapshot {
  const t = readNetTables(netns);
  const tcp = parseNetTcp(t.tcp).filter((l) => ports.includes(l.port));
  const unix = parseNetUnix(t.unix).filter((l) => socketPaths.some((p) => path.resolve(p) === path.resolve(l.path)));
  return { tcp, unix, holders: socketHolders(new Set([...tcp.map((l) => l.inode), ...unix.map((l) => l.inode)])) };
}

/** Processes whose network namespace is netns. */
function netnsMembers(netns: string): Holder[] {
  let want: string;
  try {
    want = `net:[${fs.statSync(nsPath(netns)).ino}]`;
  } catch {
    return [];
  }
  const out: Holder[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (fs.readlinkSync(`/proc/${d}/ns/net`) === want) out.push({ pid: Number(d), argv: cmdline(Number(d)) });
    } catch {
      // gone, or a kernel thread
    }
  }
  return out;
}

/** Pids in a cgroup subtree (the pids and memory hierarchies, where pod cgroups live). */
function cgroupMembers(cgroupRoot: string, fsRoot = '/sys/fs/cgroup'): number[] {
  const pids = new Set<number>();
  const walk = (dir: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    try {
      for (const p of fs.readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').split('\n')) if (p) pids.add(Number(p));
    } catch {
      // not a cgroup directory
    }
    for (const e of entries) if (e.isDirectory()) walk(path.join(dir, e.name));
  };
  for (const h of ['pids', 'memory', 'unified']) walk(path.join(fsRoot, h, cgroupRoot));
  return [...pids];
}

const where = (netns?: string) => (netns ? ` in netns ${netns}` : ' on this host');

export interface OccupancyContext {
  layout: Layout;
  ports: Ports;
  netns?: string;
  cgroupRoot: string;
  /** Live pids of this cluster's recorded processes (units and supervisor). */
  ourPids: number[];
  /** The argv of every unit: a process running the same program in our netns is another cluster's. */
  programs: string[][];
}

/** Our processes plus the containerd shims serving our socket and everything under them (pods). */
function ourProcessTree(o: OccupancyContext, procs: ProcInfo[]): Set<number> {
  const roots = [...o.ourPids, ...shimsOf(procs, o.layout.containerdSocket)];
  return new Set([...roots, ...descendantsOf(procs, roots)]);
}

/**
 * Fails (IN_USE) when a port or path the cluster needs is held by a process that is not this
 * cluster's: a listener on one of its ports or on the containerd socket, another cluster's pod in
 * the pods' cgroup root, or (in a netns of its own) another cluster's daemon in the namespace.
 */
export function assertFree(o: OccupancyContext): void {
  const needs = portNeeds(o.ports);
  const procs = listProcs();
  const ours = ourProcessTree(o, procs);
  const snap = netSnapshot(o.netns, needs.map((n) => n.port), [o.layout.containerdSocket]);
  const strangers = foreignPodProcesses(cgroupMembers(o.cgroupRoot).filter((p) => !ours.has(p)), procs, o.layout.containerdSocket);
  const message = describeOccupation({
    listeners: foreignListeners(needs, [{ path: o.layout.containerdSocket, what: 'containerd socket' }], snap, ours),
    cgroup: { root: o.cgroupRoot, holders: strangers.map((s) => s.holder) },
    daemons: o.netns ? foreignDaemons(netnsMembers(o.netns), o.programs.map(programOf), ours) : [],
    ...(o.netns ? { netns: o.netns } : {}),
  });
  if (message) throw new OccupiedError('IN_USE', message);
}

/** Fails (NOT_OURS) when a port of the cluster answers from anything but the process it started. */
export function assertOwnListeners(o: { ports: Ports; netns?: string; pidOf: (unit: ComponentName) => number | undefined }): void {
  const needs = portNeeds(o.ports);
  const snap = netSnapshot(o.netns, needs.map((n) => n.port), []);
  const wrong = wrongListeners(needs, snap, o.pidOf).map((f) => describeFinding(f, where(o.netns)));
  if (wrong.length > 0) throw new OccupiedError('NOT_OURS', `${wrong[0]}${wrong.length > 1 ? `\n  ${wrong.slice(1).join('\n  ')}` : ''}`);
}
