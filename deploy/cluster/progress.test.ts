import { strict as assert } from 'node:assert';
import { formatStep, step, textReporter, type ReportedError } from './progress';

describe('step output', () => {
  it('prints one line per step with its duration and detail', () => {
    assert.equal(formatStep({ step: 'packages', ok: true, ms: 120 }), '✓ packages                0.1 s');
    assert.equal(formatStep({ step: 'etcd', ok: true, ms: 612, detail: 'pid 42' }), '✓ etcd                    0.6 s  pid 42');
    assert.equal(formatStep({ step: 'kubelet', ok: true, detail: 'pid 7, already running' }), '✓ kubelet                        pid 7, already running');
    assert.equal(
      formatStep({ step: 'ports and paths', ok: false, ms: 40, detail: 'port 2379 (etcd client) is held by pid 9 (etcd)\n  also in use: …' }),
      '✗ ports and paths         0.0 s  port 2379 (etcd client) is held by pid 9 (etcd)',
    );
  });

  it('times a step, reports a failure once and rethrows it', async () => {
    const lines: string[] = [];
    const r = textReporter((l) => lines.push(l));
    assert.equal(await step(r, 'images', () => 'x', (v) => `built ${v}`), 'x');
    const boom = new Error('no space left\ndetails');
    await assert.rejects(step(r, 'certificates', () => Promise.reject(boom)), (e: ReportedError) => e === boom && e.reported === true);
    // an outer step does not report the same failure again
    await assert.rejects(step(r, 'outer', () => Promise.reject(boom)));
    assert.equal(lines.length, 2);
    assert.match(lines[0], /^✓ images +\d\.\d s  built x$/);
    assert.match(lines[1], /^✗ certificates +\d\.\d s  no space left$/);
  });
});
