import assert from 'node:assert/strict';
import { parseLogLine, parseLogOptions, selectLog } from './container-logs';

const file = [
  '2026-01-01T00:00:00.000000001Z stdout F one',
  '2026-01-01T00:00:01.000000000Z stderr P tw',
  '2026-01-01T00:00:01.100000000Z stderr F o',
  '2026-01-01T00:00:05.000000000Z stdout F three',
  '',
].join('\n');
const opts = parseLogOptions(new URLSearchParams(''));

describe('container logs', () => {
  it('parses CRI log records', () => {
    assert.deepEqual(parseLogLine('2026-01-01T00:00:00Z stdout P a b'), { time: '2026-01-01T00:00:00Z', stream: 'stdout', partial: true, msg: 'a b' });
  });

  it('joins partial records and applies tail, timestamps and since', () => {
    assert.equal(selectLog(file, opts, 0), 'one\ntwo\nthree\n');
    assert.equal(selectLog(file, { ...opts, tailLines: 2 }, 0), 'two\nthree\n');
    assert.equal(selectLog(file, { ...opts, tailLines: 1, timestamps: true }, 0), '2026-01-01T00:00:05.000000000Z three\n');
    assert.equal(selectLog(file, { ...opts, sinceSeconds: 2 }, Date.parse('2026-01-01T00:00:06Z')), 'three\n');
  });

  it('reads follow, previous and timestamps as kube-apiserver does', () => {
    const cases: [string, boolean][] = [
      ['', false],
      ['follow=true', true],
      ['follow=True', true],
      ['follow=1', true],
      ['follow=', true],
      ['follow=yes', true],
      ['follow=false', false],
      ['follow=FALSE', false],
      ['follow=0', false],
      ['follow=false&follow=true', false],
    ];
    for (const [q, want] of cases) assert.equal(parseLogOptions(new URLSearchParams(q)).follow, want, q);
    const o = parseLogOptions(new URLSearchParams('previous=True&timestamps=True'));
    assert.deepEqual([o.previous, o.timestamps], [true, true]);
  });

  it('refuses malformed numbers', () => {
    assert.throws(() => parseLogOptions(new URLSearchParams('tailLines=x')), /tailLines/);
  });
});
