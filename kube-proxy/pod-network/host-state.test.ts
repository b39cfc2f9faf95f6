import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../lib/repo-root';
import { isOnLink, linkMtuOf, parseFdb, parseNeighbours, parseVxlanLink } from './host-state';

// Captured from iproute2 6.1 on this kernel, for a device set up as the applier sets it up.
const fixture = (name: string) => fs.readFileSync(path.join(repoRoot(), 'test', 'fixtures', 'kube-proxy', 'pod-network', name), 'utf8');

describe('pod network host state', () => {
  it('parses a vxlan device: settings, alias, addresses', () => {
    assert.deepEqual(parseVxlanLink(fixture('vxlan-link.json'), fixture('vxlan-addr.json')), {
      kind: 'vxlan',
      up: true,
      mac: '0e:6b:c6:12:fa:01',
      mtu: 1450,
      alias: 'k8ts pod network',
      vni: 1,
      port: 8472,
      local: '198.18.250.1',
      learning: false,
      addresses: ['10.244.1.0/32'],
    });
  });

  it('parses another kind of device, down, without addresses', () => {
    const link = JSON.stringify([{ ifname: 'k8ts-vxlan', flags: ['BROADCAST'], mtu: 1500, address: 'aa:bb:cc:dd:ee:f0', linkinfo: { info_kind: 'bridge' } }]);
    assert.deepEqual(parseVxlanLink(link, '[]'), { kind: 'bridge', up: false, mac: 'aa:bb:cc:dd:ee:f0', mtu: 1500, addresses: [] });
    assert.equal(parseVxlanLink('', ''), undefined);
  });

  it('finds the MTU of the link holding an address, never loopback', () => {
    assert.equal(linkMtuOf(fixture('vxlan-alladdr.json'), '198.18.250.1'), 1400);
    assert.equal(linkMtuOf(fixture('vxlan-alladdr.json'), '198.18.250.9'), undefined);
    const onLo = JSON.stringify([{ ifname: 'lo', mtu: 65536, addr_info: [{ family: 'inet', local: '172.31.4.1', prefixlen: 32 }] }]);
    assert.equal(linkMtuOf(onLo, '172.31.4.1'), undefined);
  });

  it('parses neighbour and forwarding entries', () => {
    assert.deepEqual(parseNeighbours(fixture('vxlan-neigh.json')), [{ ip: '10.244.2.0', mac: '0e:6b:c6:12:fa:02' }]);
    assert.deepEqual(parseFdb(fixture('vxlan-fdb.json')), [{ mac: '0e:6b:c6:12:fa:02', dst: '198.18.250.2' }]);
    // incomplete neighbours (no MAC), IPv6 ones and entries without a tunnel destination are not entries of ours
    assert.deepEqual(parseNeighbours(JSON.stringify([{ dst: '10.244.3.0', state: ['FAILED'] }, { dst: 'fe80::1', lladdr: '0e:6b:00:00:00:01' }])), []);
    assert.deepEqual(parseFdb(JSON.stringify([{ mac: '33:33:00:00:00:01', flags: ['self'] }, { mac: '00:00:00:00:00:00', dst: '198.18.250.9' }])), [{ mac: '00:00:00:00:00:00', dst: '198.18.250.9' }]);
    assert.deepEqual(parseNeighbours(''), []);
  });

  const routes = [
    { dst: '0.0.0.0/0', type: 'unicast', gateway: '192.0.2.1', dev: 'eth0' },
    { dst: '192.0.2.0/24', type: 'unicast', dev: 'eth0' },
    { dst: '192.0.2.128/25', type: 'unicast', gateway: '192.0.2.1', dev: 'eth0' },
    { dst: '198.51.100.0/24', type: 'blackhole' },
  ];
  const onLinkCases: [string, string, boolean][] = [
    ['on the link', '192.0.2.7', true],
    ['behind a more specific gateway route', '192.0.2.200', false],
    ['behind the default gateway', '203.0.113.5', false],
    ['blackholed: not unicast, so the default decides', '198.51.100.4', false],
    ['not an address', 'node-2', false],
  ];
  for (const [name, ip, want] of onLinkCases) it(`on-link: ${name}`, () => assert.equal(isOnLink(ip, routes), want));
});
