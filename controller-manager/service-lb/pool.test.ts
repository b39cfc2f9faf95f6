import assert from 'node:assert/strict';
import { parseFlags } from '../../lib/flags';
import { controllerManagerConfigFromFlags, controllerManagerFlags } from '../flags';
import { DEFAULT_LB_POOL, firstFree, parseLbPool, poolContains, poolSize } from './pool';

describe('service-lb pool', () => {
  const ok: [string, string, number, string | undefined][] = [
    ['the default: the second-highest /24 of 198.18.0.0/15 without .0 and .255', DEFAULT_LB_POOL, 254, '198.19.254.1'],
    ['a CIDR: every address', '192.0.2.0/30', 4, '192.0.2.0'],
    ['a single address', '192.0.2.7', 1, '192.0.2.7'],
    ['a range and a CIDR, in the order given', '192.0.2.10-192.0.2.11, 198.51.100.0/31', 4, '192.0.2.10'],
    ['a /32', '203.0.113.9/32', 1, '203.0.113.9'],
    ['empty: no pool', '', 0, undefined],
    ['blanks between commas', ' , 192.0.2.1 ,', 1, '192.0.2.1'],
  ];
  for (const [name, text, size, first] of ok)
    it(`parses ${name}`, () => {
      const pool = parseLbPool(text);
      assert.equal(poolSize(pool), size);
      assert.equal(firstFree(pool, new Set()), first);
    });

  const bad: [string, string, RegExp][] = [
    ['a bad address', '192.0.2.300', /"192.0.2.300" is neither an IPv4 CIDR/],
    ['leading zeros', '192.0.02.1', /neither an IPv4 CIDR/],
    ['a prefix past 32', '192.0.2.0/33', /is not an IPv4 CIDR/],
    ['host bits', '192.0.2.1/24', /has host bits set \(did you mean 192.0.2.0\/24\?\)/],
    ['a backwards range', '192.0.2.9-192.0.2.1', /the range ends before it starts/],
    ['IPv6', '2001:db8::/120', /only IPv4 addresses are supported/],
    ['overlapping entries', '192.0.2.0/24,192.0.2.200-192.0.3.5', /192.0.2.0-192.0.2.255 and 192.0.2.200-192.0.3.5 overlap/],
  ];
  for (const [name, text, msg] of bad)
    it(`refuses ${name}`, () => assert.throws(() => parseLbPool(text), (e: unknown) => (e as { code?: string }).code === 'LB_POOL_INVALID' && msg.test((e as Error).message)));

  it('membership and the lowest free address, across entries', () => {
    const pool = parseLbPool('192.0.2.10-192.0.2.11,198.51.100.0/31');
    assert.deepEqual(['192.0.2.9', '192.0.2.10', '198.51.100.1', '198.51.100.2', 'x'].map((ip) => poolContains(pool, ip)), [false, true, true, false, false]);
    assert.equal(firstFree(pool, new Set(['192.0.2.10', '192.0.2.11'])), '198.51.100.0');
    assert.equal(firstFree(pool, new Set(['192.0.2.10', '192.0.2.11', '198.51.100.0', '198.51.100.1'])), undefined);
  });

  describe('--load-balancer-ip-pool', () => {
    const parse = (argv: string[]) => controllerManagerConfigFromFlags(parseFlags(['--kubeconfig=/etc/cm.conf', ...argv], controllerManagerFlags));
    it('defaults to the top of the benchmark block and takes a list', () => {
      assert.equal(parse([]).loadBalancerIpPool, DEFAULT_LB_POOL);
      assert.equal(parse(['--load-balancer-ip-pool=192.0.2.0/28,192.0.2.100-192.0.2.110', '--controllers=service-lb-controller']).loadBalancerIpPool, '192.0.2.0/28,192.0.2.100-192.0.2.110');
      assert.equal(parse(['--load-balancer-ip-pool=']).loadBalancerIpPool, '');
    });
    it('refuses a pool that is not one, as a usage error', () =>
      assert.throws(() => parse(['--load-balancer-ip-pool=10.0.0.0/8,nope']), /--load-balancer-ip-pool: "nope" is neither an IPv4 CIDR/));
  });
});
