// Is everything the cluster needs free, or held by this cluster's own processes? Pure over /proc
// text: listening TCP sockets from /proc/net/tcp and tcp6, listening unix sockets from
// /proc/net/unix, and the processes holding each socket inode (from /proc/<pid>/fd). `up` checks
// before it starts anything, and after the node is Ready checks that each port answers from the
// process it started.
import * as path from 'node:path';
import type { ComponentName, Ports } from './layout';
import type { ProcInfo } from './teardown';

export interface PortNeed {
  port: number;
  what: string;
  /** The component that listens on it. */
  unit: ComponentName;
}

/** Every TCP port a cluster listens on, and who listens. */
export function portNeeds(p: Ports): PortNeed[] {
  return [
    { port: p.etcdClient, what: 'etcd client', unit: 'etcd' },
    { port: p.etcdPeer, what: 'etcd peer', unit: 'etcd' },
    { port: p.apiserver, what: 'apiserver', unit: 'apiserver' },
    { port: p.apiserverGrpc, what: 'apiserver gRPC', unit: 'apiserver' },
    { port: p.scheduler, what: 'scheduler health', unit: 'scheduler' },
    { port: p.controllerManager, what: 'controller-manager health', unit: 'controller-manager' },
    { port: p.kubelet, what: 'kubelet', unit: 'kubelet' },
    { port: p.kubeProxyHealthz, what: 'kube-proxy healthz', unit: 'kube-proxy' },
    { port: p.kubeProxyMetrics, what: 'kube-proxy metrics', unit: 'kube-proxy' },
    { port: p.registry, what: 'registry', unit: 'registry' },
    // The DNS port itself is bound on one address only (the node's, or HOST_LOCAL_ADDRESS), so a
    // host resolver on 53 elsewhere (systemd-resolved's 127.0.0.53) is no conflict: not listed.
    { port: p.dnsHealth, what: 'cluster DNS health', unit: 'dns' },
    { port: p.dnsMetrics, what: 'cluster DNS metrics', unit: 'dns' },
    // Likewise the ingress' HTTP and HTTPS ports: a web server of the host's own on 127.0.0.1:80
    // is no conflict (one on 0.0.0.0:80 is, and the ingress' start says so in its log).
    { port: p.ingressHealth, what: 'ingress health', unit: 'ingress' },
    { port: p.ingressMetrics, what: 'ingress metrics', unit: 'ingress' },
  ];
}

/** Two needs on one port: the options are contradictory. */
export function duplicatePorts(needs: PortNeed[]): string[] {
  const seen = new Map<number, string>();
  const out: string[] = [];
  for (const n of needs) {
    const first = seen.get(n.port);
    if (first) out.push(`port ${n.port} is given to both ${first} and ${n.what}`);
    else seen.set(n.port, n.what);
  }
  return out;
}

export interface TcpListener {
  address: string;
  port: number;
  inode: number;
}

const TCP_LISTEN = '0A';

function hexV4(h: string): string {
  // one 32-bit word in host (little-endian) byte order
  return [6, 4, 2, 0].map((i) => parseInt(h.slice(i, i + 2), 16)).join('.');
}

function hexV6(h: string): string {
  const bytes: string[] = [];
  for (let w = 0; w < 4; w++) {
    const word = h.slice(w * 8, w * 8 + 8);
    for (const i of [6, 4, 2, 0]) bytes.push(word.slice(i, i + 2));
  }
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(parseInt(bytes[i] + bytes[i + 1], 16).toString(16));
  return `[${groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::')}]`;
}

/** Listening sockets of /proc/net/tcp and /proc/net/tcp6 text (both may be concatenated). */
export function parseNetTcp(text: string): TcpListener[] {
  const out: TcpListener[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    // sl local rem st tx:rx tr:when retrnsmt uid timeout inode
    if (f.length < 10 || !/^\d+:$/.test(f[0]) || f[3] !== TCP_LISTEN) continue;
    const [addr, portHex] = f[1].split(':');
    const inode = Number(f[9]);
    if (!portHex || !Number.isInteger(inode)) continue;
    const address = addr.length === 8 ? hexV4(addr) : addr.length === 32 ? hexV6(addr) : addr;
    out.push({ address, port: parseInt(portHex, 16), inode });
  }
  return out;
}

export interface UnixListener {
  path: string;
  inode: number;
}

const SO_ACCEPTCON = 0x10000;

/** Listening unix sockets with a path from /proc/net/unix text. */
export function parseNetUnix(text: string): UnixListener[] {
  const out: UnixListener[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    // Num RefCount Protocol Flags Type St Inode Path
    if (f.length < 8 || !/^[0-9a-f]+:$/i.test(f[0])) continue;
    if ((parseInt(f[3], 16) & SO_ACCEPTCON) === 0) continue;
    const p = f.slice(7).join(' ');
    if (p.startsWith('/')) out.push({ path: p, inode: Number(f[6]) });
  }
  return out;
}

/** The inode of a `socket:[123]` fd link. */
export function socketInode(link: string): number | undefined {
  const m = /^socket:\[(\d+)\]$/.exec(link);
  return m ? Number(m[1]) : undefined;
}

export interface Holder {
  pid: number;
  argv: string[];
}

/** What one network namespace looks like: its listeners and who holds them. */
export interface NetSnapshot {
  tcp: TcpListener[];
  unix: UnixListener[];
  holders: Map<number, Holder[]>;
}

export interface Finding {
  /** e.g. "port 2379 (etcd client)" or "containerd socket /x/containerd.sock" */
  subject: string;
  holders: Holder[];
  /** What was expected instead, for the check after start. */
  expected?: string;
}

function holdersOf(s: NetSnapshot, inodes: number[]): Holder[] {
  const byPid = new Map<number, Holder>();
  for (const i of inodes) for (const h of s.holders.get(i) ?? []) byPid.set(h.pid, h);
  return [...byPid.values()].sort((a, b) => a.pid - b.pid);
}

/** Before start: every needed port and socket path that something other than ours listens on. */
export function foreignListeners(needs: PortNeed[], socketPaths: { path: string; what: string }[], s: NetSnapshot, ours: ReadonlySet<number>): Finding[] {
  const out: Finding[] = [];
  for (const n of needs) {
    const inodes = s.tcp.filter((l) => l.port === n.port).map((l) => l.inode);
    if (inodes.length === 0) continue;
    const holders = holdersOf(s, inodes);
    if (!holders.some((h) => ours.has(h.pid))) out.push({ subject: `port ${n.port} (${n.what})`, holders });
  }
  for (const sp of socketPaths) {
    const inodes = s.unix.filter((l) => path.resolve(l.path) === path.resolve(sp.path)).map((l) => l.inode);
    if (inodes.length === 0) continue;
    const holders = holdersOf(s, inodes);
    if (!holders.some((h) => ours.has(h.pid))) out.push({ subject: `${sp.what} ${sp.path}`, holders });
  }
  return out;
}

/** After start: every port that does not answer from the process that should serve it. */
export function wrongListeners(needs: PortNeed[], s: NetSnapshot, pidOf: (unit: ComponentName) => number | undefined): Finding[] {
  const out: Finding[] = [];
  for (const n of needs) {
    const want = pidOf(n.unit);
    const holders = holdersOf(s, s.tcp.filter((l) => l.port === n.port).map((l) => l.inode));
    if (want !== undefined && holders.some((h) => h.pid === want)) continue;
    out.push({ subject: `port ${n.port} (${n.what})`, holders, expected: want !== undefined ? `this cluster's ${n.unit} (pid ${want})` : `this cluster's ${n.unit}, which is not running` });
  }
  return out;
}

export function describeHolder(h: Holder): string {
  const cmd = h.argv.join(' ');
  return `pid ${h.pid} (${cmd.length > 100 ? cmd.slice(0, 99) + '…' : cmd || '?'})`;
}

/** One sentence per finding: the port or path, where, and what holds it. */
export function describeFinding(f: Finding, where: string): string {
  const by = f.holders.length > 0 ? f.holders.map(describeHolder).join(', ') : 'a socket no visible process holds';
  if (f.expected) {
    return f.holders.length > 0 ? `${f.subject}${where} answers from ${by}, not from ${f.expected}` : `nothing listens on ${f.subject}${where}: expected ${f.expected}`;
  }
  return `${f.subject}${where} is held by ${by}`;
}

export interface Occupation {
  /** Listeners on our ports and socket paths that are not ours. */
  listeners: Finding[];
  /** The pods' cgroup root and the processes of another cluster in it. */
  cgroup?: { root: string; holders: Holder[] };
  /** Another cluster's daemons in our network namespace. */
  daemons: Holder[];
  netns?: string;
}

/**
 * One line naming the first thing in use and its holder (pid and command line), then at most two
 * short lines with the rest, each holder named once. Undefined when nothing is in use.
 */
export function describeOccupation(o: Occupation): string | undefined {
  const where = o.netns ? ` in netns ${o.netns}` : ' on this host';
  const named = new Set<number>();
  const lines: string[] = [];
  const cgroupLine = (c: NonNullable<Occupation['cgroup']>) =>
    `cgroup ${c.root} holds pods of another cluster: ${c.holders.slice(0, 3).map(describeHolder).join(', ')}${c.holders.length > 3 ? ` and ${c.holders.length - 3} more` : ''}`;
  const [first, ...rest] = o.listeners;
  if (first) {
    lines.push(`${describeFinding(first, where)}, not by this cluster`);
    first.holders.forEach((h) => named.add(h.pid));
    if (rest.length > 0) {
      const also = rest.map((f) => {
        f.holders.forEach((h) => named.add(h.pid));
        const who = f.holders.length > 0 ? `pid ${f.holders.map((h) => h.pid).join(', ')}` : 'no visible process';
        const m = /^port (\d+) \((.*)\)$/.exec(f.subject);
        return m ? `${m[1]} (${m[2]}, ${who})` : `${f.subject} (${who})`;
      });
      lines.push(`also in use: ${also.join(', ')}`);
    }
  }
  if (o.cgroup && o.cgroup.holders.length > 0) lines.push(cgroupLine(o.cgroup));
  const daemons = o.daemons.filter((d) => !named.has(d.pid));
  if (daemons.length > 0) {
    lines.push(`netns ${o.netns} already runs another cluster's ${daemons.map((d) => `${programOf(d.argv)}: ${describeHolder(d)}`).join('; ')}`);
  }
  return lines.length > 0 ? lines.join('\n  ') : undefined;
}

/** Processes of another cluster inside our network namespace (same program as one of ours). */
export function foreignDaemons(inNetns: Holder[], ourPrograms: string[], ours: ReadonlySet<number>): Holder[] {
  const wanted = new Set(ourPrograms);
  return inNetns.filter((p) => !ours.has(p.pid) && wanted.has(programOf(p.argv)));
}

/** What program an argv runs: the binary's name, or for a script interpreter the script's last two path parts. */
export function programOf(argv: string[]): string {
  let a = argv;
  if (path.basename(a[0] ?? '') === 'nsenter') a = a.slice(a.indexOf('--') + 1);
  const bin = path.basename(a[0] ?? '');
  if (/^node(\d+)?$/.test(bin) && a[1]) return a[1].split('/').slice(-2).join('/');
  return bin;
}

/**
 * Processes in the pods' cgroup root that belong to another cluster: those under a containerd shim
 * serving another containerd's socket. Leftovers of our own (orphans of a shim that was killed)
 * are not someone else's.
 */
export function foreignPodProcesses(members: number[], procs: ProcInfo[], ourSocket: string): { holder: Holder; socket: string }[] {
  const byPid = new Map(procs.map((p) => [p.pid, p]));
  const out: { holder: Holder; socket: string }[] = [];
  for (const pid of members) {
    const self = byPid.get(pid);
    if (!self) continue;
    for (let p: ProcInfo | undefined = self, hops = 0; p && p.pid > 1 && hops < 64; p = byPid.get(p.ppid), hops++) {
      if (!path.basename(p.argv[0] ?? '').startsWith('containerd-shim')) continue;
      const i = p.argv.indexOf('-address');
      const socket = i >= 0 ? p.argv[i + 1] : undefined;
      if (socket !== undefined && socket !== ourSocket) out.push({ holder: { pid, argv: self.argv }, socket });
      break;
    }
  }
  return out;
}
