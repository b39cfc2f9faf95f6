// The resource metrics pipeline and the HorizontalPodAutoscaler on a real single-node cluster,
// with the real kubectl: `kubectl top nodes|pods` show what the kubelet reads from the cgroups
// (scraped by the apiserver's built-in Metrics API); an HPA on 50% CPU scales a Deployment of
// CPU burners up, and back down once their load is switched off; HPAs bring a ReplicaSet and a
// StatefulSet up to their minReplicas through the /scale subresource. The cluster runs with a
// 5 s metric resolution and a 2 s HPA sync period (upstream's 15 s each, kept as the defaults):
// every step waits on a scrape and an HPA look, and what is proven does not depend on their length.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { up, down, type ClusterInfo, type ClusterOptions } from '../../deploy/cluster/cluster';
import { Kubectl } from '../harness/kubectl';
import { run, waitFor } from '../harness/exec';
import { burnerDeployment, cpuHpa } from './hpa-manifests';
import { hpaReaction } from '../../bench/controllers-hpa';

type Hpa = {
  status?: { currentReplicas?: number; desiredReplicas?: number; currentMetrics?: { resource?: { current?: { averageUtilization?: number } } }[]; conditions?: { type: string; status: string; reason: string }[] };
};

describe('metrics pipeline and HorizontalPodAutoscaler', function () {
  this.timeout(900_000);
  const opts: ClusterOptions = {
    home: fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-hpa-')),
    netns: `k8ts-hpa-${randomBytes(3).toString('hex')}`,
    nodeName: 'hpa-node-1',
    extraFlags: { apiserver: ['--metric-resolution=5'], 'controller-manager': ['--horizontal-pod-autoscaler-sync-period=2'] },
  };
  let info: ClusterInfo;
  let k: Kubectl;

  const replicasOf = async (kind: string, name: string) => (await k.json<{ spec: { replicas: number } }>(['get', kind, name])).spec.replicas;
  const runningPods = async (app: string) =>
    (await k.json<{ items: { metadata: { deletionTimestamp?: string }; status: { phase?: string } }[] }>(['get', 'pods', '-l', `app=${app}`])).items.filter(
      (p) => p.status.phase === 'Running' && !p.metadata.deletionTimestamp,
    ).length;

  before(async function () {
    info = await up(opts);
    k = new Kubectl(info.kubeconfig, info.netns);
    await k.run(['apply', '-f', '-'], burnerDeployment('burner', 'on'));
    await waitFor('the burner running', async () => (await runningPods('burner')) === 1, 120_000, 500);
  });

  after(async function () {
    await down(opts, { purge: true }).catch(() => undefined);
    fs.rmSync(opts.home, { recursive: true, force: true });
  });

  it('discovery lists metrics.k8s.io/v1beta1 with nodes and pods', async () => {
    assert.ok((await k.out(['api-versions'])).split('\n').includes('metrics.k8s.io/v1beta1'));
    const r = await k.out(['api-resources', '--api-group=metrics.k8s.io']);
    assert.match(r, /^nodes\s+metrics\.k8s\.io\/v1beta1\s+false\s+NodeMetrics$/m);
    assert.match(r, /^pods\s+metrics\.k8s\.io\/v1beta1\s+true\s+PodMetrics$/m);
  });

  it('kubectl top nodes shows the node with real CPU and memory usage', async () => {
    const out = await waitFor('node metrics', async () => {
      const r = await run(['kubectl', '--kubeconfig', info.kubeconfig, 'top', 'nodes', '--no-headers'], { netns: info.netns, check: false });
      return r.code === 0 && r.stdout;
    }, 120_000, 2000);
    // NAME CPU(cores) CPU% MEMORY(bytes) MEMORY%
    const m = new RegExp(`^${opts.nodeName}\\s+(\\d+)m\\s+(\\d+)%\\s+(\\d+)Mi\\s+(\\d+)%\\s*$`, 'm').exec(out);
    assert.ok(m, `unexpected kubectl top nodes output: ${out}`);
    // The burner alone keeps at least a tenth of a core busy; the machine uses memory.
    assert.ok(Number(m[1]) >= 100, `node CPU ${m[1]}m`);
    assert.ok(Number(m[3]) > 0);
    assert.match(await k.out(['top', 'node', opts.nodeName!, '--no-headers']), new RegExp(`^${opts.nodeName}\\s+\\d+m\\s+\\d+%`));
    const raw = JSON.parse(await k.out(['get', '--raw', `/apis/metrics.k8s.io/v1beta1/nodes/${opts.nodeName}`]));
    assert.equal(raw.kind, 'NodeMetrics');
    assert.match(raw.window, /^\d+(\.\d+)?s$/);
    assert.match(raw.usage.cpu, /^\d+(n|u|m)?$/);
    assert.match(raw.usage.memory, /^\d+(Ki|Mi|Gi)?$/);
  });

  it('kubectl top pods shows the burner at its CPU limit, per container, by label and across namespaces', async () => {
    const out = await waitFor('pod metrics near the burner limit', async () => {
      const r = await run(['kubectl', '--kubeconfig', info.kubeconfig, 'top', 'pods', '--no-headers'], { netns: info.netns, check: false });
      const m = /^burner-\S+\s+(\d+)m\s+(\d+)Mi\s*$/m.exec(r.stdout);
      return r.code === 0 && !!m && Number(m[1]) >= 100 && r.stdout;
    }, 120_000, 2000);
    const cpu = Number(/^burner-\S+\s+(\d+)m/m.exec(out)![1]);
    // Capped at 150m by its CFS quota: the reading is the cgroup's, not the machine's.
    assert.ok(cpu >= 100 && cpu <= 170, `burner CPU ${cpu}m`);
    const podName = /^(burner-\S+)/m.exec(out)![1];
    assert.match(await k.out(['top', 'pod', podName, '--no-headers']), new RegExp(`^${podName}\\s+\\d+m\\s+\\d+Mi`));
    const containers = await k.out(['top', 'pods', '--containers', '-l', 'app=burner', '--no-headers']);
    assert.match(containers, /^burner-\S+\s+burn\s+\d+m\s+\d+Mi\s*$/m);
    const all = await k.out(['top', 'pods', '-A', '--no-headers']);
    assert.match(all, /^default\s+burner-\S+\s+\d+m\s+\d+Mi\s*$/m);
    const none = await run(['kubectl', '--kubeconfig', info.kubeconfig, 'top', 'pods', '-l', 'app=nothing'], { netns: info.netns, check: false });
    assert.match(none.stderr, /No resources found in default namespace/);
    const raw = JSON.parse(await k.out(['get', '--raw', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods?labelSelector=app%3Dburner']));
    assert.equal(raw.kind, 'PodMetricsList');
    assert.deepEqual(raw.items[0].metadata.labels, { app: 'burner', 'pod-template-hash': raw.items[0].metadata.labels['pod-template-hash'] });
    assert.equal(raw.items[0].containers[0].name, 'burn');
    // Read-only, as metrics-server is.
    const del = await run(['kubectl', '--kubeconfig', info.kubeconfig, 'delete', '--raw', `/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/${raw.items[0].metadata.name}`], { netns: info.netns, check: false });
    assert.notEqual(del.code, 0);
    assert.match(del.stderr, /MethodNotAllowed|not allow/);
  });

  it('an HPA on 50% CPU scales the Deployment up under load and back down when it stops', async () => {
    await k.run(['apply', '-f', '-'], cpuHpa('burner', { apiVersion: 'apps/v1', kind: 'Deployment', name: 'burner' }, 3));
    // One pod at 150% of its request wants 3 replicas (max 3).
    await waitFor('scaled up to 3', async () => (await replicasOf('deployment', 'burner')) === 3, 180_000, 1000);
    await waitFor('3 burners running', async () => (await runningPods('burner')) === 3, 120_000, 1000);
    const h = await waitFor('hpa status', async () => {
      const x = await k.json<Hpa>(['get', 'hpa', 'burner']);
      return x.status?.currentReplicas === 3 && (x.status.currentMetrics?.[0]?.resource?.current?.averageUtilization ?? 0) > 50 && x;
    }, 120_000, 2000);
    const cond = (t: string) => h.status!.conditions!.find((c) => c.type === t);
    assert.equal(cond('AbleToScale')?.status, 'True');
    assert.deepEqual([cond('ScalingActive')?.status, cond('ScalingActive')?.reason], ['True', 'ValidMetricFound']);
    // Once the new pods' samples are trusted (after their readiness plus a window), the three
    // burners at 150% ask for 9: more than maxReplicas.
    await waitFor('ScalingLimited TooManyReplicas', async () => {
      const x = await k.json<Hpa>(['get', 'hpa', 'burner']);
      const c = x.status?.conditions?.find((y) => y.type === 'ScalingLimited');
      return c?.status === 'True' && c.reason === 'TooManyReplicas';
    }, 120_000, 2000);
    const table = await k.out(['get', 'hpa', 'burner']);
    assert.match(table, /^burner\s+Deployment\/burner\s+cpu: \d+%\/50%\s+1\s+3\s+3\s+/m);
    const described = await k.out(['describe', 'hpa', 'burner']);
    assert.match(described, /SuccessfulRescale\s+.*New size: 3; reason: cpu resource utilization \(percentage of request\) above target/);

    // Load off: the rollout replaces the burners with idle pods; the HPA scales back to 1.
    await k.run(['set', 'env', 'deployment/burner', 'LOAD=off']);
    await waitFor('scaled back down to 1', async () => (await replicasOf('deployment', 'burner')) === 1, 300_000, 2000);
    const after = await k.out(['describe', 'hpa', 'burner']);
    assert.match(after, /New size: 1; reason: All metrics below target/);
  });

  it('HPAs scale a ReplicaSet and a StatefulSet through /scale (up to minReplicas)', async () => {
    const sleeper = (kind: string, name: string, extra = '') => `
apiVersion: apps/v1
kind: ${kind}
metadata: {name: ${name}}
spec:
  replicas: 1${extra}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      terminationGracePeriodSeconds: 1
      containers: [{name: s, image: k8ts/web:1.0, command: [sleep, "1000000"], resources: {requests: {cpu: 10m}}}]
`;
    await k.run(['apply', '-f', '-'], sleeper('ReplicaSet', 'rs-min'));
    await k.run(['apply', '-f', '-'], sleeper('StatefulSet', 'sts-min', '\n  serviceName: sts-min'));
    await k.run(['apply', '-f', '-'], cpuHpa('rs-min', { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs-min' }, 3, 2));
    await k.run(['apply', '-f', '-'], cpuHpa('sts-min', { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'sts-min' }, 3, 2));
    await waitFor('ReplicaSet at 2', async () => (await replicasOf('replicaset', 'rs-min')) === 2, 120_000, 1000);
    await waitFor('StatefulSet at 2', async () => (await replicasOf('statefulset', 'sts-min')) === 2, 120_000, 1000);
    await waitFor('two rs-min pods running', async () => (await runningPods('rs-min')) === 2, 120_000, 1000);
    assert.match(await k.out(['describe', 'hpa', 'sts-min']), /New size: 2; reason: Current number of replicas below Spec.MinReplicas/);
    // A target that does not exist: AbleToScale False with upstream's reason.
    await k.run(['apply', '-f', '-'], cpuHpa('ghost', { apiVersion: 'apps/v1', kind: 'Deployment', name: 'ghost' }, 3));
    const ghost = await waitFor('FailedGetScale', async () => {
      const x = await k.json<Hpa>(['get', 'hpa', 'ghost']);
      return x.status?.conditions?.find((c) => c.type === 'AbleToScale' && c.status === 'False');
    }, 60_000, 1000);
    assert.equal(ghost.reason, 'FailedGetScale');
  });

  it('bench:controllers\' hpaReaction measures load → scale → new replica created → Running, and cleans up', async () => {
    const r = await hpaReaction({ kubeconfig: info.kubeconfig, netns: info.netns });
    console.log(`      hpaReaction: ${JSON.stringify(r)}`);
    // Server stamps are whole seconds: the scale is never stamped after the pod it caused.
    assert.ok(r.hpa_load_to_scale_ms > 0 && r.hpa_load_to_scale_ms <= r.hpa_load_to_new_replica_created_ms, JSON.stringify(r));
    assert.ok(r.hpa_load_to_new_replica_created_ms <= r.hpa_load_to_new_replica_running_ms, JSON.stringify(r));
    assert.equal((await k.out(['get', 'deployments', '-o', 'name'])).includes('hpa-bench-'), false);
  });
});
