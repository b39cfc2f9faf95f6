import assert from 'node:assert/strict';
import { fallbackPodCIDR, hollowNodeIP, ipToNumber, numberToIp, PodAddressPool, podRange } from './fake-addresses';

describe('hollow node addresses', () => {
  it('node InternalIPs: loopback, one per index', () => {
    const cases: [number, string][] = [
      [0, '127.1.0.1'],
      [254, '127.1.0.255'],
      [255, '127.1.1.0'],
      [999, '127.1.3.232'],
      [65535, '127.2.0.0'],
    ];
    for (const [i, ip] of cases) assert.equal(hollowNodeIP(i), ip, `index ${i}`);
    assert.throws(() => hollowNodeIP(-1), RangeError);
    assert.throws(() => hollowNodeIP(0xfeffff), RangeError);
    assert.equal(new Set(Array.from({ length: 5000 }, (_, i) => hollowNodeIP(i))).size, 5000);
  });

  it('fallback pod CIDRs: a /24 per node in 100.64.0.0/10', () => {
    const cases: [number, string][] = [
      [0, '100.64.0.0/24'],
      [1, '100.64.1.0/24'],
      [256, '100.65.0.0/24'],
      [16383, '100.127.255.0/24'],
    ];
    for (const [i, cidr] of cases) assert.equal(fallbackPodCIDR(i), cidr, `index ${i}`);
    assert.throws(() => fallbackPodCIDR(16384), RangeError);
  });

  it('pod ranges: network+2 to broadcast-1; malformed or too small → undefined', () => {
    const cases: [string, [string, string] | undefined][] = [
      ['10.244.3.0/24', ['10.244.3.2', '10.244.3.254']],
      ['10.244.3.77/24', ['10.244.3.2', '10.244.3.254']],
      ['10.244.0.0/23', ['10.244.0.2', '10.244.1.254']],
      ['10.0.0.0/30', ['10.0.0.2', '10.0.0.2']],
      ['10.0.0.0/31', undefined],
      ['10.0.0.256/24', undefined],
      ['fd00::/64', undefined],
      ['10.0.0.0', undefined],
    ];
    for (const [cidr, want] of cases) {
      const r = podRange(cidr);
      assert.deepEqual(r && [numberToIp(r.first), numberToIp(r.last)], want, cidr);
    }
    assert.equal(ipToNumber('255.255.255.255'), 2 ** 32 - 1);
  });

  it('a pool hands out the lowest free address round-robin, keeps a pod its address, frees on release', () => {
    const pool = new PodAddressPool('10.244.1.0/30'); // one usable address: .2
    assert.equal(pool.assign('a'), '10.244.1.2');
    assert.equal(pool.assign('a'), '10.244.1.2', 'the same pod, the same address');
    assert.equal(pool.assign('b'), undefined, 'exhausted');
    pool.release('a');
    assert.equal(pool.assign('b'), '10.244.1.2');

    const big = new PodAddressPool('10.244.2.0/24');
    assert.deepEqual(['p1', 'p2', 'p3'].map((u) => big.assign(u)), ['10.244.2.2', '10.244.2.3', '10.244.2.4']);
    big.release('p1');
    assert.equal(big.assign('p4'), '10.244.2.5', 'a freed address is not reused at once');
    assert.equal(big.size, 3);
  });

  it('a pod that already reports an address keeps it, in range or not, and it is not handed out again', () => {
    const pool = new PodAddressPool('10.244.2.0/24');
    assert.equal(pool.assign('old', '10.244.2.2'), '10.244.2.2');
    assert.equal(pool.assign('fallback', '100.64.0.9'), '100.64.0.9');
    assert.equal(pool.assign('new'), '10.244.2.3');
    pool.release('old');
    pool.release('never-assigned');
    assert.equal(pool.size, 2);
  });
});
