// The walking skeleton, end to end on real etcd, containerd, CNI and iptables: a whole cluster in
// its own network namespace, driven with the real kubectl.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { up, down, restartComponent, stopComponent, type ClusterInfo, type ClusterOptions } from '../../deploy/cluster/cluster';
import { Kubectl } from '../harness/kubectl';
import { run, waitFor } from '../harness/exec';
import { isReady, isRunningReady } from '../harness/readiness';
import { webApp } from './manifests';

interface PodJson {
  metadata: { name: string; uid: string; deletionTimestamp?: string; ownerReferences?: { kind: string; name: string }[] };
  status: {
    phase?: string;
    podIP?: string;
    conditions?: { type: string; status: string }[];
    containerStatuses?: { containerID?: string; restartCount: number }[];
  };
}

describe('walking skeleton (end to end)', function () {
  const opts: ClusterOptions = {
    home: fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-e2e-')),
    netns: `k8ts-e2e-${randomBytes(3).toString('hex')}`,
    nodeName: 'e2e-node-1',
    // short, so that the node-lifecycle test sees a silent node go NotReady within seconds; longer
    // than the kubelet's 10 s Lease renewal, or a healthy node turns Unknown between renewals
    nodeMonitorGracePeriodSeconds: 15,
  };
  let info: ClusterInfo;
  let k: Kubectl;

  async function pods(): Promise<PodJson[]> {
    const list = await k.json<{ items: PodJson[] }>(['get', 'pods', '-l', 'app=web']);
    return list.items.filter((p) => !p.metadata.deletionTimestamp);
  }

  async function runningPods(n: number): Promise<PodJson[]> {
    return waitFor(`${n} running web pods`, async () => {
      const ps = await pods();
      return ps.length === n && ps.every((p) => isRunningReady(p) && p.status.podIP) && ps;
    }, 180_000, 1000);
  }

  /** The Endpoints object lists exactly the ready pods' IPs. */
  async function endpointsMatchReadyPods(): Promise<void> {
    await waitFor('endpoints to equal the ready pods', async () => {
      const all = (await k.json<{ items: PodJson[] }>(['get', 'pods', '-l', 'app=web'])).items;
      const ready = all.filter(isReady).map((p) => p.status.podIP!).sort();
      const ep = await k.json<{ subsets?: { addresses?: { ip: string }[] }[] }>(['get', 'endpoints', 'web']);
      const ips = (ep.subsets ?? []).flatMap((s) => (s.addresses ?? []).map((a) => a.ip)).sort();
      return JSON.stringify(ips) === JSON.stringify(ready);
    }, 60_000);
  }

  async function httpGet(url: string): Promise<string> {
    const r = await run(['curl', '-sS', '--max-time', '5', url], { netns: info.netns });
    return r.stdout;
  }

  async function hostnamesBehind(url: string, requests: number): Promise<Set<string>> {
    // kube-proxy programs a new Service asynchronously (rate-limited syncs): wait until it answers.
    await waitFor(`${url} to answer`, () => httpGet(url), 30_000);
    const names = new Set<string>();
    for (let i = 0; i < requests; i++) {
      const body = await httpGet(url);
      const m = /hello from (\S+)/.exec(body);
      assert.ok(m, `unexpected body from ${url}: ${body}`);
      names.add(m[1]);
    }
    return names;
  }

  before(async function () {
    info = await up(opts);
    k = new Kubectl(info.kubeconfig, info.netns);
  });

  after(async function () {
    await down(opts, { purge: true });
    fs.rmSync(opts.home, { recursive: true, force: true });
  });

  it('has a Ready node with a podCIDR and the default namespaces and kubernetes Service', async () => {
    const node = await k.json<any>(['get', 'node', opts.nodeName!]);
    assert.equal(node.status.conditions.find((c: any) => c.type === 'Ready').status, 'True');
    assert.match(node.spec.podCIDR, /^10\.244\.\d+\.0\/24$/);
    const ns = await k.out(['get', 'namespaces', '-o', 'name']);
    for (const n of ['default', 'kube-system', 'kube-node-lease']) assert.ok(ns.includes(`namespace/${n}`), ns);
    const svc = await k.json<any>(['get', 'service', 'kubernetes']);
    assert.equal(svc.spec.clusterIP, '10.96.0.1');
  });

  it('runs a Deployment of 3 behind a ClusterIP and NodePort Service', async () => {
    await k.run(['apply', '-f', '-'], webApp);
    const ps = await runningPods(3);
    const node = await k.json<any>(['get', 'node', opts.nodeName!]);
    const prefix = node.spec.podCIDR.replace(/0\/24$/, '');
    for (const p of ps) assert.ok(p.status.podIP!.startsWith(prefix), `${p.status.podIP} not in ${node.spec.podCIDR}`);
    await endpointsMatchReadyPods();

    const svc = await k.json<any>(['get', 'service', 'web']);
    const names = await hostnamesBehind(`http://${svc.spec.clusterIP}:80/`, 30);
    assert.deepEqual([...names].sort(), ps.map((p) => p.metadata.name).sort());

    const nodePort = svc.spec.ports[0].nodePort;
    assert.ok(nodePort >= 30000 && nodePort <= 32767);
    const body = await waitFor('the NodePort to answer', () => httpGet(`http://${info.nodeIp}:${nodePort}/`), 30_000);
    assert.match(body, /hello from web-/);
  });

  it('leaves a pod that fits no node Pending with a FailedScheduling event', async () => {
    await k.run(['run', 'too-big', '--image=k8ts/web:1.0', '--restart=Never', '--overrides',
      JSON.stringify({ spec: { containers: [{ name: 'too-big', image: 'k8ts/web:1.0', resources: { requests: { cpu: '500' } } }] } })]);
    const ev = await waitFor('a FailedScheduling event', async () => {
      const list = await k.json<{ items: { reason: string; message: string }[] }>([
        'get', 'events', '--field-selector', 'involvedObject.name=too-big',
      ]);
      return list.items.find((e) => e.reason === 'FailedScheduling');
    }, 60_000);
    assert.match(ev.message, /0\/1 nodes are available: .*Insufficient cpu/);
    const pod = await k.json<PodJson & { spec: { nodeName?: string } }>(['get', 'pod', 'too-big']);
    assert.equal(pod.status.phase, 'Pending');
    assert.equal(pod.spec.nodeName, undefined);
    const described = await k.out(['describe', 'pod', 'too-big']);
    assert.match(described, /FailedScheduling/);
    await k.run(['delete', 'pod', 'too-big']);
  });

  it('replaces a deleted pod', async () => {
    const before = await runningPods(3);
    const victim = before[0].metadata.name;
    await k.run(['delete', 'pod', victim]);
    const after = await waitFor('a replacement pod', async () => {
      const ps = await runningPods(3);
      return !ps.some((p) => p.metadata.name === victim) && ps;
    }, 180_000);
    assert.equal(after.length, 3);
    await endpointsMatchReadyPods();
  });

  it('scales to 5 and back to 3', async () => {
    await k.run(['scale', 'deployment', 'web', '--replicas=5']);
    await runningPods(5);
    await endpointsMatchReadyPods();
    await k.run(['scale', 'deployment', 'web', '--replicas=3']);
    await runningPods(3);
    await endpointsMatchReadyPods();
  });

  it('rolls a changed pod template out to a new ReplicaSet', async () => {
    await k.run(['set', 'env', 'deployment/web', 'COLOR=blue']);
    await k.run(['rollout', 'status', 'deployment/web', '--timeout=180s']);
    const rs = await k.json<{ items: { metadata: { name: string }; spec: { replicas: number }; status: { readyReplicas?: number } }[] }>([
      'get', 'replicasets', '-l', 'app=web',
    ]);
    assert.equal(rs.items.length, 2, 'old and new ReplicaSet');
    const sizes = rs.items.map((r) => r.spec.replicas).sort();
    assert.deepEqual(sizes, [0, 3]);
    const ps = await runningPods(3);
    const deploy = await k.json<any>(['get', 'deployment', 'web']);
    assert.deepEqual(deploy.spec.template.spec.containers[0].env, [{ name: 'COLOR', value: 'blue' }]);
    assert.equal(deploy.metadata.annotations['deployment.kubernetes.io/revision'], '2');
    const newRs = rs.items.find((r) => r.spec.replicas === 3)!.metadata.name;
    for (const p of ps) assert.ok(p.metadata.name.startsWith(newRs), `${p.metadata.name} is not from ${newRs}`);
    await endpointsMatchReadyPods();
  });

  it('loses no object and restarts no pod when any one component restarts', async () => {
    const before = await runningPods(3);
    const containerIds = (ps: PodJson[]) =>
      ps.map((p) => `${p.metadata.uid}:${p.status.containerStatuses?.[0]?.containerID}`).sort();
    for (const component of ['etcd', 'apiserver', 'scheduler', 'controller-manager', 'kubelet', 'kube-proxy']) {
      await restartComponent(opts, component);
      const ps = await runningPods(3);
      assert.deepEqual(containerIds(ps), containerIds(before), `pods changed after restarting ${component}`);
      assert.ok(ps.every((p) => p.status.containerStatuses?.[0]?.restartCount === 0));
      await k.run(['get', 'deployment', 'web']);
      await k.run(['get', 'service', 'web']);
    }
    const svc = await k.json<any>(['get', 'service', 'web']);
    const names = await hostnamesBehind(`http://${svc.spec.clusterIP}:80/`, 12);
    assert.ok(names.size >= 2);
  });

  it('marks a node whose kubelet stops NotReady, and Ready again when it returns', async () => {
    const before = await runningPods(3);
    await stopComponent(opts, 'kubelet');
    const readyStatus = async () =>
      (await k.json<any>(['get', 'node', opts.nodeName!])).status.conditions.find((c: any) => c.type === 'Ready');
    const lost = await waitFor('the node to turn NotReady', async () => {
      const c = await readyStatus();
      return c.status === 'Unknown' && c;
    }, 60_000);
    assert.equal(lost.reason, 'NodeStatusUnknown');
    await up(opts); // starts the missing kubelet and waits for Ready
    assert.equal((await readyStatus()).status, 'True');
    const after = await runningPods(3);
    const ids = (ps: PodJson[]) => ps.map((p) => p.status.containerStatuses?.[0]?.containerID).sort();
    assert.deepEqual(ids(after), ids(before), 'the returning kubelet re-adopts its pods');
  });

  it('brings every object and pod back after down and up', async () => {
    const ids = (ps: PodJson[]) => ps.map((p) => p.status.containerStatuses?.[0]?.containerID).sort();
    const before = await runningPods(3);
    const old = new Set(ids(before));
    await down(opts);
    info = await up(opts);
    k = new Kubectl(info.kubeconfig, info.netns);
    // down killed every container: a pod is back once its status shows a new one (until the
    // kubelet reports, the status from before the down still says Running)
    const after = await waitFor('the pods to run new containers', async () => {
      const ps = await runningPods(3);
      return ps.every((p) => !old.has(p.status.containerStatuses?.[0]?.containerID)) && ps;
    }, 180_000, 1000);
    assert.deepEqual(after.map((p) => p.metadata.uid).sort(), before.map((p) => p.metadata.uid).sort());
    // A second up on a running cluster is harmless: it keeps every process and pod.
    await up(opts);
    const again = await runningPods(3);
    assert.deepEqual(ids(again), ids(after));
    await endpointsMatchReadyPods();
    const svc = await k.json<any>(['get', 'service', 'web']);
    const body = await waitFor('the Service to answer', () => httpGet(`http://${svc.spec.clusterIP}:80/`), 30_000);
    assert.match(body, /hello from web-/);
  });

  it('deleting the Deployment removes its ReplicaSet and pods', async () => {
    await k.run(['delete', 'deployment', 'web']);
    await waitFor('replicasets and pods to be gone', async () => {
      const rs = await k.json<{ items: unknown[] }>(['get', 'replicasets', '-l', 'app=web']);
      const ps = (await k.json<{ items: unknown[] }>(['get', 'pods', '-l', 'app=web'])).items;
      return rs.items.length === 0 && ps.length === 0;
    }, 120_000);
    await k.run(['delete', 'service', 'web']);
    const ep = await run(['kubectl', '--kubeconfig', info.kubeconfig, 'get', 'endpoints', 'web'], { netns: info.netns, check: false });
    assert.notEqual(ep.code, 0);
  });
});
