import { strict as assert } from 'node:assert';
import { apiserverServiceIp, InventoryError, parseInventory, type Inventory } from './inventory';

const FILE = '/srv/clusters/lab.yaml';
const parse = (text: string, exists: (p: string) => boolean = () => true): Inventory => parseInventory(text, FILE, { fileExists: exists, homeDir: '/home/op' });

function problems(text: string, exists?: (p: string) => boolean): string[] {
  try {
    parse(text, exists);
  } catch (e) {
    assert.ok(e instanceof InventoryError, String(e));
    assert.equal(e.code, 'INVENTORY_INVALID');
    return e.message.split('\n');
  }
  assert.fail('expected an InventoryError');
}

const GOOD = `# a lab cluster
cluster:
  podCIDR: 10.200.0.0/16
  podNetworkMode: vxlan
  proxyMode: nftables
  nodeMonitorGracePeriodSeconds: 20
ssh:
  user: deploy
  key: keys/id_ed25519
hosts:
  - address: 192.0.2.10
    role: control-plane
    name: cp-1
  - address: 192.0.2.11
    role: worker
    labels:
      zone: a
      tier: 1
    ssh:
      port: 2222
  - address: node-c.lab.example
    nodeIp: 192.0.2.12
    role: worker
    ssh: { user: root, key: ~/.ssh/lab }
`;

describe('deploy/remote inventory', () => {
  it('reads hosts, SSH coordinates (defaults, per host, paths relative to the file) and cluster options', () => {
    const inv = parse(GOOD);
    assert.equal(inv.file, FILE);
    assert.deepEqual(inv.cluster, {
      name: 'lab',
      podCIDR: '10.200.0.0/16',
      serviceCIDR: '10.96.0.0/16',
      podNetworkMode: 'vxlan',
      proxyMode: 'nftables',
      dnsUpstream: '',
      nodeMonitorGracePeriodSeconds: 20,
      defaultNotReadyTolerationSeconds: 300,
      defaultUnreachableTolerationSeconds: 300,
      logLevel: 'info',
    });
    assert.deepEqual(
      inv.hosts.map((h) => [h.address, h.nodeIp, h.role, h.name, h.labels, h.ssh, h.line]),
      [
        ['192.0.2.10', '192.0.2.10', 'control-plane', 'cp-1', {}, { user: 'deploy', port: 22, key: '/srv/clusters/keys/id_ed25519' }, 11],
        ['192.0.2.11', '192.0.2.11', 'worker', undefined, { zone: 'a', tier: '1' }, { user: 'deploy', port: 2222, key: '/srv/clusters/keys/id_ed25519' }, 14],
        ['node-c.lab.example', '192.0.2.12', 'worker', undefined, {}, { user: 'root', port: 22, key: '/home/op/.ssh/lab' }, 21],
      ],
    );
  });

  it('the kubernetes Service address is the first of the service CIDR', () => {
    assert.equal(apiserverServiceIp('10.96.0.0/16'), '10.96.0.1');
    assert.equal(apiserverServiceIp('172.20.0.0/20'), '172.20.0.1');
  });

  const cases: { name: string; text: string; want: string[]; exists?: (p: string) => boolean }[] = [
    {
      name: 'YAML syntax, with its position',
      text: 'hosts:\n  - address: 192.0.2.1\n   role: worker\n',
      want: [`${FILE}:3:`],
    },
    {
      name: 'not a mapping',
      text: '- a\n- b\n',
      want: [`${FILE}:1:1: an inventory is a mapping with "hosts"`],
    },
    {
      name: 'no hosts',
      text: 'cluster: {}\n',
      want: [`${FILE}:1:1: needs "hosts": a list`],
    },
    {
      name: 'unknown fields, with a suggestion',
      text: 'hosts:\n  - address: 192.0.2.1\n    role: control-plane\n    node_ip: 192.0.2.1\n    sshKey: x\nssh: {key: k}\n',
      want: [`${FILE}:4:5: hosts[0].node_ip: unknown field "node_ip" (did you mean "nodeIp"?)`, `${FILE}:5:5: hosts[0].sshKey: unknown field "sshKey" (known: address, nodeIp, role, name, labels, ssh)`],
    },
    {
      name: 'a bad role and a missing address',
      text: 'ssh: {key: k}\nhosts:\n  - address: 192.0.2.1\n    role: control-plane\n  - role: master\n',
      want: [`${FILE}:5:5: hosts[1].address: is required`, `${FILE}:5:11: hosts[1].role: must be control-plane or worker, not "master"`],
    },
    {
      name: 'two control planes: HA is issue 14',
      text: 'ssh: {key: k}\nhosts:\n  - {address: 192.0.2.1, role: control-plane}\n  - {address: 192.0.2.2, role: control-plane}\n',
      want: [`${FILE}:4:32: hosts[1].role: a second control-plane host: one control plane only for now (highly available control planes are issue 14); hosts[0] is the control plane`],
    },
    {
      name: 'no control plane',
      text: 'ssh: {key: k}\nhosts:\n  - {address: 192.0.2.1, role: worker}\n',
      want: [`${FILE}:3:3: hosts: needs one host with role control-plane`],
    },
    {
      name: 'duplicate addresses and names',
      text: 'ssh: {key: k}\nhosts:\n  - {address: 192.0.2.1, role: control-plane, name: a}\n  - {address: 192.0.2.1, role: worker, name: a}\n',
      want: [`${FILE}:4:15: hosts[1].address: 192.0.2.1 is also hosts[0]`, `${FILE}:4:46: hosts[1].name: node name a is also hosts[0]'s`],
    },
    {
      name: 'a DNS name needs nodeIp; names and labels follow Kubernetes rules',
      text: 'ssh: {key: k}\nhosts:\n  - address: cp.example\n    role: control-plane\n    name: Bad_Name\n    labels:\n      "a/b/c": x\n      ok: "-bad"\n',
      want: [
        `${FILE}:3:14: hosts[0].address: "cp.example" is a name: give the node's IPv4 address as nodeIp`,
        `${FILE}:5:11: hosts[0].name: "Bad_Name": a lowercase RFC 1123 subdomain`,
        `${FILE}:7:7: hosts[0].labels.a/b/c: key "a/b/c": a qualified name`,
        `${FILE}:8:11: hosts[0].labels.ok: "-bad": a valid label must be`,
      ],
    },
    {
      name: 'cluster options: CIDRs, overlap, mode, seconds',
      text: 'cluster:\n  podCIDR: 10.244.0.1/16\n  serviceCIDR: 10.0.0.0/8\n  podNetworkMode: flannel\n  proxyMode: userspace\n  dnsUpstream: 8.8.8.8:53x\n  nodeMonitorGracePeriodSeconds: 0\n  defaultNotReadyTolerationSeconds: 1.5\nssh: {key: k}\nhosts:\n  - {address: 192.0.2.1, role: control-plane}\n',
      want: [
        `${FILE}:2:12: cluster.podCIDR: CIDR "10.244.0.1/16" has host bits set (did you mean 10.244.0.0/16?)`,
        `${FILE}:3:16: cluster.serviceCIDR: 10.0.0.0/8: the prefix must be from /12 to /28`,
        `${FILE}:4:19: cluster.podNetworkMode: must be one of host-gw, vxlan, auto, not "flannel"`,
        `${FILE}:5:14: cluster.proxyMode: must be one of iptables, nftables, ipvs, not "userspace"`,
        `${FILE}:6:16: cluster.dnsUpstream: must be empty (the host's resolv.conf), "none", or IPv4 addresses separated by commas, not "8.8.8.8:53x"`,
        `${FILE}:7:34: cluster.nodeMonitorGracePeriodSeconds: must be a whole number of seconds, at least 1`,
        `${FILE}:8:37: cluster.defaultNotReadyTolerationSeconds: must be a whole number of seconds, at least 0`,
      ],
    },
    {
      name: 'service CIDR overlapping the pod CIDR; node address inside it',
      text: 'cluster:\n  podCIDR: 10.96.0.0/16\nssh: {key: k}\nhosts:\n  - {address: 10.96.3.4, role: control-plane}\n',
      want: [
        `${FILE}:2:12: cluster.podCIDR: 10.96.0.0/16 overlaps the service CIDR 10.96.0.0/16 (the default; set serviceCIDR)`,
        `${FILE}:5:15: hosts[0].address: 10.96.3.4 lies inside the pod CIDR 10.96.0.0/16`,
        `${FILE}:5:15: hosts[0].address: 10.96.3.4 lies inside the service CIDR 10.96.0.0/16`,
      ],
    },
    {
      name: 'ssh: no key anywhere, bad port, a key file that does not exist',
      text: 'hosts:\n  - {address: 192.0.2.1, role: control-plane}\n  - address: 192.0.2.2\n    role: worker\n    ssh: {port: 70000, key: /nope}\n',
      exists: (p) => p !== '/nope',
      want: [
        `${FILE}:2:5: hosts[0]: needs an SSH key`,
        `${FILE}:5:17: hosts[1].ssh.port: must be a port number (1-65535)`,
        `${FILE}:5:29: hosts[1].ssh.key: key file /nope does not exist`,
      ],
    },
    {
      name: 'duplicate keys are a YAML error',
      text: 'hosts: []\nhosts: []\n',
      want: [`${FILE}:2:1: Map keys must be unique`],
    },
  ];
  for (const c of cases) {
    it(`reports ${c.name}`, () => {
      const got = problems(c.text, c.exists);
      for (const w of c.want) assert.ok(got.some((g) => g.startsWith(w) || (w.includes(': ') && !w.startsWith('/') && g.includes(w))), `want ${JSON.stringify(w)} in\n${got.join('\n')}`);
      if (c.want.every((w) => w.startsWith(FILE + ':'))) assert.equal(got.length, c.want.length, got.join('\n'));
    });
  }
});
