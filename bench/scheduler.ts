// `npm run bench:scheduler`: the scheduler's throughput and latency in the shapes of upstream's
// scheduler_perf, against a real etcd and the real apiserver (its own process) with the real
// scheduler (its own process, dist/scheduler/main.js, leader election off). Nodes are fake — Ready
// Node objects registered through the API, no kubelet — so only scheduling is measured. Per
// workload: nodes, warm-up pods that stay, then the measured pods created at a bounded
// concurrency while a watch notes each binding: pods/s from the first create to the last binding
// (and over the steady middle), create→bound p50/p99, how evenly pods landed, and the CPU the
// scheduler, apiserver, etcd and this client spent. The raw baseline in the same run: the same
// number of pod-sized etcd puts at the same concurrency → ratio_to_raw_etcd_write. Workloads
// whose plugins the scheduler lacks are reported "unsupported"; SchedulingWithMixedChurn replaces a
// node, a Service and an unschedulable pod every second meanwhile. One JSON line.
// Environment: see schedBenchConfig (bench/scheduler-workloads.ts).
import * as os from 'node:os';
import { Resources } from '../lib/api/resources';
import type { KObject } from '../lib/api/types';
import { registry } from '../scheduler/framework/registry';
import { startTestApiserver, type TestApiserver } from '../test/helpers/apiserver';
import { findPid } from './proc-stats';
import { measureAlgorithm } from './scheduler-algorithm';
import { cpuMeter, startSchedulerProcess, type SchedulerProcess } from './scheduler-procs';
import { startChurn } from './scheduler-churn';
import { startFinalizer } from './scheduler-finalizer';
import { addNodes, deletePods, ensureNamespace, nodeBarrier, rawEtcdWrites, runPhase, type PhaseResult } from './scheduler-run';
import { antiAffinityViolations, latencies, spread, throughput } from './scheduler-stats';
import { missingPlugins, nodeName, PRIORITY_CLASSES, runOrder, schedBenchConfig, zoneOfNode, type SchedBenchConfig, type Workload } from './scheduler-workloads';

const kebab = (s: string) => s.replace(/_/g, '-').replace(/[A-Z]/g, (c, i: number) => (i ? '-' : '') + c.toLowerCase()).replace(/--+/g, '-');

interface Ctx {
  server: TestApiserver;
  sched: SchedulerProcess;
  pids: { scheduler: number; apiserver: number; etcd: number };
  cfg: SchedBenchConfig;
  rawPerSec: number;
  barriers: number;
}

async function runWorkload(ctx: Ctx, w: Workload): Promise<Record<string, unknown>> {
  const { client } = ctx.server;
  const namespace = `sched-bench-${kebab(w.name)}`;
  await ensureNamespace(client, namespace);
  await nodeBarrier(client, namespace, nodeName(w.nodes - 1), ctx.barriers++, ctx.cfg.timeoutSec * 1000);
  if (w.churn || [w.warmupTemplate, w.measureTemplate].some((t) => t.includes('priority'))) {
    for (const pc of PRIORITY_CLASSES) {
      await client.create(Resources.priorityclasses, { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: pc.name }, value: pc.value } as unknown as KObject).catch(() => undefined);
    }
  }
  const phase = { namespace, concurrency: ctx.cfg.concurrency, ratePerSec: ctx.cfg.ratePerSec, timeoutMs: ctx.cfg.timeoutSec * 1000, check: ctx.sched.check };
  try {
    const warm = await runPhase(client, { ...phase, shape: w.warmupTemplate, count: w.warmupPods, prefix: 'warm' });
    if (warm.timedOut) return { status: 'timeout', phase: 'warm-up', nodes: w.nodes, warmup_pods: w.warmupPods, bound: warm.nodes.length };
    const churn = w.churn ? startChurn(client, namespace) : undefined;
    // Preemption victims on fake nodes need the kubelet's final delete.
    const finalizer = w.measureTemplate.includes('priority') ? await startFinalizer(client, namespace) : undefined;
    const meter = cpuMeter(ctx.pids);
    let m: PhaseResult;
    try {
      m = await runPhase(client, { ...phase, shape: w.measureTemplate, count: w.measurePods, prefix: 'pod' });
    } finally {
      await churn?.stop();
      finalizer?.stop();
    }
    const cpu = meter.read();
    const t = throughput(m.firstCreateMs, m.boundAtMs);
    const lat = latencies(m.latencyMs);
    const names = Array.from({ length: w.nodes }, (_, i) => nodeName(i));
    // Spread over the identical nodes that stay; pods on churn nodes are counted apart.
    const stable = new Set(names);
    const placed = [...warm.nodes, ...m.nodes];
    const s = spread(names, placed.filter((n) => stable.has(n)));
    const perPod = (sec: number) => (m.nodes.length ? Math.round((sec * 1e6) / m.nodes.length) / 1000 : 0);
    const out: Record<string, unknown> = {
      status: m.timedOut ? 'timeout' : 'ok',
      nodes: w.nodes,
      warmup_pods: w.warmupPods,
      measure_pods: w.measurePods,
      bound: m.nodes.length,
      pods_per_sec: t.podsPerSec,
      steady_pods_per_sec: t.steadyPodsPerSec,
      creates_per_sec: m.lastCreateDoneMs > m.firstCreateMs ? Math.round((w.measurePods * 10_000) / (m.lastCreateDoneMs - m.firstCreateMs)) / 10 : 0,
      duration_ms: t.durationMs,
      create_to_bound_p50_ms: lat.p50Ms,
      create_to_bound_p99_ms: lat.p99Ms,
      create_to_bound_max_ms: lat.maxMs,
      ratio_to_raw_etcd_write: ctx.rawPerSec ? Math.round((t.podsPerSec / ctx.rawPerSec) * 1000) / 1000 : 0,
      max_pods_per_node: s.maxPodsPerNode,
      min_pods_per_node: s.minPodsPerNode,
      spread_max_minus_min: s.spreadMaxMinusMin,
      nodes_at_max: s.groupsAtMax,
      cpu_s: cpu,
      cpu_ms_per_pod: { scheduler: perPod(cpu.scheduler), apiserver: perPod(cpu.apiserver), etcd: perPod(cpu.etcd), bench: perPod(cpu.bench) },
    };
    if (finalizer) out.victims_finalized = finalizer.finalized();
    if (churn) Object.assign(out, { churn_rounds: churn.rounds(), pods_on_churn_nodes: placed.filter((n) => !stable.has(n)).length });
    // The constraint the shape asks for, checked on where the pods went.
    if (w.measureTemplate === 'anti-affinity') out.anti_affinity_violations = antiAffinityViolations([...warm.nodes, ...m.nodes]);
    if (w.measureTemplate === 'topology-spreading') out.zone_skew = spread([...new Set(names.map(zoneOfNode))], m.nodes.map(zoneOfNode)).spreadMaxMinusMin;
    return out;
  } finally {
    await deletePods(client, namespace);
  }
}

async function main(): Promise<void> {
  const cfg = schedBenchConfig();
  const loadavg1m = Math.round(os.loadavg()[0] * 100) / 100;
  // A workload runs when the scheduler registers every plugin it needs (upstream's names).
  const registered = Object.keys(registry);
  const cleanups: (() => Promise<void> | void)[] = [];
  const cleanup = async () => {
    for (const c of cleanups.splice(0).reverse()) await Promise.resolve().then(c).catch((e: Error) => process.stderr.write(`bench:scheduler cleanup: ${e.message}\n`));
  };
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => void cleanup().then(() => process.exit(130)));
  try {
    const server = await startTestApiserver({ name: 'bench-sched', logLevel: 'warn', ownProcess: true });
    cleanups.push(() => server.stop());
    const measured = cfg.workloads.filter((w) => missingPlugins(w, registered).length === 0);
    // The baseline first, on the fresh etcd, as many writes as the largest measured phase.
    const rawN = Math.max(1000, ...measured.map((w) => w.measurePods));
    const rawPerSec = await rawEtcdWrites(server.etcd.endpoint, rawN, cfg.concurrency);
    const sched = await startSchedulerProcess(server);
    cleanups.push(() => sched.stop());
    const pids = {
      scheduler: sched.pid,
      apiserver: findPid('apiserver/main.js', `--grpc-port ${server.api.grpcPort}`),
      etcd: findPid('etcd', server.etcd.dataDir),
    };
    const ctx: Ctx = { server, sched, pids, cfg, rawPerSec, barriers: 0 };
    const workloads: Record<string, unknown> = {};
    let nodes = 0;
    for (const w of runOrder(cfg.workloads)) {
      const missing = missingPlugins(w, registered);
      if (missing.length) {
        workloads[w.name] = { status: 'unsupported', missing_plugins: missing, nodes: w.nodes, warmup_pods: w.warmupPods, measure_pods: w.measurePods };
        continue;
      }
      await addNodes(server.client, nodes, w.nodes);
      nodes = Math.max(nodes, w.nodes);
      workloads[w.name] = await runWorkload(ctx, w);
      sched.check();
    }
    // The algorithm alone, in this process, after the processes above are stopped (quiet cores).
    await cleanup();
    const algorithm = {
      basic_1000_nodes: measureAlgorithm(1000, 2000),
      basic_5000_nodes: measureAlgorithm(5000, 2000),
      anti_affinity_500_nodes: measureAlgorithm(500, 400, 'anti-affinity', 100),
      topology_spreading_1000_nodes: measureAlgorithm(1000, 1000, 'topology-spreading', 1000),
    };
    process.stdout.write(
      JSON.stringify({
        bench: 'scheduler',
        cores: os.cpus().length,
        loadavg_1m_at_start: loadavg1m,
        scheduler: 'own process',
        concurrency: cfg.concurrency,
        rate_per_sec: cfg.ratePerSec || 'unpaced',
        raw_etcd_write_per_sec: rawPerSec,
        raw_etcd_writes: rawN,
        workloads,
        algorithm_in_process: { ...algorithm, ratio_basic_1000_to_raw_etcd_write: rawPerSec ? +(algorithm.basic_1000_nodes.decisions_per_sec / rawPerSec).toFixed(2) : 0 },
      }) + '\n',
    );
  } finally {
    await cleanup();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`bench:scheduler failed: ${(e as Error).stack ?? e}\n`);
    process.exit(1);
  },
);
