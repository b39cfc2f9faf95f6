// `npm run up -- --nodes N`: a cluster of N machines on this host. The machines are containers
// (deploy/machines: the project's dockerd, the node image, an internal network, SSH), node-1 the
// control plane and the rest workers; an inventory naming them is written into the cluster's home
// and handed to exactly the `k8ts deploy` users run against VMs — nothing past this file knows
// the machines are containers. `down` removes the machines, their volumes and the network.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import YAML from 'yaml';
import { ensureDockerDaemon, dockerClient } from '../machines/docker-daemon';
import { addMachines, clusterNetwork, listMachines, machineNames, removeCluster, removeMachines } from '../machines/machines';
import { bridgeName, validateClusterName } from '../machines/network-config';
import { ensureNodeImage } from '../node-image/build';
import { deploy, type DeployResult } from '../remote/deploy';
import { hostStep, silentDeployReporter, type DeployReporter } from '../remote/deploy-report';

export class MultiNodeError extends Error {
  constructor(
    readonly code: 'HOME_IN_USE' | 'NO_ROUTE_TO_MACHINES' | 'INVALID_OPTIONS',
    message: string,
  ) {
    super(message);
    this.name = 'MultiNodeError';
  }
}

/** What up --nodes saved in the home: which machines' cluster this is. */
export interface MachinesRecord {
  cluster: string;
  nodes: number;
}

const recordFile = (home: string) => path.join(home, 'machines.json');
export const inventoryFile = (home: string): string => path.join(home, 'cluster.yaml');

export function readMachinesRecord(home: string): MachinesRecord | undefined {
  try {
    return JSON.parse(fs.readFileSync(recordFile(home), 'utf8')) as MachinesRecord;
  } catch {
    return undefined;
  }
}

/** The machines' cluster name for a home: stable, and distinct for every checkout on this host. */
export function defaultClusterName(home: string): string {
  return `k${crypto.createHash('sha256').update(path.resolve(home)).digest('hex').slice(0, 8)}`;
}

/** Pure: the inventory of N machines (the first is the control plane). */
export function machinesInventory(o: { cluster: string; keyFile: string; machines: { name: string; address: string }[]; settings?: Record<string, string | number> }): string {
  const doc = {
    cluster: { name: o.cluster, ...(o.settings ?? {}) },
    ssh: { user: 'root', port: 22, key: o.keyFile },
    hosts: o.machines.map((m, i) => ({ address: m.address, role: i === 0 ? 'control-plane' : 'worker', name: m.name })),
  };
  return `# Written by npm run up -- --nodes ${o.machines.length}: the machines of this home, for k8ts deploy.\n${YAML.stringify(doc)}`;
}

/** The device this host routes an address through (`ip route get`). */
function routeDevice(address: string): string | undefined {
  try {
    const out = execFileSync('ip', ['-j', 'route', 'get', address], { encoding: 'utf8' });
    return (JSON.parse(out) as { dev?: string }[])[0]?.dev;
  } catch {
    return undefined;
  }
}

export interface UpNodesOptions {
  home: string;
  nodes: number;
  /** The machines' cluster name (default: derived from the home). */
  name?: string;
  /** Cluster options of the inventory (e.g. nodeMonitorGracePeriodSeconds). */
  settings?: Record<string, string | number>;
  progress?: DeployReporter;
}

export interface UpNodesResult extends DeployResult {
  inventory: string;
  machines: { name: string; address: string }[];
}

export async function upNodes(o: UpNodesOptions): Promise<UpNodesResult> {
  const r = o.progress ?? silentDeployReporter;
  if (!Number.isInteger(o.nodes) || o.nodes < 1 || o.nodes > 50) throw new MultiNodeError('INVALID_OPTIONS', `--nodes ${o.nodes}: give a whole number of machines from 1 to 50`);
  const home = path.resolve(o.home);
  if (fs.existsSync(path.join(home, 'cluster.json'))) {
    throw new MultiNodeError('HOME_IN_USE', `${home} holds the single-node cluster: npm run down -- --purge first, or give another --home`);
  }
  const saved = readMachinesRecord(home);
  const cluster = o.name ?? saved?.cluster ?? defaultClusterName(home);
  if (saved && saved.cluster !== cluster) throw new MultiNodeError('HOME_IN_USE', `${home} holds the machines of cluster ${saved.cluster}, not ${cluster}`);
  validateClusterName(cluster);
  fs.mkdirSync(home, { recursive: true });

  await hostStep(r, 'local', 'docker', () => ensureDockerDaemon(), (d) => `${d.host}${d.started ? ' (started)' : ''}`);
  const image = await hostStep(r, 'local', 'node image', async () => ensureNodeImage({ docker: await dockerClient() }), (i) => `${i.image} (${i.action === 'none' ? 'cached' : i.action})`);
  const want = machineNames(o.nodes);
  const have = await listMachines(cluster);
  const missing = want.filter((n) => !have.some((m) => m.name === n));
  await hostStep(r, 'local', 'machines', async () => {
    for (const m of have) if (want.includes(m.name) && (await m.state()) !== 'running') await m.start();
    if (missing.length) await addMachines({ cluster, names: missing, stateDir: home, image: image.image });
  }, () => `${want.length} (${missing.length ? `created ${missing.join(' ')}` : 'all there'})`);
  fs.writeFileSync(recordFile(home), JSON.stringify({ cluster, nodes: o.nodes } satisfies MachinesRecord, null, 2) + '\n');
  const machines = (await listMachines(cluster)).filter((m) => want.includes(m.name)).sort((a, b) => want.indexOf(a.name) - want.indexOf(b.name));

  // kubectl on this host talks to the control plane on its machine address: through the bridge
  const net = await clusterNetwork(cluster);
  const dev = routeDevice(machines[0].address);
  if (dev !== bridgeName(cluster)) {
    throw new MultiNodeError('NO_ROUTE_TO_MACHINES', `this host routes ${machines[0].address} through ${dev ?? 'nothing'}, not the machines' bridge ${bridgeName(cluster)} (network ${net?.subnet ?? '?'})`);
  }

  const inv = inventoryFile(home);
  const text = machinesInventory({ cluster, keyFile: path.join(home, 'ssh', 'id_ed25519'), machines: machines.map((m) => ({ name: m.name, address: m.address })), ...(o.settings ? { settings: o.settings } : {}) });
  fs.writeFileSync(inv, text);
  const res = await deploy({ inventory: inv, stateDir: home, progress: r });
  // machines beyond --nodes left the inventory: deploy removed their nodes; now the machines go
  const extra = have.filter((m) => !want.includes(m.name)).map((m) => m.name);
  if (extra.length) await hostStep(r, 'local', 'machines', () => removeMachines(cluster, extra), () => `removed ${extra.join(' ')}`);
  return { ...res, inventory: inv, machines: machines.map((m) => ({ name: m.name, address: m.address })) };
}

/** Removes the machines (their volumes) and the network; --purge removes the home as well. */
export async function downNodes(home: string, o: { purge?: boolean; progress?: DeployReporter } = {}): Promise<MachinesRecord | undefined> {
  const r = o.progress ?? silentDeployReporter;
  const rec = readMachinesRecord(home);
  if (!rec) return undefined;
  await hostStep(r, 'local', 'machines', () => removeCluster(rec.cluster), () => `${rec.cluster}: machines, volumes and network removed`);
  // the cluster lived on the machines: what described it goes with them (PKI and caches stay)
  for (const f of ['deployed.json', 'admin.kubeconfig', 'cluster.yaml', 'machines.json']) fs.rmSync(path.join(home, f), { force: true });
  if (o.purge) fs.rmSync(home, { recursive: true, force: true });
  return rec;
}
