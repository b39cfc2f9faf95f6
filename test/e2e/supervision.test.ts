// Supervision end to end, on a real cluster in its own network namespace: every process killed
// with SIGKILL while a Deployment scales comes back by itself (visible in the status), losing no
// object and restarting no container; killing the supervisor leaves the cluster running and the
// next up adopts it; a second up from another home aimed at the same namespace refuses to start,
// naming the port and its holder, and leaves the first cluster untouched.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { clusterStatus, down, up, type ClusterInfo, type ClusterOptions } from '../../deploy/cluster/cluster';
import { clusterLayout, type ComponentName } from '../../deploy/cluster/layout';
import { alive, runningPid } from '../../deploy/supervisor/proc';
import type { SupervisorStatus, UnitStatus } from '../../deploy/supervisor/status';
import { DEFAULT_RESTART_POLICY } from '../../deploy/supervisor/unit';
import { repoRoot } from '../../lib/repo-root';
import { Kubectl } from '../harness/kubectl';
import { run, waitFor } from '../harness/exec';
import { isRunningReady } from '../harness/readiness';
import { webApp } from './manifests';

interface PodJson {
  metadata: { name: string; uid: string; deletionTimestamp?: string };
  status: { phase?: string; conditions?: { type: string; status: string }[]; containerStatuses?: { containerID?: string; restartCount: number }[] };
}

const KILL_ORDER: ComponentName[] = ['etcd', 'apiserver', 'controller-manager', 'scheduler', 'containerd', 'kubelet', 'kube-proxy', 'registry'];

describe('supervision (end to end)', function () {
  const opts: ClusterOptions = {
    home: fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-sv-')),
    netns: `k8ts-sv-${randomBytes(3).toString('hex')}`,
    nodeName: 'sv-node-1',
  };
  const intruderHome = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-sv2-'));
  let info: ClusterInfo;
  let k: Kubectl;

  const unitOf = (s: SupervisorStatus, name: string): UnitStatus => s.units.find((u) => u.name === name)!;
  const restartsOf = (s: SupervisorStatus) => Object.fromEntries(s.units.map((u) => [u.name, u.restarts]));
  const pidsOf = (s: SupervisorStatus) => Object.fromEntries(s.units.map((u) => [u.name, u.pid]));

  async function webPods(): Promise<PodJson[]> {
    const list = await k.json<{ items: PodJson[] }>(['get', 'pods', '-l', 'app=web']);
    return list.items.filter((p) => !p.metadata.deletionTimestamp);
  }

  async function runningPods(n: number): Promise<PodJson[]> {
    return waitFor(`${n} running web pods`, async () => {
      const ps = await webPods();
      return ps.length === n && ps.every(isRunningReady) && ps;
    }, 240_000, 1000);
  }

  /** uid of every object the test made or relies on, by kind/name. */
  async function objects(): Promise<Record<string, string>> {
    const list = await k.json<{ items: { kind: string; metadata: { name: string; uid: string } }[] }>([
      'get', 'deployments,replicasets,services,configmaps,namespaces,nodes', '-A',
    ]);
    return Object.fromEntries(list.items.map((o) => [`${o.kind}/${o.metadata.name}`, o.metadata.uid]));
  }

  before(async function () {
    info = await up(opts);
    k = new Kubectl(info.kubeconfig, info.netns);
    await k.run(['apply', '-f', '-'], webApp);
    for (let i = 0; i < 5; i++) await k.run(['create', 'configmap', `keep-${i}`, `--from-literal=n=${i}`]);
    await runningPods(3);
  });

  after(async function () {
    await down(opts, { purge: true });
    fs.rmSync(opts.home, { recursive: true, force: true });
    fs.rmSync(intruderHome, { recursive: true, force: true });
  });

  it('brings back every process killed with SIGKILL while a Deployment scales, losing no object and restarting no container', async () => {
    const objectsBefore = await objects();
    const containers = new Map((await runningPods(3)).map((p) => [p.metadata.uid, p.status.containerStatuses?.[0]?.containerID]));
    let replicas = 3;
    for (const c of KILL_ORDER) {
      const before = await clusterStatus(opts);
      const victim = unitOf(before, c);
      assert.equal(victim.state, 'running', `${c} runs before it is killed`);
      replicas = replicas === 3 ? 4 : 3;
      await k.run(['scale', 'deployment', 'web', `--replicas=${replicas}`]);

      const t0 = performance.now();
      process.kill(victim.pid!, 'SIGKILL');
      const back = await waitFor(`${c} running again`, async () => {
        const u = unitOf(await clusterStatus(opts), c);
        return u.state === 'running' && u.pid !== victim.pid && u;
      }, 60_000, 20);
      console.log(`      ${c}: kill -9 → running again in ${Math.round(performance.now() - t0)} ms (pid ${victim.pid} → ${back.pid})`);

      assert.equal(back.restarts, victim.restarts + 1, `${c} restarts`);
      assert.equal(back.lastExit?.signal, 'SIGKILL');
      assert.equal(back.lastExit?.requested, false);
      // a first crash is restarted after the base delay, not a backoff
      assert.equal(back.lastDecision?.reason, 'exited');
      assert.equal(back.lastDecision?.delayMs, DEFAULT_RESTART_POLICY.baseDelayMs);
      const after = await clusterStatus(opts);
      const others = (s: SupervisorStatus) => Object.entries(restartsOf(s)).filter(([n]) => n !== c);
      assert.deepEqual(others(after), others(before), `killing ${c} restarted nothing else`);

      // the apiserver answers 500 for a few seconds after etcd died (its etcd client's circuit
      // breaker): a rollout status that fails on one of those is asked again
      await waitFor('the rollout to complete', () => k.run(['rollout', 'status', 'deployment/web', '--timeout=240s']), 300_000, 1000);
      const ps = await runningPods(replicas);
      for (const p of ps) {
        assert.equal(p.status.containerStatuses?.[0]?.restartCount, 0, `${p.metadata.name} restarted a container after ${c} was killed`);
        const was = containers.get(p.metadata.uid);
        if (was !== undefined) assert.equal(p.status.containerStatuses?.[0]?.containerID, was, `${p.metadata.name} got a new container after ${c} was killed`);
        else containers.set(p.metadata.uid, p.status.containerStatuses?.[0]?.containerID);
      }
      const now = await waitFor('the objects', () => objects(), 60_000, 1000);
      for (const [key, uid] of Object.entries(objectsBefore)) assert.equal(now[key], uid, `${key} lost or replaced after ${c} was killed`);
    }
    const text = (await run(['node', path.join(repoRoot(), 'dist/deploy/cluster/main.js'), 'status', `--home=${opts.home}`])).stdout;
    for (const c of KILL_ORDER) assert.match(text, new RegExp(`^${c} +running +\\d+ +1 +signal KILL at `, 'm'), text);
  });

  it('leaves the components running when the supervisor is killed; the next up adopts them and restarts resume', async () => {
    const before = await clusterStatus(opts);
    assert.ok(before.supervisor.running);
    process.kill(before.supervisor.pid, 'SIGKILL');
    await waitFor('the supervisor to be gone', async () => !alive(before.supervisor.pid), 30_000, 50);
    const orphaned = await clusterStatus(opts);
    assert.equal(orphaned.supervisor.running, false);
    assert.deepEqual(pidsOf(orphaned), pidsOf(before), 'every component outlives the supervisor');
    await waitFor('the API to answer', () => k.run(['get', 'nodes']), 60_000, 1000);

    await up(opts);
    const adopted = await clusterStatus(opts);
    assert.ok(adopted.supervisor.running && adopted.supervisor.pid !== before.supervisor.pid);
    assert.deepEqual(pidsOf(adopted), pidsOf(before), 'the new supervisor adopts the running components');
    assert.ok(adopted.units.every((u) => u.adopted), 'adopted, not restarted');
    assert.deepEqual(restartsOf(adopted), restartsOf(before), 'restart counts carry over');

    const victim = unitOf(adopted, 'scheduler');
    process.kill(victim.pid!, 'SIGKILL');
    const back = await waitFor('scheduler running again', async () => {
      const u = unitOf(await clusterStatus(opts), 'scheduler');
      return u.state === 'running' && u.pid !== victim.pid && u;
    }, 60_000, 20);
    assert.equal(back.restarts, victim.restarts + 1);
    assert.equal(back.adopted, false);
    await runningPods(3);
  });

  it('refuses a second up from another home in the same netns, naming the port and its holder, and leaves the first untouched', async () => {
    const before = await clusterStatus(opts);
    const etcdPid = unitOf(before, 'etcd').pid!;
    const intruder: ClusterOptions = { home: intruderHome, netns: opts.netns, nodeName: 'intruder' };
    await assert.rejects(up(intruder), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'IN_USE');
      assert.match(e.message.split('\n')[0], new RegExp(`^port 2379 \\(etcd client\\) in netns ${opts.netns} is held by pid ${etcdPid} \\(etcd `));
      assert.match(e.message, new RegExp(`--data-dir=${opts.home}/etcd`));
      assert.match(e.message, /6443 \(apiserver, pid \d+\)/);
      return true;
    });
    // the same through the CLI: one clear failed step
    const cli = await run(['node', path.join(repoRoot(), 'dist/deploy/cluster/main.js'), 'up', `--home=${intruderHome}`, `--netns=${opts.netns}`, '--node-name=intruder'], { check: false });
    assert.equal(cli.code, 1);
    assert.match(cli.stderr, new RegExp(`^✗ ports and paths +\\d+\\.\\d s  port 2379 \\(etcd client\\) in netns ${opts.netns} is held by pid ${etcdPid} \\(etcd `, 'm'));
    assert.doesNotMatch(cli.stdout, /Ready|k8ts is up/);

    // nothing of the intruder runs, nothing of the first cluster changed
    const l = clusterLayout(intruderHome);
    assert.equal(fs.existsSync(path.join(l.runDir, 'supervisor.sock')), false);
    assert.equal(runningPid(l.pidFile('etcd')), undefined);
    const after = await clusterStatus(opts);
    assert.equal(after.supervisor.pid, before.supervisor.pid);
    assert.deepEqual(pidsOf(after), pidsOf(before));
    assert.deepEqual(restartsOf(after), restartsOf(before));
    const node = await waitFor('the node', () => k.json<{ status: { conditions: { type: string; status: string }[] } }>(['get', 'node', opts.nodeName!]), 60_000, 1000);
    assert.equal(node.status.conditions.find((c) => c.type === 'Ready')?.status, 'True');
    await runningPods(3);
  });
});
