import assert from 'node:assert/strict';
import type { Lease } from './api/types';
import { Resources, type ResourceType } from './api/resources';
import { apiError } from './errors';
import { decideLease, leaseFor, runLeaderElection } from './leader-election';
import { FakeApiClient } from '../test/fixtures/client/fake-client';

const lease = (holder: string, rv = '5', seconds = 15): Lease => ({
  metadata: { name: 'l', namespace: 'kube-system', resourceVersion: rv },
  spec: { holderIdentity: holder, leaseDurationSeconds: seconds, leaseTransitions: 2 },
});

const waitFor = async (cond: () => boolean) => {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(cond(), 'condition not reached');
};

describe('leader election', () => {
  const cases: [string, Lease | undefined, number, string][] = [
    ['no lease → create', undefined, 0, 'create'],
    ['own lease → renew', lease('me'), 0, 'renew'],
    ['released lease → takeover', lease(''), 0, 'takeover'],
    ['fresh foreign lease → wait', lease('other'), 14_000, 'wait'],
    ['expired foreign lease → takeover', lease('other'), 15_000, 'takeover'],
  ];
  for (const [title, l, elapsed, want] of cases) {
    it(title, () => assert.equal(decideLease(l, 'me', 100_000 + elapsed, 100_000, 15_000).action, want));
  }

  it('takeover bumps leaseTransitions and acquireTime', () => {
    const cfg = { namespace: 'kube-system', name: 'l', identity: 'me', leaseDurationMs: 15_000 };
    const next = leaseFor('takeover', lease('other'), cfg, new Date('2024-01-01T00:00:00Z'));
    assert.equal(next.spec.holderIdentity, 'me');
    assert.equal(next.spec.leaseTransitions, 3);
    assert.equal(next.spec.acquireTime, '2024-01-01T00:00:00.000000Z');
    assert.equal(next.metadata.resourceVersion, '5');
  });

  it('one of two candidates leads; the other takes over after release', async () => {
    const client = new FakeApiClient();
    const events: string[] = [];
    const mk = (id: string) =>
      runLeaderElection({
        client, namespace: 'kube-system', name: 'kube-scheduler', identity: id, leaseDurationMs: 60_000, renewMs: 10,
        onStartedLeading: () => void events.push(`${id}+`),
        onStoppedLeading: () => void events.push(`${id}-`),
      });
    const a = mk('a');
    await waitFor(() => a.isLeader());
    const b = mk('b');
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(b.isLeader(), false);
    await a.stop();
    await waitFor(() => b.isLeader());
    assert.equal(client.peek<Lease>(Resources.leases, 'kube-system', 'kube-scheduler')!.spec.holderIdentity, 'b');
    await b.stop();
    assert.deepEqual(events, ['a+', 'a-', 'b+', 'b-']);
  });

  it('replaces a lease the apiserver cannot decode instead of never leading', async () => {
    // The apiserver answers a read of an undecodable stored object with this 500 (KEP-3926 wording).
    class CorruptLease extends FakeApiClient {
      corrupt = true;
      async get<T extends import('./api/types').KObject>(rt: ResourceType, ns: string | undefined, name: string): Promise<T> {
        if (this.corrupt && rt.resource === 'leases')
          throw apiError(500, 'InternalError', `Internal error occurred: StorageError: corrupt object, Code: 7, Key: /registry/coordination.k8s.io/leases/${ns}/${name}, ResourceVersion: 0, AdditionalErrorMsg: object not decodable revision=3: invalid JSON`);
        return super.get<T>(rt, ns, name);
      }
      async delete(rt: ResourceType, ns: string | undefined, name: string): Promise<void> {
        if (this.corrupt && rt.resource === 'leases') {
          this.corrupt = false;
          return;
        }
        return super.delete(rt, ns, name);
      }
    }
    const client = new CorruptLease();
    const le = runLeaderElection({
      client, namespace: 'kube-system', name: 'kube-scheduler', identity: 'me', leaseDurationMs: 60_000, renewMs: 10,
      onStartedLeading: () => undefined,
      onStoppedLeading: () => undefined,
    });
    try {
      await waitFor(() => le.isLeader());
      assert.equal(client.corrupt, false, 'the unreadable lease was deleted');
      assert.equal(client.peek<Lease>(Resources.leases, 'kube-system', 'kube-scheduler')?.spec.holderIdentity, 'me');
    } finally {
      await le.stop();
    }
  });
});
