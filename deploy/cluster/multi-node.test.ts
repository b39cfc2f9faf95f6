import { strict as assert } from 'node:assert';
import { parseInventory } from '../remote/inventory';
import { defaultClusterName, machinesInventory } from './multi-node';

describe('up --nodes', () => {
  it('writes an inventory of the machines that k8ts deploy reads: the first one is the control plane', () => {
    const text = machinesInventory({
      cluster: 'k1234abcd',
      keyFile: '/home/x/.cluster/ssh/id_ed25519',
      machines: [
        { name: 'node-1', address: '198.18.0.11' },
        { name: 'node-2', address: '198.18.0.12' },
        { name: 'node-3', address: '198.18.0.13' },
      ],
    });
    const inv = parseInventory(text, '/home/x/.cluster/cluster.yaml');
    assert.equal(inv.cluster.name, 'k1234abcd');
    assert.deepEqual(
      inv.hosts.map((h) => [h.name, h.address, h.role, h.ssh]),
      [
        ['node-1', '198.18.0.11', 'control-plane', { user: 'root', port: 22, key: '/home/x/.cluster/ssh/id_ed25519' }],
        ['node-2', '198.18.0.12', 'worker', { user: 'root', port: 22, key: '/home/x/.cluster/ssh/id_ed25519' }],
        ['node-3', '198.18.0.13', 'worker', { user: 'root', port: 22, key: '/home/x/.cluster/ssh/id_ed25519' }],
      ],
    );
  });

  it('carries cluster options into the inventory', () => {
    const text = machinesInventory({ cluster: 'b1', keyFile: '/k', machines: [{ name: 'node-1', address: '198.18.0.11' }], settings: { nodeMonitorGracePeriodSeconds: 20, podNetworkMode: 'vxlan' } });
    const inv = parseInventory(text, '/x/cluster.yaml');
    assert.equal(inv.cluster.nodeMonitorGracePeriodSeconds, 20);
    assert.equal(inv.cluster.podNetworkMode, 'vxlan');
  });

  it('names the machines’ cluster after the home: stable, distinct per checkout', () => {
    assert.equal(defaultClusterName('/src/a/.cluster'), defaultClusterName('/src/a/.cluster/'));
    assert.notEqual(defaultClusterName('/src/a/.cluster'), defaultClusterName('/src/b/.cluster'));
    assert.match(defaultClusterName('/x'), /^k[0-9a-f]{8}$/);
  });
});
