// Sidecar containers (init containers with restartPolicy Always) on a real single-node cluster
// with the real kubectl: a sidecar gates the next init container through its startup probe,
// outlives its init sibling, runs beside the app, is restarted when it exits, does not keep a
// finished pod (a Job's pod) from completing, and is stopped after the app containers, in reverse
// order, when the pod is deleted.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { singleNodeCluster } from '../harness/single-node';
import { waitFor } from '../harness/exec';

interface CStatus { name: string; ready: boolean; started?: boolean; restartCount: number; state: { running?: unknown; terminated?: { exitCode: number; reason: string; finishedAt: string }; waiting?: { reason: string } } }
interface PodJson { status: { phase?: string; conditions?: { type: string; status: string }[]; initContainerStatuses?: CStatus[]; containerStatuses?: CStatus[] } }

// A Job-like pod: the sidecar becomes "started" only once its startup probe sees its marker, and
// the plain init container records what it saw; the app prints the shared log and finishes.
const finishingPod = `
apiVersion: v1
kind: Pod
metadata: {name: finishing}
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 5
  volumes: [{name: shared, emptyDir: {}}]
  initContainers:
  - name: side
    image: k8ts/web:1.0
    restartPolicy: Always
    command: ["sh", "-c", "trap 'echo side-term; exit 0' TERM; sleep 2; echo side-up >> /s/ev; while true; do sleep 1; done"]
    volumeMounts: [{name: shared, mountPath: /s}]
    startupProbe: {exec: {command: ["grep", "-q", "side-up", "/s/ev"]}, periodSeconds: 1, failureThreshold: 30}
  - name: prep
    image: k8ts/web:1.0
    command: ["sh", "-c", "echo prep-saw-$(cat /s/ev) >> /s/ev"]
    volumeMounts: [{name: shared, mountPath: /s}]
  containers:
  - name: app
    image: k8ts/web:1.0
    command: ["sh", "-c", "while [ ! -f /s/go ]; do sleep 0.5; done; cat /s/ev"]
    volumeMounts: [{name: shared, mountPath: /s}]
`;

// A long-running pod whose containers write, when told to stop, their name into a host file.
const orderPod = (hostDir: string) => `
apiVersion: v1
kind: Pod
metadata: {name: ordered}
spec:
  terminationGracePeriodSeconds: 20
  volumes: [{name: host, hostPath: {path: ${hostDir}, type: Directory}}]
  initContainers:
  - name: s1
    image: k8ts/web:1.0
    restartPolicy: Always
    command: ["sh", "-c", "trap 'echo s1 >> /h/order; exit 0' TERM; while [ ! -f /tmp/quit ]; do sleep 0.5; done; exit 1"]
    volumeMounts: [{name: host, mountPath: /h}]
  - name: s2
    image: k8ts/web:1.0
    restartPolicy: Always
    command: ["sh", "-c", "trap 'echo s2 >> /h/order; exit 0' TERM; while true; do sleep 0.5; done"]
    volumeMounts: [{name: host, mountPath: /h}]
  containers:
  - name: app
    image: k8ts/web:1.0
    command: ["sh", "-c", "trap 'sleep 1; echo app >> /h/order; exit 0' TERM; while true; do sleep 0.5; done"]
    volumeMounts: [{name: host, mountPath: /h}]
`;

describe('workloads: sidecar containers', function () {
  const cluster = singleNodeCluster('sc');
  const { opts, k } = cluster;
  const hostDir = path.join(opts.home, 'order');
  const pod = (name: string) => k.json<PodJson>(['get', 'pod', name]);
  const byName = (list: CStatus[] | undefined, name: string) => list?.find((c) => c.name === name);
  const cond = (p: PodJson, type: string) => p.status.conditions?.find((c) => c.type === type)?.status;

  before(() => fs.mkdirSync(hostDir));

  it('a sidecar gates the next init container, outlives it, runs beside the app and lets the pod complete', async () => {
    await k.run(['apply', '-f', '-'], finishingPod);
    // Initialized with the plain init container done and the sidecar still running beside the app.
    const running = await waitFor('finishing pod Running', async () => {
      const p = await pod('finishing');
      return p.status.phase === 'Running' && !!byName(p.status.containerStatuses, 'app')?.state.running ? p : undefined;
    }, 180_000, 500);
    assert.equal(cond(running, 'Initialized'), 'True');
    const side = byName(running.status.initContainerStatuses, 'side')!;
    assert.ok(side.state.running, 'the sidecar runs beside the app');
    assert.equal(side.started, true);
    assert.equal(side.ready, true);
    const prep = byName(running.status.initContainerStatuses, 'prep')!;
    assert.equal(prep.state.terminated?.reason, 'Completed');
    assert.equal(cond(running, 'Ready'), 'True');

    await k.run(['exec', 'finishing', '-c', 'app', '--', 'touch', '/s/go']);
    const done = await waitFor('finishing pod Succeeded', async () => {
      const p = await pod('finishing');
      return p.status.phase === 'Succeeded' && p;
    }, 120_000, 500);
    // The plain init container ran only after the sidecar's startup probe passed.
    assert.equal(await k.out(['logs', 'finishing', '-c', 'app']), 'side-up\nprep-saw-side-up\n');
    // The sidecar was stopped (SIGTERM, its trap) once the app finished: not a failure of the pod.
    const sideDone = byName(done.status.initContainerStatuses, 'side')!;
    assert.equal(sideDone.state.terminated?.exitCode, 0);
    assert.equal(await k.out(['logs', 'finishing', '-c', 'side']), 'side-term\n');
    const appDone = byName(done.status.containerStatuses, 'app')!;
    assert.equal(appDone.state.terminated?.reason, 'Completed');
    assert.ok(Date.parse(sideDone.state.terminated!.finishedAt) >= Date.parse(appDone.state.terminated!.finishedAt), 'the sidecar stopped after the app');
  });

  it('a sidecar that exits is restarted while the pod stays Running and Initialized', async () => {
    await k.run(['apply', '-f', '-'], orderPod(hostDir));
    await waitFor('ordered pod Ready', async () => cond(await pod('ordered'), 'Ready') === 'True', 180_000, 500);
    await k.run(['exec', 'ordered', '-c', 's1', '--', 'touch', '/tmp/quit']);
    const p = await waitFor('s1 restarted and running', async () => {
      const p = await pod('ordered');
      const s1 = byName(p.status.initContainerStatuses, 's1');
      return s1 && s1.restartCount >= 1 && !!s1.state.running ? p : undefined;
    }, 120_000, 500);
    assert.equal(p.status.phase, 'Running');
    assert.equal(cond(p, 'Initialized'), 'True');
    assert.equal(byName(p.status.containerStatuses, 'app')!.restartCount, 0, 'the app container was not touched');
    assert.equal(fs.existsSync(path.join(hostDir, 'order')), false, 'nothing was told to stop');
  });

  it('on deletion the app stops first, then the sidecars in reverse order', async () => {
    await k.run(['delete', 'pod', 'ordered', '--wait=true', '--timeout=120s']);
    assert.deepEqual(fs.readFileSync(path.join(hostDir, 'order'), 'utf8').trim().split('\n'), ['app', 's2', 's1']);
  });
});
