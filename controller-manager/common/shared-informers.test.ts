import assert from 'node:assert/strict';
import type { ResourceType } from '../../lib/api/resources';
import { Resources } from '../../lib/api/resources';
import type { KList, KObject } from '../../lib/api/types';
import type { ListOptions, WatchCallbacks, WatchHandle, WatchOptions } from '../../lib/client/api-client';
import { FakeApiClient } from '../../test/fixtures/client/fake-client';
import { mkPod, settle, waitFor } from '../../test/fixtures/controller-manager/objects';
import { ALL_CONTROLLERS, Controllers } from '../controller-manager';
import { SharedInformers, viewKey } from './shared-informers';

/** A fake apiserver that counts the lists and watches it is asked for, by view. */
class CountingClient extends FakeApiClient {
  readonly lists = new Map<string, number>();
  readonly watches = new Map<string, number>();
  override async list<T extends KObject>(rt: ResourceType, namespace?: string, opts: ListOptions = {}): Promise<KList<T>> {
    bump(this.lists, viewKey(rt, { namespace, fieldSelector: opts.fieldSelector }));
    return super.list<T>(rt, namespace, opts);
  }
  override watch<T extends KObject>(rt: ResourceType, namespace: string | undefined, opts: WatchOptions, cb: WatchCallbacks<T>): WatchHandle {
    bump(this.watches, viewKey(rt, { namespace, fieldSelector: opts.fieldSelector }));
    return super.watch(rt, namespace, opts, cb);
  }
}
const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

describe('shared informers', () => {
  it('gives one informer per view, and starts those asked for after start on their first ask', async () => {
    const client = new CountingClient();
    client.seed(Resources.pods, mkPod('p', 'ready'));
    const set = new SharedInformers(client);
    const pods = set.get(Resources.pods);
    assert.equal(set.get(Resources.pods), pods);
    assert.notEqual(set.get(Resources.pods, { namespace: 'kube-system' }), pods);
    assert.notEqual(set.get(Resources.configmaps, { fieldSelector: 'metadata.name=x' }), set.get(Resources.configmaps));
    assert.equal(set.size, 4);
    await assert.rejects(set.synced(pods), /not been started/);
    try {
      await set.start();
      assert.equal(pods.list().length, 1);
      const late = set.get(Resources.nodes);
      await set.synced(late);
      await set.synced(late);
      assert.ok(late.hasSynced());
      await settle();
      for (const [view, n] of client.watches) assert.equal(n, 1, view);
      assert.equal(client.watches.size, 5);
    } finally {
      set.stop();
    }
  });

  it('every controller and the garbage collector together list and watch each view once', async () => {
    const client = new CountingClient();
    const c = new Controllers({ client, clusterCidr: '10.244.0.0/16', nodeCidrMaskSize: 24, nodeMonitorGracePeriodSeconds: 40, controllers: [...ALL_CONTROLLERS], rootCaPem: 'pem' });
    await c.start();
    try {
      // Roles are watched by the collector alone: once they are, its discovery has run.
      await waitFor(() => client.watches.has(viewKey(Resources.roles)), 'the collector watching what it discovered');
      await settle(100);
      const twice = [...client.watches].filter(([, n]) => n > 1).map(([v]) => v);
      assert.deepEqual(twice, []);
      assert.equal(client.lists.get(viewKey(Resources.pods)), 1);
      for (const rt of [Resources.pods, Resources.replicasets, Resources.daemonsets, Resources.statefulsets, Resources.persistentvolumeclaims, Resources.jobs])
        assert.equal(client.watches.get(viewKey(rt)), 1, rt.resource);
    } finally {
      await c.stop();
    }
  });
});
