import { strict as assert } from 'node:assert';
import { initialProbeState, nextProbeAtMs, observeProbe, probeTiming } from './probe-state';

describe('probe state', () => {
  it('applies Kubernetes defaults, and successThreshold only to readiness', () => {
    assert.deepEqual(probeTiming('readiness', { successThreshold: 2 }), { initialDelayMs: 0, periodMs: 10_000, timeoutSec: 1, successThreshold: 2, failureThreshold: 3 });
    assert.equal(probeTiming('liveness', { successThreshold: 2 }).successThreshold, 1);
  });

  it('schedules the first run after the initial delay, then every period (fake clock)', () => {
    const t = probeTiming('liveness', { initialDelaySeconds: 5, periodSeconds: 2 });
    let s = initialProbeState('liveness');
    assert.equal(nextProbeAtMs(t, 1_000, s), 6_000);
    s = observeProbe(t, s, true, 6_000);
    assert.equal(nextProbeAtMs(t, 1_000, s), 8_000);
  });

  it('liveness starts healthy and fails only after failureThreshold consecutive failures', () => {
    const t = probeTiming('liveness', { failureThreshold: 2 });
    let s = initialProbeState('liveness');
    assert.equal(s.result, true);
    s = observeProbe(t, s, false, 1);
    assert.equal(s.result, true);
    s = observeProbe(t, s, true, 2); // a success breaks the streak
    s = observeProbe(t, s, false, 3);
    assert.equal(s.result, true);
    s = observeProbe(t, s, false, 4);
    assert.equal(s.result, false);
  });

  it('readiness starts unready and needs successThreshold successes', () => {
    const t = probeTiming('readiness', { successThreshold: 2, failureThreshold: 1 });
    let s = initialProbeState('readiness');
    assert.equal(s.result, false);
    s = observeProbe(t, s, true, 1);
    assert.equal(s.result, false);
    s = observeProbe(t, s, true, 2);
    assert.equal(s.result, true);
    s = observeProbe(t, s, false, 3);
    assert.equal(s.result, false);
  });

  it('startup is not started until its first success', () => {
    const t = probeTiming('startup', {});
    const s = observeProbe(t, initialProbeState('startup'), true, 1);
    assert.equal(initialProbeState('startup').result, false);
    assert.equal(s.result, true);
  });
});
