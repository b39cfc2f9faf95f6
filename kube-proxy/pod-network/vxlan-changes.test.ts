import assert from 'node:assert/strict';
import type { VxlanLinkState } from './host-state';
import type { VxlanDeviceSpec } from './plan';
import { deviceCommands, fdbCommands, ForeignDeviceError, isOurDevice, neighbourCommands, VXLAN_ALIAS } from './vxlan-changes';

const want: VxlanDeviceSpec = { name: 'k8ts-vxlan', vni: 1, port: 8472, local: '198.18.200.1', mac: '0e:6b:c6:12:c8:01', mtu: 1450, address: '10.244.0.0/32' };
const good: VxlanLinkState = { kind: 'vxlan', up: true, mac: want.mac, mtu: 1450, alias: VXLAN_ALIAS, vni: 1, port: 8472, local: '198.18.200.1', learning: false, addresses: ['10.244.0.0/32'] };
const create = 'ip link add k8ts-vxlan address 0e:6b:c6:12:c8:01 mtu 1450 type vxlan id 1 local 198.18.200.1 dstport 8472 nolearning';
const alias = 'ip link set dev k8ts-vxlan alias k8ts pod network';
const addr = 'ip addr add 10.244.0.0/32 dev k8ts-vxlan';
const up = 'ip link set dev k8ts-vxlan up';
const del = 'ip link del dev k8ts-vxlan';

describe('pod network vxlan changes', () => {
  const cases: [string, VxlanLinkState | undefined, VxlanDeviceSpec, string[]][] = [
    ['absent: created, named, addressed, up', undefined, want, [create, alias, addr, up]],
    ['absent, no pod CIDR yet: no address', undefined, { ...want, address: undefined }, [create, alias, up]],
    ['as wanted: nothing', good, want, []],
    ['down: up', { ...good, up: false }, want, [up]],
    ['another VNI: recreated', { ...good, vni: 2 }, want, [del, create, alias, addr, up]],
    ['another port: recreated', { ...good, port: 4789 }, want, [del, create, alias, addr, up]],
    ['another local address (the node moved): recreated', { ...good, local: '198.18.200.9' }, want, [del, create, alias, addr, up]],
    ['learning on: recreated', { ...good, learning: true }, want, [del, create, alias, addr, up]],
    ['other MTU: set in place', { ...good, mtu: 1500 }, want, ['ip link set dev k8ts-vxlan address 0e:6b:c6:12:c8:01 mtu 1450']],
    ['created but not yet named (recognised by our MAC): named', { ...good, alias: undefined }, want, [alias]],
    [
      'a new pod CIDR: the old address goes, the new comes',
      { ...good, addresses: ['10.244.9.0/32', '10.244.0.0/32', '192.0.2.1/24'] },
      want,
      ['ip addr del 10.244.9.0/32 dev k8ts-vxlan', 'ip addr del 192.0.2.1/24 dev k8ts-vxlan'],
    ],
  ];
  for (const [name, current, spec, cmds] of cases) {
    it(`device: ${name}`, () => assert.deepEqual(deviceCommands(current, spec).map((c) => c.join(' ')), cmds));
  }

  it('never touches a device that is not ours', () => {
    assert.throws(() => deviceCommands({ ...good, kind: 'bridge' }, want), ForeignDeviceError);
    assert.throws(() => deviceCommands({ ...good, alias: 'flannel', mac: 'aa:bb:cc:dd:ee:f0' }, want), /was not created by k8ts/);
    assert.equal(isOurDevice(good), true);
    assert.equal(isOurDevice({ ...good, alias: undefined, mac: 'aa:bb:cc:dd:ee:f0' }), false);
  });

  it('neighbours: replaces what is missing or different, deletes what is not wanted', () => {
    const cmds = neighbourCommands(
      'k8ts-vxlan',
      [{ ip: '10.244.1.0', mac: '0e:6b:00:00:00:02' }, { ip: '10.244.2.0', mac: '0e:6b:00:00:00:99' }, { ip: '10.244.5.0', mac: '0e:6b:00:00:00:05' }],
      [{ ip: '10.244.1.0', mac: '0e:6b:00:00:00:02' }, { ip: '10.244.2.0', mac: '0e:6b:00:00:00:03' }, { ip: '10.244.3.0', mac: '0e:6b:00:00:00:04' }],
    );
    assert.deepEqual(cmds.map((c) => c.join(' ')), [
      'ip neigh del 10.244.5.0 dev k8ts-vxlan',
      'ip neigh replace 10.244.2.0 lladdr 0e:6b:00:00:00:03 dev k8ts-vxlan nud permanent protocol 107',
      'ip neigh replace 10.244.3.0 lladdr 0e:6b:00:00:00:04 dev k8ts-vxlan nud permanent protocol 107',
    ]);
  });

  it('forwarding entries: stale destinations deleted first, then the wanted ones', () => {
    const cmds = fdbCommands(
      'k8ts-vxlan',
      [{ mac: '0e:6b:00:00:00:02', dst: '198.18.200.2' }, { mac: '0e:6b:00:00:00:03', dst: '198.18.200.9' }, { mac: '00:00:00:00:00:00', dst: '198.18.200.7' }],
      [{ mac: '0e:6b:00:00:00:02', dst: '198.18.200.2' }, { mac: '0e:6b:00:00:00:03', dst: '198.18.200.3' }],
    );
    assert.deepEqual(cmds.map((c) => c.join(' ')), [
      'bridge fdb del 0e:6b:00:00:00:03 dev k8ts-vxlan dst 198.18.200.9 self',
      // a catch-all entry would flood unknown MACs off the machine: it goes too
      'bridge fdb del 00:00:00:00:00:00 dev k8ts-vxlan dst 198.18.200.7 self',
      'bridge fdb replace 0e:6b:00:00:00:03 dev k8ts-vxlan dst 198.18.200.3 self permanent',
    ]);
    assert.deepEqual(fdbCommands('k8ts-vxlan', [], []), []);
  });
});
