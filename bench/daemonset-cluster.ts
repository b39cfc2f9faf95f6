// `node dist/bench/controllers-daemonset.js [--nodes N] [--samples S]`: the DaemonSet bench alone,
// on a cluster of its own. One node: `up` in a network namespace, as bench:controllers does. More:
// a machine network of namespaces (test/pod-network/machine-network.ts), the control plane on the
// first machine, plain workers (containerd, kubelet, kube-proxy) on the others, as
// test/workloads/daemonset.test.ts builds them. The measure runs as a worker process inside the
// control plane's namespace (the gRPC client reaches the apiserver there); everything is torn
// down after, also when the measure fails.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { down, up, type ClusterOptions } from '../deploy/cluster/cluster';
import { clusterLayout, CLUSTER_CIDR, SERVICE_CIDR } from '../deploy/cluster/layout';
import { GrpcApiClient, grpcOptionsFromKubeconfig } from '../lib/client/grpc-client';
import { MachineNetwork } from '../test/pod-network/machine-network';
import { WorkerNode } from '../test/pod-network/node-launcher';
import { daemonSetRollout, eligibleNodes } from './controllers-daemonset';

export interface BenchArgs {
  nodes: number;
  samples: number;
  worker?: string;
}

/** Pure: the command line of the standalone bench. */
export function parseBenchArgs(argv: string[]): BenchArgs {
  const out: BenchArgs = { nodes: 1, samples: 7 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    const count = (v: string, min: number) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < min) throw new Error(`${a} must be an integer ≥ ${min}, not ${JSON.stringify(v)}`);
      return n;
    };
    if (a === '--nodes') out.nodes = count(value(), 1);
    else if (a === '--samples') out.samples = count(value(), 1);
    else if (a === '--worker') out.worker = value();
    else throw new Error(`unknown argument ${JSON.stringify(a)} (usage: [--nodes N] [--samples S])`);
  }
  return out;
}

async function worker(kubeconfig: string, a: BenchArgs): Promise<void> {
  const client = new GrpcApiClient(grpcOptionsFromKubeconfig(kubeconfig));
  try {
    // Workers register as they come up: wait for all of them to take pods.
    for (let i = 0; (await eligibleNodes(client)).length < a.nodes; i++) {
      if (i >= 300) throw new Error(`fewer than ${a.nodes} Ready nodes after 5 min`);
      await new Promise((r) => setTimeout(r, 1000));
    }
    const figures = await daemonSetRollout({ client, samples: a.samples });
    console.log(JSON.stringify({ bench: 'controllers-daemonset', ...figures }));
  } finally {
    client.close();
  }
}

function runWorker(netns: string, kubeconfig: string, a: BenchArgs): Promise<number> {
  const script = path.join(__dirname, 'controllers-daemonset.js');
  const argv = ['--worker', kubeconfig, '--nodes', String(a.nodes), '--samples', String(a.samples)];
  return new Promise((resolve) => {
    const child = spawn('nsenter', [`--net=/run/netns/${netns}`, '--', process.execPath, script, ...argv], { stdio: 'inherit' });
    child.on('close', (c) => resolve(c ?? 1));
  });
}

async function standalone(a: BenchArgs): Promise<number> {
  const id = randomBytes(3).toString('hex');
  const homes = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-bench-ds-'));
  const net = a.nodes > 1 ? new MachineNetwork(`k8ts-bds-${id}`, [{ bridge: 'bdsnet', gateway: '198.18.215.254/24' }], { podCIDR: CLUSTER_CIDR, serviceCIDR: SERVICE_CIDR }) : undefined;
  const workers: WorkerNode[] = [];
  let cp: ClusterOptions | undefined;
  try {
    if (net) {
      net.create();
      const m1 = net.addMachine('node-1', 0, '198.18.215.1');
      cp = { home: path.join(homes, 'node-1'), netns: m1.netns, nodeName: 'bench-node-1', nodeIp: m1.ip };
    } else {
      cp = { home: path.join(homes, 'node-1'), netns: `k8ts-bds-${id}`, nodeName: 'bench-node-1' };
    }
    const info = await up(cp);
    for (let i = 2; i <= a.nodes; i++) {
      const ip = `198.18.215.${i}`;
      const m = net!.addMachine(`node-${i}`, 0, ip);
      const layout = clusterLayout(cp.home);
      const w = new WorkerNode({
        home: path.join(homes, `node-${i}`),
        netns: m.netns,
        nodeName: `bench-node-${i}`,
        nodeIp: ip,
        controlPlane: { ip: cp.nodeIp!, pkiDir: layout.pkiDir, imagesDir: layout.imagesDir },
      });
      workers.push(w);
      await w.start();
    }
    return await runWorker(info.netns!, info.kubeconfig, a);
  } finally {
    for (const w of workers) await w.stop().catch((e: Error) => console.error(`stopping a worker node: ${e.message}`));
    if (cp) await down(cp, { purge: true }).catch((e: Error) => console.error(`down: ${e.message}`));
    net?.destroy();
    fs.rmSync(homes, { recursive: true, force: true });
  }
}

export async function main(argv: string[]): Promise<void> {
  let code = 1;
  try {
    const a = parseBenchArgs(argv);
    if (a.worker) {
      await worker(a.worker, a);
      code = 0;
    } else {
      code = await standalone(a);
    }
  } catch (err) {
    console.error(err);
  }
  process.exit(code);
}
