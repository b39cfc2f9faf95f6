// `npm run bench:scale`: the control plane at 1,000 nodes (issue 12). A real etcd, the real
// apiserver, scheduler and controller-manager (each its own process) and one hollow-node process
// running N hollow kubelets (registration, Lease renewals, pods moved to Running with real status
// writes). Deployments totalling N × pods-per-node replicas are created at once; the bench waits
// until every pod is Running and Ready, or reports what was reached at the deadline. Meanwhile a
// probe client issues a steady mix of calls and times them (bench/scale-probe.ts), and the
// apiserver's own apiserver_request_duration_seconds over the same phase gives p99 per SLO class
// (bench/scale-metrics.ts). Also: RSS (peak and end) of every process, their CPU, pods/s, and the
// raw baseline of pod-sized etcd puts at the same concurrency in the same run. One JSON line.
// Environment: bench/scale-workload.ts (scaleConfig); BENCH_SCALE_SMOKE=1 is a run of seconds.
import * as https from 'node:https';
import * as os from 'node:os';
import { Resources } from '../lib/api/resources';
import type { Node } from '../lib/api/types';
import { HOLLOW_LABEL } from '../hollow-node/hollow-nodes';
import { startTestApiserver, type TestApiserver } from '../test/helpers/apiserver';
import { cpuSeconds, findPid } from './proc-stats';
import { rawEtcdWrites } from './scheduler-run';
import { startSchedulerProcess } from './scheduler-procs';
import { throughput } from './scheduler-stats';
import { busiest, diffHistograms, failedCalls, parseDurationHistogram, sloReport } from './scale-metrics';
import { startProbe } from './scale-probe';
import { rssMiB, startControllerManager, startHollowNodeProcess, type ComponentProcess } from './scale-procs';
import { createDeployments, createNamespaces, PodTracker, scaleConfig } from './scale-workload';

const PROBE_NS = 'scale-probe';

/** The apiserver's /metrics over its secure port, as the admin client. */
function scrapeMetrics(server: TestApiserver): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = https.get(
      { host: '127.0.0.1', servername: '', port: server.api.securePort, path: '/metrics', ca: server.certs.ca, cert: server.certs.clientCert, key: server.certs.clientKey, timeout: 60_000 },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`/metrics answered ${res.statusCode}`))));
      },
    );
    req.on('timeout', () => req.destroy(new Error('/metrics timed out')));
    req.on('error', reject);
  });
}

const isReady = (n: Node) => !!n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');

async function waitNodesReady(server: TestApiserver, want: number, timeoutMs: number, check: () => void): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const nodes = await server.client.list<Node>(Resources.nodes, undefined, { labelSelector: `${HOLLOW_LABEL}=true` });
    const ready = nodes.items.filter(isReady).length;
    if (ready >= want) return;
    if (Date.now() > deadline) throw new Error(`only ${ready} of ${want} hollow nodes Ready after ${timeoutMs} ms`);
    check();
    await new Promise((r) => setTimeout(r, 1000));
  }
}

async function main(): Promise<void> {
  const cfg = scaleConfig();
  const total = cfg.deployments * cfg.replicas;
  const loadavg1m = Math.round(os.loadavg()[0] * 100) / 100;
  const cleanups: (() => Promise<void> | void)[] = [];
  // One cleanup however many ask for it (a signal, the watchdog, main's finally): each caller
  // waits for the same run, so no exit happens while processes are still being stopped.
  let cleaning: Promise<void> | undefined;
  const cleanup = () =>
    (cleaning ??= (async () => {
      for (const c of cleanups.splice(0).reverse()) await Promise.resolve().then(c).catch((e: Error) => process.stderr.write(`bench:scale cleanup: ${e.message}\n`));
    })());
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => void cleanup().then(() => process.exit(130)));
  // Nothing may hang the bench: past every phase's own deadline and a margin, clean up and fail.
  const watchdogMs = (cfg.timeoutSec + cfg.registerTimeoutSec + 300) * 1000;
  const watchdog = setTimeout(() => {
    process.stderr.write(`bench:scale: no result after ${watchdogMs / 1000} s, giving up\n`);
    void cleanup().then(() => process.exit(1));
  }, watchdogMs);
  watchdog.unref();
  const progress = (s: string) => process.stderr.write(`bench:scale: ${s}\n`);
  try {
    const server = await startTestApiserver({ name: 'bench-scale', logLevel: 'warn', ownProcess: true });
    cleanups.push(() => server.stop());
    const pids: Record<string, number> = {
      apiserver: findPid('apiserver/main.js', `--grpc-port ${server.api.grpcPort}`),
      etcd: findPid('etcd', server.etcd.dataDir),
    };
    // The baseline on the fresh etcd: pod-sized puts at the same concurrency, before any load.
    const rawN = Math.max(1000, Math.min(total, 5000));
    const rawPerSec = await rawEtcdWrites(server.etcd.endpoint, rawN, cfg.rawConcurrency);
    progress(`raw etcd ${rawPerSec} puts/s; starting the controller-manager, the scheduler and ${cfg.nodes} hollow nodes`);

    const procs: ComponentProcess[] = [];
    const cm = await startControllerManager(server, cfg.logLevel);
    cleanups.push(() => cm.stop());
    procs.push(cm);
    const sched = await startSchedulerProcess(server);
    cleanups.push(() => sched.stop());
    procs.push({ name: 'scheduler', pid: sched.pid, logFile: sched.logFile, check: sched.check, stop: sched.stop });
    const r0 = performance.now();
    const hollow = await startHollowNodeProcess(server, cfg.nodes, cfg.registerTimeoutSec * 1000);
    cleanups.push(() => hollow.stop());
    procs.push(hollow);
    const checkAll = () => procs.forEach((p) => p.check());
    await waitNodesReady(server, cfg.nodes, cfg.registerTimeoutSec * 1000, checkAll);
    const registerMs = Math.round(performance.now() - r0);
    for (const p of procs) pids[p.name] = p.pid;
    progress(`${cfg.nodes} nodes Ready in ${registerMs} ms; creating ${cfg.deployments} Deployments × ${cfg.replicas}`);

    const namespaces = Array.from({ length: cfg.namespaces }, (_, i) => `scale-${i}`);
    await createNamespaces(server.client, [PROBE_NS, ...namespaces]);
    const tracker = new PodTracker(server.client);
    cleanups.push(() => tracker.stop());
    await tracker.start();

    const scrapeBefore = await scrapeMetrics(server);
    const metricsBefore = parseDurationHistogram(scrapeBefore);
    const cpu0 = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuSeconds(pid)]));
    const self0 = process.cpuUsage();
    const probe = startProbe(server.client, { namespace: PROBE_NS, pod: () => tracker.anyPod(), node: () => `hollow-${Math.floor(Math.random() * cfg.nodes)}`, listNamespace: () => namespaces[Math.floor(Math.random() * namespaces.length)] }, cfg.probe);
    let probeStopped = false;
    cleanups.push(async () => {
      if (!probeStopped) await probe.stop();
    });

    const t0 = await createDeployments(server.client, cfg);
    const deadline = t0 + cfg.timeoutSec * 1000;
    const samples: { t_s: number; created: number; bound: number; ready: number }[] = [];
    let nextSample = t0;
    let timedOut = false;
    while (tracker.get().ready < total) {
      const now = performance.now();
      if (now >= nextSample) {
        const c = tracker.get();
        samples.push({ t_s: Math.round((now - t0) / 1000), ...c });
        progress(`t=${Math.round((now - t0) / 1000)} s created ${c.created} bound ${c.bound} ready ${c.ready} of ${total}`);
        nextSample += 30_000;
      }
      if (now > deadline) {
        timedOut = true;
        break;
      }
      checkAll();
      await new Promise((r) => setTimeout(r, 250));
    }
    const endMs = performance.now();
    const reached = tracker.get();
    samples.push({ t_s: Math.round((endMs - t0) / 1000), ...reached });

    probeStopped = true;
    const probeReport = await probe.stop();
    const scrapeAfter = await scrapeMetrics(server);
    const phase = diffHistograms(metricsBefore, parseDurationHistogram(scrapeAfter));
    const slo = sloReport(phase);
    // Nodes whose Lease or status went stale under the load show up here (node-lifecycle's view).
    const nodesReadyAtEnd = (await server.client.list<Node>(Resources.nodes, undefined, { labelSelector: `${HOLLOW_LABEL}=true` })).items.filter(isReady).length;
    const self = process.cpuUsage(self0);
    const cpu = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, Math.round((cpuSeconds(pid) - cpu0[k]) * 10) / 10]));
    cpu.bench = Math.round((self.user + self.system) / 1e5) / 10;
    const rss = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, rssMiB(pid)]));
    const selfRss = Math.round(process.memoryUsage().rss / 2 ** 20);
    checkAll();

    const t = throughput(t0, tracker.readyAtMs);
    // Done: ready pods over the time to the last one; at the deadline: over the time elapsed.
    const podsPerSec = timedOut ? Math.round((reached.ready * 10_000) / (endMs - t0)) / 10 : Math.round(t.podsPerSec * 10) / 10;
    process.stdout.write(
      JSON.stringify({
        bench: 'scale',
        status: timedOut ? 'timeout' : 'ok',
        cores: os.cpus().length,
        loadavg_1m_at_start: loadavg1m,
        nodes: cfg.nodes,
        deployments: cfg.deployments,
        replicas: cfg.replicas,
        namespaces: cfg.namespaces,
        pods: total,
        timeout_s: cfg.timeoutSec,
        nodes_ready_ms: registerMs,
        pods_created: reached.created,
        pods_bound: reached.bound,
        pods_running_ready: reached.ready,
        time_to_all_running_s: timedOut ? null : Math.round(t.durationMs / 100) / 10,
        elapsed_s: Math.round((endMs - t0) / 100) / 10,
        pods_per_sec: podsPerSec,
        steady_pods_per_sec: Math.round(t.steadyPodsPerSec * 10) / 10,
        raw_etcd_write_per_sec: rawPerSec,
        raw_etcd_writes: rawN,
        raw_concurrency: cfg.rawConcurrency,
        ratio_to_raw_etcd_write: rawPerSec ? Math.round((podsPerSec / rawPerSec) * 1000) / 1000 : 0,
        // Kubernetes' API SLOs from the apiserver's histogram over the load phase.
        slo_apiserver: slo,
        busiest_calls: busiest(phase),
        failed_calls: failedCalls(scrapeBefore, scrapeAfter),
        nodes_ready_at_end: nodesReadyAtEnd,
        probe_qps: cfg.probe,
        probe_client_ms: probeReport,
        rss_mib: { ...Object.fromEntries(Object.entries(rss).map(([k, v]) => [k, { peak: v.peak, end: v.rss }])), bench: selfRss },
        cpu_s: cpu,
        progress: samples,
      }) + '\n',
    );
  } finally {
    clearTimeout(watchdog);
    await cleanup();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`bench:scale failed: ${(e as Error).stack ?? e}\n`);
    process.exit(1);
  },
);
