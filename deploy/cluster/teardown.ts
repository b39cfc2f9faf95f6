// Teardown of a node's pods when the cluster goes down: stopping containerd leaves its shims and
// containers running, so down kills them (containers first, then shims), unmounts whatever is still
// mounted under the state dir (rootfs overlays, pod netns bind mounts), removes the CNI bridge and
// the stale host-local leases, and prunes the now-empty pod cgroups. Finders are pure over /proc text.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { launcherLog } from './launcher-log';
import { inNetns } from './component-commands';

const log = launcherLog('cluster-teardown');

export interface ProcInfo {
  pid: number;
  ppid: number;
  argv: string[];
}

export function listProcs(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      // the comm field may hold spaces and parentheses: ppid follows the last ')'
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const argv = fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').filter(Boolean);
      out.push({ pid: Number(d), ppid, argv });
    } catch {
      // exited while we looked
    }
  }
  return out;
}

/** Shims serving the containerd at socket: `containerd-shim-runc-v2 ... -address <socket>`. */
export function shimsOf(procs: ProcInfo[], socket: string): number[] {
  return procs
    .filter((p) => p.argv.length > 0 && path.basename(p.argv[0]).startsWith('containerd-shim'))
    .filter((p) => {
      const i = p.argv.indexOf('-address');
      return i >= 0 && p.argv[i + 1] === socket;
    })
    .map((p) => p.pid);
}

/** Every descendant of roots (not the roots themselves), children before their parents' turn ends. */
export function descendantsOf(procs: ProcInfo[], roots: number[]): number[] {
  const children = new Map<number, number[]>();
  for (const p of procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  const out: number[] = [];
  const stack = [...roots];
  while (stack.length) {
    for (const c of children.get(stack.pop()!) ?? []) {
      out.push(c);
      stack.push(c);
    }
  }
  return out;
}

function unescapeMount(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** Mount points at or below dir from /proc/self/mountinfo text, deepest first. */
export function mountsUnder(mountinfo: string, dir: string): string[] {
  const base = dir.replace(/\/+$/, '');
  const points = mountinfo
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((m): m is string => !!m)
    .map(unescapeMount)
    .filter((m) => m === base || m.startsWith(base + '/'));
  return [...new Set(points)].sort((a, b) => b.split('/').length - a.split('/').length || b.length - a.length);
}

/** Bridge names and host-local lease dirs from the CNI conflists the kubelet wrote. */
export function cniResources(confTexts: string[]): { bridges: string[]; ipamDirs: string[] } {
  const bridges = new Set<string>();
  const ipamDirs = new Set<string>();
  for (const t of confTexts) {
    let conf: { plugins?: unknown[] } & Record<string, unknown>;
    try {
      conf = JSON.parse(t);
    } catch {
      continue;
    }
    const plugins = (Array.isArray(conf.plugins) ? conf.plugins : [conf]) as Record<string, any>[];
    for (const p of plugins) {
      if (p.type === 'bridge') bridges.add(typeof p.bridge === 'string' ? p.bridge : 'cni0');
      if (p.ipam?.type === 'host-local' && typeof p.ipam.dataDir === 'string') ipamDirs.add(p.ipam.dataDir);
    }
  }
  return { bridges: [...bridges], ipamDirs: [...ipamDirs] };
}

function signalAll(pids: number[], sig: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Kills every container and shim of the containerd at socket. Returns how many shims there were. */
export async function killPods(socket: string): Promise<number> {
  const procs = listProcs();
  const shims = shimsOf(procs, socket);
  if (shims.length === 0) return 0;
  const containers = descendantsOf(procs, shims);
  signalAll(containers, 'SIGKILL');
  signalAll(shims, 'SIGKILL');
  const all = [...containers, ...shims];
  for (let i = 0; i < 100 && all.some((p) => fs.existsSync(`/proc/${p}`) && !isZombie(p)); i++) await sleep(50);
  log.info({ shims: shims.length, processes: containers.length }, 'pods killed');
  return shims.length;
}

function isZombie(pid: number): boolean {
  try {
    return /\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

export function unmountUnder(dir: string): number {
  const mounts = mountsUnder(fs.readFileSync('/proc/self/mountinfo', 'utf8'), dir);
  for (const m of mounts) {
    const r = spawnSync('umount', ['-l', m], { stdio: 'ignore' });
    if (r.status !== 0) log.warn({ mount: m }, 'unmount failed');
  }
  return mounts.length;
}

/** Deletes the CNI bridges (in netns when given) and clears host-local leases kept under home. */
export function removeCniState(cniConfDir: string, home: string, netns?: string): void {
  let texts: string[] = [];
  try {
    texts = fs.readdirSync(cniConfDir).filter((f) => /\.(conf|conflist|json)$/.test(f)).map((f) => fs.readFileSync(path.join(cniConfDir, f), 'utf8'));
  } catch {
    return;
  }
  const { bridges, ipamDirs } = cniResources(texts);
  for (const b of bridges) {
    const argv = inNetns(['ip', 'link', 'del', b], netns);
    if (spawnSync(argv[0], argv.slice(1), { stdio: 'ignore' }).status === 0) log.info({ bridge: b }, 'bridge deleted');
  }
  // only leases under this cluster's home: a shared /var/lib/cni may belong to someone else
  for (const d of ipamDirs) if (path.resolve(d).startsWith(path.resolve(home) + '/')) fs.rmSync(d, { recursive: true, force: true });
}

/** Removes this cluster's pod cgroups (empty once the pods are dead), deepest first. */
export function pruneCgroups(cgroupRoot: string, fsRoot = '/sys/fs/cgroup'): void {
  let controllers: string[] = [];
  try {
    controllers = fs.readdirSync(fsRoot).map((c) => path.join(fsRoot, c));
  } catch {
    return;
  }
  const prune = (dir: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) if (e.isDirectory()) prune(path.join(dir, e.name));
    try {
      fs.rmdirSync(dir);
    } catch {
      // busy or not a cgroup: leave it
    }
  };
  for (const c of [fsRoot, ...controllers]) {
    const dir = path.join(c, cgroupRoot);
    try {
      if (!fs.lstatSync(c).isSymbolicLink() && fs.existsSync(dir)) prune(dir);
    } catch {
      // controller vanished
    }
  }
}

export function runQuiet(argv: string[], timeoutMs = 60_000): boolean {
  try {
    execFileSync(argv[0], argv.slice(1), { stdio: 'ignore', timeout: timeoutMs });
    return true;
  } catch {
    return false;
  }
}
