import assert from 'node:assert/strict';
import type { Service } from '../../lib/api/types';
import type { EtcdStore } from '../storage/etcd-store';
import { ServiceAllocator } from './service-allocator';

/** The three claim operations of the store, in memory: create-if-absent keys with an owner value. */
class ClaimStore {
  readonly keys = new Map<string, string>();
  async claim(key: string, value: string): Promise<boolean> {
    if (this.keys.has(key)) return false;
    this.keys.set(key, value);
    return true;
  }
  async release(key: string): Promise<void> {
    this.keys.delete(key);
  }
  async claimedKeys(prefix: string): Promise<Map<string, string>> {
    return new Map([...this.keys].filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
  }
}

const lb = (name: string, spec: Partial<Service['spec']> = {}): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'default' },
  spec: { type: 'LoadBalancer', externalTrafficPolicy: 'Cluster', allocateLoadBalancerNodePorts: true, ports: [{ port: 80, protocol: 'TCP' }], ...spec },
});
const copy = <T>(o: T): T => JSON.parse(JSON.stringify(o));

describe('service allocator: health check node ports and allocateLoadBalancerNodePorts', () => {
  let store: ClaimStore;
  let alloc: ServiceAllocator;
  const ports = async () => [...(await store.claimedKeys('ranges/servicenodeports/')).keys()].map(Number).sort();
  beforeEach(() => {
    store = new ClaimStore();
    alloc = new ServiceAllocator(store as unknown as EtcdStore, '10.96.0.0/16', '30000-30009');
  });

  it('a Local LoadBalancer gets a health check port apart from its node ports; deleting releases both', async () => {
    const s = lb('a', { externalTrafficPolicy: 'Local' });
    await alloc.allocate(s);
    const hc = s.spec.healthCheckNodePort!;
    assert.ok(hc >= 30000 && hc <= 30009 && hc !== s.spec.ports![0].nodePort);
    assert.deepEqual(await ports(), [hc, s.spec.ports![0].nodePort!].sort());
    await alloc.release(s);
    assert.deepEqual(await ports(), []);
  });

  it('a Cluster LoadBalancer gets none; allocateLoadBalancerNodePorts false gets no node ports but keeps requested ones', async () => {
    // pinned: a random node port could be the 30005 'bare' requests below
    const c = lb('c', { ports: [{ port: 80, protocol: 'TCP', nodePort: 30001 }] });
    await alloc.allocate(c);
    assert.equal(c.spec.healthCheckNodePort, undefined);
    const bare = lb('bare', { allocateLoadBalancerNodePorts: false, ports: [{ name: 'a', port: 80, protocol: 'TCP' }, { name: 'b', port: 81, protocol: 'TCP', nodePort: 30005 }] });
    await alloc.allocate(bare);
    assert.deepEqual(bare.spec.ports!.map((p) => p.nodePort), [undefined, 30005]);
  });

  it('a requested health check port is claimed, and refused when taken or out of range', async () => {
    // its node port is pinned: a random one could be the 30003 that 'd' below must fail on for its health check port
    const a = lb('a', { externalTrafficPolicy: 'Local', healthCheckNodePort: 30007, ports: [{ port: 80, protocol: 'TCP', nodePort: 30001 }] });
    await alloc.allocate(a);
    assert.equal(a.spec.healthCheckNodePort, 30007);
    const refusal = async (s: Service, msg: string) =>
      assert.rejects(alloc.allocate(s), (e: Error & { status?: { details?: { causes?: { field: string; message: string }[] } } }) => {
        assert.match(e.message, new RegExp(msg));
        return true;
      });
    await refusal(lb('b', { externalTrafficPolicy: 'Local', healthCheckNodePort: 30007 }), 'failed to allocate requested HealthCheck NodePort 30007: provided port is already allocated');
    await refusal(lb('c', { externalTrafficPolicy: 'Local', healthCheckNodePort: 31000 }), 'provided port is not in the valid range. The range of valid ports is 30000-30009');
    await refusal(lb('d', { externalTrafficPolicy: 'Local', healthCheckNodePort: 30003, ports: [{ port: 80, protocol: 'TCP', nodePort: 30003 }] }), 'failed to allocate requested HealthCheck NodePort 30003: provided port is already allocated');
    // A refused create leaves no claim behind.
    assert.deepEqual(await ports(), [a.spec.ports![0].nodePort!, 30007].sort());
  });

  it('updates: Cluster → Local allocates, Local kept, a changed port refused, Local → Cluster releases on commit', async () => {
    const v1 = lb('a');
    await alloc.allocate(v1);
    const v2 = copy(v1);
    v2.spec.externalTrafficPolicy = 'Local';
    const r2 = await alloc.reallocate(v2, v1);
    await r2.commit();
    const hc = v2.spec.healthCheckNodePort!;
    assert.ok(hc);
    const v3 = copy(v2);
    await (await alloc.reallocate(v3, v2)).commit();
    assert.equal(v3.spec.healthCheckNodePort, hc);
    const changed = copy(v2);
    changed.spec.healthCheckNodePort = hc === 30009 ? 30008 : hc + 1;
    await assert.rejects(alloc.reallocate(changed, v2), /cannot change healthCheckNodePort on loadBalancer service with externalTraffic=Local during update/);
    const v4 = copy(v2);
    v4.spec.externalTrafficPolicy = 'Cluster';
    delete v4.spec.healthCheckNodePort;
    const r4 = await alloc.reallocate(v4, v2);
    assert.ok((await ports()).includes(hc), 'held until the write went through');
    await r4.commit();
    assert.deepEqual(await ports(), [v4.spec.ports![0].nodePort!]);
  });

  it('a failed update write gives back the health check port it claimed', async () => {
    const v1 = lb('a');
    await alloc.allocate(v1);
    const v2 = copy(v1);
    v2.spec.externalTrafficPolicy = 'Local';
    const r = await alloc.reallocate(v2, v1);
    await r.undo();
    assert.deepEqual(await ports(), [v1.spec.ports![0].nodePort!]);
  });

  it('repair counts health check ports as held', async () => {
    const s = lb('a', { externalTrafficPolicy: 'Local', healthCheckNodePort: 30002, ports: [{ port: 80, protocol: 'TCP', nodePort: 30001 }], clusterIP: '10.96.0.20' });
    await alloc.repair([s]);
    assert.deepEqual(await ports(), [30001, 30002]);
    assert.equal(store.keys.get('ranges/servicenodeports/30002'), 'default/a');
  });
});
