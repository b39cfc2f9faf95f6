import { strict as assert } from 'node:assert';
import type { Pod } from '../../lib/api/types';
import type { Image } from '../cri/types';
import { decidePull, effectivePullPolicy, formatDuration, imageTag, pullBackoffMs } from './pull-policy';
import { ImageManager, type ImageRuntime } from './image-manager';
import { ImageGc, planImageGc, validateGcPolicy } from './image-gc';

const img = (id: string, size: number, tags: string[] = [], pinned = false): Image => ({ id, repoTags: tags, repoDigests: [], size, username: '', pinned });

describe('image pull policy', () => {
  it('defaults the policy from the tag like Kubernetes', () => {
    assert.equal(imageTag('127.0.0.1:5000/app'), 'latest');
    assert.equal(imageTag('127.0.0.1:5000/app:v1'), 'v1');
    assert.equal(imageTag('app@sha256:abc'), '');
    assert.equal(effectivePullPolicy('127.0.0.1:5000/app', undefined), 'Always');
    assert.equal(effectivePullPolicy('app:latest', undefined), 'Always');
    assert.equal(effectivePullPolicy('app:1.0', undefined), 'IfNotPresent');
    assert.equal(effectivePullPolicy('app:latest', 'Never'), 'Never');
  });

  it('decides use, pull, never and backoff', () => {
    assert.deepEqual(decidePull('a:1', 'IfNotPresent', true, 0), { action: 'use' });
    assert.deepEqual(decidePull('a:1', 'Always', true, 0), { action: 'pull' });
    assert.equal(decidePull('a:1', 'Never', false, 0).action, 'never');
    assert.deepEqual(decidePull('a:1', 'IfNotPresent', false, 100, 500), { action: 'backoff', retryInMs: 400, message: 'Back-off pulling image "a:1"' });
    assert.deepEqual(decidePull('a:1', 'IfNotPresent', false, 600, 500), { action: 'pull' });
  });

  it('backs off 10s doubling to 5min and prints durations', () => {
    assert.deepEqual([1, 2, 3, 6, 7, 20].map((n) => pullBackoffMs(n)), [10_000, 20_000, 40_000, 300_000, 300_000, 300_000]);
    assert.equal(formatDuration(250), '250ms');
    assert.equal(formatDuration(1500), '1.5s');
  });
});

describe('ImageManager.ensureImage', () => {
  const pod: Pod = { metadata: { name: 'p', namespace: 'd', uid: 'u' }, spec: { containers: [] } };
  let now = 0;
  const events: string[] = [];
  const recorder = { event: (_o: unknown, _t: string, reason: string, msg: string) => events.push(`${reason}: ${msg}`) } as any;
  const store = new Map<string, Image>();
  let pulls = 0;
  const runtime: ImageRuntime = {
    imageStatus: async (i) => store.get(i),
    pullImage: async (i) => {
      pulls++;
      if (!i.startsWith('reg/')) throw new Error(`failed to resolve reference "${i}": not found`);
      store.set(i, img(`sha256:${i}`, 1234, [i]));
      return `sha256:${i}`;
    },
  };
  beforeEach(() => {
    events.length = 0;
    pulls = 0;
    store.clear();
  });

  it('pulls a missing image with Pulling/Pulled events and then uses it', async () => {
    const m = new ImageManager(runtime, recorder, { baseMs: 1000, maxMs: 4000 }, () => now);
    const r = await m.ensureImage(pod, { name: 'c', image: 'reg/app:1' });
    assert.deepEqual(r, { ok: true, imageRef: 'sha256:reg/app:1' });
    assert.match(events.join('\n'), /Pulling: Pulling image "reg\/app:1"\nPulled: Successfully pulled image "reg\/app:1" in 0ms\. Image size: 1234 bytes\./);
    await m.ensureImage(pod, { name: 'c', image: 'reg/app:1' });
    assert.equal(pulls, 1, 'IfNotPresent does not pull again');
    await m.ensureImage(pod, { name: 'c', image: 'reg/app:1', imagePullPolicy: 'Always' });
    assert.equal(pulls, 2);
  });

  it('reports ErrImagePull, then ImagePullBackOff until the backoff expires', async () => {
    now = 0;
    const m = new ImageManager(runtime, recorder, { baseMs: 1000, maxMs: 4000 }, () => now);
    const c = { name: 'c', image: 'nowhere/app:1' };
    const r1 = await m.ensureImage(pod, c);
    assert.deepEqual(r1.ok ? undefined : [r1.waitingReason, r1.retryAfterMs], ['ErrImagePull', 1000]);
    now = 500;
    const r2 = await m.ensureImage(pod, c);
    assert.deepEqual(r2.ok ? undefined : [r2.waitingReason, r2.retryAfterMs], ['ImagePullBackOff', 500]);
    assert.equal(pulls, 1);
    now = 1000;
    const r3 = await m.ensureImage(pod, c);
    assert.deepEqual(r3.ok ? undefined : [r3.waitingReason, r3.retryAfterMs], ['ErrImagePull', 2000]);
    const r4 = await m.ensureImage(pod, { name: 'n', image: 'x:1', imagePullPolicy: 'Never' });
    assert.equal(r4.ok ? '' : r4.waitingReason, 'ErrImageNeverPull');
  });
});

describe('ImageManager: a pull abandoned because the pod is terminating', () => {
  const pod: Pod = { metadata: { name: 'p', namespace: 'd', uid: 'u' }, spec: { containers: [] } };
  it('cancels the pull and records no failure, backoff or Failed event', async () => {
    const events: string[] = [];
    const recorder = { event: (_o: unknown, _t: string, reason: string) => events.push(reason) } as any;
    let pulls = 0;
    const runtime: ImageRuntime = {
      imageStatus: async () => undefined,
      // Never finishes by itself: only cancelling ends it, as CRI does.
      pullImage: (_i, _cfg, signal) => {
        pulls++;
        return new Promise((_resolve, reject) => {
          if (signal?.aborted) reject(new Error('context canceled'));
          signal?.addEventListener('abort', () => reject(new Error('context canceled')));
        });
      },
    };
    const m = new ImageManager(runtime, recorder, { baseMs: 60_000, maxMs: 60_000 }, () => 0);
    const ac = new AbortController();
    const pending = m.ensureImage(pod, { name: 'c', image: 'reg/slow:1' }, undefined, ac.signal);
    await new Promise((r) => setImmediate(r));
    ac.abort();
    const r = await pending;
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.message, /^image pull abandoned: context canceled$/);
    assert.deepEqual(events, ['Pulling']);
    // No backoff was recorded: the next attempt pulls again at once.
    const again = m.ensureImage(pod, { name: 'c', image: 'reg/slow:1' }, undefined, AbortSignal.abort());
    assert.equal(((await again) as { waitingReason: string }).waitingReason, 'ErrImagePull');
    assert.equal(pulls, 2);
  });
});

describe('image garbage collection', () => {
  const base = { inUse: new Set<string>(), protectedTags: new Set(['docker.io/k8ts/pause:1.0']), nowMs: 1_000_000 };
  const images = [img('old', 300, ['a:1']), img('mid', 300, ['b:1']), img('new', 300, ['c:1']), img('pause', 10, ['docker.io/k8ts/pause:1.0']), img('pin', 900, ['p:1'], true)];
  const lastUsed = new Map([['old', 1], ['mid', 2], ['new', 3], ['pause', 0], ['pin', 0]]);

  it('does nothing under the high threshold', () => {
    const p = planImageGc({ ...base, images, lastUsed, capacityBytes: 1000, availableBytes: 160 });
    assert.deepEqual([p.usagePercent, p.remove.length], [84, 0]);
  });

  it('removes unused images least recently used first down to the low threshold', () => {
    const p = planImageGc({ ...base, images, lastUsed, capacityBytes: 10_000, availableBytes: 500 }, { highThresholdPercent: 85, lowThresholdPercent: 80, minAgeMs: 0 });
    assert.equal(p.bytesToFree, 9500 - 8000);
    assert.deepEqual(p.remove.map((i) => i.id), ['old', 'mid', 'new'], 'pinned and pause images stay');
    const busy = planImageGc({ ...base, inUse: new Set(['a:1']), images, lastUsed, capacityBytes: 1000, availableBytes: 100 }, { highThresholdPercent: 85, lowThresholdPercent: 80, minAgeMs: 0 });
    assert.deepEqual(busy.remove.map((i) => i.id), ['mid'], 'in-use image kept; one removal frees enough');
  });

  it('validates thresholds', () => {
    assert.throws(() => validateGcPolicy({ highThresholdPercent: 70, lowThresholdPercent: 80, minAgeMs: 0 }), /must not exceed/);
    assert.throws(() => validateGcPolicy({ highThresholdPercent: 170, lowThresholdPercent: 80, minAgeMs: 0 }), /\[0, 100\]/);
  });

  it('applies the plan through RemoveImage, sparing images containers use', async () => {
    const removed: string[] = [];
    const gc = new ImageGc(
      {
        listImages: async () => images.filter((i) => !removed.includes(i.id)),
        listContainers: async () => [{ imageRef: 'old' }],
        removeImage: async (id) => void removed.push(id),
      },
      { imageFsPath: '/', sandboxImage: 'k8ts/pause:1.0', lastUsed: new Map(), policy: { highThresholdPercent: 85, lowThresholdPercent: 80, minAgeMs: 0 }, usage: () => ({ capacityBytes: 1000, availableBytes: 50 }) },
    );
    assert.deepEqual(await gc.run(5), ['mid'], 'old is in use, pause protected, pinned kept; one removal frees enough');
  });
});
