import { strict as assert } from 'node:assert';
import type { Pod } from '../../lib/api/types';
import { computePodActions, backoffDelayMs, type PodActions } from './pod-actions';
import type { ContainerInfo, PodCriState, SandboxInfo } from './cri-state';

const NOW = 1_000_000_000; // ms
const msToNs = (ms: number) => ms * 1e6;

function pod(over: Partial<Pod['spec']> = {}, meta: Partial<Pod['metadata']> = {}): Pod {
  return {
    metadata: { name: 'p', namespace: 'default', uid: 'u1', ...meta },
    spec: { containers: [{ name: 'a', image: 'img' }, { name: 'b', image: 'img' }], ...over },
  };
}
const sb = (id: string, state: SandboxInfo['state'] = 'SANDBOX_READY', attempt = 0): SandboxInfo => ({ id, attempt, state, createdAt: attempt + 1 });
function ctr(id: string, name: string, state: ContainerInfo['state'], o: Partial<ContainerInfo> = {}): ContainerInfo {
  return { id, sandboxId: 's1', name, attempt: 0, state, createdAt: 1, startedAt: 1, finishedAt: 0, exitCode: 0, reason: '', message: '', image: 'img', imageRef: 'sha256:x', ...o };
}
const st = (sandboxes: SandboxInfo[], containers: ContainerInfo[] = []): PodCriState => ({ sandboxes, containers });

type Expect = Partial<Pick<PodActions, 'killPod' | 'finalize' | 'createSandbox' | 'sandboxAttempt' | 'sandboxId' | 'requeueAfterMs'>> & {
  start?: string[]; // "name@attempt"
  kill?: string[];
  remove?: string[];
  removeSandboxes?: string[];
  backoff?: string[];
};

const cases: { name: string; pod: Pod; state: PodCriState; expect: Expect }[] = [
  { name: 'new pod: sandbox + all containers', pod: pod(), state: st([]), expect: { createSandbox: true, sandboxAttempt: 0, start: ['a@0', 'b@0'] } },
  {
    name: 'all running: nothing to do',
    pod: pod(),
    state: st([sb('s1')], [ctr('c1', 'a', 'CONTAINER_RUNNING'), ctr('c2', 'b', 'CONTAINER_RUNNING')]),
    expect: { createSandbox: false, sandboxId: 's1', start: [], kill: [] },
  },
  {
    name: 'one container missing: start it',
    pod: pod(),
    state: st([sb('s1')], [ctr('c1', 'a', 'CONTAINER_RUNNING')]),
    expect: { sandboxId: 's1', start: ['b@0'] },
  },
  {
    name: 'exited under Always, backoff elapsed: restart with next attempt',
    pod: pod(),
    state: st([sb('s1')], [ctr('c1', 'a', 'CONTAINER_RUNNING'), ctr('c2', 'b', 'CONTAINER_EXITED', { exitCode: 1, finishedAt: msToNs(NOW - 11_000) })]),
    expect: { start: ['b@1'], backoff: [] },
  },
  {
    name: 'exited under Always, within backoff: wait (CrashLoopBackOff)',
    pod: pod(),
    state: st([sb('s1')], [ctr('c1', 'a', 'CONTAINER_RUNNING'), ctr('c2', 'b', 'CONTAINER_EXITED', { attempt: 2, exitCode: 1, startedAt: msToNs(NOW - 6_000), finishedAt: msToNs(NOW - 5_000) })]),
    expect: { start: [], backoff: ['b'], requeueAfterMs: 15_000 },
  },
  {
    name: 'first crash restarts at once',
    pod: pod(),
    state: st([sb('s1')], [ctr('c1', 'a', 'CONTAINER_RUNNING'), ctr('c2', 'b', 'CONTAINER_EXITED', { exitCode: 1, startedAt: msToNs(NOW - 2_000), finishedAt: msToNs(NOW - 1_000) })]),
    expect: { start: ['b@1'], backoff: [] },
  },
  {
    name: 'backoff step comes from the annotation, not the attempt',
    pod: pod(),
    state: st([sb('s1')], [ctr('c1', 'a', 'CONTAINER_RUNNING'), ctr('c2', 'b', 'CONTAINER_EXITED', { attempt: 9, backoffStep: 1, exitCode: 1, startedAt: msToNs(NOW - 3_000), finishedAt: msToNs(NOW - 2_000) })]),
    expect: { start: [], backoff: ['b'], requeueAfterMs: 8_000 },
  },
  {
    name: 'a container that ran 10 minutes restarts at once (backoff reset)',
    pod: pod(),
    state: st([sb('s1')], [ctr('c1', 'a', 'CONTAINER_RUNNING'), ctr('c2', 'b', 'CONTAINER_EXITED', { attempt: 9, backoffStep: 8, exitCode: 1, startedAt: msToNs(NOW - 700_000), finishedAt: msToNs(NOW - 1_000) })]),
    expect: { start: ['b@10'], backoff: [] },
  },
  {
    name: 'init containers: new pod starts only the first',
    pod: pod({ initContainers: [{ name: 'i1', image: 'img' }, { name: 'i2', image: 'img' }] }),
    state: st([]),
    expect: { createSandbox: true, start: ['i1@0'] },
  },
  {
    name: 'init containers: the next one after the first completed',
    pod: pod({ initContainers: [{ name: 'i1', image: 'img' }, { name: 'i2', image: 'img' }] }),
    state: st([sb('s1')], [ctr('x1', 'i1', 'CONTAINER_EXITED', { exitCode: 0 })]),
    expect: { start: ['i2@0'] },
  },
  {
    name: 'init containers: one running blocks the app containers',
    pod: pod({ initContainers: [{ name: 'i1', image: 'img' }] }),
    state: st([sb('s1')], [ctr('x1', 'i1', 'CONTAINER_RUNNING')]),
    expect: { start: [] },
  },
  {
    name: 'init containers: all done starts the app containers',
    pod: pod({ initContainers: [{ name: 'i1', image: 'img' }] }),
    state: st([sb('s1')], [ctr('x1', 'i1', 'CONTAINER_EXITED', { exitCode: 0 })]),
    expect: { start: ['a@0', 'b@0'] },
  },
  {
    name: 'init containers: failure under Always restarts the init container',
    pod: pod({ initContainers: [{ name: 'i1', image: 'img' }] }),
    state: st([sb('s1')], [ctr('x1', 'i1', 'CONTAINER_EXITED', { exitCode: 1, startedAt: msToNs(NOW - 2_000), finishedAt: msToNs(NOW - 1_000) })]),
    expect: { start: ['i1@1'] },
  },
  {
    name: 'init containers: failure under Never fails the pod',
    pod: pod({ restartPolicy: 'Never', initContainers: [{ name: 'i1', image: 'img' }] }),
    state: st([sb('s1')], [ctr('x1', 'i1', 'CONTAINER_EXITED', { exitCode: 1 })]),
    expect: { killPod: true, start: [] },
  },
  {
    name: 'OnFailure: success stays exited',
    pod: pod({ restartPolicy: 'OnFailure' }),
    state: st([sb('s1')], [ctr('c1', 'a', 'CONTAINER_RUNNING'), ctr('c2', 'b', 'CONTAINER_EXITED', { exitCode: 0, finishedAt: msToNs(NOW - 60_000) })]),
    expect: { start: [], backoff: [] },
  },
  {
    name: 'OnFailure: failure restarts',
    pod: pod({ restartPolicy: 'OnFailure' }),
    state: st([sb('s1')], [ctr('c1', 'a', 'CONTAINER_RUNNING'), ctr('c2', 'b', 'CONTAINER_EXITED', { exitCode: 2, finishedAt: msToNs(NOW - 60_000) })]),
    expect: { start: ['b@1'] },
  },
  {
    name: 'Never: all exited is terminal, stop the sandbox',
    pod: pod({ restartPolicy: 'Never' }),
    state: st([sb('s1')], [ctr('c1', 'a', 'CONTAINER_EXITED', { exitCode: 0 }), ctr('c2', 'b', 'CONTAINER_EXITED', { exitCode: 1 })]),
    expect: { killPod: true, createSandbox: false, start: [] },
  },
  {
    name: 'Never: terminal pod with sandbox already stopped does nothing',
    pod: pod({ restartPolicy: 'Never' }),
    state: st([sb('s1', 'SANDBOX_NOTREADY')], [ctr('c1', 'a', 'CONTAINER_EXITED'), ctr('c2', 'b', 'CONTAINER_EXITED')]),
    expect: { killPod: false, createSandbox: false, start: [] },
  },
  {
    name: 'sandbox died: new sandbox with next attempts, old containers killed, old sandbox removed',
    pod: pod(),
    state: st([sb('s1', 'SANDBOX_NOTREADY')], [ctr('c1', 'a', 'CONTAINER_RUNNING', { attempt: 3 }), ctr('c2', 'b', 'CONTAINER_EXITED')]),
    expect: { createSandbox: true, sandboxAttempt: 1, start: ['a@4', 'b@1'], kill: ['c1'], removeSandboxes: ['s1'] },
  },
  {
    name: 'deleting: kill and finalize',
    pod: pod({}, { deletionTimestamp: '2024-01-01T00:00:00Z' }),
    state: st([sb('s1')], [ctr('c1', 'a', 'CONTAINER_RUNNING')]),
    expect: { killPod: true, finalize: true, createSandbox: false, start: [] },
  },
  {
    name: 'created but never started: replace it',
    pod: pod(),
    state: st([sb('s1')], [ctr('c1', 'a', 'CONTAINER_RUNNING'), ctr('c2', 'b', 'CONTAINER_CREATED')]),
    expect: { kill: ['c2'], start: ['b@1'] },
  },
  {
    name: 'container not in spec is killed',
    pod: pod(),
    state: st([sb('s1')], [ctr('c1', 'a', 'CONTAINER_RUNNING'), ctr('c2', 'b', 'CONTAINER_RUNNING'), ctr('c3', 'zz', 'CONTAINER_RUNNING')]),
    expect: { kill: ['c3'], start: [] },
  },
  {
    name: 'old exited instances beyond the latest two are removed',
    pod: pod(),
    state: st(
      [sb('s1')],
      [
        ctr('c0', 'a', 'CONTAINER_EXITED', { attempt: 0 }),
        ctr('c1', 'a', 'CONTAINER_EXITED', { attempt: 1 }),
        ctr('c2', 'a', 'CONTAINER_RUNNING', { attempt: 2 }),
        ctr('c9', 'b', 'CONTAINER_RUNNING'),
      ],
    ),
    expect: { remove: ['c0'], start: [] },
  },
  {
    name: 'two ready sandboxes: keep the newest, remove the older',
    pod: pod(),
    state: st([sb('s0', 'SANDBOX_READY', 0), sb('s1', 'SANDBOX_READY', 1)], [ctr('c1', 'a', 'CONTAINER_RUNNING'), ctr('c2', 'b', 'CONTAINER_RUNNING')]),
    expect: { sandboxId: 's1', removeSandboxes: ['s0'], start: [] },
  },
];

// Sidecars: init containers with restartPolicy Always (KEP-753 as upstream's kubelet runs them).
const side = (name: string) => ({ name, image: 'img', restartPolicy: 'Always' as const });
const plain = (name: string) => ({ name, image: 'img' });
const sidecarCases: { name: string; pod: Pod; state: PodCriState; notStarted?: string[]; unhealthy?: string[]; expect: Expect }[] = [
  {
    name: 'sidecar first: a new pod starts only the sidecar',
    pod: pod({ initContainers: [side('s'), plain('i')] }),
    state: st([]),
    expect: { createSandbox: true, start: ['s@0'] },
  },
  {
    name: 'sidecar running and started: the next init container starts',
    pod: pod({ initContainers: [side('s'), plain('i')] }),
    state: st([sb('s1')], [ctr('x1', 's', 'CONTAINER_RUNNING')]),
    expect: { start: ['i@0'] },
  },
  {
    name: 'sidecar running, startup probe not passed: the next init container waits',
    pod: pod({ initContainers: [side('s'), plain('i')] }),
    state: st([sb('s1')], [ctr('x1', 's', 'CONTAINER_RUNNING')]),
    notStarted: ['x1'],
    expect: { start: [] },
  },
  {
    name: 'sidecar running, plain init completed: the app containers start beside the sidecar',
    pod: pod({ initContainers: [side('s'), plain('i')] }),
    state: st([sb('s1')], [ctr('x1', 's', 'CONTAINER_RUNNING'), ctr('x2', 'i', 'CONTAINER_EXITED', { exitCode: 0 })]),
    expect: { start: ['a@0', 'b@0'], kill: [] },
  },
  {
    name: 'last init container is a started sidecar: the app containers start',
    pod: pod({ initContainers: [plain('i'), side('s')] }),
    state: st([sb('s1')], [ctr('x1', 'i', 'CONTAINER_EXITED', { exitCode: 0 }), ctr('x2', 's', 'CONTAINER_RUNNING')]),
    expect: { start: ['a@0', 'b@0'] },
  },
  {
    name: 'two sidecars start in order',
    pod: pod({ initContainers: [side('s'), side('t')] }),
    state: st([sb('s1')], [ctr('x1', 's', 'CONTAINER_RUNNING')]),
    expect: { start: ['t@0'] },
  },
  {
    name: 'sidecar exited during init: restarted (exit 0 too), the next init container waits',
    pod: pod({ initContainers: [side('s'), plain('i')] }),
    state: st([sb('s1')], [ctr('x1', 's', 'CONTAINER_EXITED', { exitCode: 0, startedAt: msToNs(NOW - 2_000), finishedAt: msToNs(NOW - 1_000) })]),
    expect: { start: ['s@1'] },
  },
  {
    name: 'sidecar exited after init: restarted beside running app containers, even under Never',
    pod: pod({ restartPolicy: 'Never', initContainers: [side('s')] }),
    state: st([sb('s1')], [ctr('x1', 's', 'CONTAINER_EXITED', { exitCode: 0, startedAt: msToNs(NOW - 2_000), finishedAt: msToNs(NOW - 1_000) }), ctr('c1', 'a', 'CONTAINER_RUNNING'), ctr('c2', 'b', 'CONTAINER_RUNNING')]),
    expect: { killPod: false, start: ['s@1'] },
  },
  {
    name: 'sidecar crash-looping after init: backoff, app containers untouched',
    pod: pod({ initContainers: [side('s')] }),
    state: st([sb('s1')], [ctr('x1', 's', 'CONTAINER_EXITED', { attempt: 2, exitCode: 1, startedAt: msToNs(NOW - 6_000), finishedAt: msToNs(NOW - 5_000) }), ctr('c1', 'a', 'CONTAINER_RUNNING'), ctr('c2', 'b', 'CONTAINER_RUNNING')]),
    expect: { start: [], backoff: ['s'], requeueAfterMs: 15_000 },
  },
  {
    name: 'sidecar failed under Never: not a failed pod, restarted',
    pod: pod({ restartPolicy: 'Never', initContainers: [side('s')] }),
    state: st([sb('s1')], [ctr('x1', 's', 'CONTAINER_EXITED', { exitCode: 1, startedAt: msToNs(NOW - 2_000), finishedAt: msToNs(NOW - 1_000) })]),
    expect: { killPod: false, start: ['s@1'] },
  },
  {
    name: 'sidecar whose liveness failed is stopped and kept for its restart',
    pod: pod({ initContainers: [side('s')] }),
    state: st([sb('s1')], [ctr('x1', 's', 'CONTAINER_RUNNING'), ctr('c1', 'a', 'CONTAINER_RUNNING'), ctr('c2', 'b', 'CONTAINER_RUNNING')]),
    unhealthy: ['x1'],
    expect: { kill: ['x1'], start: [], requeueAfterMs: 0 },
  },
  {
    name: 'app containers done under Never: the pod is terminal and the running sidecar is stopped',
    pod: pod({ restartPolicy: 'Never', initContainers: [side('s')] }),
    state: st([sb('s1')], [ctr('x1', 's', 'CONTAINER_RUNNING'), ctr('c1', 'a', 'CONTAINER_EXITED', { exitCode: 0 }), ctr('c2', 'b', 'CONTAINER_EXITED', { exitCode: 0 })]),
    expect: { killPod: true, start: [] },
  },
  {
    name: 'app containers done under OnFailure: terminal although the sidecar restarts',
    pod: pod({ restartPolicy: 'OnFailure', initContainers: [side('s')] }),
    state: st([sb('s1')], [ctr('x1', 's', 'CONTAINER_EXITED', { exitCode: 1 }), ctr('c1', 'a', 'CONTAINER_EXITED', { exitCode: 0 }), ctr('c2', 'b', 'CONTAINER_EXITED', { exitCode: 0 })]),
    expect: { killPod: true, start: [] },
  },
  {
    name: 'new sandbox: initialization starts over from the first init container',
    pod: pod({ initContainers: [side('s'), plain('i')] }),
    state: st([sb('s1', 'SANDBOX_NOTREADY')], [ctr('x1', 's', 'CONTAINER_RUNNING'), ctr('x2', 'i', 'CONTAINER_EXITED'), ctr('c1', 'a', 'CONTAINER_RUNNING')]),
    expect: { createSandbox: true, sandboxAttempt: 1, start: ['s@1'], kill: ['x1', 'c1'] },
  },
];

describe('computePodActions', () => {
  for (const c of sidecarCases) {
    it(c.name, () => {
      const a = computePodActions(c.pod, c.state, NOW, undefined, { notStarted: new Set(c.notStarted), unhealthy: new Set(c.unhealthy) });
      const e = c.expect;
      for (const k of ['killPod', 'createSandbox', 'sandboxAttempt', 'requeueAfterMs'] as const) if (k in e) assert.equal(a[k], e[k], k);
      if (e.start) assert.deepEqual(a.containersToStart.map((x) => `${x.name}@${x.attempt}`), e.start);
      if (e.kill) assert.deepEqual(a.containersToKill.map((x) => x.id), e.kill);
      if (e.backoff) assert.deepEqual(a.backoff.map((b) => b.name), e.backoff);
    });
  }

  for (const c of cases) {
    it(c.name, () => {
      const a = computePodActions(c.pod, c.state, NOW);
      const e = c.expect;
      for (const k of ['killPod', 'finalize', 'createSandbox', 'sandboxAttempt', 'sandboxId', 'requeueAfterMs'] as const) {
        if (k in e) assert.equal(a[k], e[k], k);
      }
      if (e.start) assert.deepEqual(a.containersToStart.map((x) => `${x.name}@${x.attempt}`), e.start);
      if (e.kill) assert.deepEqual(a.containersToKill.map((x) => x.id), e.kill);
      if (e.remove) assert.deepEqual(a.containersToRemove, e.remove);
      if (e.removeSandboxes) assert.deepEqual(a.sandboxesToRemove, e.removeSandboxes);
      if (e.backoff) assert.deepEqual(a.backoff.map((b) => b.name), e.backoff);
    });
  }

  it('a container whose liveness failed is stopped and kept for its restart', () => {
    const a = computePodActions(pod(), st([sb('s1')], [ctr('c1', 'a', 'CONTAINER_RUNNING'), ctr('c2', 'b', 'CONTAINER_RUNNING')]), NOW, undefined, { unhealthy: new Set(['c2']) });
    assert.deepEqual(a.containersToKill, [{ id: 'c2', name: 'b', reason: 'Unhealthy', keep: true }]);
    assert.equal(a.requeueAfterMs, 0);
  });

  const delays: [number, number][] = [[0, 0], [1, 0], [2, 10_000], [3, 20_000], [4, 40_000], [6, 160_000], [7, 300_000], [50, 300_000]];
  for (const [attempt, ms] of delays) {
    it(`backoff at step ${attempt} is ${ms}ms`, () => assert.equal(backoffDelayMs(attempt, { baseMs: 10_000, maxMs: 300_000 }), ms));
  }
});
