import { strict as assert } from 'node:assert';
import { unitFailure } from './launch';
import type { UnitStatus } from './status';

const since = 1_000_000;
const u = (over: Partial<UnitStatus>): UnitStatus => ({ name: 'etcd', state: 'starting', adopted: false, restarts: 0, decisions: [], logFile: '/l/etcd.log', ...over });
const exit = (over: Partial<NonNullable<UnitStatus['lastExit']>>) => ({ code: 1, signal: null, at: since + 5, requested: false, known: true, ...over });

describe('launch: why a unit does not come up', () => {
  it('fails on an unrequested exit since the wait began, and only then', () => {
    const table: [string, UnitStatus, string | undefined][] = [
      ['still starting', u({}), undefined],
      ['exited with a code', u({ state: 'backoff', lastExit: exit({}) }), 'exited with code 1 before it was ready'],
      ['killed', u({ state: 'backoff', lastExit: exit({ code: null, signal: 'SIGKILL' }) }), 'was killed by SIGKILL before it was ready'],
      ['missing program', u({ state: 'backoff', lastExit: exit({ code: null, error: 'spawn etcd ENOENT' }) }), 'could not start (spawn etcd ENOENT) before it was ready'],
      ['an exit from before the wait', u({ state: 'starting', lastExit: exit({ at: since - 1 }) }), undefined],
      ['a requested restart', u({ state: 'starting', lastExit: exit({ requested: true }) }), undefined],
      ['stopped on request', u({ state: 'stopped' }), 'it is stopped'],
    ];
    for (const [name, unit, want] of table) assert.equal(unitFailure(unit, since), want, name);
  });
});
