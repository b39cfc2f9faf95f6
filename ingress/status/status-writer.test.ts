import assert from 'node:assert/strict';
import type { Node } from '../../lib/api/types';
import { ingress, svcBackend } from '../routes/test-fixtures';
import { loadBalancerIngress, publishedAddresses, statusUpdates } from './status-writer';

const node = (name: string, ready: 'True' | 'False', addresses: [string, string][]): Node => ({
  metadata: { name },
  spec: {},
  status: { conditions: [{ type: 'Ready', status: ready }], addresses: addresses.map(([type, address]) => ({ type, address })) },
});

describe('ingress status', () => {
  const nodes = [
    node('b', 'True', [['InternalIP', '192.0.2.12'], ['Hostname', 'b']]),
    node('a', 'True', [['InternalIP', '192.0.2.11'], ['ExternalIP', '203.0.113.1']]),
    node('down', 'False', [['InternalIP', '192.0.2.13']]),
    node('a-again', 'True', [['InternalIP', '192.0.2.11']]),
  ];

  it('publishes the InternalIPs of Ready nodes, sorted and unique', () => assert.deepEqual(publishedAddresses(nodes, []), ['192.0.2.11', '192.0.2.12']));
  it('publishes the given addresses instead when there are any', () => assert.deepEqual(publishedAddresses(nodes, ['lb.example.com', '198.51.100.1']), ['198.51.100.1', 'lb.example.com']));
  it('writes IPs as ip and names as hostname', () => assert.deepEqual(loadBalancerIngress(['192.0.2.11', 'lb.example.com']), [{ ip: '192.0.2.11' }, { hostname: 'lb.example.com' }]));

  it('updates only the Ingresses whose status differs (order does not matter)', () => {
    const desired = loadBalancerIngress(['192.0.2.11', '192.0.2.12']);
    const fresh = ingress('fresh', { defaultBackend: svcBackend('a', 80) });
    const current = { ...ingress('current', { defaultBackend: svcBackend('a', 80) }), status: { loadBalancer: { ingress: [{ ip: '192.0.2.12' }, { ip: '192.0.2.11' }] } } };
    const stale = { ...ingress('stale', { defaultBackend: svcBackend('a', 80) }), status: { loadBalancer: { ingress: [{ ip: '192.0.2.99' }] } } };
    const out = statusUpdates([fresh, current, stale], desired);
    assert.deepEqual(out.map((i) => [i.metadata.name, i.metadata.resourceVersion, i.status?.loadBalancer?.ingress]), [
      ['fresh', '1', desired],
      ['stale', '1', desired],
    ]);
    assert.deepEqual(stale.status.loadBalancer.ingress, [{ ip: '192.0.2.99' }], 'the cached object is not modified');
  });
});
