// prepareVolumes/cleanupVolumes on a temp dir with an in-memory API (tmpfs off: no root needed).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Pod } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import { FakeApiClient } from '../../test/fixtures/client/fake-client';
import { cleanupVolumes, podVolumesDir, prepareVolumes, VolumeManager, podUsesObject } from './index';
import { writeAtomically } from './atomic-writer';

describe('prepareVolumes', () => {
  let root: string;
  let client: FakeApiClient;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-vol-'));
    client = new FakeApiClient();
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const pod = (volumes: unknown[]): Pod => ({ metadata: { name: 'p', namespace: 'default', uid: 'uid-1' }, spec: { containers: [{ name: 'c', image: 'i' }], volumes } });

  it('sets up emptyDir, hostPath, configMap, secret and downwardAPI, then cleans up', async () => {
    client.seed(Resources.configmaps, { metadata: { name: 'cm', namespace: 'default' }, data: { 'app.conf': 'v1' } });
    client.seed(Resources.secrets, { metadata: { name: 's', namespace: 'default' }, data: { token: Buffer.from('t0k').toString('base64') } });
    const hp = path.join(root, 'host', 'data');
    const p = pod([
      { name: 'scratch', emptyDir: {} },
      { name: 'host', hostPath: { path: hp, type: 'DirectoryOrCreate' } },
      { name: 'conf', configMap: { name: 'cm' } },
      { name: 'sec', secret: { secretName: 's', defaultMode: 0o400 } },
      { name: 'info', downwardAPI: { items: [{ path: 'podname', fieldRef: { fieldPath: 'metadata.name' } }] } },
    ]);
    const r = await prepareVolumes(p, { client, rootDir: root, useTmpfs: false });
    assert.deepEqual(r.errors, []);
    assert.equal(r.mounts.get('host')!.hostPath, hp);
    assert.ok(fs.statSync(hp).isDirectory());
    assert.ok(r.mounts.get('scratch')!.hostPath.endsWith('pods/uid-1/volumes/kubernetes.io~empty-dir/scratch'));
    assert.equal(fs.readFileSync(path.join(r.mounts.get('conf')!.hostPath, 'app.conf'), 'utf8'), 'v1');
    assert.equal(fs.readlinkSync(path.join(r.mounts.get('conf')!.hostPath, 'app.conf')), '..data/app.conf');
    const tokenFile = path.join(r.mounts.get('sec')!.hostPath, 'token');
    assert.equal(fs.readFileSync(tokenFile, 'utf8'), 't0k');
    assert.equal(fs.statSync(tokenFile).mode & 0o777, 0o400);
    assert.equal(r.mounts.get('conf')!.readOnly, true);
    assert.equal(fs.readFileSync(path.join(r.mounts.get('info')!.hostPath, 'podname'), 'utf8'), 'p');

    cleanupVolumes(root, 'uid-1');
    assert.equal(fs.existsSync(podVolumesDir(root, 'uid-1')), false);
    assert.ok(fs.existsSync(hp), 'hostPath data is kept');
  });

  it('reports per-volume errors and keeps the others', async () => {
    const r = await prepareVolumes(pod([{ name: 'ok', emptyDir: {} }, { name: 'bad', configMap: { name: 'missing' } }, { name: 'f', hostPath: { path: path.join(root, 'nope'), type: 'File' } }]), { client, rootDir: root, useTmpfs: false });
    assert.deepEqual([...r.mounts.keys()], ['ok']);
    assert.equal(r.errors.length, 2);
    assert.match(r.errors[0], /volume "bad": configmap "missing" not found/);
  });

  it('resolves a bound claim to its hostPath PersistentVolume, and waits on an unbound one', async () => {
    const pvPath = path.join(root, 'pv1');
    client.seed(Resources.persistentvolumes, { metadata: { name: 'pv1' }, spec: { hostPath: { path: pvPath } } });
    client.seed(Resources.persistentvolumeclaims, { metadata: { name: 'bound', namespace: 'default' }, spec: { volumeName: 'pv1' } });
    client.seed(Resources.persistentvolumeclaims, { metadata: { name: 'pending', namespace: 'default' }, spec: {} });
    const r = await prepareVolumes(pod([{ name: 'a', persistentVolumeClaim: { claimName: 'bound' } }, { name: 'b', persistentVolumeClaim: { claimName: 'pending' } }]), { client, rootDir: root, useTmpfs: false });
    assert.equal(r.mounts.get('a')!.hostPath, pvPath);
    assert.ok(fs.statSync(pvPath).isDirectory());
    assert.match(r.errors[0], /is not bound/);
  });

  it('updates configMap contents in place through the ..data swap', async () => {
    client.seed(Resources.configmaps, { metadata: { name: 'cm', namespace: 'default' }, data: { a: '1', gone: 'x' } });
    const p = pod([{ name: 'conf', configMap: { name: 'cm' } }]);
    const vm = new VolumeManager({ client, rootDir: root, useTmpfs: false });
    const r = await prepareVolumes(p, { client, rootDir: root, useTmpfs: false });
    vm.track(p);
    const dir = r.mounts.get('conf')!.hostPath;
    const before = fs.readlinkSync(path.join(dir, '..data'));
    client.mutate<any>(Resources.configmaps, 'default', 'cm', (o) => (o.data = { a: '2', b: 'new' }));
    assert.equal(podUsesObject(p, 'ConfigMap', 'default', 'cm'), true);
    await vm.resync();
    assert.equal(fs.readFileSync(path.join(dir, 'a'), 'utf8'), '2');
    assert.equal(fs.readFileSync(path.join(dir, 'b'), 'utf8'), 'new');
    assert.equal(fs.existsSync(path.join(dir, 'gone')), false);
    assert.notEqual(fs.readlinkSync(path.join(dir, '..data')), before);
    assert.deepEqual(fs.readdirSync(dir).filter((e) => e.startsWith('..')).length, 2, 'only ..data and the current version remain');
    assert.equal(writeAtomically(dir, new Map([['a', { data: Buffer.from('2'), mode: 0o644 }], ['b', { data: Buffer.from('new'), mode: 0o644 }]])), false, 'unchanged payload is not rewritten');
  });
});
