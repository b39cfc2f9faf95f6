// Real containerd (in its own netns and temp dirs) driven through k8ts' CRI client: a pod
// sandbox on the bridge network, a long-running container and one that exits with a code.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startNodeEnv, type NodeEnv } from './node-env';
import { buildBusyboxArchive } from './busybox-image';
import { ImageDirImporter } from '../../kubelet/images/importer';
import { renderCniConfig, writeCniConfig } from '../../kubelet/network/cni-config';
import type { PodSandboxConfig } from '../../kubelet/cri/types';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('CRI client against a real containerd', function () {
  this.timeout(180_000);
  let env: NodeEnv;
  const IMAGE = 'docker.io/k8ts/kubelet-test:1.0';
  const uid = 'cafe0000-0000-4000-8000-000000000001';

  before(async () => {
    env = await startNodeEnv({ sandboxImage: IMAGE });
    buildBusyboxArchive(env.imageDir, 'k8ts/kubelet-test:1.0', ['/bin/sleep', '2147483647'], 'test.tar');
    writeCniConfig(env.cniConfDir, renderCniConfig({ podCIDR: '10.244.250.0/24', ipamDataDir: path.join(env.kubeletRoot, 'ipam') }));
  });

  after(async () => {
    if (env) await env.teardown();
  });

  it('answers Version and Status', async () => {
    const v = await env.cri.version();
    assert.equal(v.runtimeName, 'containerd');
    assert.equal(v.runtimeApiVersion, 'v1');
    const s = await env.cri.status();
    assert.ok(s.status?.conditions.some((c) => c.type === 'RuntimeReady' && c.status));
  });

  it('imports image archives once and sees them through ImageStatus', async () => {
    const importer = new ImageDirImporter(env.imageDir, env.kubeletRoot, env.socket);
    assert.deepEqual(await importer.sync(), ['test.tar']);
    assert.deepEqual(await new ImageDirImporter(env.imageDir, env.kubeletRoot, env.socket).sync(), []);
    const img = await env.cri.imageStatus(IMAGE);
    assert.ok(img, 'image present');
    assert.ok(img!.repoTags.includes(IMAGE));
    assert.equal(await env.cri.imageStatus('docker.io/k8ts/absent:9'), undefined);
  });

  it('runs a sandbox and containers, reports status, and removes them', async () => {
    const logDir = path.join(env.kubeletRoot, 'pods', `default_p1_${uid}`);
    fs.mkdirSync(logDir, { recursive: true });
    const sandboxConfig: PodSandboxConfig = {
      metadata: { name: 'p1', namespace: 'default', uid, attempt: 0 },
      hostname: 'p1',
      logDirectory: logDir,
      labels: { 'io.kubernetes.pod.uid': uid, 'io.kubernetes.pod.name': 'p1', 'io.kubernetes.pod.namespace': 'default' },
      linux: { cgroupParent: `${env.cgroupRoot}/pod${uid}` },
    };
    const sandboxId = await env.cri.runPodSandbox(sandboxConfig);
    const sb = await env.cri.podSandboxStatus(sandboxId);
    assert.equal(sb.state, 'SANDBOX_READY');
    assert.match(sb.network?.ip ?? '', /^10\.244\.250\.\d+$/);
    const listed = await env.cri.listPodSandbox({ labelSelector: { 'io.kubernetes.pod.uid': uid } });
    assert.deepEqual(listed.map((s) => s.id), [sandboxId]);

    const mk = async (name: string, command: string[]) => {
      const id = await env.cri.createContainer(
        sandboxId,
        {
          metadata: { name, attempt: 0 },
          image: { image: IMAGE },
          command,
          envs: [{ key: 'GREETING', value: 'hello' }],
          labels: { 'io.kubernetes.pod.uid': uid, 'io.kubernetes.container.name': name },
          logPath: `${name}/0.log`,
        },
        sandboxConfig,
      );
      await env.cri.startContainer(id);
      return id;
    };
    const runner = await mk('runner', ['/bin/sleep', '2147483647']);
    const quitter = await mk('quitter', ['/bin/sh', '-c', 'echo $GREETING from $(hostname); exit 3']);

    assert.equal((await env.cri.containerStatus(runner)).state, 'CONTAINER_RUNNING');
    let st = await env.cri.containerStatus(quitter);
    while (st.state !== 'CONTAINER_EXITED') {
      await sleep(100);
      st = await env.cri.containerStatus(quitter);
    }
    assert.equal(st.exitCode, 3);
    assert.ok(st.finishedAt > 0 && st.startedAt > 0);
    assert.match(fs.readFileSync(path.join(logDir, 'quitter', '0.log'), 'utf8'), /stdout F hello from p1/);

    const byPod = await env.cri.listContainers({ labelSelector: { 'io.kubernetes.pod.uid': uid } });
    assert.deepEqual(byPod.map((c) => c.metadata.name).sort(), ['quitter', 'runner']);

    await env.cri.stopContainer(runner, 1);
    assert.equal((await env.cri.containerStatus(runner)).state, 'CONTAINER_EXITED');
    for (const id of [runner, quitter]) await env.cri.removeContainer(id);
    await env.cri.stopPodSandbox(sandboxId);
    await env.cri.removePodSandbox(sandboxId);
    assert.deepEqual(await env.cri.listPodSandbox(), []);
    assert.deepEqual(await env.cri.listContainers(), []);
  });
});
