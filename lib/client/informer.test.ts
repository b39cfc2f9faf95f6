import assert from 'node:assert/strict';
import { Informer } from './informer';
import { Resources } from '../api/resources';
import type { ApiClient, WatchCallbacks, WatchOptions } from './api-client';
import type { KList, KObject } from '../api/types';
import { apiError } from '../errors';
import { processMetrics } from '../metrics/prometheus';

const tick = (ms = 10) => new Promise((r) => setTimeout(r, ms));
const pod = (name: string, rv: string, labels: Record<string, string> = {}, memory = '64Mi'): KObject => ({
  metadata: { name, namespace: 'default', resourceVersion: rv, labels },
  spec: { containers: [{ name: 'c', image: 'k8ts/web:1.0', resources: { requests: { memory } } }] },
});
/** A pod whose memory request does not parse: what every component must skip. */
const badPod = (name: string, rv: string) => pod(name, rv, {}, '12xyz');

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

describe('Informer: objects that fail their kind\'s check', () => {
  const skippedCount = () => Number(/^k8ts_invalid_objects_skipped_total\{component="scheduler",resource="pods"\} (\d+)$/m.exec(processMetrics.render())?.[1] ?? 0);

  async function started(items: KObject[]) {
    const c = new ScriptedClient();
    c.items = items;
    const inf = new Informer(c as unknown as ApiClient, Resources.pods, { name: 'scheduler-pods' });
    const seen: string[] = [];
    inf.addHandler({
      onAdd: (o) => seen.push(`add ${o.metadata.name}`),
      onUpdate: (o, n) => seen.push(`update ${n.metadata.name} ${o.metadata.resourceVersion}->${n.metadata.resourceVersion}`),
      onDelete: (o) => seen.push(`delete ${o.metadata.name}`),
      onInvalid: (o, problems, last) => seen.push(`invalid ${o.metadata?.name} ${problems[0]}${last ? ` (keeping ${last.metadata.resourceVersion})` : ''}`),
    });
    await inf.start();
    return { c, inf, seen, watch: c.watches[0].cb };
  }

  it('never caches a new invalid object, reporting it once per resourceVersion', async () => {
    const before = skippedCount();
    const { c, inf, seen, watch } = await started([pod('good', '1'), badPod('bad', '2'), { metadata: { name: 'spec-less', namespace: 'default' } } as KObject]);
    watch.onEvent({ type: 'ADDED', object: badPod('bad-2', '3') });
    watch.onEvent({ type: 'MODIFIED', object: badPod('bad-2', '3') });
    watch.onEvent({ type: 'ADDED', object: 'not even an object' as unknown as KObject });
    assert.deepEqual(inf.list().map((o) => o.metadata.name), ['good']);
    assert.deepEqual(seen, [
      'add good',
      'invalid bad spec.containers[0].resources.requests.memory: Invalid value: "12xyz": invalid quantity "12xyz"',
      'invalid spec-less spec: Required value',
      'invalid bad-2 spec.containers[0].resources.requests.memory: Invalid value: "12xyz": invalid quantity "12xyz"',
      'invalid undefined <object>: expected object, got string',
    ]);
    assert.equal(skippedCount() - before, 4);
    // A relist shows the same invalid objects again: no new reports.
    c.watches[0].cb.onClose(apiError(410, 'Expired', 'gone'));
    await tick(20);
    assert.equal(skippedCount() - before, 4);
    assert.equal(seen.length, 5);
    inf.stop();
  });

  it('keeps the last valid copy of an object that turns invalid, across relists, until it is valid again or deleted', async () => {
    const { c, inf, seen, watch } = await started([pod('p', '1')]);
    watch.onEvent({ type: 'MODIFIED', object: badPod('p', '2') });
    assert.equal(inf.get('default', 'p')?.metadata.resourceVersion, '1', 'the last valid copy stays');
    c.items = [badPod('p', '2')];
    c.watches[0].cb.onClose(apiError(410, 'Expired', 'gone'));
    await tick(20);
    assert.equal(inf.get('default', 'p')?.metadata.resourceVersion, '1', 'a relist does not delete it either');
    c.watches[1].cb.onEvent({ type: 'MODIFIED', object: pod('p', '3') });
    assert.equal(inf.get('default', 'p')?.metadata.resourceVersion, '3');
    c.watches[1].cb.onEvent({ type: 'MODIFIED', object: badPod('p', '4') });
    c.watches[1].cb.onEvent({ type: 'DELETED', object: badPod('p', '5') });
    assert.equal(inf.get('default', 'p'), undefined, 'deleted is deleted, valid or not');
    assert.deepEqual(seen, [
      'add p',
      'invalid p spec.containers[0].resources.requests.memory: Invalid value: "12xyz": invalid quantity "12xyz" (keeping 1)',
      'update p 1->3',
      'invalid p spec.containers[0].resources.requests.memory: Invalid value: "12xyz": invalid quantity "12xyz" (keeping 3)',
      'delete p',
    ]);
    inf.stop();
  });

  it('checks nothing when told not to', async () => {
    const c = new ScriptedClient();
    c.items = [badPod('bad', '2')];
    const inf = new Informer(c as unknown as ApiClient, Resources.pods, { check: false });
    await inf.start();
    assert.equal(inf.list().length, 1);
    inf.stop();
  });
});
