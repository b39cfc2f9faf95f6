// Compatibility suite, the official JavaScript client: @kubernetes/client-node v1 (an ES module,
// loaded through Node's require(esm)) from the harness's kubeconfig against the real REST door
// over the real registry on etcd. Lists, a raw watch, an informer that survives a relist forced
// by a 410 after etcd compaction, and patches with each of the three strategies.
import { strict as assert } from 'node:assert';
import * as k8s from '@kubernetes/client-node';
import { waitFor } from '../harness/exec';
import { startControlPlane, type ControlPlane } from './control-plane';

describe('@kubernetes/client-node compatibility (real registry on etcd)', function () {
  this.timeout(60_000);
  let cp: ControlPlane | undefined;
  let kc: k8s.KubeConfig;
  let core: k8s.CoreV1Api;
  let apps: k8s.AppsV1Api;
  const cm = (name: string, data: Record<string, string> = { a: '1' }): k8s.V1ConfigMap => ({ metadata: { name }, data });

  before(async () => {
    cp = await startControlPlane();
    kc = new k8s.KubeConfig();
    kc.loadFromFile(cp.h.kubeconfig);
    core = kc.makeApiClient(k8s.CoreV1Api);
    apps = kc.makeApiClient(k8s.AppsV1Api);
  });
  after(async () => {
    await cp?.stop();
  });

  it('lists namespaces and pods', async () => {
    const ns = await core.listNamespace();
    assert.ok(ns.metadata?.resourceVersion);
    assert.deepEqual(ns.items.map((n) => n.metadata!.name).filter((n) => ['default', 'kube-system'].includes(n!)).sort(), ['default', 'kube-system']);
    await core.createNamespacedPod({
      namespace: 'default',
      body: { metadata: { name: 'p1', labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'k8ts/web:1.0' }] } },
    });
    const pods = await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=x' });
    assert.deepEqual(pods.items.map((p) => p.metadata!.name), ['p1']);
    // Defaults applied by the apiserver come back typed.
    assert.equal(pods.items[0].spec!.restartPolicy, 'Always');
    assert.equal(pods.items[0].spec!.containers[0].imagePullPolicy, 'IfNotPresent');
    const notFound = await core.readNamespacedPod({ namespace: 'default', name: 'nope' }).then(() => undefined, (e: k8s.ApiException<unknown>) => e);
    assert.equal(notFound?.code, 404);
  });

  it('watch receives ADDED, MODIFIED and DELETED', async () => {
    const seen: string[] = [];
    let ended: unknown = 'open';
    const rv = (await core.listNamespacedConfigMap({ namespace: 'default' })).metadata!.resourceVersion!;
    const ctl = await new k8s.Watch(kc).watch(
      '/api/v1/namespaces/default/configmaps', { resourceVersion: rv },
      (type: string, obj: k8s.V1ConfigMap) => { if (obj.metadata?.name === 'w1') seen.push(`${type}:${obj.data?.a}`); },
      (err: unknown) => { ended = err; },
    );
    try {
      await core.createNamespacedConfigMap({ namespace: 'default', body: cm('w1') });
      await core.replaceNamespacedConfigMap({ namespace: 'default', name: 'w1', body: cm('w1', { a: '2' }) });
      await core.deleteNamespacedConfigMap({ namespace: 'default', name: 'w1' });
      await waitFor('three watch events', async () => seen.length >= 3, 10_000, 50);
      assert.deepEqual(seen, ['ADDED:1', 'MODIFIED:2', 'DELETED:2']);
      assert.equal(ended, 'open');
    } finally {
      ctl.abort();
    }
  });

  it('an informer keeps its cache right across a relist forced by 410 Expired', async () => {
    let lists = 0;
    const added: string[] = [];
    const deleted: string[] = [];
    const informer = k8s.makeInformer(kc, '/api/v1/namespaces/default/configmaps', () => {
      lists++;
      return core.listNamespacedConfigMap({ namespace: 'default' });
    });
    informer.on('add', (o) => added.push(o.metadata!.name!));
    informer.on('delete', (o) => deleted.push(o.metadata!.name!));
    informer.on('error', () => undefined); // stop() aborts the watch, which reports as an error
    await core.createNamespacedConfigMap({ namespace: 'default', body: cm('keep') });
    await core.createNamespacedConfigMap({ namespace: 'default', body: cm('gone') });
    await informer.start();
    try {
      await waitFor('initial list', async () => informer.list().some((o) => o.metadata?.name === 'gone'), 10_000, 50);
      await core.patchNamespacedConfigMap({ namespace: 'default', name: 'keep', body: { data: { a: 'seen' } } },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
      await waitFor('watched update', async () => informer.get('keep', 'default')?.data?.a === 'seen', 10_000, 50);
      assert.equal(lists, 1);

      // While the informer is away, the world changes and etcd forgets the history it last saw.
      await informer.stop();
      await core.deleteNamespacedConfigMap({ namespace: 'default', name: 'gone' });
      await core.createNamespacedConfigMap({ namespace: 'default', body: cm('born') });
      await cp!.compact();
      await informer.start(); // resumes the watch at its old resourceVersion: 410, then relists
      await waitFor('relist after 410', async () => lists === 2 && informer.list().some((o) => o.metadata?.name === 'born'), 15_000, 50);
      assert.equal(informer.get('gone', 'default'), undefined);
      assert.deepEqual(deleted, ['gone']);
      assert.ok(added.includes('born'));

      // And the new watch, from the relisted resourceVersion, delivers again.
      await core.createNamespacedConfigMap({ namespace: 'default', body: cm('later') });
      await waitFor('event after relist', async () => added.includes('later'), 10_000, 50);
      assert.equal(lists, 2);
    } finally {
      await informer.stop();
    }
  });

  it('patches with each strategy: json, merge, strategic merge', async () => {
    await core.createNamespacedConfigMap({ namespace: 'default', body: cm('pt', { a: '1', b: '2' }) });
    const jsonPatched = await core.patchNamespacedConfigMap(
      { namespace: 'default', name: 'pt', body: [{ op: 'replace', path: '/data/a', value: 'j' }, { op: 'remove', path: '/data/b' }] },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch),
    );
    assert.deepEqual(jsonPatched.data, { a: 'j' });
    const merged = await core.patchNamespacedConfigMap(
      { namespace: 'default', name: 'pt', body: { data: { m: 'x' }, metadata: { labels: { via: 'merge' } } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    assert.deepEqual(merged.data, { a: 'j', m: 'x' });
    assert.equal(merged.metadata!.labels!.via, 'merge');

    await apps.createNamespacedDeployment({
      namespace: 'default',
      body: {
        metadata: { name: 'sd' },
        spec: {
          selector: { matchLabels: { app: 'sd' } },
          template: { metadata: { labels: { app: 'sd' } }, spec: { containers: [{ name: 'a', image: 'k8ts/web:1.0' }, { name: 'b', image: 'k8ts/web:1.0' }] } },
        },
      },
    });
    // Strategic merge matches containers by name: b changes, a stays; a merge patch would replace the list.
    const strategic = await apps.patchNamespacedDeployment(
      { namespace: 'default', name: 'sd', body: { spec: { template: { spec: { containers: [{ name: 'b', image: 'k8ts/web:2.0' }] } } } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch),
    );
    assert.deepEqual(strategic.spec!.template.spec!.containers.map((c) => `${c.name}=${c.image}`), ['a=k8ts/web:1.0', 'b=k8ts/web:2.0']);
    assert.equal(strategic.metadata!.generation, 2);
  });
});
