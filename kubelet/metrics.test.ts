import assert from 'node:assert/strict';
import type { Pod } from '../lib/api/types';
import { KubeletMetrics, PodStartTracker } from './metrics';

const pod = (uid: string, phase?: string): Pod => ({ metadata: { name: uid, namespace: 'default', uid }, spec: { containers: [] }, status: phase ? { phase } : undefined }) as Pod;

describe('kubelet metrics', () => {
  // [what, sightings as (phase, ms), the durations observed in seconds]
  const cases: [string, [string | undefined, number][], number[]][] = [
    ['pending, then running: from first sight', [[undefined, 1000], ['Pending', 1500], ['Running', 3500]], [2.5]],
    ['measured once: later updates of a running pod add nothing', [['Pending', 0], ['Running', 1000], ['Running', 9000]], [1]],
    ['already running when first seen (a kubelet restart): not measured', [['Running', 0], ['Running', 1000]], []],
    ['finished before it ran: dropped', [['Pending', 0], ['Failed', 500], ['Running', 900]], []],
  ];
  for (const [name, seen, want] of cases) {
    it(`pod start duration: ${name}`, () => {
      const t = new PodStartTracker();
      const got: number[] = [];
      for (const [phase, ms] of seen) {
        const s = t.observe(pod('u1', phase), ms);
        if (s !== undefined) got.push(s);
      }
      assert.deepEqual(got, want);
      assert.equal(t.tracked, 0);
    });
  }

  it('a deleted pod is forgotten', () => {
    const t = new PodStartTracker();
    t.observe(pod('u1', 'Pending'), 0);
    t.forget('u1');
    assert.equal(t.tracked, 0);
    assert.equal(t.observe(pod('u1', 'Running'), 10), undefined);
  });

  it('renders the families under upstream names, the start histogram included', () => {
    const m = new KubeletMetrics();
    m.podSeen(pod('u1', 'Pending'), 0);
    m.podSeen(pod('u1', 'Running'), 1200);
    m.runningPods.set({}, 1);
    m.housekeeping.inc();
    const text = m.registry.render();
    assert.match(text, /^kubelet_running_pods 1$/m);
    assert.match(text, /^kubelet_housekeeping_total 1$/m);
    assert.match(text, /^kubelet_pod_start_duration_seconds_bucket\{le="1"\} 0$/m);
    assert.match(text, /^kubelet_pod_start_duration_seconds_bucket\{le="2"\} 1$/m);
    assert.match(text, /^kubelet_pod_start_duration_seconds_sum 1.2$/m);
  });
});
