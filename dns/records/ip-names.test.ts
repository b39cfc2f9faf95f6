import assert from 'node:assert/strict';
import { canonicalIp, dashedIp, formatIp, ipFromDashed, ipFromReverseName, parseIp, reverseName } from './ip-names';

describe('dns/records ip-names', () => {
  const canonical: [string, string | undefined][] = [
    ['10.96.0.1', '10.96.0.1'],
    ['0.0.0.0', '0.0.0.0'],
    ['255.255.255.255', '255.255.255.255'],
    ['256.1.1.1', undefined],
    ['010.1.1.1', undefined], // leading zero: ambiguous (octal in some parsers), refused as Go does
    ['1.2.3', undefined],
    ['1.2.3.4.5', undefined],
    ['1.2.3.', undefined],
    ['', undefined],
    ['fd00:10:96::5', 'fd00:10:96::5'],
    ['FD00:0010:0096:0000:0000:0000:0000:0005', 'fd00:10:96::5'],
    ['::', '::'],
    ['::1', '::1'],
    ['1::', '1::'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // the first of two equal zero runs (RFC 5952 §4.2.3)
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // a single zero group is not shortened
    ['::ffff:10.0.0.1', '::ffff:a00:1'],
    ['1:2:3:4:5:6:7:8:9', undefined],
    ['1::2::3', undefined],
    ['12345::', undefined],
    ['g::1', undefined],
    ['1:2:3:4:5:6:7', undefined],
  ];
  for (const [input, want] of canonical) {
    it(`canonical form of ${JSON.stringify(input)} is ${want}`, () => assert.equal(canonicalIp(input), want));
  }

  const reverse: [string, string][] = [
    ['10.3.0.1', '1.0.3.10.in-addr.arpa'],
    ['192.0.2.53', '53.2.0.192.in-addr.arpa'],
    ['2001:db8::567:89ab', 'b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa'], // RFC 3596 §2.5's example
  ];
  for (const [ip, name] of reverse) {
    it(`reverse name of ${ip} is ${name} and back`, () => {
      assert.equal(reverseName(parseIp(ip)!), name);
      assert.deepEqual(ipFromReverseName(name), parseIp(ip));
    });
  }

  const notReverse = ['1.0.3.in-addr.arpa', '1.0.3.10.11.in-addr.arpa', '01.0.3.10.in-addr.arpa', 'x.0.3.10.in-addr.arpa', '1.0.ip6.arpa', 'example.com'];
  for (const name of notReverse) {
    it(`${name} names no address`, () => assert.equal(ipFromReverseName(name), undefined));
  }

  const dashed: [string, string | undefined][] = [
    ['10-244-1-5', '10.244.1.5'],
    ['1-2-3-4', '1.2.3.4'],
    ['fd00--5', 'fd00::5'],
    ['fd00-10-96--5', 'fd00:10:96::5'],
    ['--1', '::1'],
    ['1-2-3', undefined],
    ['1-2-3-256', undefined],
    ['a-b-c-d', undefined],
    ['my-pod-name-x', undefined],
    ['10-244-01-5', undefined],
  ];
  for (const [label, want] of dashed) {
    it(`dashed label ${label} names ${want}`, () => {
      const ip = ipFromDashed(label);
      assert.equal(ip ? formatIp(ip) : undefined, want);
      if (want) assert.equal(dashedIp(ip!), label);
    });
  }
});
