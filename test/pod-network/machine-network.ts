// A machine network on this one machine, for tests: a "switch" network namespace with one bridge
// per subnet, routing between them as a site's router would, and one namespace per machine plugged
// into a bridge with a veth pair, with an address from 198.18.0.0/15 (benchmark networks, never
// routed anywhere) and a default route via the switch. Machines on one bridge share a link
// (host-gw reaches them); machines on different bridges only reach each other through the router.
// The switch counts every packet addressed to a cluster address that it is asked to route: the
// routing safety rule says there must never be one.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';

export interface Subnet {
  /** Bridge name in the switch namespace (≤ 15 characters). */
  bridge: string;
  /** The switch's (router's) own address and prefix, e.g. 198.18.200.254/24. */
  gateway: string;
}

export interface Machine {
  name: string;
  netns: string;
  ip: string;
  /** The switch's address on the machine's subnet (its default gateway). */
  gateway: string;
}

/** What reached the switch addressed to a cluster CIDR. */
export interface LeakCounts {
  pods: number;
  services: number;
}

const LEAK_COMMENTS = { pods: 'k8ts-test-leak-pods', services: 'k8ts-test-leak-services' } as const;

const sh = (argv: string[], input?: string): string =>
  execFileSync(argv[0], argv.slice(1), { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });

/** Sets a sysctl of one network namespace (its /proc/sys/net is the reader's namespace's). */
function sysctl(netns: string, key: string, value: string): void {
  sh(['nsenter', `--net=/run/netns/${netns}`, '--', 'sh', '-c', `echo ${value} > /proc/sys/${key}`]);
}

/** Pure: the packet counts of the leak counters in `iptables-save -t raw -c` output. */
export function parseLeakCounts(save: string): LeakCounts {
  const count = (comment: string) => {
    const line = save.split('\n').find((l) => l.includes(comment));
    const m = line ? /^\[(\d+):\d+\]/.exec(line) : null;
    if (!m) throw new Error(`leak counter ${comment} is missing from the switch's raw table`);
    return Number(m[1]);
  };
  return { pods: count(LEAK_COMMENTS.pods), services: count(LEAK_COMMENTS.services) };
}

export class MachineNetwork {
  readonly switchNs: string;
  readonly machines: Machine[] = [];
  private readonly namespaces: string[] = [];
  private readonly listeners: ChildProcess[] = [];

  constructor(
    readonly prefix: string,
    readonly subnets: Subnet[],
    private readonly cluster: { podCIDR: string; serviceCIDR: string },
  ) {
    this.switchNs = `${prefix}-sw`;
  }

  private addNetns(name: string): void {
    sh(['ip', 'netns', 'add', name]);
    this.namespaces.push(name);
    sh(['ip', '-n', name, 'link', 'set', 'lo', 'up']);
  }

  create(): void {
    this.addNetns(this.switchNs);
    const sw = (...a: string[]) => sh(['ip', '-n', this.switchNs, ...a]);
    sysctl(this.switchNs, 'net/ipv4/ip_forward', '1');
    // Frames switched between machines must not meet iptables here: only what is routed counts.
    sysctl(this.switchNs, 'net/bridge/bridge-nf-call-iptables', '0');
    for (const s of this.subnets) {
      sw('link', 'add', s.bridge, 'type', 'bridge');
      sw('addr', 'add', s.gateway, 'dev', s.bridge);
      sw('link', 'set', s.bridge, 'up');
    }
    const counter = (dst: string, comment: string) =>
      sh(['ip', 'netns', 'exec', this.switchNs, 'iptables', '-w', '-t', 'raw', '-A', 'PREROUTING', '-d', dst, '-m', 'comment', '--comment', comment]);
    counter(this.cluster.podCIDR, LEAK_COMMENTS.pods);
    counter(this.cluster.serviceCIDR, LEAK_COMMENTS.services);
  }

  /** A machine on subnets[subnet], its address ip (the subnet's prefix length). */
  addMachine(name: string, subnet: number, ip: string): Machine {
    const s = this.subnets[subnet];
    const [gateway, bits] = s.gateway.split('/');
    const netns = `${this.prefix}-${name}`;
    this.addNetns(netns);
    const port = `p-${name}`.slice(0, 15);
    sh(['ip', '-n', this.switchNs, 'link', 'add', port, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', netns]);
    sh(['ip', '-n', this.switchNs, 'link', 'set', port, 'master', s.bridge, 'up']);
    const m = (...a: string[]) => sh(['ip', '-n', netns, ...a]);
    m('addr', 'add', `${ip}/${bits}`, 'dev', 'eth0');
    m('link', 'set', 'eth0', 'up');
    m('route', 'add', 'default', 'via', gateway);
    const machine = { name, netns, ip, gateway };
    this.machines.push(machine);
    return machine;
  }

  leaks(): LeakCounts {
    return parseLeakCounts(sh(['ip', 'netns', 'exec', this.switchNs, 'iptables-save', '-c', '-t', 'raw']));
  }

  /**
   * An HTTP server in the switch namespace (an address of the machine network that is no node)
   * answering with the address the connection came from.
   */
  async listenWhoAmI(port: number): Promise<void> {
    const script = `require('http').createServer((q, s) => s.end(q.socket.remoteAddress.replace(/^::ffff:/, '') + '\\n')).listen(${port}, '0.0.0.0', () => console.log('listening'))`;
    const child = spawn('nsenter', [`--net=/run/netns/${this.switchNs}`, '--', process.execPath, '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    this.listeners.push(child);
    await new Promise<void>((resolve, reject) => {
      child.stdout!.once('data', () => resolve());
      child.once('exit', (code) => reject(new Error(`who-am-i listener exited ${code}`)));
    });
  }

  /** Names of the namespaces this network created that still exist. */
  remaining(): string[] {
    return this.namespaces.filter((n) => fs.existsSync(`/run/netns/${n}`));
  }

  /** Stops the listeners and deletes every namespace created (their links go with them). */
  destroy(): void {
    for (const l of this.listeners) l.kill('SIGKILL');
    // machines first: a veth pair dies with either end
    for (const n of [...this.namespaces].reverse()) {
      if (fs.existsSync(`/run/netns/${n}`)) sh(['ip', 'netns', 'del', n]);
    }
  }
}
