import { strict as assert } from 'node:assert';
import { DnsEncodeError } from './errors';
import { canonicalName, isSubdomain, labelsToName, nameToLabels, nameWireLength, namesEqual } from './names';

const l63 = 'a'.repeat(63);

describe('dns/wire names', () => {
  const valid: { text: string; labels: string[]; back?: string }[] = [
    { text: '', labels: [] },
    { text: '.', labels: [], back: '' },
    { text: 'cluster.local', labels: ['cluster', 'local'] },
    { text: 'cluster.local.', labels: ['cluster', 'local'], back: 'cluster.local' },
    { text: 'My-Svc.Default', labels: ['My-Svc', 'Default'] },
    { text: 'a\\.b.c', labels: ['a.b', 'c'] },
    { text: 'a\\\\b', labels: ['a\\b'] },
    { text: 'sp\\032ace', labels: ['sp ace'] },
    { text: '\\065bc', labels: ['Abc'], back: 'Abc' },
    { text: `${l63}.x`, labels: [l63, 'x'] },
  ];
  for (const c of valid) {
    it(`parses ${JSON.stringify(c.text)}`, () => {
      const labels = nameToLabels(c.text);
      assert.deepEqual(labels.map((b) => b.toString('latin1')), c.labels);
      assert.equal(labelsToName(labels), c.back ?? c.text);
    });
  }

  it('escapes bytes outside printable ASCII as \\DDD', () => {
    assert.equal(labelsToName([Buffer.from([0x00, 0x41, 0xff, 0x2e])]), '\\000A\\255\\.');
  });

  const invalid: { text: string; code: string }[] = [
    { text: 'a..b', code: 'BAD_NAME' },
    { text: '.a', code: 'BAD_NAME' },
    { text: `${l63}a.x`, code: 'BAD_NAME' },
    { text: 'a\\', code: 'BAD_NAME' },
    { text: 'a\\25', code: 'BAD_NAME' },
    { text: 'a\\256', code: 'BAD_NAME' },
    // 4 × (1 + 63) + 1 = 257 bytes on the wire.
    { text: [l63, l63, l63, l63].join('.'), code: 'NAME_TOO_LONG' },
  ];
  for (const c of invalid) {
    it(`refuses ${JSON.stringify(c.text.slice(0, 30))} with ${c.code}`, () => {
      assert.throws(() => nameToLabels(c.text), (e: unknown) => e instanceof DnsEncodeError && e.code === c.code);
    });
  }

  it('accepts a name of exactly 255 wire bytes', () => {
    const name = [l63, l63, l63, 'b'.repeat(61)].join('.');
    assert.equal(nameWireLength(name), 255);
  });

  const equal: [string, string, boolean][] = [
    ['My-Svc.cluster.LOCAL', 'my-svc.cluster.local', true],
    ['my-svc.cluster.local.', 'my-svc.cluster.local', true],
    ['\\065.b', 'a.b', true],
    ['a.b', 'a.c', false],
    ['a\\.b', 'a.b', false],
    ['a..b', 'a..b', false], // invalid names equal nothing
  ];
  for (const [a, b, want] of equal) {
    it(`namesEqual(${a}, ${b}) = ${want}`, () => assert.equal(namesEqual(a, b), want));
  }

  it('canonicalName lowers ASCII only', () => {
    assert.equal(canonicalName('ÉA.B'), '\\195\\137a.b');
  });

  const sub: [string, string, boolean][] = [
    ['my-svc.ns.svc.cluster.local', 'cluster.local', true],
    ['CLUSTER.local', 'cluster.local', true],
    ['xcluster.local', 'cluster.local', false],
    ['a\\.cluster.local', 'cluster.local', false],
    ['a\\\\.cluster.local', 'cluster.local', true],
    ['example.com', '', true],
    ['local', 'cluster.local', false],
  ];
  for (const [n, z, want] of sub) {
    it(`isSubdomain(${n}, ${z}) = ${want}`, () => assert.equal(isSubdomain(n, z), want));
  }
});
