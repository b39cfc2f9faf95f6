// `npm run bench:hollow`: hollow nodes against a real apiserver (its own process, as in a cluster).
// Prints one JSON line: the wall time to register N hollow nodes (each the kubelet's NodeAgent:
// Node create, status read and write, Lease read and create) beside the raw baseline of creating
// the same N Nodes and N Leases directly at the same concurrency in the same run; then the steady
// write rate over a window (Lease renewals/s, which the real 10 s schedule puts at N/10, and Node
// status writes/s) with the CPU the hollow process and the apiserver spend per node.
import type { Lease, Node } from '../lib/api/types';
import { Resources } from '../lib/api/resources';
import { renewedLease, LEASE_NAMESPACE } from '../kubelet/node/node-agent';
import { newNodeObject } from '../kubelet/node/node-status';
import { forEachLimited, HOLLOW_DEFAULTS, hollowStatusInputs, startHollowNodes } from '../hollow-node/hollow-nodes';
import { startTestApiserver } from '../test/helpers/apiserver';
import { cpuSeconds, findPid } from './proc-stats';

const N = Number(process.env.BENCH_HOLLOW_N ?? 1000);
const WINDOW_S = Number(process.env.BENCH_HOLLOW_WINDOW_S ?? 30);
const CONCURRENCY = HOLLOW_DEFAULTS.registerConcurrency;

async function main(): Promise<void> {
  const server = await startTestApiserver({ name: 'bench-hollow', logLevel: 'warn', ownProcess: true });
  const { client, api } = server;
  const apiPid = findPid('apiserver/main.js', `--grpc-port ${api.grpcPort}`);
  try {
    // Raw baseline: the same Node objects and Leases, created directly (names raw-<i>), then removed.
    const raw = Array.from({ length: N }, (_, i) => `raw-${i}`);
    const r0 = performance.now();
    await forEachLimited(raw, CONCURRENCY, async (name) => {
      const i = Number(name.slice(4));
      const node = await client.create<Node>(Resources.nodes, newNodeObject(hollowStatusInputs(name, i, HOLLOW_DEFAULTS, new Date().toISOString())));
      await client.create<Lease>(Resources.leases, renewedLease(name, node.metadata.uid, new Date().toISOString()));
    });
    const rawMs = performance.now() - r0;
    await forEachLimited(raw, CONCURRENCY, async (name) => {
      await client.delete(Resources.leases, LEASE_NAMESPACE, name);
      await client.delete(Resources.nodes, undefined, name);
    });

    const hollow = await startHollowNodes({ client, nodes: N, firstIndex: N, deleteNodesOnStop: true });
    try {
      // Steady state: every write to a hollow Lease or Node seen through a watch over the window.
      let leaseWrites = 0;
      let nodeWrites = 0;
      const counting = { on: false };
      const onClose = () => undefined;
      const w1 = client.watch<Lease>(Resources.leases, LEASE_NAMESPACE, {}, { onEvent: (ev) => void (counting.on && ev.type === 'MODIFIED' && ev.object.metadata.name?.startsWith('hollow-') && leaseWrites++), onClose });
      const w2 = client.watch<Node>(Resources.nodes, undefined, {}, { onEvent: (ev) => void (counting.on && ev.type === 'MODIFIED' && ev.object.metadata.name?.startsWith('hollow-') && nodeWrites++), onClose });
      await new Promise((r) => setTimeout(r, 5000));
      counting.on = true;
      const self0 = process.cpuUsage();
      const api0 = cpuSeconds(apiPid);
      const t0 = performance.now();
      await new Promise((r) => setTimeout(r, WINDOW_S * 1000));
      const s = (performance.now() - t0) / 1000;
      counting.on = false;
      const selfCpu = process.cpuUsage(self0);
      const apiCpu = cpuSeconds(apiPid) - api0;
      w1.stop();
      w2.stop();
      console.log(
        JSON.stringify({
          bench: 'hollow-nodes',
          nodes: N,
          register_concurrency: CONCURRENCY,
          register_ms: hollow.registerMs,
          raw_create_ms: Math.round(rawMs),
          register_vs_raw: +(hollow.registerMs / rawMs).toFixed(2),
          window_s: +s.toFixed(1),
          lease_writes_per_s: +(leaseWrites / s).toFixed(1),
          lease_writes_expected_per_s: +(N / (HOLLOW_DEFAULTS.leaseRenewMs / 1000)).toFixed(1),
          node_status_writes_per_s: +(nodeWrites / s).toFixed(2),
          hollow_cpu_ms_per_node_per_s: +((selfCpu.user + selfCpu.system) / 1000 / s / N).toFixed(4),
          apiserver_cpu_ms_per_node_per_s: +((apiCpu * 1000) / s / N).toFixed(4),
          rss_mib: Math.round(process.memoryUsage().rss / 2 ** 20),
        }),
      );
    } finally {
      await hollow.stop();
    }
  } finally {
    await server.stop();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
