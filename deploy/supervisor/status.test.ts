import { strict as assert } from 'node:assert';
import { formatDuration, formatExit, renderStatus, type SupervisorStatus } from './status';

const t0 = Date.parse('2025-01-02T03:04:05Z');

describe('supervisor status', () => {
  it('says how a process ended', () => {
    const base = { at: t0, requested: false, known: true };
    assert.equal(formatExit({ ...base, code: null, signal: 'SIGKILL' }), 'signal KILL');
    assert.equal(formatExit({ ...base, code: 0, signal: null }), 'code 0');
    assert.equal(formatExit({ ...base, code: null, signal: null, known: false }), 'gone (status unknown: not our child)');
    assert.equal(formatExit({ ...base, code: null, signal: null, error: 'spawn nope ENOENT' }), 'could not start: spawn nope ENOENT');
  });

  it('formats durations for people', () => {
    assert.deepEqual([5, 1500, 61_000, 3_700_000, 50 * 3600_000].map(formatDuration), ['5 ms', '1.5 s', '1m 1s', '1h 1m', '2d 2h']);
  });

  it('renders one line per unit with state, pid, restarts and the last exit with its time', () => {
    const s: SupervisorStatus = {
      supervisor: { pid: 10, startedAt: t0 - 65_000, running: true, socket: '/r/s.sock', logFile: '/l/supervisor.log' },
      writtenAt: t0,
      units: [
        { name: 'etcd', state: 'running', pid: 11, adopted: false, restarts: 0, decisions: [], logFile: '/l/etcd.log' },
        {
          name: 'apiserver',
          state: 'running',
          pid: 12,
          adopted: true,
          restarts: 1,
          lastExit: { code: null, signal: 'SIGKILL', at: t0 - 5000, requested: false, known: true },
          decisions: [],
          logFile: '/l/apiserver.log',
        },
        {
          name: 'kubelet',
          state: 'backoff',
          adopted: false,
          restarts: 4,
          nextStartAt: t0 + 1600,
          lastExit: { code: 1, signal: null, at: t0 - 100, requested: false, known: true },
          decisions: [],
          logFile: '/l/kubelet.log',
        },
        { name: 'kube-proxy', state: 'stopped', adopted: false, restarts: 0, lastExit: { code: 0, signal: null, at: t0, requested: true, known: true }, decisions: [], logFile: '/l/kp.log' },
      ],
    };
    assert.equal(
      renderStatus(s, t0),
      [
        'supervisor  running  pid 10  up 1m 5s  log /l/supervisor.log',
        '',
        'UNIT        STATE                       PID  RESTARTS  LAST EXIT',
        'etcd        running                     11   0         -',
        'apiserver   running                     12   1         signal KILL at 2025-01-02T03:04:00Z (5.0 s ago)',
        'kubelet     backoff (restart in 1.6 s)  -    4         code 1 at 2025-01-02T03:04:04Z (100 ms ago)',
        'kube-proxy  stopped                     -    0         code 0 (requested) at 2025-01-02T03:04:05Z (0 ms ago)',
      ].join('\n'),
    );
    const down = renderStatus({ ...s, supervisor: { ...s.supervisor, running: false } }, t0);
    assert.match(down.split('\n')[0], /^supervisor  not running \(last pid 10\): nothing restarts/);
  });
});
