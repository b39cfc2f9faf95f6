import assert from 'node:assert/strict';
import { bytesOf, countOf, cpuMillis, parseQuantity, QuantityParseError } from './quantity';

describe('quantity', () => {
  const cpu: [string | number, number][] = [
    ['100m', 100], ['1', 1000], ['0.5', 500], ['2', 2000], ['1.5', 1500], ['250m', 250], [2, 2000], ['1u', 1],
  ];
  for (const [q, want] of cpu) it(`cpu ${q} → ${want}m`, () => assert.equal(cpuMillis(q), want));

  const mem: [string, number][] = [
    ['128Mi', 128 * 1024 * 1024], ['1Gi', 1024 ** 3], ['1G', 1e9], ['500k', 500_000], ['64Ki', 65536], ['1024', 1024], ['1.5Gi', 1.5 * 1024 ** 3], ['2e6', 2e6],
  ];
  for (const [q, want] of mem) it(`memory ${q} → ${want}`, () => assert.equal(bytesOf(q), want));

  it('missing values count as zero', () => {
    assert.equal(cpuMillis(undefined), 0);
    assert.equal(bytesOf(''), 0);
    assert.equal(countOf(undefined), 0);
  });
  it('pods count', () => assert.equal(countOf('110'), 110));
  it('rejects malformed quantities', () => {
    for (const bad of ['abc', '1Xi', '', '1 Gi', 'Mi']) assert.throws(() => parseQuantity(bad), QuantityParseError);
  });
  it('parses .5 and +1', () => {
    assert.equal(parseQuantity('.5'), 0.5);
    assert.equal(parseQuantity('+1k'), 1000);
  });
});
