import { strict as assert } from 'node:assert';
import { cmdlineMatches, decodeWaitStatus, isOurs, parseCmdline, parseStat, processStartMs, startTimeMs } from './proc';

describe('proc', () => {
  it('matches live command lines, seeing through the nsenter prefix', () => {
    const cases: [string[], string[], boolean][] = [
      [['etcd', '--data-dir=/a'], ['/usr/bin/etcd', '--data-dir=/a'], true],
      [['etcd', '--data-dir=/a'], ['etcd', '--data-dir=/b'], false],
      [['nsenter', '--net=/run/netns/x', '--', 'containerd', '--config', 'c'], ['containerd', '--config', 'c'], true],
      [['node', 'main.js'], ['node', 'main.js', 'extra'], false],
      // before nsenter has exec'd its target
      [['nsenter', '--net=/run/netns/x', '--', 'containerd', '--config', 'c'], ['nsenter', '--net=/run/netns/x', '--', 'containerd', '--config', 'c'], true],
      [['sleep', '300'], [], false],
    ];
    for (const [rec, live, want] of cases) assert.equal(cmdlineMatches(rec, live), want, JSON.stringify(rec));
  });

  it('parses cmdline and stat text', () => {
    assert.deepEqual(parseCmdline('node\0main.js\0--x=\0'), ['node', 'main.js', '--x=']);
    assert.deepEqual(parseCmdline(''), []);
    // a command name with spaces and parentheses; exit_code (field 52) is 9: killed by SIGKILL
    const fields = Array.from({ length: 50 }, (_, i) => String(i + 3));
    fields[0] = 'Z';
    fields[1] = '1';
    fields[19] = '4200';
    fields[49] = '9';
    const st = parseStat(`123 (a (b) c) ${fields.join(' ')}\n`);
    assert.deepEqual(st, { state: 'Z', ppid: 1, startTicks: 4200, exitCode: 9 });
    assert.equal(parseStat('1 (init) S 0 1').exitCode, 0);
  });

  it('decodes waitpid status words', () => {
    assert.deepEqual(decodeWaitStatus(9), { code: null, signal: 9 });
    assert.deepEqual(decodeWaitStatus(3 << 8), { code: 3, signal: null });
    assert.deepEqual(decodeWaitStatus(0), { code: 0, signal: null });
  });

  it('derives start times from boot time and ticks, and knows its own process', () => {
    assert.equal(startTimeMs(1_700_000_000, 250), 1_700_000_002_500);
    const mine = processStartMs(process.pid)!;
    assert.ok(mine <= Date.now() && mine > Date.now() - 24 * 3600_000 * 365, String(mine));
    assert.equal(isOurs({ pid: process.pid, argv: process.argv }), true);
    assert.equal(isOurs({ pid: process.pid, argv: ['something-else'] }), false);
  });
});
