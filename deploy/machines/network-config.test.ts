import { strict as assert } from 'node:assert';
import {
  MachineConfigError,
  allocateAddresses,
  bridgeName,
  interMachineRule,
  networkCreateOptions,
  parseCidr,
  pickFreeSubnet,
  validateClusterName,
  validateMachineName,
  validateMachineSubnet,
} from './network-config';

describe('machines: network config', () => {
  it('accepts machine subnets inside 198.18.0.0/15 only', () => {
    const cases: [string, string | undefined][] = [
      ['198.18.0.0/24', undefined],
      ['198.19.255.0/24', undefined],
      ['198.18.0.0/16', undefined],
      ['198.18.4.16/28', undefined],
      ['198.18.0.0/15', 'prefix must be between /16 and /28'],
      ['198.18.0.0/29', 'prefix must be between /16 and /28'],
      ['198.20.0.0/24', 'must lie inside 198.18.0.0/15'],
      ['10.0.0.0/24', 'must lie inside 198.18.0.0/15'],
      ['198.18.0.1/24', 'has host bits set (did you mean 198.18.0.0/24?)'],
      ['198.18.0.0', 'invalid CIDR'],
      ['198.18.0.0/33', 'invalid CIDR'],
      ['198.18.300.0/24', 'invalid IPv4 address'],
    ];
    for (const [cidr, err] of cases) {
      if (!err) assert.doesNotThrow(() => validateMachineSubnet(cidr), cidr);
      else assert.throws(() => validateMachineSubnet(cidr), (e: Error) => e instanceof MachineConfigError && e.message.includes(err), cidr);
    }
  });

  it('allocates the lowest free addresses from .11, skipping those in use', () => {
    const n = parseCidr('198.18.0.0/24');
    assert.deepEqual(allocateAddresses(n, [], 3), ['198.18.0.11', '198.18.0.12', '198.18.0.13']);
    assert.deepEqual(allocateAddresses(n, ['198.18.0.11', '198.18.0.13'], 2), ['198.18.0.12', '198.18.0.14']);
    assert.deepEqual(allocateAddresses(n, [], 0), []);
  });

  it('never hands out the broadcast address, and says when the subnet is full', () => {
    const n = parseCidr('198.18.0.0/28'); // .11 .. .14 usable for machines
    assert.deepEqual(allocateAddresses(n, [], 4), ['198.18.0.11', '198.18.0.12', '198.18.0.13', '198.18.0.14']);
    assert.throws(() => allocateAddresses(n, ['198.18.0.12'], 4), /has no room for 4 more machines \(1 in use\)/);
  });

  it('picks the first /24 of the range that no network overlaps', () => {
    assert.equal(pickFreeSubnet([]), '198.18.0.0/24');
    assert.equal(pickFreeSubnet(['198.18.0.0/24', '198.18.1.0/24', '172.17.0.0/16', 'fd00::/64']), '198.18.2.0/24');
    assert.equal(pickFreeSubnet(['198.18.0.0/23', '198.18.2.128/25']), '198.18.3.0/24');
    // a wider network covering the start of the range pushes past it
    assert.equal(pickFreeSubnet(['198.18.0.0/16']), '198.19.0.0/24');
  });

  it('fails when the whole range is taken', () => {
    assert.throws(() => pickFreeSubnet(['198.16.0.0/12']), /no free \/24 left in 198\.18\.0\.0\/15/);
  });

  it('checks cluster and machine names', () => {
    for (const ok of ['a', 'dev', 'e2e-1', 'x'.repeat(40)]) assert.doesNotThrow(() => validateClusterName(ok), ok);
    for (const bad of ['', 'Dev', '-a', 'a-', 'a_b', 'a.b', 'x'.repeat(41)]) assert.throws(() => validateClusterName(bad), MachineConfigError, bad);
    for (const ok of ['node-1', 'cp', 'x'.repeat(63)]) assert.doesNotThrow(() => validateMachineName(ok), ok);
    for (const bad of ['Node', 'node_1', 'x'.repeat(64)]) assert.throws(() => validateMachineName(bad), MachineConfigError, bad);
  });

  it('names the bridge after the cluster, hashed when Linux would not take the name', () => {
    assert.equal(bridgeName('dev'), 'k8ts-dev');
    assert.equal(bridgeName('abcdefghij'), 'k8ts-abcdefghij');
    const long = bridgeName('abcdefghijk');
    assert.match(long, /^k8ts-[0-9a-f]{10}$/);
    assert.equal(long.length, 15);
    assert.equal(bridgeName('abcdefghijk'), long);
    assert.notEqual(bridgeName('abcdefghijl'), long);
  });

  it('defines an internal bridge network on the subnet, labelled for the cluster', () => {
    assert.deepEqual(networkCreateOptions('dev', parseCidr('198.18.5.0/24')), {
      Name: 'k8ts-dev',
      Driver: 'bridge',
      CheckDuplicate: true,
      Internal: true,
      IPAM: { Driver: 'default', Config: [{ Subnet: '198.18.5.0/24', Gateway: '198.18.5.1' }] },
      Options: { 'com.docker.network.bridge.name': 'k8ts-dev', 'com.docker.network.bridge.enable_ip_masquerade': 'false' },
      Labels: { 'io.k8ts.cluster': 'dev', 'io.k8ts.managed-by': 'k8ts-machines' },
    });
  });

  it('accepts only traffic that enters and leaves the machines bridge', () => {
    assert.deepEqual(interMachineRule('dev'), ['-i', 'k8ts-dev', '-o', 'k8ts-dev', '-m', 'comment', '--comment', 'k8ts machines k8ts-dev', '-j', 'ACCEPT']);
  });
});
