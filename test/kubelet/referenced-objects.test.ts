// The kubelet reads only the ConfigMaps and Secrets its pods reference: on a real containerd, a pod
// with a configMap volume and a secret env var runs, every configmap/secret list and watch the
// kubelet makes names one object in the pod's namespace, a Secret nobody references never reaches
// the kubelet, and once the pod is gone its objects are no longer watched; a pod that completed
// (restartPolicy Never, exit 0) releases its watch while its object still exists.
import { strict as assert } from 'node:assert';
import type { KList, KObject } from '../../lib/api/types';
import { Resources, type ResourceType } from '../../lib/api/resources';
import type { ListOptions, WatchCallbacks, WatchEvent, WatchHandle, WatchOptions } from '../../lib/client/api-client';
import { FakeApi } from './fake-api';
import { sh, startPodHarness, type PodHarness } from './pod-harness';

interface Seen {
  calls: string[];
  open: Set<string>;
  delivered: string[];
}

const watched = (rt: ResourceType) => rt.resource === 'configmaps' || rt.resource === 'secrets';

/** Records the kubelet's configmap/secret lists and watches on FakeApi; returns the undo. */
function spyOnFakeApi(seen: Seen): () => void {
  const proto = FakeApi.prototype;
  const { list, watch } = proto;
  proto.list = function <T extends KObject>(this: FakeApi, rt: ResourceType, ns?: string, opts?: ListOptions): Promise<KList<T>> {
    if (watched(rt)) seen.calls.push(`list ${rt.resource} ${ns ?? '*'} ${opts?.fieldSelector ?? ''}`);
    return list.call(this, rt, ns, opts) as Promise<KList<T>>;
  };
  proto.watch = function <T extends KObject>(this: FakeApi, rt: ResourceType, ns: string | undefined, opts: WatchOptions, cb: WatchCallbacks<T>): WatchHandle {
    if (!watched(rt)) return watch.call(this, rt, ns, opts, cb) as WatchHandle;
    const id = `watch ${rt.resource} ${ns ?? '*'} ${opts.fieldSelector ?? ''}`;
    seen.calls.push(id);
    seen.open.add(id);
    const h = watch.call(this, rt, ns, opts, {
      onEvent: (ev) => {
        seen.delivered.push(`${rt.resource} ${ev.object.metadata.namespace}/${ev.object.metadata.name}`);
        cb.onEvent(ev as WatchEvent<T>);
      },
      onClose: (err) => cb.onClose(err),
    }) as WatchHandle;
    return { stop: () => (seen.open.delete(id), h.stop()) };
  };
  return () => {
    proto.list = list;
    proto.watch = watch;
  };
}

describe('kubelet reads only the objects its pods reference', function () {
  this.timeout(90_000);
  let h: PodHarness | undefined;
  let undo = () => {};
  const seen: Seen = { calls: [], open: new Set(), delivered: [] };
  const secret = (name: string, namespace: string, v: string) =>
    ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, data: { v: Buffer.from(v).toString('base64') } }) as KObject;

  before(async () => {
    undo = spyOnFakeApi(seen);
    h = await startPodHarness({ nodeName: 'kt-refs', nodeIp: '10.99.0.7', podCIDR: '10.244.246.0/24' });
  });
  after(async () => {
    undo();
    await h?.stop();
  });

  it('watches referenced objects by name only, and stops when the pod is gone', async () => {
    const { api, mkPod, waitFor, getPod } = h!;
    await api.create(Resources.secrets, secret('elsewhere', 'other', 'no'));
    await api.create(Resources.secrets, secret('unused', 'default', 'no'));
    await api.create(Resources.secrets, secret('sec', 'default', 'shh'));
    await api.create(Resources.configmaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default' }, data: { f: 'file' } } as KObject);
    await api.create(
      Resources.pods,
      mkPod('refs', [{ command: sh('echo "$S"; sleep 1000'), env: [{ name: 'S', valueFrom: { secretKeyRef: { name: 'sec', key: 'v' } } }], volumeMounts: [{ name: 'c', mountPath: '/c' }] }], {
        volumes: [{ name: 'c', configMap: { name: 'cfg' } }],
      }),
    );
    await waitFor('refs running', async () => (await getPod('refs')).status?.containerStatuses?.[0]?.state?.running);
    assert.match(h!.logOf(await getPod('refs'), 'c0'), /shh/);
    await api.update(Resources.secrets, { ...(await api.get(Resources.secrets, 'other', 'elsewhere')), data: { v: 'Y2hhbmdlZA==' } } as KObject);
    await api.update(Resources.secrets, { ...(await api.get(Resources.secrets, 'default', 'unused')), data: { v: 'Y2hhbmdlZA==' } } as KObject);
    // FakeApi emits synchronously: once these updates return, the kubelet's watches have seen them.
    await api.update(Resources.secrets, { ...(await api.get(Resources.secrets, 'default', 'sec')), data: { v: 'Y2hhbmdlZA==' } } as KObject);
    await api.update(Resources.configmaps, { ...(await api.get(Resources.configmaps, 'default', 'cfg')), data: { f: 'changed' } } as KObject);

    const expected = new Set([
      'list configmaps default metadata.name=cfg',
      'watch configmaps default metadata.name=cfg',
      'list secrets default metadata.name=sec',
      'watch secrets default metadata.name=sec',
    ]);
    assert.deepEqual([...new Set(seen.calls)].sort(), [...expected].sort());
    assert.deepEqual([...new Set(seen.delivered)].sort(), ['configmaps default/cfg', 'secrets default/sec']);
    assert.ok(!seen.delivered.some((d) => /elsewhere|unused/.test(d)), `unreferenced objects reached the kubelet: ${seen.delivered.join(', ')}`);

    await api.delete(Resources.pods, 'default', 'refs');
    await waitFor('refs gone', async () => !(await api.list(Resources.pods, 'default')).items.some((p) => p.metadata.name === 'refs'));
    await waitFor('watches released', () => seen.open.size === 0);
    assert.deepEqual([...seen.open], []);
  });

  it('releases the watches of a completed pod that still exists', async () => {
    const { api, mkPod, waitFor, getPod } = h!;
    const id = 'watch configmaps default metadata.name=job-cfg';
    await api.create(Resources.configmaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'job-cfg', namespace: 'default' }, data: { f: 'done' } } as KObject);
    await api.create(Resources.pods, mkPod('job', [{ command: sh('cat /c/f'), volumeMounts: [{ name: 'c', mountPath: '/c' }] }], { restartPolicy: 'Never', volumes: [{ name: 'c', configMap: { name: 'job-cfg' } }] }));
    await waitFor('job watched', () => seen.calls.includes(id));
    const done = await waitFor('job Succeeded', async () => ((await getPod('job')).status?.phase === 'Succeeded' ? getPod('job') : undefined));
    assert.equal(done.status?.containerStatuses?.[0]?.state?.terminated?.reason, 'Completed');
    assert.match(h!.logOf(done, 'c0'), /done/);
    await waitFor('job watch released', () => !seen.open.has(id));
    assert.ok((await getPod('job')).metadata.uid, 'the pod object is still there');
    await api.delete(Resources.pods, 'default', 'job');
  });
});
