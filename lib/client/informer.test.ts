import assert from 'node:assert/strict';
import { Informer } from './informer';
import { Resources } from '../api/resources';
import type { ApiClient, WatchCallbacks, WatchOptions } from './api-client';
import type { KList, KObject } from '../api/types';
import { apiError } from '../errors';

const tick = (ms = 10) => new Promise((r) => setTimeout(r, ms));
const pod = (name: string, rv: string, labels: Record<string, string> = {}): KObject => ({
  metadata: { name, namespace: 'default', resourceVersion: rv, labels },
});

/** A scripted ApiClient: list answers from `items`, watches are captured for the test to drive. */
class ScriptedClient {
  items: KObject[] = [];
  listRv = '10';
  lists = 0;
  watches: { opts: WatchOptions; cb: WatchCallbacks<KObject>; stopped: boolean }[] = [];
  async list(): Promise<KList> {
    this.lists++;
    return { apiVersion: 'v1', kind: 'PodList', metadata: { resourceVersion: this.listRv }, items: this.items };
  }
  watch(_rt: unknown, _ns: unknown, opts: WatchOptions, cb: WatchCallbacks<KObject>) {
    const w = { opts, cb, stopped: false };
    this.watches.push(w);
    return { stop: () => { w.stopped = true; } };
  }
}

describe('Informer', () => {
  it('lists, then watches from the list revision and keeps the cache and index current', async () => {
    const c = new ScriptedClient();
    c.items = [pod('a', '5', { app: 'web' })];
    const inf = new Informer(c as unknown as ApiClient, Resources.pods);
    inf.addIndex('app', (o) => [o.metadata.labels?.app ?? '']);
    const seen: string[] = [];
    inf.addHandler({
      onAdd: (o) => seen.push(`add ${o.metadata.name}`),
      onUpdate: (_o, n) => seen.push(`update ${n.metadata.name}`),
      onDelete: (o) => seen.push(`delete ${o.metadata.name}`),
    });
    await inf.start();
    assert.equal(c.watches[0].opts.resourceVersion, '10');
    assert.equal(inf.get('default', 'a')?.kind, 'Pod');
    c.watches[0].cb.onEvent({ type: 'ADDED', object: pod('b', '11', { app: 'web' }) });
    c.watches[0].cb.onEvent({ type: 'MODIFIED', object: pod('a', '12', { app: 'db' }) });
    c.watches[0].cb.onEvent({ type: 'DELETED', object: pod('b', '13') });
    assert.deepEqual(seen, ['add a', 'add b', 'update a', 'delete b']);
    assert.deepEqual(inf.byIndex('app', 'db').map((o) => o.metadata.name), ['a']);
    assert.deepEqual(inf.byIndex('app', 'web'), []);
    inf.stop();
  });

  it('relists on 410 and reports what changed while it was away', async () => {
    const c = new ScriptedClient();
    c.items = [pod('a', '5'), pod('b', '6')];
    const inf = new Informer(c as unknown as ApiClient, Resources.pods);
    const seen: string[] = [];
    inf.addHandler({
      onAdd: (o) => seen.push(`add ${o.metadata.name}`),
      onUpdate: (_o, n) => seen.push(`update ${n.metadata.name}`),
      onDelete: (o) => seen.push(`delete ${o.metadata.name}`),
    });
    await inf.start();
    seen.length = 0;
    c.items = [pod('a', '20'), pod('c', '21')];
    c.listRv = '22';
    c.watches[0].cb.onClose(apiError(410, 'Expired', 'too old resource version'));
    await tick(20);
    assert.equal(c.lists, 2);
    assert.deepEqual(seen.sort(), ['add c', 'delete b', 'update a']);
    assert.equal(c.watches[1].opts.resourceVersion, '22');
    inf.stop();
  });

  it('reconnects from the last seen revision after a dropped watch', async () => {
    const c = new ScriptedClient();
    const inf = new Informer(c as unknown as ApiClient, Resources.pods);
    await inf.start();
    c.watches[0].cb.onEvent({ type: 'ADDED', object: pod('x', '15') });
    c.watches[0].cb.onClose(new Error('connection reset'));
    await tick(300);
    assert.equal(c.lists, 1);
    assert.equal(c.watches[1].opts.resourceVersion, '15');
    inf.stop();
  });
});
