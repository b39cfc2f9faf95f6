import assert from 'node:assert/strict';
import type { Pod } from '../lib/api/types';
import { ANNOTATION_EXIT_CODE, exitCodeOf, hollowPodStatus, statusChanged, type HollowRun } from './hollow-pod-status';

const START = Date.parse('2026-01-01T00:00:00.000Z');
const START_ISO = new Date(START).toISOString();
const UID = '0b7d9a8e-1111-2222-3333-444455556666';

function pod(o: { annotations?: Record<string, string>; hostNetwork?: boolean; inits?: Pod['spec']['initContainers']; restartPolicy?: Pod['spec']['restartPolicy'] } = {}): Pod {
  return {
    metadata: { name: 'web-1', namespace: 'default', uid: UID, annotations: o.annotations },
    spec: { nodeName: 'hollow-0', restartPolicy: o.restartPolicy, hostNetwork: o.hostNetwork, initContainers: o.inits, containers: [{ name: 'web', image: 'k8ts/web:1.0' }] },
  };
}
const run = (o: Partial<HollowRun> = {}): HollowRun => ({ nodeIP: '127.1.0.1', podIP: '10.244.0.2', startedAtMs: START, nowIso: START_ISO, ...o });
const conds = (p: Pod['status']) => Object.fromEntries((p?.conditions ?? []).map((c) => [c.type, c.status]));
const stateOf = (s: NonNullable<Pod['status']>['containerStatuses']) =>
  (s ?? []).map((c) => `${c.name}:${Object.keys(c.state)[0]}${c.state.terminated ? `(${c.state.terminated.exitCode})` : ''}:${c.ready ? 'ready' : 'unready'}`);

describe('hollow pod status', () => {
  it('a running pod: what a kubelet writes, with hollow:// container IDs', () => {
    const s = hollowPodStatus(pod(), run());
    assert.equal(s.phase, 'Running');
    assert.deepEqual(conds(s), { Initialized: 'True', Ready: 'True', ContainersReady: 'True', PodScheduled: 'True' });
    assert.deepEqual([s.hostIP, s.podIP, s.podIPs, s.startTime], ['127.1.0.1', '10.244.0.2', [{ ip: '10.244.0.2' }], START_ISO]);
    const c = s.containerStatuses![0];
    assert.equal(c.containerID, 'hollow://0b7d9a8e111122223333444455556666-web');
    assert.equal(c.imageID, 'hollow://k8ts/web:1.0');
    assert.deepEqual([c.ready, c.started, c.restartCount, c.image], [true, true, 0, 'k8ts/web:1.0']);
    assert.ok(c.state.running?.startedAt);
    assert.equal(s.qosClass, 'BestEffort');
  });

  it('phases and container states, table', () => {
    const cases: { name: string; pod: Pod; run?: Partial<HollowRun>; phase: string; states: string[]; inits?: string[]; podIP?: string }[] = [
      { name: 'runs forever', pod: pod(), phase: 'Running', states: ['web:running:ready'], podIP: '10.244.0.2' },
      { name: 'hostNetwork: the node address', pod: pod({ hostNetwork: true }), run: { podIP: undefined }, phase: 'Running', states: ['web:running:ready'], podIP: '127.1.0.1' },
      { name: 'exit code 0: Succeeded, even with restartPolicy Always', pod: pod({ annotations: { [ANNOTATION_EXIT_CODE]: '0' } }), phase: 'Succeeded', states: ['web:terminated(0):unready'], podIP: '10.244.0.2' },
      { name: 'exit code 3: Failed', pod: pod({ annotations: { [ANNOTATION_EXIT_CODE]: '3' }, restartPolicy: 'Never' }), phase: 'Failed', states: ['web:terminated(3):unready'], podIP: '10.244.0.2' },
      { name: 'a bad exit code: runs forever', pod: pod({ annotations: { [ANNOTATION_EXIT_CODE]: 'soon' } }), phase: 'Running', states: ['web:running:ready'], podIP: '10.244.0.2' },
      { name: 'being deleted: stopped, terminal, no address', pod: pod(), run: { stopping: true, nowIso: '2026-01-01T00:05:00.000Z' }, phase: 'Succeeded', states: ['web:terminated(0):unready'], podIP: undefined },
      {
        name: 'init containers completed, a sidecar running',
        pod: pod({ inits: [{ name: 'setup', image: 'busybox' }, { name: 'proxy', image: 'envoy', restartPolicy: 'Always' }] }),
        phase: 'Running',
        states: ['web:running:ready'],
        inits: ['setup:terminated(0):ready', 'proxy:running:ready'],
        podIP: '10.244.0.2',
      },
    ];
    for (const c of cases) {
      const s = hollowPodStatus(c.pod, run(c.run));
      assert.equal(s.phase, c.phase, c.name);
      assert.deepEqual(stateOf(s.containerStatuses), c.states, c.name);
      assert.deepEqual(stateOf(s.initContainerStatuses), c.inits ?? [], c.name);
      assert.equal(s.podIP, c.podIP, c.name);
      for (const cs of [...(s.containerStatuses ?? []), ...(s.initContainerStatuses ?? [])]) {
        assert.ok(cs.containerID?.startsWith('hollow://'), `${c.name}: ${cs.containerID}`);
        if (cs.state.terminated) assert.ok(cs.state.terminated.containerID?.startsWith('hollow://'), c.name);
      }
    }
  });

  it('the same inputs give the same status: a written status is not written again', () => {
    for (const p of [pod(), pod({ annotations: { [ANNOTATION_EXIT_CODE]: '1' } })]) {
      const first = hollowPodStatus(p, run());
      const written: Pod = { ...p, status: first };
      // Later reconciles: the start time read back from the status, a later clock for deletion only.
      const again = hollowPodStatus(written, run({ startedAtMs: Date.parse(first.startTime!) }));
      assert.equal(statusChanged(written, again), false);
      assert.equal(statusChanged(p, first), true);
    }
  });

  it('what the apiserver normalises (times to seconds, a null lastProbeTime dropped) is no change', () => {
    const first = hollowPodStatus(pod(), run({ startedAtMs: START + 456 }));
    const stored = JSON.parse(JSON.stringify(first, (k, v) => (k === 'lastProbeTime' && v === null ? undefined : typeof v === 'string' && /\.\d{3}Z$/.test(v) ? v.replace(/\.\d{3}Z$/, 'Z') : v))) as Pod['status'];
    const written: Pod = { ...pod(), status: stored };
    const again = hollowPodStatus(written, run({ startedAtMs: Date.parse(stored!.startTime!) }));
    assert.equal(statusChanged(written, again), false);
    // A real change is one: the pod's address, its phase.
    assert.equal(statusChanged(written, { ...again, podIP: '10.244.0.3' }), true);
    assert.equal(statusChanged(written, { ...again, phase: 'Failed' }), true);
  });

  it('the exit-code annotation, table', () => {
    const cases: [string | undefined, number | undefined][] = [
      [undefined, undefined],
      ['0', 0],
      [' 42 ', 42],
      ['255', 255],
      ['256', undefined],
      ['-1', undefined],
      ['1.5', undefined],
      ['', undefined],
    ];
    for (const [raw, want] of cases) assert.equal(exitCodeOf(pod(raw === undefined ? {} : { annotations: { [ANNOTATION_EXIT_CODE]: raw } })), want, String(raw));
  });
});
