import { strict as assert } from 'node:assert';
import { canonicalAddress, formatIPv6, parseIPv4, parseIPv6 } from './addresses';
import { addressFromReverseName, reverseName } from './reverse-names';

describe('dns/wire addresses and reverse names', () => {
  const pairs: [string, string][] = [
    ['10.96.0.10', '10.0.96.10.in-addr.arpa'],
    ['0.0.0.0', '0.0.0.0.in-addr.arpa'],
    ['255.1.2.3', '3.2.1.255.in-addr.arpa'],
    ['fd00::a', 'a.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa'],
    ['2001:db8::567:89ab', 'b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa'],
  ];
  for (const [ip, name] of pairs) {
    it(`${ip} ⇄ ${name.slice(0, 24)}…`, () => {
      assert.equal(reverseName(ip), name);
      assert.equal(addressFromReverseName(name), ip);
      assert.equal(addressFromReverseName(name.toUpperCase() + '.'), ip);
    });
  }

  const notReverse = [
    '96.10.in-addr.arpa', // empty non-terminal, not an address
    '1.10.0.96.10.in-addr.arpa',
    '010.0.96.10.in-addr.arpa',
    '256.0.96.10.in-addr.arpa',
    'a.0.d.f.ip6.arpa',
    'ab.' + '0.'.repeat(31) + 'ip6.arpa',
    'g.' + '0.'.repeat(31) + 'ip6.arpa',
    'my-svc.default.svc.cluster.local',
    'x.in-addr.arpa.example',
    'a..b',
  ];
  for (const name of notReverse) {
    it(`${name.slice(0, 30)} is no address`, () => assert.equal(addressFromReverseName(name), undefined));
  }

  it('reverseName refuses non-addresses', () => {
    assert.equal(reverseName('10.96.0'), undefined);
    assert.equal(reverseName('my-svc'), undefined);
  });

  const v6: [string, string | undefined][] = [
    ['::', '::'],
    ['::1', '::1'],
    ['FD00:0:0:0:0:0:0:A', 'fd00::a'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // first of two equal runs
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // a single zero group stays
    ['::ffff:10.0.0.1', '::ffff:a00:1'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
    ['1:2:3:4:5:6:7:8:9', undefined],
    ['1::2::3', undefined],
    ['1:2:3:4::5:6:7:8', undefined], // '::' must stand for at least one group
    ['12345::', undefined],
    ['fe80::1%eth0', undefined],
    ['::ffff:10.0.0.256', undefined],
  ];
  for (const [text, want] of v6) {
    it(`IPv6 ${text} → ${want}`, () => {
      const b = parseIPv6(text);
      assert.equal(b ? formatIPv6(b) : undefined, want);
    });
  }

  it('IPv4 text rules', () => {
    assert.deepEqual(parseIPv4('10.96.0.10'), Buffer.from([10, 96, 0, 10]));
    for (const bad of ['10.96.0', '10.96.0.010', '1.2.3.256', '1.2.3.4.5', ' 1.2.3.4', '1.2.3.-4']) assert.equal(parseIPv4(bad), undefined, bad);
    assert.equal(canonicalAddress('FD00::0:A'), 'fd00::a');
    assert.equal(canonicalAddress('nope'), undefined);
  });
});
