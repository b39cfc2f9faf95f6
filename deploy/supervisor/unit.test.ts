import { strict as assert } from 'node:assert';
import { restartPolicyOf, startOrder, unblocked, validateUnits, type UnitSpec } from './unit';

const u = (name: string, after: string[] = [], over: Partial<UnitSpec> = {}): UnitSpec => ({
  name,
  argv: ['sleep', '1'],
  logFile: `/l/${name}.log`,
  pidFile: `/r/${name}.pid`,
  after,
  ...over,
});

describe('unit definitions', () => {
  it('orders units after their dependencies, keeping the file order otherwise', () => {
    assert.deepEqual(startOrder([u('kubelet', ['apiserver', 'containerd']), u('etcd'), u('apiserver', ['etcd']), u('containerd')]), [
      'etcd',
      'apiserver',
      'containerd',
      'kubelet',
    ]);
    assert.deepEqual(startOrder([u('a'), u('b')]), ['a', 'b']);
  });

  it('refuses cycles and unknown dependencies', () => {
    assert.throws(() => startOrder([u('a', ['b']), u('b', ['a'])]), (e: Error & { code?: string }) => e.code === 'UNIT_CYCLE' && /a → b → a/.test(e.message));
    assert.throws(() => startOrder([u('a', ['nope'])]), (e: Error & { code?: string }) => e.code === 'UNIT_UNKNOWN');
  });

  it('lets a unit start once every dependency has been ready', () => {
    const units = [u('etcd'), u('apiserver', ['etcd']), u('kubelet', ['apiserver', 'containerd']), u('containerd')];
    assert.deepEqual(unblocked(units, new Set()), ['etcd', 'containerd']);
    assert.deepEqual(unblocked(units, new Set(['etcd', 'apiserver'])), ['etcd', 'apiserver', 'containerd']);
    assert.deepEqual(unblocked(units, new Set(['etcd', 'apiserver', 'containerd'])), ['etcd', 'apiserver', 'kubelet', 'containerd']);
  });

  it('validates a unit file and names what is wrong', () => {
    assert.equal(validateUnits({ units: [u('a'), u('b', ['a'], { ready: [{ tcp: { host: '127.0.0.1', port: 1 }, netns: '/run/netns/x' }, { unix: '/s' }] })] }).length, 2);
    const bad: [unknown, RegExp][] = [
      [{}, /"units" array/],
      [{ units: [u('A')] }, /name must match/],
      [{ units: [u('a'), u('a')] }, /defined twice/],
      [{ units: [u('a', [], { argv: [] })] }, /argv/],
      [{ units: [u('a', [], { logFile: '' })] }, /logFile/],
      [{ units: [u('a', [], { env: { X: 1 as unknown as string } })] }, /env/],
      [{ units: [u('a', [], { ready: [{ tcp: { host: 'h', port: 70000 } }] })] }, /ready/],
      [{ units: [u('a', [], { restart: { baseDelayMs: -1 } })] }, /restart.baseDelayMs/],
      [{ units: [u('a', [], { restart: { nope: 1 } as never })] }, /restart.nope/],
      [{ units: [u('a', ['b'])] }, /not defined/],
    ];
    for (const [raw, re] of bad) assert.throws(() => validateUnits(raw), re, JSON.stringify(raw));
  });

  it('fills the restart policy from the defaults', () => {
    assert.deepEqual(restartPolicyOf(u('a', [], { restart: { maxDelayMs: 5 } })), { baseDelayMs: 100, factor: 2, maxDelayMs: 5, stableAfterMs: 10_000 });
  });
});
