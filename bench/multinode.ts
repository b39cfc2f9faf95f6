// bench:multinode — a cluster of machines on this host (`up --nodes 3`: containers of the cached
// node image, installed by k8ts deploy) to every node Ready, beside starting 3 bare containers of
// the same image until their sshd answers; the re-run that changes nothing; the memory of a worker
// node's own processes; pod-to-pod request round trip and bulk throughput across nodes as a ratio
// to the same pair of pods on one node; and a worker killed → the Service fully served again
// (grace period 20 s, default tolerations 10 s). One JSON line.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { downNodes, upNodes } from '../deploy/cluster/multi-node';
import { ensureDockerDaemon } from '../deploy/machines/docker-daemon';
import { addMachines, listMachines, removeCluster, type Machine } from '../deploy/machines/machines';
import { sshConnect, sshExec } from '../deploy/machines/ssh';
import { ensureBundle } from '../deploy/remote/bundle';
import { repoRoot } from '../lib/repo-root';
import { Kubectl } from '../test/harness/kubectl';
import { waitFor } from '../test/harness/exec';
import { isReady } from '../test/harness/readiness';
import { httpOk, WEB_MANIFEST } from '../test/cluster/web';

const SETTINGS = { nodeMonitorGracePeriodSeconds: 20, defaultNotReadyTolerationSeconds: 10, defaultUnreachableTolerationSeconds: 10 };
const BULK_MIB = 500;
const REQUESTS = 200;

async function ssh(m: Machine, command: string): Promise<string> {
  const c = await sshConnect(m.ssh);
  try {
    const r = await sshExec(c, command);
    if (r.code !== 0) throw new Error(`${m.name}: ${command}: ${r.stderr}`);
    return r.stdout;
  } finally {
    c.end();
  }
}

/** RSS of a worker's own processes (supervisor, kubelet and kube-proxy are `node`), by name, MiB. */
async function workerMemory(m: Machine): Promise<{ total: number; byProcess: Record<string, number> }> {
  const out = await ssh(m, 'ps -eo rss=,comm=');
  const byProcess: Record<string, number> = {};
  for (const line of out.trim().split('\n')) {
    const [rss, comm] = line.trim().split(/\s+/, 2);
    if (!/^(node|containerd|containerd-shim.*)$/.test(comm)) continue;
    byProcess[comm] = (byProcess[comm] ?? 0) + Number(rss) / 1024;
  }
  for (const k of Object.keys(byProcess)) byProcess[k] = Math.round(byProcess[k]);
  return { total: Object.values(byProcess).reduce((a, b) => a + b, 0), byProcess };
}

const pinnedPod = (name: string, node: string) => `apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
  nodeName: ${node}
  containers: [{name: c, image: 'k8ts/web:1.0'}]
`;

/** busybox's `time` prints "real\t0m 1.23s" on stderr; the seconds of it. */
function busyboxSeconds(stderr: string): number {
  const m = /real\s+(?:(\d+)m\s*)?([\d.]+)s/.exec(stderr);
  if (!m) throw new Error(`no time in ${JSON.stringify(stderr)}`);
  return Number(m[1] ?? 0) * 60 + Number(m[2]);
}

async function podNetwork(k: Kubectl): Promise<Record<string, number>> {
  for (const [name, node] of [['server', 'node-2'], ['near', 'node-2'], ['far', 'node-3']]) await k.out(['apply', '-f', '-'], pinnedPod(name, node));
  const ip = await waitFor('the pods Running', async () => {
    const items = (await k.json<{ items: { metadata: { name: string }; status: { phase?: string; podIP?: string } }[] }>(['get', 'pods'])).items;
    const running = items.filter((p) => p.status.phase === 'Running');
    return running.length === 3 && running.find((p) => p.metadata.name === 'server')?.status.podIP;
  }, 180_000);
  await k.out(['exec', 'server', '--', 'dd', 'if=/dev/zero', 'of=/tmp/www/big', 'bs=1M', `count=${BULK_MIB}`]);
  const timed = async (pod: string, script: string): Promise<number> => {
    const r = await k.run(['exec', pod, '--', 'sh', '-c', `time sh -c '${script}' >/dev/null`]);
    return busyboxSeconds(r.stderr);
  };
  const rtt = (pod: string) => timed(pod, `for i in $(seq ${REQUESTS}); do wget -qO- http://${ip}:8080/; done`);
  const bulk = (pod: string) => timed(pod, `wget -qO- http://${ip}:8080/big`);
  // warm both paths, then take each measure in turns, the best of three
  await rtt('near');
  await rtt('far');
  const near = { rtt: Infinity, bulk: Infinity };
  const far = { rtt: Infinity, bulk: Infinity };
  for (let i = 0; i < 3; i++) {
    near.rtt = Math.min(near.rtt, await rtt('near'));
    far.rtt = Math.min(far.rtt, await rtt('far'));
    near.bulk = Math.min(near.bulk, await bulk('near'));
    far.bulk = Math.min(far.bulk, await bulk('far'));
  }
  // the scheduler counts pods without requests as 100m/200Mi: these would skew the spread below
  await k.out(['delete', 'pod', 'server', 'near', 'far', '--wait=true']);
  const ms = (s: number) => Number(((s * 1000) / REQUESTS).toFixed(2));
  const mibs = (s: number) => Math.round(BULK_MIB / s);
  return {
    request_rtt_ms_same_node: ms(near.rtt),
    request_rtt_ms_cross_node: ms(far.rtt),
    ratio_rtt_cross_to_same: Number((far.rtt / near.rtt).toFixed(2)),
    bulk_mib_s_same_node: mibs(near.bulk),
    bulk_mib_s_cross_node: mibs(far.bulk),
    ratio_throughput_cross_to_same: Number((near.bulk / far.bulk).toFixed(2)),
  };
}

/** A worker killed: how long until the Service answers every request again (ten in a row). */
async function nodeKill(k: Kubectl, machines: Machine[]): Promise<{ served_again_after_kill_ms: number; replacements_running_after_kill_ms: number }> {
  await k.out(['apply', '-f', '-'], WEB_MANIFEST);
  type P = { metadata: { deletionTimestamp?: string; labels?: Record<string, string> }; spec: { nodeName?: string }; status: { conditions?: { type: string; status: string }[] } };
  const web = async () => (await k.json<{ items: P[] }>(['get', 'pods', '-l', 'app=web'])).items.filter((p) => !p.metadata.deletionTimestamp);
  await waitFor('6 web pods Ready on both workers', async () => {
    const ps = (await web()).filter(isReady);
    return ps.length === 6 && new Set(ps.map((p) => p.spec.nodeName)).size === 2;
  }, 240_000);
  const port = (await k.out(['get', 'svc', 'web', '-o', 'jsonpath={.spec.ports[0].nodePort}'])).trim();
  const url = `http://${machines[0].address}:${port}/`;
  const victim = machines[2];
  const killedAt = performance.now();
  await victim.stop(0);
  let streak = 0;
  let streakStart = 0;
  let servedAt = 0;
  while (!servedAt) {
    const t = performance.now();
    if (await httpOk(url, 1000)) {
      if (streak++ === 0) streakStart = t;
      if (streak === 10) servedAt = streakStart;
    } else streak = 0;
    await new Promise((r) => setTimeout(r, 200));
    if (performance.now() - killedAt > 300_000) throw new Error('the Service was not fully served again within 5 minutes');
  }
  await waitFor('6 web pods Ready on the surviving worker', async () => (await web()).filter((p) => isReady(p) && p.spec.nodeName !== victim.name).length === 6, 300_000);
  const replacedAt = performance.now();
  return { served_again_after_kill_ms: Math.round(servedAt - killedAt), replacements_running_after_kill_ms: Math.round(replacedAt - killedAt) };
}

async function main(): Promise<void> {
  await ensureDockerDaemon();
  const id = crypto.randomBytes(3).toString('hex');
  // the baseline: three bare machines of the same image, until each sshd takes the key
  const rawDir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-bench-raw-'));
  let rawMs = 0;
  try {
    const t = performance.now();
    await addMachines({ cluster: `r${id}`, names: ['node-1', 'node-2', 'node-3'], stateDir: rawDir });
    rawMs = performance.now() - t;
  } finally {
    await removeCluster(`r${id}`);
    fs.rmSync(rawDir, { recursive: true, force: true });
  }

  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-bench-nodes-'));
  try {
    // the bundle is built once per checkout (cached by its hash in the home): not part of bringing machines up
    let t = performance.now();
    await ensureBundle(repoRoot(), path.join(home, 'bundles'));
    const bundleMs = performance.now() - t;
    t = performance.now();
    const res = await upNodes({ home, nodes: 3, name: `b${id}`, settings: SETTINGS });
    const upMs = performance.now() - t;
    t = performance.now();
    const again = await upNodes({ home, nodes: 3, name: `b${id}`, settings: SETTINGS });
    const rerunMs = performance.now() - t;
    if (again.changed) throw new Error('the re-run changed something');
    const machines = await listMachines(`b${id}`);
    const k = new Kubectl(res.kubeconfig!);
    await new Promise((r) => setTimeout(r, 15_000)); // let start-up garbage settle before reading RSS
    const memory = await workerMemory(machines[1]);
    const net = await podNetwork(k);
    const kill = await nodeKill(k, machines);
    console.log(
      JSON.stringify({
        bench: 'multinode',
        up_nodes_3_to_ready_ms: Math.round(upMs),
        raw_3_containers_ssh_ms: Math.round(rawMs),
        ratio_up_to_raw: Number((upMs / rawMs).toFixed(1)),
        rerun_unchanged_ms: Math.round(rerunMs),
        bundle_build_ms: Math.round(bundleMs),
        worker_rss_mib: memory.total,
        worker_rss_mib_by_process: memory.byProcess,
        ...net,
        ...kill,
        settings: SETTINGS,
      }),
    );
  } finally {
    await downNodes(home, { purge: true });
    fs.rmSync(home, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
