// `k8ts explain-schedule` run through the real CLI against the real apiserver on a throwaway etcd,
// with fake Ready nodes (no kubelets, no scheduler: the pods stay where they are): a nodeSelector,
// a pod too big for two of three nodes, one that fits nowhere, a bound pod, -o json, --config
// profiles, and the errors (missing pod, bad configuration file).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Resources } from '../../lib/api/resources';
import type { Node, Pod } from '../../lib/api/types';
import { renderKubeconfig } from '../../lib/client/kubeconfig';
import type { Explanation } from '../../scheduler/explain/explain';
import { startTestApiserver, type TestApiserver } from '../helpers/apiserver';
import { cli } from './run';

const AFFINITY = "node(s) didn't match Pod's node affinity/selector";

const node = (name: string, cpu: string, labels: Record<string, string> = {}): Node =>
  ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } },
    spec: {},
    status: {
      allocatable: { cpu, memory: '4Gi', pods: '110' },
      capacity: { cpu, memory: '4Gi', pods: '110' },
      conditions: [{ type: 'Ready', status: 'True' }],
    },
  }) as Node;

const pod = (name: string, cpu: string, spec: Record<string, unknown> = {}): Pod =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'k8ts/web:1.0', resources: { requests: { cpu } } }], ...spec } }) as unknown as Pod;

/** The table rows of the text output: node → [result, failures]. */
function rows(stdout: string): Record<string, { result: string; failures: string }> {
  const lines = stdout.split('\n');
  const head = lines.findIndex((l) => l.startsWith('NODE '));
  assert.ok(head >= 0, stdout);
  const failedAt = lines[head].indexOf('FAILED PLUGINS: REASONS');
  const out: Record<string, { result: string; failures: string }> = {};
  for (const l of lines.slice(head + 1)) {
    if (!l.trim()) break;
    const [name, result] = l.split(/\s+/);
    out[name] = { result, failures: l.slice(failedAt).trim() };
  }
  return out;
}

describe('k8ts explain-schedule against the real apiserver', function () {
  this.timeout(120_000);
  let api: TestApiserver | undefined;
  let env: Record<string, string>;

  before(async () => {
    api = await startTestApiserver({ name: 'cli-explain' });
    const kubeconfig = path.join(api.dir, 'kubeconfig');
    fs.writeFileSync(kubeconfig, renderKubeconfig({ server: `https://127.0.0.1:${api.api.securePort}`, ca: api.certs.ca, cert: api.certs.clientCert, key: api.certs.clientKey, user: 'admin' }));
    env = { HOME: api.dir, KUBECONFIG: kubeconfig, K8TS_CACHE_DIR: path.join(api.dir, 'cache') };
    const c = api.client;
    for (const n of [node('n1', '2', { disk: 'ssd' }), node('n2', '2'), node('n3', '4', { disk: 'ssd' })]) {
      const created = await c.create<Node>(Resources.nodes, n);
      // A create may drop the status (status subresource); write it through the subresource then.
      if (!created.status?.conditions?.some((x) => x.type === 'Ready')) await c.patch(Resources.nodes, undefined, n.metadata.name!, 'merge', { status: n.status }, 'status');
    }
    await c.create(Resources.pods, pod('placed', '1500m', { nodeName: 'n1' }));
    await c.create(Resources.pods, pod('ssd', '100m', { nodeSelector: { disk: 'ssd' } }));
    await c.create(Resources.pods, pod('big', '3'));
    await c.create(Resources.pods, pod('nowhere', '3', { nodeSelector: { disk: 'hdd' } }));
    await c.create(Resources.pods, pod('custom', '3', { schedulerName: 'no-fit' }));
  });
  after(async () => {
    await api?.stop();
  });

  it('a nodeSelector: the unlabelled node fails NodeAffinity, the emptier labelled node is picked', async () => {
    const r = await cli(['explain-schedule', 'ssd', '-n', 'default'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Pod default\/ssd, profile default-scheduler\n/);
    assert.deepEqual(rows(r.stdout), {
      n3: { result: 'picked', failures: '' },
      n1: { result: 'fits', failures: '' },
      n2: { result: 'fails', failures: `NodeAffinity: ${AFFINITY}` },
    });
    assert.match(r.stdout, /\nWould pick n3: the highest total, \d+, of 2 feasible nodes\.\n/);
    assert.match(r.stdout, /NodeResourcesFit×1/);
  });

  it('a pod too big for two nodes: both say Insufficient cpu', async () => {
    const r = await cli(['explain-schedule', 'pod/big'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(rows(r.stdout), {
      n3: { result: 'picked', failures: '' },
      n1: { result: 'fails', failures: 'NodeResourcesFit: Insufficient cpu' },
      n2: { result: 'fails', failures: 'NodeResourcesFit: Insufficient cpu' },
    });
  });

  it('nothing fits: every failing plugin per node and the FailedScheduling summary', async () => {
    const r = await cli(['explain-schedule', 'nowhere'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(rows(r.stdout), {
      n1: { result: 'fails', failures: `NodeAffinity: ${AFFINITY}; NodeResourcesFit: Insufficient cpu` },
      n2: { result: 'fails', failures: `NodeAffinity: ${AFFINITY}; NodeResourcesFit: Insufficient cpu` },
      n3: { result: 'fails', failures: `NodeAffinity: ${AFFINITY}` },
    });
    // As the scheduler's FailedScheduling: no node where evicting pods would help, so preemption says so.
    assert.ok(r.stdout.endsWith(`\n0/3 nodes are available: 3 ${AFFINITY}. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.\n`), r.stdout);
  });

  it('a bound pod is explained without itself: its own node fits it again', async () => {
    const r = await cli(['explain-schedule', 'placed'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\nBound to n1: explained as if it were pending again/);
    assert.equal(rows(r.stdout).n1.failures, '');
    assert.deepEqual(rows(r.stdout).n2, { result: 'fits', failures: '' });
  });

  it('-o json parses and carries every verdict and score', async () => {
    const r = await cli(['explain-schedule', 'big', '-o', 'json'], env);
    assert.equal(r.code, 0, r.stderr);
    const e = JSON.parse(r.stdout) as Explanation;
    assert.equal(e.selected, 'n3');
    assert.equal(e.feasible, 1);
    assert.deepEqual(
      e.nodes.map((n) => [n.name, n.feasible, n.failures.map((f) => `${f.plugin}: ${f.reasons.join(', ')}`)]),
      [
        ['n3', true, []],
        ['n1', false, ['NodeResourcesFit: Insufficient cpu']],
        ['n2', false, ['NodeResourcesFit: Insufficient cpu']],
      ],
    );
    const n3 = e.nodes[0];
    assert.deepEqual(n3.scores.map((s) => s.plugin), e.scorePlugins.map((s) => s.plugin));
    assert.equal(n3.total, n3.scores.reduce((t, s) => t + s.weighted, 0));
  });

  it('--config: the pod\'s schedulerName picks its profile; without it the command says so', async () => {
    const file = path.join(api!.dir, 'sched.yaml');
    fs.writeFileSync(
      file,
      `apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
profiles:
- schedulerName: default-scheduler
- schedulerName: no-fit
  plugins:
    multiPoint:
      disabled: [{name: NodeResourcesFit}]
`,
    );
    const r = await cli(['explain-schedule', 'custom', '--config', file], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Pod default\/custom, profile no-fit\n/);
    assert.deepEqual(Object.values(rows(r.stdout)).map((x) => x.failures), ['', '', '']);
    assert.doesNotMatch(r.stdout, /NodeResourcesFit×/);

    const none = await cli(['explain-schedule', 'custom'], env);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /^error: pod default\/custom asks for schedulerName "no-fit", which no profile provides \(profiles: default-scheduler\); pass its KubeSchedulerConfiguration with --config\n$/);
  });

  it('reports a missing pod, a bad configuration file (naming it) and bad usage', async () => {
    const missing = await cli(['explain-schedule', 'nope'], env);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, 'Error from server (NotFound): pods "nope" not found\n');

    const bad = path.join(api!.dir, 'bad.yaml');
    fs.writeFileSync(bad, 'apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nprofiles:\n- schedulerName: default-scheduler\n  pluginConfig:\n  - name: NodeResourcesFit\n    args: {scoringStrategy: {type: Sideways}}\n');
    const r = await cli(['explain-schedule', 'big', '--config', bad], env);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`^error: ${bad.replace(/[.]/g, '\\.')}: NodeResourcesFit: .*Sideways`));

    const unreadable = await cli(['explain-schedule', 'big', '--config', path.join(api!.dir, 'absent.yaml')], env);
    assert.equal(unreadable.code, 1);
    assert.match(unreadable.stderr, /^error: cannot read .*absent\.yaml/);

    const usage = await cli(['explain-schedule'], env);
    assert.equal(usage.code, 1);
    assert.match(usage.stderr, /^error: explain-schedule needs exactly one pod: k8ts explain-schedule <pod>/);
    const wide = await cli(['explain-schedule', 'big', '-o', 'wide'], env);
    assert.equal(wide.code, 1);
    assert.match(wide.stderr, /allowed formats are: json/);
  });
});
