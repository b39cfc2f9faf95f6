// DaemonSets with the real kubectl against a real cluster of network namespaces as machines: the
// control plane brought up by `up` on node-1 (a node too), a real worker (containerd, kubelet,
// kube-proxy) as node-2, and node-3 joining later. A DaemonSet runs one pod on every node and one
// on the newcomer; a rolling update, `kubectl rollout status`, `history` and `undo` work on it;
// a node that leaves no longer counts; deleting the DaemonSet takes its pods and its
// ControllerRevisions with it (garbage collection). Everything is torn down after.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { down, up, type ClusterOptions } from '../../deploy/cluster/cluster';
import { clusterLayout, CLUSTER_CIDR, SERVICE_CIDR } from '../../deploy/cluster/layout';
import { run, waitFor, type RunResult } from '../harness/exec';
import { isReady, isRunningReady, type WithConditions } from '../harness/readiness';
import { MachineNetwork, type Machine } from '../pod-network/machine-network';
import { WorkerNode } from '../pod-network/node-launcher';

interface PodJson {
  metadata: { name: string; labels?: Record<string, string>; ownerReferences?: { kind: string; name: string; controller?: boolean }[]; deletionTimestamp?: string };
  spec: {
    nodeName?: string;
    containers: { env?: { name: string; value: string }[] }[];
    tolerations?: { key?: string; operator?: string; effect?: string }[];
    affinity?: { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms: { matchFields?: unknown[] }[] } } };
  };
  status: { phase?: string; conditions?: { type: string; status: string }[] };
}

interface DsStatus {
  desiredNumberScheduled: number;
  currentNumberScheduled: number;
  numberReady: number;
  updatedNumberScheduled?: number;
  numberAvailable?: number;
  numberMisscheduled: number;
  observedGeneration?: number;
}

const MANIFEST = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
  namespace: default
spec:
  selector:
    matchLabels: {app: agent}
  updateStrategy:
    type: RollingUpdate
    rollingUpdate: {maxUnavailable: 1}
  template:
    metadata:
      labels: {app: agent}
    spec:
      terminationGracePeriodSeconds: 2
      containers:
      - name: agent
        image: k8ts/web:1.0
`;

const DAEMON_TOLERATIONS = [
  'node.kubernetes.io/not-ready:NoExecute', 'node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/disk-pressure:NoSchedule',
  'node.kubernetes.io/memory-pressure:NoSchedule', 'node.kubernetes.io/pid-pressure:NoSchedule', 'node.kubernetes.io/unschedulable:NoSchedule',
];

describe('DaemonSet across nodes (network namespaces as machines), with kubectl rollout', function () {
  this.timeout(900_000);
  const id = randomBytes(3).toString('hex');
  const net = new MachineNetwork(`k8ts-ds-${id}`, [{ bridge: 'dsnet', gateway: '198.18.210.254/24' }], { podCIDR: CLUSTER_CIDR, serviceCIDR: SERVICE_CIDR });
  const homes = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-ds-'));
  const machines = new Map<string, Machine>();
  const workers = new Map<string, WorkerNode>();
  let cp: ClusterOptions | undefined;
  let kubectl: (args: string[], input?: string) => Promise<RunResult>;

  const ok = async (args: string[], input?: string) => {
    const r = await kubectl(args, input);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const json = async <T>(args: string[]) => JSON.parse(await ok([...args, '-o', 'json'])) as T;
  const agents = async () => (await json<{ items: PodJson[] }>(['get', 'pods', '-l', 'app=agent'])).items.filter((p) => !p.metadata.deletionTimestamp);
  const status = async () => (await json<{ status: DsStatus; metadata: { generation: number } }>(['get', 'ds', 'agent']));
  const running = isRunningReady;
  const nodesOf = (ps: PodJson[]) => ps.map((p) => p.spec.nodeName).sort();
  const envOf = (p: PodJson) => Object.fromEntries((p.spec.containers[0].env ?? []).map((e) => [e.name, e.value]));

  async function startWorker(name: string, ip: string): Promise<void> {
    const m = net.addMachine(name, 0, ip);
    machines.set(name, m);
    const layout = clusterLayout(cp!.home);
    const w = new WorkerNode({
      home: path.join(homes, name),
      netns: m.netns,
      nodeName: name,
      nodeIp: ip,
      controlPlane: { ip: machines.get('node-1')!.ip, pkiDir: layout.pkiDir, imagesDir: layout.imagesDir },
    });
    workers.set(name, w);
    await w.start();
    await waitFor(`${name} Ready`, async () => {
      return isReady(await json<WithConditions>(['get', 'node', name]));
    }, 180_000, 1000);
  }

  async function rolledOut(): Promise<string> {
    const r = await kubectl(['rollout', 'status', 'daemonset/agent', '--timeout=300s']);
    assert.equal(r.code, 0, `rollout status: ${r.stdout}${r.stderr}`);
    return r.stdout;
  }

  before(async () => {
    net.create();
    const m1 = net.addMachine('node-1', 0, '198.18.210.1');
    machines.set('node-1', m1);
    cp = { home: path.join(homes, 'node-1'), netns: m1.netns, nodeName: 'node-1', nodeIp: m1.ip };
    const info = await up(cp);
    kubectl = (args, input) => run(['kubectl', '--kubeconfig', info.kubeconfig, ...args], { netns: info.netns, input, check: false, timeoutMs: 320_000 });
    await startWorker('node-2', '198.18.210.2');
  });

  after(async () => {
    const errors: string[] = [];
    for (const w of workers.values()) await w.stop().catch((e: Error) => errors.push(e.message));
    if (cp) await down(cp, { purge: true }).catch((e: Error) => errors.push(e.message));
    try {
      net.destroy();
    } catch (e) {
      errors.push((e as Error).message);
    }
    fs.rmSync(homes, { recursive: true, force: true });
    if (errors.length) throw new Error(`teardown: ${errors.join('; ')}`);
  });

  it('runs one pod on every node, pinned by node affinity, with the daemon tolerations', async () => {
    await ok(['apply', '-f', '-'], MANIFEST);
    const out = await rolledOut();
    assert.match(out, /daemon set "agent" successfully rolled out/);
    await waitFor('a Running agent on node-1 and node-2', async () => {
      const ps = await agents();
      return ps.length === 2 && ps.every(running) && nodesOf(ps).join() === 'node-1,node-2';
    }, 180_000, 1000);
    for (const p of await agents()) {
      assert.deepEqual(p.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms, [
        { matchFields: [{ key: 'metadata.name', operator: 'In', values: [p.spec.nodeName] }] },
      ]);
      assert.deepEqual(p.spec.tolerations?.map((t) => `${t.key}:${t.effect}`), DAEMON_TOLERATIONS);
      assert.equal(p.metadata.ownerReferences?.[0].kind, 'DaemonSet');
      assert.equal(p.metadata.labels?.['pod-template-generation'], '1');
      assert.ok(p.metadata.labels?.['controller-revision-hash']);
    }
    await waitFor('the status counted', async () => {
      const s = (await status()).status;
      return s.desiredNumberScheduled === 2 && s.numberAvailable === 2 && s.updatedNumberScheduled === 2 && s.observedGeneration === 1;
    }, 60_000);
    const table = await ok(['get', 'ds', 'agent']);
    assert.match(table, /^NAME\s+DESIRED\s+CURRENT\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+NODE SELECTOR\s+AGE\nagent\s+2\s+2\s+2\s+2\s+2\s+<none>\s+\S+\n$/);
    const revisions = await ok(['get', 'controllerrevisions']);
    assert.match(revisions, /^NAME\s+CONTROLLER\s+REVISION\s+AGE\nagent-[4-9bcdf]+\s+daemonset\.apps\/agent\s+1\s+\S+\n$/);
    const described = await ok(['describe', 'ds', 'agent']);
    assert.match(described, /Desired Number of Nodes Scheduled: 2/);
    assert.match(described, /Normal\s+SuccessfulCreate\s+\S+\s+daemonset-controller\s+Created pod: agent-/);
  });

  it('gives a newly added node its pod', async () => {
    await startWorker('node-3', '198.18.210.3');
    await waitFor('an agent on node-3', async () => {
      const ps = await agents();
      return ps.length === 3 && ps.every(running) && nodesOf(ps).join() === 'node-1,node-2,node-3';
    }, 240_000, 1000);
    await waitFor('desired 3, available 3', async () => {
      const s = (await status()).status;
      return s.desiredNumberScheduled === 3 && s.numberAvailable === 3;
    }, 60_000);
  });

  it('rolls a template change out node by node; rollout status and history follow it', async () => {
    const before = new Set((await agents()).map((p) => p.metadata.name));
    // The revision copies the DaemonSet's annotations when it is made: the change-cause first.
    await ok(['annotate', 'daemonset/agent', 'kubernetes.io/change-cause=stage two']);
    await ok(['set', 'env', 'daemonset/agent', 'STAGE=two']);
    const out = await rolledOut();
    assert.match(out, /daemon set "agent" successfully rolled out/);
    await waitFor('three new agents', async () => {
      const ps = await agents();
      return ps.length === 3 && ps.every(running) && ps.every((p) => !before.has(p.metadata.name) && envOf(p).STAGE === 'two');
    }, 120_000, 1000);
    assert.deepEqual(nodesOf(await agents()), ['node-1', 'node-2', 'node-3']);
    const history = await ok(['rollout', 'history', 'daemonset/agent']);
    assert.match(history, /^daemonset\.apps\/agent\s*\nREVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+stage two\n/);
    const rev2 = await ok(['rollout', 'history', 'daemonset/agent', '--revision=2']);
    assert.match(rev2, /Pod Template:/);
    assert.match(rev2, /STAGE:\s+two/);
    const events = await ok(['get', 'events', '--field-selector', 'involvedObject.kind=DaemonSet,involvedObject.name=agent', '-o', 'jsonpath={range .items[*]}{.reason}{"\\n"}{end}']);
    assert.ok(events.split('\n').includes('SuccessfulDelete'), events);
  });

  it('rollout undo returns to the previous template as the newest revision', async () => {
    const undo = await ok(['rollout', 'undo', 'daemonset/agent']);
    assert.equal(undo.trim(), 'daemonset.apps/agent rolled back');
    await rolledOut();
    await waitFor('three agents without STAGE', async () => {
      const ps = await agents();
      return ps.length === 3 && ps.every(running) && ps.every((p) => envOf(p).STAGE === undefined);
    }, 180_000, 1000);
    await waitFor('revisions 2 and 3', async () => {
      const history = await ok(['rollout', 'history', 'daemonset/agent']);
      return /\n2\s+stage two\n3\s+<none>\n/.test(history) && !/\n1\s+/.test(history);
    }, 60_000);
    const missing = await kubectl(['rollout', 'undo', 'daemonset/agent', '--to-revision=9']);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /unable to find specified revision 9 in history/);
  });

  it('stops counting a node that leaves', async () => {
    await workers.get('node-3')!.stop();
    workers.delete('node-3');
    await ok(['delete', 'node', 'node-3']);
    await waitFor('desired back to 2', async () => {
      const s = (await status()).status;
      return s.desiredNumberScheduled === 2 && s.currentNumberScheduled === 2 && s.numberMisscheduled === 0;
    }, 60_000);
    // The pod bound to the vanished node is PodGC's to remove; force it off here.
    for (const p of await agents()) if (p.spec.nodeName === 'node-3') await ok(['delete', 'pod', p.metadata.name, '--grace-period=0', '--force']);
  });

  it('refuses a ControllerRevision without data, or one whose data changes, with the field at fault', async () => {
    const missing = await kubectl(['create', '-f', '-'], 'apiVersion: apps/v1\nkind: ControllerRevision\nmetadata: {name: by-hand}\nrevision: 1\n');
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /The ControllerRevision "by-hand" is invalid: data: Required value: data is mandatory/);
    await ok(['create', '-f', '-'], 'apiVersion: apps/v1\nkind: ControllerRevision\nmetadata: {name: by-hand}\nrevision: 1\ndata: {a: 1}\n');
    const changed = await kubectl(['patch', 'controllerrevision', 'by-hand', '--type=merge', '-p', '{"data":{"a":2}}']);
    assert.notEqual(changed.code, 0);
    assert.match(changed.stderr, /data: Invalid value: .*field is immutable/);
    assert.match(await ok(['patch', 'controllerrevision', 'by-hand', '--type=merge', '-p', '{"revision":4}']), /patched/);
    const negative = await kubectl(['patch', 'controllerrevision', 'by-hand', '--type=merge', '-p', '{"revision":-1}']);
    assert.match(negative.stderr, /revision: Invalid value: -1: must be greater than or equal to 0/);
    await ok(['delete', 'controllerrevision', 'by-hand']);
  });

  it('deleting the DaemonSet takes its pods and revisions with it', async () => {
    await ok(['delete', 'daemonset', 'agent']);
    await waitFor('pods and revisions gone', async () => {
      const ps = (await json<{ items: PodJson[] }>(['get', 'pods', '-l', 'app=agent'])).items;
      const rs = (await json<{ items: unknown[] }>(['get', 'controllerrevisions'])).items;
      return ps.length === 0 && rs.length === 0;
    }, 120_000, 1000);
  });
});
