import { strict as assert } from 'node:assert';
import type { Pod } from '../../lib/api/types';
import { computePodStatus, statusEqual } from './pod-status';
import type { ContainerInfo, PodCriState } from './cri-state';

const NOW = '2024-05-01T00:00:00.000Z';
const T1 = Date.parse('2024-04-30T00:00:00Z') * 1e6;
const T2 = Date.parse('2024-04-30T01:00:00Z') * 1e6;

function pod(restartPolicy: 'Always' | 'OnFailure' | 'Never' = 'Always', status?: Pod['status']): Pod {
  return { metadata: { name: 'p', namespace: 'd', uid: 'u' }, spec: { restartPolicy, containers: [{ name: 'a', image: 'img:1' }] }, status };
}
function ctr(state: ContainerInfo['state'], o: Partial<ContainerInfo> = {}): ContainerInfo {
  return { id: 'c1', sandboxId: 's1', name: 'a', attempt: 0, state, createdAt: T1, startedAt: T1, finishedAt: 0, exitCode: 0, reason: '', message: '', image: 'img:1', imageRef: 'sha256:abc', ...o };
}
const st = (containers: ContainerInfo[], ready = true): PodCriState => ({
  sandboxes: [{ id: 's1', attempt: 0, state: ready ? 'SANDBOX_READY' : 'SANDBOX_NOTREADY', createdAt: T1, ip: ready ? '10.244.1.5' : undefined }],
  containers,
});
const inputs = (waiting: Record<string, { reason: string }> = {}) => ({ nodeIP: '192.168.0.2', nowIso: NOW, waiting });

describe('computePodStatus', () => {
  const phases: { name: string; pod: Pod; state: PodCriState; waiting?: Record<string, { reason: string }>; phase: string; ready: boolean; state0: string }[] = [
    { name: 'nothing yet', pod: pod(), state: { sandboxes: [], containers: [] }, phase: 'Pending', ready: false, state0: 'waiting:ContainerCreating' },
    { name: 'image pull failing', pod: pod(), state: st([]), waiting: { a: { reason: 'ErrImagePull' } }, phase: 'Pending', ready: false, state0: 'waiting:ErrImagePull' },
    { name: 'running', pod: pod(), state: st([ctr('CONTAINER_RUNNING')]), phase: 'Running', ready: true, state0: 'running' },
    { name: 'Never + exit 0', pod: pod('Never'), state: st([ctr('CONTAINER_EXITED', { finishedAt: T2 })], false), phase: 'Succeeded', ready: false, state0: 'terminated:Completed' },
    { name: 'Never + exit 1', pod: pod('Never'), state: st([ctr('CONTAINER_EXITED', { exitCode: 1, finishedAt: T2 })], false), phase: 'Failed', ready: false, state0: 'terminated:Error' },
    { name: 'OnFailure + exit 0', pod: pod('OnFailure'), state: st([ctr('CONTAINER_EXITED', { finishedAt: T2 })]), phase: 'Succeeded', ready: false, state0: 'terminated:Completed' },
    {
      name: 'Always + crash loop',
      pod: pod(),
      state: st([ctr('CONTAINER_EXITED', { attempt: 2, exitCode: 1, finishedAt: T2 })]),
      waiting: { a: { reason: 'CrashLoopBackOff' } },
      phase: 'Running',
      ready: false,
      state0: 'waiting:CrashLoopBackOff',
    },
    { name: 'terminal phase is sticky', pod: pod('Always', { phase: 'Failed' }), state: st([]), phase: 'Failed', ready: false, state0: 'waiting:ContainerCreating' },
  ];
  for (const c of phases) {
    it(c.name, () => {
      const s = computePodStatus(c.pod, c.state, inputs(c.waiting));
      assert.equal(s.phase, c.phase);
      assert.equal(s.conditions!.find((x) => x.type === 'Ready')!.status, c.ready ? 'True' : 'False');
      const cs = s.containerStatuses![0];
      const key = cs.state.running ? 'running' : cs.state.waiting ? `waiting:${cs.state.waiting.reason}` : `terminated:${cs.state.terminated!.reason}`;
      assert.equal(key, c.state0);
    });
  }

  it('reports ids, restart count, last state, IPs and times', () => {
    const s = computePodStatus(pod(), st([ctr('CONTAINER_RUNNING', { id: 'c2', attempt: 1, startedAt: T2 }), ctr('CONTAINER_EXITED', { exitCode: 137, finishedAt: T2 })]), inputs());
    const cs = s.containerStatuses![0];
    assert.equal(cs.containerID, 'containerd://c2');
    assert.equal(cs.restartCount, 1);
    assert.equal(cs.imageID, 'sha256:abc');
    assert.equal(cs.image, 'img:1');
    assert.equal(cs.state.running!.startedAt, '2024-04-30T01:00:00.000Z');
    assert.equal(cs.lastState!.terminated!.exitCode, 137);
    assert.equal(s.podIP, '10.244.1.5');
    assert.deepEqual(s.podIPs, [{ ip: '10.244.1.5' }]);
    assert.equal(s.hostIP, '192.168.0.2');
    assert.equal(s.startTime, NOW);
    assert.equal(s.qosClass, 'BestEffort');
    assert.deepEqual(s.conditions!.map((c) => c.type).sort(), ['ContainersReady', 'Initialized', 'PodScheduled', 'Ready']);
  });

  it('keeps the conditions others own (DisruptionTarget) and rewrites its own (Ready)', () => {
    const disruption = { type: 'DisruptionTarget', status: 'True' as const, reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting', lastTransitionTime: '2024-04-30T01:00:00Z' };
    const p = pod('Always', { phase: 'Running', conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: '2024-04-30T01:00:00Z' }, disruption] });
    const s = computePodStatus(p, st([ctr('CONTAINER_RUNNING')]), inputs());
    assert.equal(s.conditions!.find((x) => x.type === 'Ready')!.status, 'True');
    assert.deepEqual(s.conditions!.find((x) => x.type === 'DisruptionTarget'), disruption);
    assert.equal(s.conditions!.length, 5);
  });

  it('keeps transition times and startTime when nothing changed, so a resync writes nothing', () => {
    const p = pod();
    const first = computePodStatus(p, st([ctr('CONTAINER_RUNNING')]), inputs());
    const again = computePodStatus({ ...p, status: first }, st([ctr('CONTAINER_RUNNING')]), { ...inputs(), nowIso: '2030-01-01T00:00:00.000Z' });
    assert.ok(statusEqual(first, again));
  });

  it('reports the QoS class stored by the apiserver, else the computed one', () => {
    const guaranteed = { ...pod(), spec: { ...pod().spec, containers: [{ name: 'a', image: 'img:1', resources: { limits: { cpu: '1', memory: '1Gi' } } }] } } as Pod;
    assert.equal(computePodStatus(guaranteed, st([ctr('CONTAINER_RUNNING')]), inputs()).qosClass, 'Guaranteed');
    const stored = { ...guaranteed, status: { qosClass: 'Burstable' } } as Pod;
    assert.equal(computePodStatus(stored, st([ctr('CONTAINER_RUNNING')]), inputs()).qosClass, 'Burstable');
  });

  it('a deleted pod whose containers stopped is Failed or Succeeded, whatever its restart policy', () => {
    const killed = computePodStatus(pod(), st([ctr('CONTAINER_EXITED', { exitCode: 137, finishedAt: T2 })]), { ...inputs(), terminal: true });
    assert.equal(killed.phase, 'Failed');
    const clean = computePodStatus(pod(), st([ctr('CONTAINER_EXITED', { exitCode: 0, finishedAt: T2 })]), { ...inputs(), terminal: true });
    assert.equal(clean.phase, 'Succeeded');
  });

  it('statusEqual ignores key order and undefined fields', () => {
    assert.ok(statusEqual({ a: 1, b: { c: 2, d: undefined } }, { b: { c: 2 }, a: 1 }));
    assert.ok(!statusEqual({ a: [1, 2] }, { a: [2, 1] }));
  });

  describe('sidecars', () => {
    const sidecarPod = (restartPolicy: 'Always' | 'Never' = 'Always', status?: Pod['status']): Pod => ({
      ...pod(restartPolicy, status),
      spec: { restartPolicy, initContainers: [{ name: 's', image: 'img:1', restartPolicy: 'Always' }, { name: 'i', image: 'img:1' }], containers: [{ name: 'a', image: 'img:1' }] },
    });
    const side = (state: ContainerInfo['state'], o: Partial<ContainerInfo> = {}) => ctr(state, { id: 'x1', name: 's', ...o });
    const init0 = ctr('CONTAINER_EXITED', { id: 'x2', name: 'i', finishedAt: T2 });
    const cond = (s: ReturnType<typeof computePodStatus>, t: string) => s.conditions!.find((x) => x.type === t)!;

    it('a running sidecar beside the app: Running, Initialized, started and ready', () => {
      const s = computePodStatus(sidecarPod(), st([side('CONTAINER_RUNNING'), init0, ctr('CONTAINER_RUNNING')]), inputs());
      assert.equal(s.phase, 'Running');
      assert.equal(cond(s, 'Initialized').status, 'True');
      assert.equal(cond(s, 'Ready').status, 'True');
      const [sc, ic] = s.initContainerStatuses!;
      assert.deepEqual([sc.name, !!sc.state.running, sc.started, sc.ready], ['s', true, true, true]);
      assert.deepEqual([ic.name, ic.state.terminated?.reason, ic.ready], ['i', 'Completed', true]);
    });

    it('a sidecar whose startup probe has not passed keeps the pod in Init', () => {
      const probe = (id: string) => ({ ready: false, started: id !== 'x1' });
      const s = computePodStatus(sidecarPod(), st([side('CONTAINER_RUNNING')]), { ...inputs(), probe });
      assert.equal(s.phase, 'Pending');
      assert.equal(cond(s, 'Initialized').status, 'False');
      assert.equal(cond(s, 'Initialized').message, 'containers with incomplete status: [s i]');
      assert.deepEqual([s.initContainerStatuses![0].started, s.initContainerStatuses![0].ready], [false, false]);
    });

    it('an unready sidecar makes the pod unready', () => {
      const probe = (id: string) => ({ ready: id !== 'x1', started: true });
      const s = computePodStatus(sidecarPod(), st([side('CONTAINER_RUNNING'), init0, ctr('CONTAINER_RUNNING')]), { ...inputs(), probe });
      assert.equal(cond(s, 'Ready').status, 'False');
      assert.equal(cond(s, 'Ready').message, 'containers with unready status: [s]');
    });

    it('a sidecar restarting after init leaves the pod Initialized and Running', () => {
      const s = computePodStatus(sidecarPod(), st([side('CONTAINER_EXITED', { exitCode: 1, finishedAt: T2 }), init0, ctr('CONTAINER_RUNNING')]), inputs({ s: { reason: 'CrashLoopBackOff' } }));
      assert.equal(s.phase, 'Running');
      assert.equal(cond(s, 'Initialized').status, 'True');
      assert.equal(s.initContainerStatuses![0].state.waiting?.reason, 'CrashLoopBackOff');
      assert.equal(s.initContainerStatuses![0].ready, false);
    });

    it('app done under Never while the sidecar still runs: Running until the kubelet stopped it', () => {
      const s = computePodStatus(sidecarPod('Never'), st([side('CONTAINER_RUNNING'), init0, ctr('CONTAINER_EXITED', { finishedAt: T2 })]), inputs());
      assert.equal(s.phase, 'Running');
    });

    it('app succeeded and the sidecar was killed: Succeeded, the kill is not a failure', () => {
      const s = computePodStatus(sidecarPod('Never'), st([side('CONTAINER_EXITED', { exitCode: 143, finishedAt: T2 }), init0, ctr('CONTAINER_EXITED', { finishedAt: T2 })], false), inputs());
      assert.equal(s.phase, 'Succeeded');
      assert.equal(s.initContainerStatuses![0].state.terminated?.exitCode, 143);
    });
  });
});
