// A cluster of machines for the tests of test/cluster: containers of the node image made through
// testcontainers (deploy/machines), installed by the same `k8ts deploy` users run against VMs,
// driven with the real kubectl from this host (it reaches the control plane on its machine
// address) and with commands inside the machines over SSH. stop() removes the machines, their
// volumes and the network whatever state the cluster is in.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureDockerDaemon } from '../../deploy/machines/docker-daemon';
import { addMachines, removeCluster, type Machine } from '../../deploy/machines/machines';
import { sshConnect, sshExec } from '../../deploy/machines/ssh';
import { deploy, type DeployResult } from '../../deploy/remote/deploy';
import type { DeployStep } from '../../deploy/remote/deploy-report';
import { Kubectl } from '../harness/kubectl';

export interface ClusterOptions {
  /** Workers besides the control plane. */
  workers: number;
  /** Lines under `cluster:` in the inventory (e.g. nodeMonitorGracePeriodSeconds: 10). */
  settings?: Record<string, string | number>;
}

export class MachineCluster {
  readonly kubectl: Kubectl;
  /** The step lines of the last deploy. */
  readonly steps: DeployStep[] = [];
  private constructor(
    readonly name: string,
    readonly stateDir: string,
    readonly machines: Machine[],
    private readonly settings: Record<string, string | number>,
  ) {
    this.kubectl = new Kubectl(path.join(stateDir, 'admin.kubeconfig'));
  }

  static async create(prefix: string, o: ClusterOptions): Promise<MachineCluster> {
    await ensureDockerDaemon();
    const name = `${prefix}${crypto.randomBytes(3).toString('hex')}`;
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), `k8ts-${prefix}-`));
    // The machines reach the host's network: their cluster DNS must not forward a test's
    // out-of-cluster lookups there (nothing a test sends may leave this machine).
    const c = new MachineCluster(name, stateDir, [], { dnsUpstream: 'none', ...o.settings });
    try {
      c.machines.push(...(await addMachines({ cluster: name, names: ['cp', ...Array.from({ length: o.workers }, (_, i) => `w${i + 1}`)], stateDir })));
    } catch (e) {
      await c.stop();
      throw e;
    }
    return c;
  }

  /** Changes one line under `cluster:` for the next writeInventory(). */
  setSetting(key: string, value: string | number): void {
    this.settings[key] = value;
  }

  get cp(): Machine {
    return this.machines[0];
  }

  get workers(): Machine[] {
    return this.machines.slice(1);
  }

  machine(name: string): Machine {
    const m = this.machines.find((x) => x.name === name);
    if (!m) throw new Error(`no machine ${name} in ${this.name}`);
    return m;
  }

  /** One more machine on the cluster's network (not in the inventory until written there). */
  async addMachine(name: string): Promise<Machine> {
    const [m] = await addMachines({ cluster: this.name, names: [name], stateDir: this.stateDir });
    this.machines.push(m);
    return m;
  }

  get inventory(): string {
    return path.join(this.stateDir, 'cluster.yaml');
  }

  /** Writes the inventory: the first machine is the control plane, the others workers. */
  writeInventory(hosts: Machine[] = this.machines): void {
    const settings = Object.entries({ name: this.name, ...this.settings }).map(([k, v]) => `  ${k}: ${v}`);
    const lines = ['cluster:', ...settings, 'ssh:', '  key: ssh/id_ed25519', 'hosts:'];
    hosts.forEach((m, i) => lines.push(`  - address: ${m.address}`, `    role: ${i === 0 ? 'control-plane' : 'worker'}`, `    name: ${m.name}`));
    fs.writeFileSync(this.inventory, lines.join('\n') + '\n');
  }

  /** `k8ts deploy -i <inventory>` (the library call the CLI makes). */
  deploy(o: { uninstall?: boolean } = {}): Promise<DeployResult> {
    this.steps.length = 0;
    if (!fs.existsSync(this.inventory)) this.writeInventory();
    return deploy({ inventory: this.inventory, stateDir: this.stateDir, progress: { step: (e) => this.steps.push(e), summary: () => undefined }, ...o });
  }

  async sh(m: Machine, command: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const c = await sshConnect(m.ssh);
    try {
      return await sshExec(c, command);
    } finally {
      c.end();
    }
  }

  async ok(m: Machine, command: string): Promise<string> {
    const r = await this.sh(m, command);
    if (r.code !== 0) throw new Error(`${m.name}: ${command} exited ${r.code}: ${r.stderr.trim() || r.stdout.trim()}`);
    return r.stdout;
  }

  /** Removes the machines, their volumes and the network, and the state folder. */
  async stop(): Promise<void> {
    await removeCluster(this.name);
    fs.rmSync(this.stateDir, { recursive: true, force: true });
  }
}

/** busybox's `wget -T` crashes in Debian's busybox-static 1.35: coreutils' timeout bounds it. */
export const fetchCmd = (url: string, seconds = 3): string => `timeout ${seconds} busybox wget -qO- ${url}`;
