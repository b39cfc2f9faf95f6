import assert from 'node:assert/strict';
import { CidrError, nextFreeSubnet, parseCidr } from './cidr';

describe('node cidr allocation', () => {
  const cases: [string, number, string[], string | undefined][] = [
    ['10.244.0.0/16', 24, [], '10.244.0.0/24'],
    ['10.244.0.0/16', 24, ['10.244.0.0/24', '10.244.1.0/24'], '10.244.2.0/24'],
    ['10.244.0.0/16', 24, ['10.244.1.0/24'], '10.244.0.0/24'],
    ['10.244.0.0/16', 24, ['10.245.0.0/24', 'garbage'], '10.244.0.0/24'],
    ['10.244.0.0/23', 24, ['10.244.0.0/24', '10.244.1.0/24'], undefined],
    ['10.244.5.7/16', 25, ['10.244.0.0/25'], '10.244.0.128/25'],
  ];
  for (const [cluster, mask, used, want] of cases) {
    it(`${cluster} /${mask} used=${used.join(',') || '-'} → ${want}`, () => assert.equal(nextFreeSubnet(cluster, mask, used), want));
  }
  it('rejects malformed input', () => {
    assert.throws(() => parseCidr('10.0.0.0'), CidrError);
    assert.throws(() => parseCidr('10.0.0.300/8'), CidrError);
    assert.throws(() => nextFreeSubnet('10.244.0.0/16', 8, []), CidrError);
  });
});
