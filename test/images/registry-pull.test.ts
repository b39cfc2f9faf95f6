// Images end to end on a real containerd (own netns): the local registry (Debian docker-registry)
// inside the node's netns, an image built and pushed with `k8ts image build --push`, pulled through
// CRI PullImage by ImageManager.ensureImage with Pulling/Pulled events, run as a container; and a
// missing image going ErrImagePull → ImagePullBackOff without a second pull during the backoff.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import type { Pod } from '../../lib/api/types';
import { startRegistry, type RunningRegistry } from '../../deploy/registry/registry';
import { ImageManager } from '../../kubelet/images/image-manager';
import { repoRoot } from '../../lib/repo-root';
import { startNodeEnv, type NodeEnv } from '../kubelet/node-env';
import { buildTestImages } from '../kubelet/busybox-image';

describe('images from the local registry (real containerd)', function () {
  this.timeout(180_000);
  let env: NodeEnv | undefined;
  let registry: RunningRegistry | undefined;
  let work: string;

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-img-'));
    env = await startNodeEnv({ sandboxImage: 'docker.io/k8ts/pause:1.0' });
    await buildTestImages(env.imageDir);
    registry = await startRegistry({ dir: path.join(work, 'registry'), port: 5000, netns: env.netns });
  });
  after(async () => {
    await registry?.stop();
    await env?.teardown();
    fs.rmSync(work, { recursive: true, force: true });
  });

  const pod: Pod = { metadata: { name: 'p', namespace: 'default', uid: 'uid-img' }, spec: { containers: [] } };

  it('pulls an image built with `k8ts image build --push` and reports Pulling/Pulled', async () => {
    const ctx = path.join(work, 'ctx');
    fs.mkdirSync(ctx);
    fs.writeFileSync(path.join(ctx, 'hello.txt'), 'hello from the registry\n');
    fs.writeFileSync(path.join(ctx, 'K8tsfile'), 'FROM k8ts/web:1.0\nCOPY hello.txt /srv/hello.txt\nENV GREETING=hi\nCMD ["cat", "/srv/hello.txt"]\n');
    // The CLI runs inside the node's netns, where the registry listens on loopback.
    const out = execFileSync('nsenter', [`--net=/run/netns/${env!.netns}`, process.execPath, '-r', 'tsx/cjs', path.join(repoRoot(), 'cli', 'main.ts'), 'image', 'build', ctx, '-t', 'demo/hello:1', '--push', registry!.address], { cwd: repoRoot(), encoding: 'utf8' });
    assert.match(out, /^pushed 127\.0\.0\.1:5000\/demo\/hello:1@sha256:[0-9a-f]{64}$/m);

    const events: string[] = [];
    const recorder = { event: (_o: unknown, _t: string, reason: string, msg: string) => events.push(`${reason}: ${msg}`) } as any;
    const images = new ImageManager(env!.cri, recorder);
    const image = '127.0.0.1:5000/demo/hello:1';
    const r = await images.ensureImage(pod, { name: 'c', image });
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(events[0], `Pulling: Pulling image "${image}"`);
    assert.match(events[1], /^Pulled: Successfully pulled image "127\.0\.0\.1:5000\/demo\/hello:1" in [\d.]+m?s\. Image size: [1-9]\d* bytes\.$/);
    const st = await env!.cri.imageStatus(image);
    assert.ok(st && st.repoTags.includes(image));
  });

  it('leaves a missing image in ErrImagePull, then ImagePullBackOff', async () => {
    const images = new ImageManager(env!.cri, undefined, { baseMs: 60_000, maxMs: 60_000 });
    const c = { name: 'c', image: '127.0.0.1:5000/demo/missing:1' };
    const first = await images.ensureImage(pod, c);
    assert.equal(first.ok ? 'ok' : first.waitingReason, 'ErrImagePull');
    const second = await images.ensureImage(pod, c);
    assert.equal(second.ok ? 'ok' : second.waitingReason, 'ImagePullBackOff');
    // The node keeps serving: the image pulled before is still usable.
    const other = await images.ensureImage(pod, { name: 'd', image: '127.0.0.1:5000/demo/hello:1' });
    assert.ok(other.ok);
  });
});
