import { strict as assert } from 'node:assert';
import { backoffDelay, decideAfterExit, type ExitFacts, type RestartDecision } from './restart-policy';
import { DEFAULT_RESTART_POLICY, type RestartPolicy } from './unit';

const p: RestartPolicy = { baseDelayMs: 100, factor: 2, maxDelayMs: 1000, stableAfterMs: 10_000 };

describe('restart-policy', () => {
  it('decides what follows an exit', () => {
    const table: [string, ExitFacts, RestartDecision][] = [
      ['a crash after a long run restarts at once (base delay)', { requestedStop: false, failures: 0, uptimeMs: 60_000 }, { action: 'restart', delayMs: 100, failures: 1, counted: true, reason: 'exited' }],
      ['the first crash of a fresh process too', { requestedStop: false, failures: 0, uptimeMs: 50 }, { action: 'restart', delayMs: 100, failures: 1, counted: true, reason: 'exited' }],
      ['a second quick crash doubles the delay', { requestedStop: false, failures: 1, uptimeMs: 50 }, { action: 'restart', delayMs: 200, failures: 2, counted: true, reason: 'crash-loop' }],
      ['the fourth quick crash waits 800 ms', { requestedStop: false, failures: 3, uptimeMs: 10 }, { action: 'restart', delayMs: 800, failures: 4, counted: true, reason: 'crash-loop' }],
      ['the delay is capped', { requestedStop: false, failures: 9, uptimeMs: 10 }, { action: 'restart', delayMs: 1000, failures: 10, counted: true, reason: 'crash-loop' }],
      ['staying up resets the backoff', { requestedStop: false, failures: 9, uptimeMs: 10_000 }, { action: 'restart', delayMs: 100, failures: 1, counted: true, reason: 'exited' }],
      ['a process that never ran (unknown uptime) counts as a quick crash', { requestedStop: false, failures: 2, uptimeMs: undefined }, { action: 'restart', delayMs: 400, failures: 3, counted: true, reason: 'crash-loop' }],
      ['a requested stop stays stopped and is no crash', { requestedStop: true, failures: 4, uptimeMs: 5 }, { action: 'stay-stopped', failures: 0, reason: 'stopped' }],
    ];
    for (const [name, facts, want] of table) assert.deepEqual(decideAfterExit(facts, p), want, name);
  });

  it('grows the delay geometrically up to the cap, without overflowing', () => {
    assert.deepEqual([1, 2, 3, 4, 5].map((n) => backoffDelay(n, p)), [100, 200, 400, 800, 1000]);
    assert.equal(backoffDelay(100_000, DEFAULT_RESTART_POLICY), DEFAULT_RESTART_POLICY.maxDelayMs);
    assert.equal(backoffDelay(3, { ...p, factor: 1 }), 100);
    assert.equal(backoffDelay(0, p), 100);
  });

  it('restarts a first crash within the 100 ms systemd gives RestartSec by default', () => {
    const d = decideAfterExit({ requestedStop: false, failures: 0, uptimeMs: 3_600_000 }, DEFAULT_RESTART_POLICY);
    assert.equal(d.action === 'restart' && d.delayMs, 100);
  });
});
