// The pod garbage collector on a real single-node cluster with the real kubectl: a pod bound to a
// node that does not exist is collected (so `kubectl delete` of it returns instead of waiting
// forever), after a quarantine (upstream's 40 s in 20 s passes; here 4 s in 2 s passes through
// --pod-gc-quarantine/--pod-gc-period, so the test need not wait a minute); terminated pods beyond --terminated-pod-gc-threshold
// are deleted oldest first (a second controller-manager in the cluster's namespace runs only
// podgc with a threshold of 2, without leader election, beside the cluster's own).
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { singleNodeCluster } from '../harness/single-node';
import { waitFor } from '../harness/exec';
import { repoRoot } from '../../lib/repo-root';

const boundPod = (name: string, node: string) => `
apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
  nodeName: ${node}
  containers: [{name: c, image: k8ts/web:1.0}]
`;
const finishedPod = (name: string) => `
apiVersion: v1
kind: Pod
metadata: {name: ${name}, labels: {set: done}}
spec:
  restartPolicy: Never
  containers: [{name: c, image: k8ts/web:1.0, command: ["true"]}]
`;

describe('workloads: pod garbage collection', function () {
  let extra: ChildProcess | undefined;
  let extraLog = '';
  // Registered before the cluster's own after(), so the extra controller-manager stops first.
  after(async function () {
    if (extra && extra.exitCode === null) {
      const exited = new Promise((r) => extra!.once('exit', r));
      extra.kill('SIGTERM');
      await exited;
    }
  });
  const cluster = singleNodeCluster('pgc', { extraFlags: { 'controller-manager': ['--pod-gc-period=2s', '--pod-gc-quarantine=4s'] } });
  const { opts, k } = cluster;
  const names = async (selector: string) => (await k.names('pods', selector)).sort();

  it('kubectl delete of a pod bound to a node that does not exist returns, and its sibling is collected too', async () => {
    await k.run(['apply', '-f', '-'], boundPod('ghost-1', 'ghost-node'));
    await k.run(['apply', '-f', '-'], boundPod('ghost-2', 'ghost-node'));
    // No kubelet will ever confirm these: only podgc (after its quarantine and a live read) finishes them.
    await k.run(['delete', 'pod', 'ghost-1', '--wait=true', '--timeout=150s']);
    await waitFor('ghost-2 collected', async () => !(await k.exists('pod', 'ghost-2')), 150_000, 1000);
    assert.equal(await k.exists('pod', 'ghost-1'), false);
  });

  it('terminated pods beyond --terminated-pod-gc-threshold are deleted oldest first', async () => {
    for (const n of ['done-1', 'done-2', 'done-3', 'done-4']) await k.run(['apply', '-f', '-'], finishedPod(n));
    await waitFor('four pods Succeeded', async () => {
      const phases = await k.out(['get', 'pods', '-l', 'set=done', '-o', 'jsonpath={.items[*].status.phase}']);
      return phases.trim().split(/\s+/).filter((p) => p === 'Succeeded').length === 4;
    }, 180_000, 1000);
    const main = path.join(repoRoot(), 'dist', 'controller-manager', 'main.js');
    extra = spawn('ip', [
      'netns', 'exec', cluster.info.netns!, process.execPath, main,
      `--kubeconfig=${path.join(opts.home, 'controller-manager.kubeconfig')}`, `--apiserver-grpc=${cluster.info.grpcAddress}`,
      '--controllers=podgc', '--terminated-pod-gc-threshold=2', '--pod-gc-period=2s', '--leader-elect=false', '--health-port=10357',
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    extra.stdout!.on('data', (d) => (extraLog += d));
    extra.stderr!.on('data', (d) => (extraLog += d));
    const left = await waitFor('two terminated pods left', async () => {
      if (extra!.exitCode !== null) throw new Error(`the podgc controller-manager exited: ${extraLog}`);
      const n = await names('set=done');
      return n.length === 2 && n;
    }, 120_000, 1000);
    // Created one after the other: the two oldest went (same-second ties go by name, as upstream).
    assert.deepEqual(left, ['done-3', 'done-4']);
  });
});
