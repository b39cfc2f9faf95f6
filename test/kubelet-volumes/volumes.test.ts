// Every volume type visible inside a running container on a real containerd: prepareVolumes output
// bind-mounted through CRI, read back with ExecSync; a ConfigMap update appears in place through
// the ..data swap; Memory emptyDir and secrets are tmpfs; cleanup unmounts and removes everything.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Pod } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import { FakeApiClient } from '../fixtures/client/fake-client';
import type { PodSandboxConfig } from '../../kubelet/cri/types';
import { renderCniConfig, writeCniConfig } from '../../kubelet/network/cni-config';
import { ImageDirImporter } from '../../kubelet/images/importer';
import { cleanupVolumes, podVolumesDir, prepareVolumes, VolumeManager } from '../../kubelet/volumes';
import { mountPointsUnder } from '../../kubelet/volumes/mounts';
import { startNodeEnv, type NodeEnv } from '../kubelet/node-env';
import { buildBusyboxArchive } from '../kubelet/busybox-image';

describe('pod volumes inside a container (real containerd)', function () {
  this.timeout(180_000);
  const IMAGE = 'docker.io/k8ts/volumes-test:1.0';
  const uid = 'beef0000-0000-4000-8000-000000000002';
  let env: NodeEnv | undefined;
  let sandboxId: string | undefined;
  const api = new FakeApiClient();

  before(async () => {
    env = await startNodeEnv({ sandboxImage: IMAGE });
    buildBusyboxArchive(env.imageDir, 'k8ts/volumes-test:1.0', ['/bin/sleep', '2147483647'], 'test.tar');
    await new ImageDirImporter(env.imageDir, env.kubeletRoot, env.socket).sync();
    writeCniConfig(env.cniConfDir, renderCniConfig({ podCIDR: '10.244.251.0/24', ipamDataDir: path.join(env.kubeletRoot, 'ipam') }));
  });

  after(async () => {
    if (!env) return;
    if (sandboxId) {
      await env.cri.stopPodSandbox(sandboxId).catch(() => undefined);
      await env.cri.removePodSandbox(sandboxId).catch(() => undefined);
    }
    try {
      cleanupVolumes(env.kubeletRoot, uid);
    } finally {
      await env.teardown();
    }
  });

  it('shows emptyDir, hostPath, configMap, secret, downwardAPI and a PVC, and updates a configMap in place', async () => {
    const e = env!;
    const hostDir = path.join(e.root, 'host-data');
    const pvDir = path.join(e.root, 'pv1');
    fs.mkdirSync(hostDir);
    fs.writeFileSync(path.join(hostDir, 'from-host'), 'host!');
    api.seed(Resources.configmaps, { metadata: { name: 'cm', namespace: 'default' }, data: { 'app.conf': 'v1' } });
    api.seed(Resources.secrets, { metadata: { name: 's', namespace: 'default' }, data: { token: Buffer.from('t0k').toString('base64') } });
    api.seed(Resources.persistentvolumes, { metadata: { name: 'pv1' }, spec: { hostPath: { path: pvDir } } });
    api.seed(Resources.persistentvolumeclaims, { metadata: { name: 'claim', namespace: 'default' }, spec: { volumeName: 'pv1' } });
    const pod: Pod = {
      metadata: { name: 'vp', namespace: 'default', uid, labels: { app: 'vol' } },
      spec: {
        containers: [{ name: 'c', image: IMAGE }],
        volumes: [
          { name: 'scratch', emptyDir: {} },
          { name: 'mem', emptyDir: { medium: 'Memory', sizeLimit: '8Mi' } },
          { name: 'host', hostPath: { path: hostDir, type: 'Directory' } },
          { name: 'conf', configMap: { name: 'cm' } },
          { name: 'sec', secret: { secretName: 's' } },
          { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
          { name: 'data', persistentVolumeClaim: { claimName: 'claim' } },
        ],
      },
    };
    const deps = { client: api, rootDir: e.kubeletRoot };
    const { mounts, errors } = await prepareVolumes(pod, deps);
    assert.deepEqual(errors, []);
    const at = (n: string) => `/vol/${n}`;

    const logDir = path.join(e.kubeletRoot, 'logs', uid);
    fs.mkdirSync(logDir, { recursive: true });
    const sandboxConfig: PodSandboxConfig = {
      metadata: { name: 'vp', namespace: 'default', uid, attempt: 0 },
      hostname: 'vp',
      logDirectory: logDir,
      labels: { 'io.kubernetes.pod.uid': uid },
      linux: { cgroupParent: `${e.cgroupRoot}/pod${uid}` },
    };
    sandboxId = await e.cri.runPodSandbox(sandboxConfig);
    const id = await e.cri.createContainer(
      sandboxId,
      {
        metadata: { name: 'c', attempt: 0 },
        image: { image: IMAGE },
        labels: { 'io.kubernetes.pod.uid': uid },
        logPath: 'c/0.log',
        mounts: [...mounts].map(([name, m]) => ({ containerPath: at(name), hostPath: m.hostPath, readonly: m.readOnly })),
      },
      sandboxConfig,
    );
    await e.cri.startContainer(id);
    const sh = async (cmd: string) => {
      const r = await e.cri.execSync(id, ['/bin/sh', '-c', cmd], 10);
      return { out: r.stdout.toString().trim(), code: r.exitCode };
    };

    assert.equal((await sh('echo hi > /vol/scratch/f && cat /vol/scratch/f')).out, 'hi');
    assert.match((await sh('grep " /vol/mem " /proc/mounts')).out, /^tmpfs \/vol\/mem tmpfs .*size=8192k/);
    assert.equal((await sh('cat /vol/host/from-host')).out, 'host!');
    assert.equal((await sh('cat /vol/conf/app.conf')).out, 'v1');
    assert.equal((await sh('cat /vol/sec/token')).out, 't0k');
    assert.match((await sh('grep " /vol/sec " /proc/mounts')).out, /^tmpfs /);
    assert.equal((await sh('cat /vol/info/labels')).out, 'app="vol"');
    assert.equal((await sh('echo persisted > /vol/data/f && cat /vol/data/f')).out, 'persisted');
    assert.equal(fs.readFileSync(path.join(pvDir, 'f'), 'utf8'), 'persisted\n');
    assert.notEqual((await sh('touch /vol/conf/x')).code, 0, 'configMap volumes are read-only');

    const vm = new VolumeManager(deps);
    vm.track(pod);
    api.mutate<any>(Resources.configmaps, 'default', 'cm', (o) => (o.data = { 'app.conf': 'v2' }));
    vm.onObjectChanged(api.peek(Resources.configmaps, 'default', 'cm')!);
    await vm.resync();
    assert.equal((await sh('cat /vol/conf/app.conf')).out, 'v2', 'the update shows through the same mount');

    await e.cri.stopContainer(id, 0);
    await e.cri.removeContainer(id);
    await e.cri.stopPodSandbox(sandboxId);
    await e.cri.removePodSandbox(sandboxId);
    sandboxId = undefined;
    cleanupVolumes(e.kubeletRoot, uid);
    assert.deepEqual(mountPointsUnder(podVolumesDir(e.kubeletRoot, uid)), []);
    assert.equal(fs.existsSync(podVolumesDir(e.kubeletRoot, uid)), false);
    assert.ok(fs.existsSync(path.join(pvDir, 'f')), 'PV data outlives the pod');
  });
});
