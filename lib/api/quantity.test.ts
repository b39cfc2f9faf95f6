import assert from 'node:assert/strict';
import {
  bytesOf, compareQuantities, countOf, cpuMillis, decodeQuantity, formatQuantity, isWholeQuantity, parseQuantity, parseQuantityExact,
  QUANTITY_FORMAT_ERROR, QUANTITY_NUMERIC_ERROR, QUANTITY_SUFFIX_ERROR, quantityError, quantityValue, QuantityParseError,
} from './quantity';

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
    for (const bad of ['abc', '1Xi', '', '1 Gi', '12xyz', '1K']) assert.throws(() => parseQuantity(bad), QuantityParseError);
  });
  it('parses .5 and +1, and a bare suffix as zero (as upstream does)', () => {
    assert.equal(parseQuantity('.5'), 0.5);
    assert.equal(parseQuantity('+1k'), 1000);
    assert.equal(parseQuantity('Mi'), 0);
  });

  // [text, canonical string upstream prints]: the grammar's corners as resource.ParseQuantity sees them.
  const valid: [string, string][] = [
    ['0', '0'], ['100m', '100m'], ['1', '1'], ['1.5', '1500m'], ['1.5Gi', '1536Mi'], ['1Gi', '1Gi'], ['1024', '1024'], ['1000', '1k'],
    ['1024Mi', '1Gi'], ['2e3', '2e3'], ['12e6', '12e6'], ['1.5e3', '1500'], ['.5', '500m'], ['+1k', '+1k'], ['-1', '-1'], ['-1.5', '-1500m'],
    ['1n', '1n'], ['0.1n', '1n'], ['1e-10', '1e-9'], ['Mi', '0'], ['.', '0'], ['-', '0'], ['+', '0'], ['-000', '0'], ['1.', '1.'],
    ['8Ei', '9223372036854775807'], ['9223372036854775807', '9223372036854775807'], ['1e2000000000', '100e1999999998'], ['1E', '1E'],
    ['0.5Ki', '512'], ['1e+21', '1e+21'], ['5E3', '5E3'], ['007', '007'], ['1u', '1u'], ['123456789012345678901234567890', '123456789012345678901234567890'],
    ['e3', '0'], ['m', '0'], ['1e4294967296', '1e4294967296'], ['1500m', '1500m'], ['2000m', '2'], ['1.000', '1'],
  ];
  for (const [text, canonical] of valid)
    it(`parses ${JSON.stringify(text)} (prints ${canonical})`, () => assert.equal(formatQuantity(parseQuantityExact(text)), canonical));

  // [text, upstream's error]
  const invalid: [string, string][] = [
    ['', QUANTITY_FORMAT_ERROR], ['abc', QUANTITY_FORMAT_ERROR], ['12xyz', QUANTITY_FORMAT_ERROR], ['1 Gi', QUANTITY_FORMAT_ERROR],
    ['1.5.5', QUANTITY_FORMAT_ERROR], [' 1', QUANTITY_FORMAT_ERROR], ['1 ', QUANTITY_FORMAT_ERROR], ['1Gb', QUANTITY_FORMAT_ERROR],
    ['1,5', QUANTITY_FORMAT_ERROR], ['0x10', QUANTITY_FORMAT_ERROR], ['1/2', QUANTITY_FORMAT_ERROR], ['NaN', QUANTITY_FORMAT_ERROR],
    ['Infinity', QUANTITY_FORMAT_ERROR], ['inf', QUANTITY_FORMAT_ERROR], ['١', QUANTITY_FORMAT_ERROR], ['1EB', QUANTITY_FORMAT_ERROR],
    ['--1', QUANTITY_SUFFIX_ERROR], ['1K', QUANTITY_SUFFIX_ERROR], ['1GG', QUANTITY_SUFFIX_ERROR], ['1e', QUANTITY_SUFFIX_ERROR],
    ['1e99999999999999999999', QUANTITY_SUFFIX_ERROR], ['1m2', QUANTITY_SUFFIX_ERROR], ['1Mi-', QUANTITY_SUFFIX_ERROR], ['1Ki1', QUANTITY_SUFFIX_ERROR],
    ['1kb', QUANTITY_FORMAT_ERROR], ['1mi', QUANTITY_SUFFIX_ERROR], ['e-10', QUANTITY_NUMERIC_ERROR], ['.e-10', QUANTITY_NUMERIC_ERROR], ['+e-10', QUANTITY_NUMERIC_ERROR],
  ];
  for (const [text, reason] of invalid)
    it(`refuses ${JSON.stringify(text)}: ${reason.slice(0, 30)}`, () => {
      assert.throws(() => parseQuantityExact(text), (e: unknown) => e instanceof QuantityParseError && e.reason === reason);
    });

  it('decodes JSON values as the apiserver does: trimmed strings and numbers', () => {
    assert.equal(formatQuantity(decodeQuantity(' 1Gi\n')), '1Gi');
    assert.equal(formatQuantity(decodeQuantity(0.1)), '100m');
    assert.equal(formatQuantity(decodeQuantity(1e21)), '1e+21');
    assert.equal(quantityError('1 Gi'), QUANTITY_FORMAT_ERROR);
    assert.equal(quantityError(true), QUANTITY_FORMAT_ERROR);
    assert.equal(quantityError(Number.NaN), QUANTITY_FORMAT_ERROR);
    assert.equal(quantityError('\ufeff1'), QUANTITY_FORMAT_ERROR);
    assert.equal(quantityError('64Mi'), undefined);
  });

  const cmp: [string, string, number][] = [
    ['1', '1000m', 0], ['1Gi', '1G', 1], ['-1', '0', -1], ['1e-9', '1n', 0], ['999m', '1', -1], ['1Ki', '1k', 1], ['1e3', '1k', 0],
    ['100Mi', '104857600', 0], ['1e2000000000', '8Ei', 1], ['-2', '-1', -1], ['0.5', '500m', 0], ['1.0000000001', '1', 1], ['0', '-0', 0],
  ];
  for (const [a, b, want] of cmp)
    it(`compares ${a} with ${b}`, () => {
      assert.equal(compareQuantities(parseQuantityExact(a), parseQuantityExact(b)), want);
      assert.equal(compareQuantities(parseQuantityExact(b), parseQuantityExact(a)), -want || 0);
    });

  const whole: [string, boolean, bigint][] = [
    ['1.5', false, 2n], ['1000m', true, 1n], ['1n', false, 1n], ['1e3', true, 1000n], ['0.5Ki', true, 512n], ['-1.5', false, -2n], ['0', true, 0n],
  ];
  for (const [text, isWhole, value] of whole)
    it(`${text} is ${isWhole ? '' : 'not '}whole, Value() ${value}`, () => {
      assert.equal(isWholeQuantity(parseQuantityExact(text)), isWhole);
      assert.equal(quantityValue(parseQuantityExact(text)), value);
    });
});
