import { strict as assert } from 'node:assert';
import type { KObject, Lease, Node } from '../../lib/api/types';
import { Resources, type ResourceType } from '../../lib/api/resources';
import { apiError } from '../../lib/errors';
import { FakeApiClient } from '../../test/fixtures/client/fake-client';
import { LEASE_NAMESPACE, NodeAgent } from './node-agent';
import type { NodeStatusInputs } from './node-status';

const machine = { cpus: 2, memoryBytes: 2 ** 33, kernelVersion: '6.1', osImage: 'Debian', arch: 'amd64', machineID: 'm', bootID: 'b' };
const inputs = (): NodeStatusInputs => ({ nodeName: 'n1', nodeIP: '10.0.0.2', hostname: 'h', machine, runtimeVersion: 'containerd://1.6.20', kubeletPort: 10250, nowIso: new Date().toISOString(), networkReady: true });

/** A fake cluster whose stored Node and Lease of n1 the apiserver cannot decode, until deleted. */
class CorruptOwnObjects extends FakeApiClient {
  corrupt = new Set(['nodes', 'leases']);
  deleted: string[] = [];
  async get<T extends KObject>(rt: ResourceType, ns: string | undefined, name: string): Promise<T> {
    if (this.corrupt.has(rt.resource))
      throw apiError(500, 'InternalError', `Internal error occurred: StorageError: corrupt object, Code: 7, Key: /registry/core/${rt.resource}/${name}, ResourceVersion: 0, AdditionalErrorMsg: object not decodable revision=4: invalid JSON`);
    return super.get<T>(rt, ns, name);
  }
  async create<T extends KObject>(rt: ResourceType, obj: T, sub?: string): Promise<T> {
    if (this.corrupt.has(rt.resource)) throw apiError(409, 'AlreadyExists', `${rt.resource} "${obj.metadata.name}" already exists`);
    return super.create(rt, obj, sub);
  }
  async delete(rt: ResourceType, ns: string | undefined, name: string): Promise<void> {
    if (this.corrupt.delete(rt.resource)) {
      this.deleted.push(rt.resource);
      return;
    }
    return super.delete(rt, ns, name);
  }
}

describe('node agent and unreadable objects', () => {
  it('replaces its own Node and Lease when the apiserver cannot decode them, instead of failing to start', async () => {
    const client = new CorruptOwnObjects();
    const agent = new NodeAgent(client, { statusInputs: inputs, leaseRenewMs: 60_000, statusCheckMs: 60_000 });
    await agent.start();
    agent.stop();
    assert.deepEqual(client.deleted.sort(), ['leases', 'nodes']);
    assert.ok(client.peek<Node>(Resources.nodes, undefined, 'n1'), 'the Node is registered afresh');
    assert.equal(client.peek<Lease>(Resources.leases, LEASE_NAMESPACE, 'n1')?.spec.holderIdentity, 'n1');
  });

  it('hands on only a podCIDR that is an IPv4 CIDR', async () => {
    const client = new FakeApiClient();
    const seen: string[] = [];
    const agent = new NodeAgent(client, { statusInputs: inputs, leaseRenewMs: 60_000, statusCheckMs: 60_000, onPodCIDR: (c) => seen.push(c) });
    await agent.start();
    try {
      client.mutate<Node>(Resources.nodes, undefined, 'n1', (n) => (n.spec.podCIDR = '10.244.1.0/24; rm -rf /'));
      await agent.syncStatus(true);
      client.mutate<Node>(Resources.nodes, undefined, 'n1', (n) => (n.spec.podCIDR = '10.244.1.0/24'));
      await agent.syncStatus(true);
      assert.deepEqual(seen, ['10.244.1.0/24']);
    } finally {
      agent.stop();
    }
  });

  it('keeps registering while the apiserver is unreachable, and gives up at once on a refusal', async () => {
    class Flaky extends FakeApiClient {
      failures: number[] = [503, 503, 429];
      async create<T extends KObject>(rt: ResourceType, obj: T, sub?: string): Promise<T> {
        const code = rt.resource === 'nodes' ? this.failures.shift() : undefined;
        if (code === 503) throw apiError(503, 'ServiceUnavailable', 'connect ECONNREFUSED 127.0.0.1:6444');
        if (code === 429) throw apiError(429, 'TooManyRequests', 'too many requests');
        if (code === 403) throw apiError(403, 'Forbidden', 'nodes is forbidden');
        return super.create(rt, obj, sub);
      }
    }
    const flaky = new Flaky();
    const agent = new NodeAgent(flaky, { statusInputs: inputs, leaseRenewMs: 60_000, statusCheckMs: 60_000, registerRetryBaseMs: 1 });
    await agent.start();
    agent.stop();
    assert.deepEqual(flaky.failures, []);
    assert.ok(flaky.peek<Node>(Resources.nodes, undefined, 'n1'), 'registered after three failures');

    const refused = new Flaky();
    refused.failures = [403];
    const other = new NodeAgent(refused, { statusInputs: inputs, leaseRenewMs: 60_000, statusCheckMs: 60_000, registerRetryBaseMs: 1 });
    await assert.rejects(other.start(), /forbidden/);
    other.stop();
  });

  it('renews its Lease without reading it first; reads it again after someone else changed it', async () => {
    class CountingGets extends FakeApiClient {
      leaseGets = 0;
      async get<T extends KObject>(rt: ResourceType, ns: string | undefined, name: string): Promise<T> {
        if (rt.resource === 'leases') this.leaseGets++;
        return super.get<T>(rt, ns, name);
      }
    }
    const client = new CountingGets();
    const agent = new NodeAgent(client, { statusInputs: inputs, leaseRenewMs: 20, statusCheckMs: 60_000 });
    await agent.start();
    try {
      const renewTime = () => client.peek<Lease>(Resources.leases, LEASE_NAMESPACE, 'n1')?.spec.renewTime;
      const first = client.leaseGets;
      const before = client.peek<Lease>(Resources.leases, LEASE_NAMESPACE, 'n1')!.metadata.resourceVersion;
      for (let i = 0; i < 100 && client.peek<Lease>(Resources.leases, LEASE_NAMESPACE, 'n1')!.metadata.resourceVersion === before; i++) await new Promise((r) => setTimeout(r, 10));
      assert.ok(renewTime(), 'renewed');
      assert.equal(client.leaseGets, first, 'no GET while its own copy is current');
      // Someone else writes the Lease: the next PUT conflicts, the agent reads it and carries on.
      client.mutate<Lease>(Resources.leases, LEASE_NAMESPACE, 'n1', (l) => (l.metadata.labels = { touched: 'yes' }));
      for (let i = 0; i < 100 && client.leaseGets === first; i++) await new Promise((r) => setTimeout(r, 10));
      assert.ok(client.leaseGets > first, 'read again after the conflict');
      const rv = client.peek<Lease>(Resources.leases, LEASE_NAMESPACE, 'n1')!.metadata.resourceVersion;
      for (let i = 0; i < 100 && client.peek<Lease>(Resources.leases, LEASE_NAMESPACE, 'n1')!.metadata.resourceVersion === rv; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(client.peek<Lease>(Resources.leases, LEASE_NAMESPACE, 'n1')!.metadata.labels?.touched, 'yes', 'renewed on top of the other writer’s version');
    } finally {
      agent.stop();
    }
  });
});
