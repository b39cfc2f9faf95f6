import assert from 'node:assert/strict';
import type { Node } from '../../lib/api/types';
import type { HostRoute, RouteSpec } from '../route-plan';
import { peersOf, podNetworkPlan, PodNetworkPlanError, resolveMode, type PodNetworkInput, type PodNetworkMode, type PodNetworkPlan } from './plan';
import { VTEP_MAC_ANNOTATION } from './vtep';

const node = (name: string, ip: string | undefined, cidrs: string[] | string | undefined, mac?: string): Node => ({
  metadata: { name, ...(mac ? { annotations: { [VTEP_MAC_ANNOTATION]: mac } } : {}) },
  spec: typeof cidrs === 'string' ? { podCIDR: cidrs } : { podCIDRs: cidrs },
  status: { addresses: ip ? [{ type: 'Hostname', address: name }, { type: 'InternalIP', address: ip }] : [] },
});

// This node: n1 at 198.18.200.1 on a /24 link, a default route through 198.18.200.254.
const link: HostRoute[] = [
  { dst: '0.0.0.0/0', type: 'unicast', gateway: '198.18.200.254', dev: 'eth0' },
  { dst: '198.18.200.0/24', type: 'unicast', dev: 'eth0' },
  { dst: '10.244.0.0/24', type: 'unicast', dev: 'k8ts0' },
];
const self = node('n1', '198.18.200.1', '10.244.0.0/24');
const input = (mode: PodNetworkMode, nodes: Node[], over: Partial<PodNetworkInput> = {}): PodNetworkInput => ({
  mode,
  nodes,
  nodeName: 'n1',
  nodeIP: '198.18.200.1',
  clusterCIDR: '10.244.0.0/16',
  vxlan: { device: 'k8ts-vxlan', vni: 1, port: 8472 },
  hostRoutes: link,
  underlayMtu: 1500,
  ...over,
});

const hostGw = (dst: string, via: string): RouteSpec => ({ type: 'unicast', dst, via });
const overlay = (dst: string, via: string): RouteSpec => ({ type: 'unicast', dst, via, dev: 'k8ts-vxlan', onlink: true });
const MAC1 = '0e:6b:c6:12:c8:01';
const MAC2 = '0e:6b:c6:12:c8:02';
const MAC3 = '0e:6b:c6:12:c9:03';

describe('pod network plan: peers', () => {
  const cases: { name: string; nodes: Node[]; peers: string[]; skipped?: string[] }[] = [
    { name: 'no nodes', nodes: [], peers: [] },
    { name: 'only this node', nodes: [self], peers: [] },
    {
      name: 'other nodes, by name, each with its subnets',
      nodes: [self, node('n3', '198.18.200.3', ['10.244.2.0/24']), node('n2', '198.18.200.2', '10.244.1.0/24')],
      peers: ['n2 198.18.200.2 10.244.1.0/24', 'n3 198.18.200.3 10.244.2.0/24'],
    },
    { name: 'a node without a pod CIDR yet is passed over', nodes: [node('n2', '198.18.200.2', undefined)], peers: [] },
    { name: 'a node without an InternalIP yet is passed over', nodes: [node('n2', undefined, '10.244.1.0/24')], peers: [] },
    { name: 'an IPv6 subnet is not ours to route', nodes: [node('n2', '198.18.200.2', ['fd00::/64'])], peers: [] },
    {
      name: 'a node at our own address is refused',
      nodes: [node('n2', '198.18.200.1', '10.244.1.0/24')],
      peers: [],
      skipped: ["n2: its InternalIP 198.18.200.1 is this node's"],
    },
    {
      name: 'a subnet outside the cluster CIDR is refused',
      nodes: [node('n2', '198.18.200.2', '10.0.0.0/24')],
      peers: [],
      skipped: ['n2: pod CIDR 10.0.0.0/24 is not a subnet of the cluster CIDR 10.244.0.0/16'],
    },
    {
      name: 'a subnet as wide as the cluster CIDR is refused',
      nodes: [node('n2', '198.18.200.2', '10.244.0.0/16')],
      peers: [],
      skipped: ['n2: pod CIDR 10.244.0.0/16 is not a subnet of the cluster CIDR 10.244.0.0/16'],
    },
    {
      name: 'our own subnet claimed by another node stays ours',
      nodes: [self, node('n2', '198.18.200.2', '10.244.0.0/24')],
      peers: [],
      skipped: ["n2: pod CIDR 10.244.0.0/24 is already this node's"],
    },
    {
      name: 'a subnet claimed twice goes to the first node by name',
      nodes: [node('n3', '198.18.200.3', '10.244.1.0/24'), node('n2', '198.18.200.2', '10.244.1.7/24')],
      peers: ['n2 198.18.200.2 10.244.1.0/24'],
      skipped: ["n3: pod CIDR 10.244.1.0/24 is already node n2's"],
    },
    {
      name: 'a node keeps its valid subnets when one is refused',
      nodes: [node('n2', '198.18.200.2', ['10.244.1.0/24', '10.9.0.0/24', '10.244.9.0/24'])],
      peers: ['n2 198.18.200.2 10.244.1.0/24,10.244.9.0/24'],
      skipped: ['n2: pod CIDR 10.9.0.0/24 is not a subnet of the cluster CIDR 10.244.0.0/16'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = peersOf(input('auto', c.nodes));
      assert.deepEqual(r.peers.map((p) => `${p.name} ${p.ip} ${p.podCIDRs.join(',')}`), c.peers);
      assert.deepEqual(r.skipped.map((s) => `${s.node}: ${s.reason}`), c.skipped ?? []);
    });
  }

  it('reads the published VXLAN MAC, canonical, and ignores a malformed one', () => {
    const r = peersOf(input('auto', [node('n2', '198.18.200.2', '10.244.1.0/24', '0E:6B:C6:12:C8:02'), node('n3', '198.18.200.3', '10.244.2.0/24', 'ff:ff:ff:ff:ff:ff')]));
    assert.equal(r.peers[0].mac, MAC2);
    assert.equal(r.peers[1].mac, undefined);
  });

  it('knows our own subnets', () => {
    assert.deepEqual(peersOf(input('auto', [self])).ownCIDRs, ['10.244.0.0/24']);
  });

  it('refuses a bad cluster CIDR', () => {
    assert.throws(() => peersOf(input('auto', [], { clusterCIDR: 'pods' })), PodNetworkPlanError);
  });
});

describe('pod network plan: mode', () => {
  const near = node('n2', '198.18.200.2', '10.244.1.0/24');
  const far = node('n3', '198.18.201.3', '10.244.2.0/24');
  const cases: [string, PodNetworkMode, Node[], HostRoute[], string][] = [
    ['auto, no peers: host-gw', 'auto', [], link, 'host-gw'],
    ['auto, every peer on a connected network: host-gw', 'auto', [near], link, 'host-gw'],
    ['auto, a peer behind the default gateway: vxlan', 'auto', [near, far], link, 'vxlan'],
    ['auto, a peer behind a specific gateway: vxlan', 'auto', [far], [...link, { dst: '198.18.201.0/24', type: 'unicast', gateway: '198.18.200.254', dev: 'eth0' }], 'vxlan'],
    ['auto, a peer on a link route (no address of ours there): host-gw', 'auto', [far], [...link, { dst: '198.18.201.0/24', type: 'unicast', dev: 'eth1' }], 'host-gw'],
    ['auto, the most specific route decides', 'auto', [near], [...link, { dst: '198.18.200.2/32', type: 'unicast', gateway: '198.18.200.254', dev: 'eth0' }], 'vxlan'],
    ['auto, a peer with no route at all: vxlan', 'auto', [far], [{ dst: '198.18.200.0/24', type: 'unicast', dev: 'eth0' }], 'vxlan'],
    ['auto, a peer whose network is unreachable: vxlan', 'auto', [far], [...link, { dst: '198.18.201.0/24', type: 'unreachable' }], 'vxlan'],
    ['auto, a peer address on loopback is not a link: vxlan', 'auto', [near], [{ dst: '198.18.200.0/24', type: 'unicast', dev: 'lo' }], 'vxlan'],
    ['host-gw stays host-gw', 'host-gw', [far], link, 'host-gw'],
    ['vxlan stays vxlan', 'vxlan', [near], link, 'vxlan'],
  ];
  for (const [name, mode, nodes, routes, want] of cases) {
    it(name, () => assert.equal(resolveMode(mode, peersOf(input(mode, nodes)).peers, routes), want));
  }
});

describe('pod network plan', () => {
  const n2 = node('n2', '198.18.200.2', '10.244.1.0/24', MAC2);
  const n3 = node('n3', '198.18.201.3', '10.244.2.0/24', MAC3);
  const device = { name: 'k8ts-vxlan', vni: 1, port: 8472, local: '198.18.200.1', mac: MAC1, mtu: 1450, address: '10.244.0.0/32' };
  const cases: { name: string; in: PodNetworkInput; want: PodNetworkPlan }[] = [
    {
      name: 'host-gw: a route via each peer, no device, no MAC',
      in: input('auto', [self, n2]),
      want: { mode: 'host-gw', routes: [hostGw('10.244.1.0/24', '198.18.200.2')], neighbours: [], fdb: [], skipped: [] },
    },
    {
      name: 'host-gw by request: a peer off our links is left unrouted, with the reason',
      in: input('host-gw', [self, n2, n3]),
      want: {
        mode: 'host-gw',
        routes: [hostGw('10.244.1.0/24', '198.18.200.2')],
        neighbours: [],
        fdb: [],
        skipped: [{ node: 'n3', reason: 'its InternalIP 198.18.201.3 is not on a directly connected network, which host-gw needs (use --pod-network-mode=vxlan or auto)' }],
      },
    },
    {
      name: 'vxlan (auto, one peer off-link): device, and per peer a route, a neighbour and a forwarding entry',
      in: input('auto', [self, n2, n3]),
      want: {
        mode: 'vxlan',
        routes: [overlay('10.244.1.0/24', '10.244.1.0'), overlay('10.244.2.0/24', '10.244.2.0')],
        device,
        neighbours: [{ ip: '10.244.1.0', mac: MAC2 }, { ip: '10.244.2.0', mac: MAC3 }],
        fdb: [{ mac: MAC2, dst: '198.18.200.2' }, { mac: MAC3, dst: '198.18.201.3' }],
        vtepMac: MAC1,
        skipped: [],
      },
    },
    {
      name: 'vxlan: a peer that has not published its MAC stays blackholed',
      in: input('vxlan', [self, node('n2', '198.18.200.2', '10.244.1.0/24')]),
      want: {
        mode: 'vxlan',
        routes: [],
        device,
        neighbours: [],
        fdb: [],
        vtepMac: MAC1,
        skipped: [{ node: 'n2', reason: 'it has not published its VXLAN MAC (annotation k8ts.io/vxlan-mac) yet' }],
      },
    },
    {
      name: "vxlan: a peer publishing another node's MAC is refused",
      in: input('vxlan', [self, n2, node('n4', '198.18.200.4', '10.244.3.0/24', MAC2), node('n5', '198.18.200.5', '10.244.4.0/24', MAC1)]),
      want: {
        mode: 'vxlan',
        routes: [overlay('10.244.1.0/24', '10.244.1.0')],
        device,
        neighbours: [{ ip: '10.244.1.0', mac: MAC2 }],
        fdb: [{ mac: MAC2, dst: '198.18.200.2' }],
        vtepMac: MAC1,
        skipped: [
          { node: 'n4', reason: "its VXLAN MAC 0e:6b:c6:12:c8:02 is also node n2's" },
          { node: 'n5', reason: "its VXLAN MAC 0e:6b:c6:12:c8:01 is also this node's" },
        ],
      },
    },
    {
      name: 'vxlan: a peer with two subnets gets both through its first subnet address',
      in: input('vxlan', [self, node('n2', '198.18.200.2', ['10.244.1.0/24', '10.244.7.0/24'], MAC2)]),
      want: {
        mode: 'vxlan',
        routes: [overlay('10.244.1.0/24', '10.244.1.0'), overlay('10.244.7.0/24', '10.244.1.0')],
        device,
        neighbours: [{ ip: '10.244.1.0', mac: MAC2 }],
        fdb: [{ mac: MAC2, dst: '198.18.200.2' }],
        vtepMac: MAC1,
        skipped: [],
      },
    },
    {
      name: 'vxlan before this node has a pod CIDR: a device without an address; MTU from the underlay',
      in: input('vxlan', [node('n1', '198.18.200.1', undefined)], { underlayMtu: 9000 }),
      want: { mode: 'vxlan', routes: [], device: { ...device, mtu: 8950, address: undefined }, neighbours: [], fdb: [], vtepMac: MAC1, skipped: [] },
    },
    {
      name: 'vxlan with another VNI, port and device name',
      in: input('vxlan', [self], { vxlan: { device: 'flannel.7', vni: 7, port: 4789 } }),
      want: { mode: 'vxlan', routes: [], device: { ...device, name: 'flannel.7', vni: 7, port: 4789 }, neighbours: [], fdb: [], vtepMac: MAC1, skipped: [] },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = podNetworkPlan(c.in);
      if (got.device && got.device.address === undefined) delete got.device.address;
      if (c.want.device && c.want.device.address === undefined) delete c.want.device.address;
      assert.deepEqual(got, c.want);
    });
  }
});
