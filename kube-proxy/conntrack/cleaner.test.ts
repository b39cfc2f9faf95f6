// The cleaner's reading of conntrack's exit codes, with a recording runner (the real tool is run
// in test/kube-proxy/conntrack-cleaner.test.ts, inside a network namespace).
import assert from 'node:assert/strict';
import { componentLogger } from '../../lib/log';
import type { CommandResult, CommandRunner } from '../exec';
import { ConntrackCleaner } from './cleaner';
import type { ConntrackEntry } from './stale';

const entry = (endpointIP: string): ConntrackEntry => ({ kind: 'service-endpoint', serviceIP: '10.96.0.10', port: 53, protocol: 'udp', endpointIP });
const summary = (n: number) => `conntrack v1.4.7 (conntrack-tools): ${n} flow entries have been deleted.\n`;

function recording(results: CommandResult[]): { run: CommandRunner; calls: string[][] } {
  const calls: string[][] = [];
  const run: CommandRunner = async (cmd, args) => {
    calls.push([cmd, ...args]);
    const r = results.shift();
    if (!r) throw new Error('unexpected command');
    return r;
  };
  return { run, calls };
}

describe('kube-proxy/conntrack ConntrackCleaner', () => {
  const log = componentLogger('kube-proxy-test');

  it('runs one delete per entry and sums what was deleted', async () => {
    const { run, calls } = recording([
      { code: 0, stdout: 'udp 17 29 src=10.244.0.9 ...\n', stderr: summary(2) },
      { code: 1, stdout: '', stderr: summary(0) },
    ]);
    const r = await new ConntrackCleaner(run, log).clear([entry('10.244.0.5'), entry('10.244.1.7')]);
    assert.deepEqual(r, { deleted: 2, failed: [] });
    assert.deepEqual(calls, [
      ['conntrack', '-D', '-p', 'udp', '--orig-dst', '10.96.0.10', '--orig-port-dst', '53', '--dst-nat', '10.244.0.5'],
      ['conntrack', '-D', '-p', 'udp', '--orig-dst', '10.96.0.10', '--orig-port-dst', '53', '--dst-nat', '10.244.1.7'],
    ]);
  });

  it('reports failures and goes on with the other entries', async () => {
    const { run } = recording([
      { code: 127, stdout: '', stderr: 'spawn conntrack ENOENT' },
      { code: 1, stdout: '', stderr: summary(10) + 'conntrack v1.4.7 (conntrack-tools): Operation failed: invalid parameters\n' },
      { code: 0, stdout: '', stderr: summary(1) },
    ]);
    const r = await new ConntrackCleaner(run, log).clear([entry('10.244.0.1'), entry('10.244.0.2'), entry('10.244.0.3')]);
    assert.equal(r.deleted, 1);
    assert.deepEqual(r.failed, [
      'service-endpoint 10.96.0.10:53 -> 10.244.0.1: spawn conntrack ENOENT',
      'service-endpoint 10.96.0.10:53 -> 10.244.0.2: conntrack v1.4.7 (conntrack-tools): Operation failed: invalid parameters',
    ]);
  });

  it('runs nothing for no entries', async () => {
    const { run, calls } = recording([]);
    assert.deepEqual(await new ConntrackCleaner(run, log).clear([]), { deleted: 0, failed: [] });
    assert.equal(calls.length, 0);
  });
});
