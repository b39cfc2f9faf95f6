// Machines for a cluster: containers from the node image on a network of the cluster's own, each
// with a fixed address, a hostname and sshd taking the cluster's key. Created through
// testcontainers; everything else (list, stop, pause, cut from the network, remove) goes through
// the Docker API by label, so another process (`npm run down`) finds them again.
import * as path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import type Dockerode from 'dockerode';
import { GenericContainer, Wait } from 'testcontainers';
import { componentLogger } from '../../lib/log';
import { ensureNodeImage } from '../node-image/build';
import { dockerClient } from './docker-daemon';
import { containerName, machineCreateOptions } from './machine-options';
import {
  LABEL_ADDRESS,
  LABEL_CLUSTER,
  LABEL_MACHINE,
  LABEL_MANAGED,
  MANAGED_BY,
  MachineConfigError,
  allocateAddresses,
  bridgeName,
  interMachineRule,
  networkCreateOptions,
  networkName,
  pickFreeSubnet,
  validateClusterName,
  validateMachineName,
  validateMachineSubnet,
} from './network-config';
import { ensureClusterKey } from './ssh-keys';
import { waitForSsh, type SshCoordinates } from './ssh';

/** Where a machine's private key is, so that any process listing machines can reach them. */
export const LABEL_SSH_KEY = 'io.k8ts.ssh-key';

export class MachineError extends Error {
  constructor(
    readonly code: 'MACHINE_EXISTS' | 'MACHINE_START_FAILED' | 'NETWORK_FAILED',
    message: string,
  ) {
    super(message);
    this.name = 'MachineError';
  }
}

const log = componentLogger('machines');

export interface ClusterNetwork {
  name: string;
  subnet: string;
  bridge: string;
}

export type MachineState = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

/** One machine: its coordinates and what a test does to a machine (stop, pause, cut it off). */
export class Machine {
  constructor(
    private readonly docker: Dockerode,
    readonly cluster: string,
    readonly name: string,
    readonly containerId: string,
    readonly address: string,
    readonly privateKeyPath: string,
  ) {}

  get containerName(): string {
    return containerName(this.cluster, this.name);
  }

  /** How to log in: root on port 22 of the machine's address, with the cluster's key. */
  get ssh(): SshCoordinates {
    return { host: this.address, port: 22, username: 'root', privateKeyPath: this.privateKeyPath };
  }

  private get container(): Dockerode.Container {
    return this.docker.getContainer(this.containerId);
  }

  async state(): Promise<MachineState> {
    return (await this.container.inspect()).State.Status as MachineState;
  }

  /** Host pid of the machine's init (0 when it is not running). */
  async pid(): Promise<number> {
    return (await this.container.inspect()).State.Pid;
  }

  /** Waits until sshd takes the cluster's key. */
  waitForSsh(timeoutMs = 60_000): Promise<void> {
    return waitForSsh(this.ssh, timeoutMs);
  }

  /** A clean shutdown (SIGTERM to everything, SIGKILL after the grace period); the disk stays. */
  async stop(timeoutSec = 10): Promise<void> {
    await this.container.stop({ t: timeoutSec }).catch(ignoreNotModified);
  }

  async start(): Promise<void> {
    await this.container.start().catch(ignoreNotModified);
    await this.waitForSsh();
  }

  async restart(timeoutSec = 10): Promise<void> {
    await this.container.restart({ t: timeoutSec });
    await this.waitForSsh();
  }

  /** Freezes every process of the machine, its pods included (they share its cgroup). */
  async pause(): Promise<void> {
    await this.container.pause();
  }

  async unpause(): Promise<void> {
    await this.container.unpause();
  }

  /** Cuts the machine from its network: it keeps running, reachable by nothing and reaching nothing. */
  async disconnect(): Promise<void> {
    await this.docker.getNetwork(networkName(this.cluster)).disconnect({ Container: this.containerId, Force: true });
  }

  /** Joins the network again with the same address. */
  async connect(): Promise<void> {
    await this.docker.getNetwork(networkName(this.cluster)).connect({
      Container: this.containerId,
      EndpointConfig: { IPAMConfig: { IPv4Address: this.address }, Aliases: [this.name] },
    });
  }

  /** Removes the container and its /var volume. */
  async remove(): Promise<void> {
    await this.container.remove({ force: true, v: true }).catch((e: { statusCode?: number }) => {
      if (e.statusCode !== 404) throw e;
    });
  }
}

/** Docker's log stream without a TTY: frames of an 8-byte header (stream, 0, 0, 0, length) and text. */
export function demuxDockerLog(buf: Buffer): string {
  const parts: Buffer[] = [];
  let i = 0;
  while (i + 8 <= buf.length) {
    const len = buf.readUInt32BE(i + 4);
    parts.push(buf.subarray(i + 8, i + 8 + len));
    i += 8 + len;
  }
  return Buffer.concat(parts).toString('utf8');
}

/** The last lines a machine's init and sshd wrote, to explain a machine that did not come up. */
async function logTail(docker: Dockerode, container: string): Promise<string> {
  try {
    const buf = (await docker.getContainer(container).logs({ stdout: true, stderr: true, tail: 15 })) as unknown as Buffer;
    const text = demuxDockerLog(buf).trim();
    return text ? `; its last log lines:\n${text}` : '';
  } catch {
    return '';
  }
}

function ignoreNotModified(e: { statusCode?: number }): void {
  if (e.statusCode !== 304) throw e;
}

function iptables(args: string[]): boolean {
  return spawnSync('iptables', ['-w', ...args], { stdio: 'ignore' }).status === 0;
}

/** Adds the DOCKER-USER rule that lets machines reach each other's routed addresses (idempotent). */
function ensureInterMachineRule(cluster: string): void {
  const rule = interMachineRule(cluster);
  if (!iptables(['-L', 'DOCKER-USER', '-n'])) {
    log.warn({ cluster }, 'no DOCKER-USER chain (dockerd without iptables?): pod traffic between machines may be dropped');
    return;
  }
  if (!iptables(['-C', 'DOCKER-USER', ...rule])) execFileSync('iptables', ['-w', '-I', 'DOCKER-USER', ...rule], { stdio: 'pipe' });
}

function removeInterMachineRule(cluster: string): void {
  const rule = interMachineRule(cluster);
  for (let i = 0; i < 10 && iptables(['-C', 'DOCKER-USER', ...rule]); i++) iptables(['-D', 'DOCKER-USER', ...rule]);
}

async function inspectNetwork(docker: Dockerode, cluster: string): Promise<Dockerode.NetworkInspectInfo | undefined> {
  try {
    return await docker.getNetwork(networkName(cluster)).inspect();
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return undefined;
    throw e;
  }
}

const networkOf = (cluster: string, info: Dockerode.NetworkInspectInfo): ClusterNetwork => ({
  name: info.Name,
  subnet: info.IPAM?.Config?.[0]?.Subnet ?? '',
  bridge: bridgeName(cluster),
});

/**
 * The cluster's network, created when missing: `--internal` (no way out of this host), on the
 * given subnet or the first /24 of 198.18.0.0/15 that no other Docker network uses.
 */
export async function ensureClusterNetwork(cluster: string, subnet?: string): Promise<ClusterNetwork> {
  validateClusterName(cluster);
  if (subnet) validateMachineSubnet(subnet);
  const docker = await dockerClient();
  for (let attempt = 0; ; attempt++) {
    const existing = await inspectNetwork(docker, cluster);
    if (existing) {
      const net = networkOf(cluster, existing);
      if (subnet && net.subnet !== subnet) throw new MachineConfigError(`network ${net.name} exists with subnet ${net.subnet}, not ${subnet}`);
      ensureInterMachineRule(cluster);
      return net;
    }
    const taken = (await docker.listNetworks()).flatMap((n) => (n.IPAM?.Config ?? []).map((c) => c.Subnet ?? ''));
    const chosen = subnet ?? pickFreeSubnet(taken);
    try {
      await docker.createNetwork(networkCreateOptions(cluster, validateMachineSubnet(chosen)));
      log.info({ cluster, subnet: chosen, bridge: bridgeName(cluster) }, 'machine network created');
    } catch (e) {
      // Another process took that subnet (or created this network) meanwhile: look again.
      if (attempt < 5 && /overlap|already exists/i.test((e as Error).message)) continue;
      throw new MachineError('NETWORK_FAILED', `creating network ${networkName(cluster)} on ${chosen}: ${(e as Error).message}`);
    }
  }
}

function machineFromInfo(docker: Dockerode, c: Dockerode.ContainerInfo): Machine {
  const l = c.Labels ?? {};
  return new Machine(docker, l[LABEL_CLUSTER], l[LABEL_MACHINE], c.Id, l[LABEL_ADDRESS], l[LABEL_SSH_KEY]);
}

/** The cluster's machines (any state), sorted by name. */
export async function listMachines(cluster: string): Promise<Machine[]> {
  const docker = await dockerClient();
  const list = await docker.listContainers({ all: true, filters: { label: [`${LABEL_CLUSTER}=${cluster}`, `${LABEL_MANAGED}=${MANAGED_BY}`] } });
  return list.map((c) => machineFromInfo(docker, c)).sort((a, b) => a.name.localeCompare(b.name));
}

/** Every cluster that has machines or a machine network on this daemon. */
export async function listClusters(): Promise<string[]> {
  const docker = await dockerClient();
  const filters = { label: [`${LABEL_MANAGED}=${MANAGED_BY}`] };
  const names = new Set<string>();
  for (const c of await docker.listContainers({ all: true, filters })) names.add(c.Labels[LABEL_CLUSTER]);
  for (const n of await docker.listNetworks({ filters })) names.add(n.Labels?.[LABEL_CLUSTER] ?? '');
  names.delete('');
  return [...names].sort();
}

export interface AddMachinesOptions {
  cluster: string;
  /** Machine names, which are also their hostnames. */
  names: string[];
  /** The cluster's state folder: its SSH key pair is made (once) in <stateDir>/ssh/. */
  stateDir: string;
  /** Machine subnet when the network is created (default: the first free /24 of 198.18.0.0/15). */
  subnet?: string;
  /** Node image (default: the project's, built or found by its inputs' hash). */
  image?: string;
}

/**
 * Creates and starts machines for the cluster (its network and key pair too, when missing) and
 * returns once each one's sshd takes the cluster's key. Names already in use are refused.
 */
export async function addMachines(o: AddMachinesOptions): Promise<Machine[]> {
  validateClusterName(o.cluster);
  o.names.forEach(validateMachineName);
  if (new Set(o.names).size !== o.names.length) throw new MachineConfigError(`machine names repeat: ${o.names.join(', ')}`);
  const docker = await dockerClient();
  const image = o.image ?? (await ensureNodeImage({ docker })).image;
  const key = ensureClusterKey(path.join(path.resolve(o.stateDir), 'ssh'), `k8ts-${o.cluster}`);
  const net = await ensureClusterNetwork(o.cluster, o.subnet);

  const existing = await listMachines(o.cluster);
  const clash = o.names.filter((n) => existing.some((m) => m.name === n));
  if (clash.length) throw new MachineError('MACHINE_EXISTS', `cluster ${o.cluster} already has machines ${clash.join(', ')}`);
  const addresses = allocateAddresses(validateMachineSubnet(net.subnet), existing.map((m) => m.address), o.names.length);

  const started = await Promise.allSettled(
    o.names.map(async (name, i) => {
      const opts = machineCreateOptions({ cluster: o.cluster, name, image, address: addresses[i], authorizedKey: key.publicKey });
      opts.Labels = { ...opts.Labels, [LABEL_SSH_KEY]: key.privateKeyPath };
      try {
        const c = await new MachineContainer(opts).start();
        const m = new Machine(docker, o.cluster, name, c.getId(), addresses[i], key.privateKeyPath);
        await m.waitForSsh();
        log.info({ cluster: o.cluster, machine: name, address: addresses[i], container: c.getId().slice(0, 12) }, 'machine up');
        return m;
      } catch (e) {
        throw new MachineError('MACHINE_START_FAILED', `machine ${name} of ${o.cluster}: ${(e as Error).message}${await logTail(docker, opts.name as string)}`);
      }
    }),
  );
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    // Leave nothing half made: the machines of this call go, earlier ones stay.
    for (const m of await listMachines(o.cluster)) if (o.names.includes(m.name)) await m.remove();
    throw failed.reason;
  }
  return started.map((r) => (r as PromiseFulfilledResult<Machine>).value);
}

/** `count` machines named <prefix>1..<prefix>N (default node-1, node-2, ...). */
export function machineNames(count: number, prefix = 'node-'): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${i + 1}`);
}

/** Removes the named machines of a cluster (their containers and volumes). */
export async function removeMachines(cluster: string, names: string[]): Promise<void> {
  for (const m of await listMachines(cluster)) if (names.includes(m.name)) await m.remove();
}

/** Removes every machine of the cluster, its network and the project's iptables rule for it. */
export async function removeCluster(cluster: string): Promise<void> {
  validateClusterName(cluster);
  const docker = await dockerClient();
  for (const m of await listMachines(cluster)) await m.remove();
  const existing = await inspectNetwork(docker, cluster);
  if (existing) {
    await docker
      .getNetwork(existing.Id)
      .remove()
      .catch((e: { statusCode?: number }) => {
        if (e.statusCode !== 404) throw e;
      });
    log.info({ cluster, network: existing.Name }, 'machine network removed');
  }
  removeInterMachineRule(cluster);
}

/** The clusters' networks and subnets (for `list`). */
export async function clusterNetwork(cluster: string): Promise<ClusterNetwork | undefined> {
  const info = await inspectNetwork(await dockerClient(), cluster);
  return info ? networkOf(cluster, info) : undefined;
}

/**
 * testcontainers' GenericContainer with the machine's full create options (a fixed address on
 * the cluster network, cgroup namespace, mounts) that its builder methods do not all cover.
 * It outlives the process that made it: no reaper, no automatic removal.
 */
class MachineContainer extends GenericContainer {
  constructor(opts: Dockerode.ContainerCreateOptions) {
    super(opts.Image as string);
    const { HostConfig, ...rest } = opts;
    Object.assign(this.createOpts, rest);
    Object.assign(this.hostConfig, HostConfig);
    this.withNetworkMode(HostConfig?.NetworkMode as string)
      .withAutoCleanup(false)
      .withWaitStrategy(Wait.forLogMessage(/Server listening on .* port 22/))
      .withStartupTimeout(60_000);
  }
}

