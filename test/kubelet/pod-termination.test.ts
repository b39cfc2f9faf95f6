// A pod deleted while the kubelet is still starting it, on a real containerd: the start is
// abandoned (the image pull in flight is cancelled) and the pod is torn down at once, although
// its grace period is an hour and its later container would ignore SIGTERM; none of the
// containers after the one being pulled ever starts. The image comes from a "registry" inside the
// node's netns that accepts connections and never answers, so the pull hangs until cancelled.
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { Resources } from '../../lib/api/resources';
import { LABEL_POD_UID } from '../../kubelet/pods/cri-state';
import { sh, startPodHarness, type PodHarness } from './pod-harness';

/** Port 5000 on the node's loopback is the registry containerd reaches over plain HTTP. */
const SILENT_REGISTRY = [
  "const net = require('net');",
  'const held = [];',
  "net.createServer((s) => { held.push(s); s.on('error', () => {}); console.log('connection'); })",
  "  .listen(5000, '127.0.0.1', () => console.log('listening'));",
].join('\n');

describe('abandoning a pod start when the pod is deleted (real containerd)', function () {
  this.timeout(180_000);
  let h: PodHarness;
  let registry: ChildProcessWithoutNullStreams | undefined;
  let registryOut = '';

  before(async () => {
    h = await startPodHarness({ nodeName: 'kt-term', nodeIp: '10.99.0.4', podCIDR: '10.244.249.0/24' });
    registry = spawn('nsenter', [`--net=/run/netns/${h.env.netns}`, process.execPath, '-e', SILENT_REGISTRY]);
    registry.stdout.on('data', (d) => (registryOut += d));
    await h.waitFor('the silent registry', () => registryOut.includes('listening'));
  });

  after(async () => {
    if (registry && registry.exitCode === null) {
      const gone = new Promise((r) => registry!.once('close', r));
      registry.kill('SIGKILL');
      await gone;
    }
    await h?.stop();
  });

  it('a pod deleted during its image pull is gone at once, and its later containers never start', async () => {
    const { api, web, mkPod } = h;
    const pod = mkPod(
      'slow-start',
      [
        { name: 'pulled', image: '127.0.0.1:5000/slow/app:1' },
        // Ignores SIGTERM (PID 1 without a handler): stopping it would take the whole grace period.
        { name: 'after', image: web, command: sh('sleep 3600') },
      ],
      { terminationGracePeriodSeconds: 3600, initContainers: [{ name: 'init', image: web, command: sh('true') }] },
    );
    const created = await api.create(Resources.pods, pod);
    const uid = created.metadata.uid!;
    // The init container ran; the kubelet is now pulling the first app container's image.
    await h.waitFor('the pull to reach the registry', () => registryOut.includes('connection'));
    await h.waitFor('the Pulling event', async () => (await h.eventsFor('slow-start')).some((e) => e.reason === 'Pulling' && e.message.includes('127.0.0.1:5000/slow/app:1')));

    await api.delete(Resources.pods, 'default', 'slow-start');
    assert.equal((await h.getPod('slow-start')).metadata.deletionGracePeriodSeconds, 3600);
    await h.waitFor('the pod to be gone from the API', async () => h.getPod('slow-start').then(() => false, () => true));

    const events = await h.eventsFor('slow-start');
    const started = events.filter((e) => e.reason === 'Started').map((e) => e.message);
    assert.deepEqual(started, ['Started container init'], 'only the init container ever started');
    assert.ok(!events.some((e) => e.reason === 'Failed'), `an abandoned pull is no failure: ${JSON.stringify(events.map((e) => `${e.reason}: ${e.message}`))}`);
    assert.deepEqual(await h.env.cri.listContainers({ labelSelector: { [LABEL_POD_UID]: uid } }), []);
    assert.deepEqual(await h.env.cri.listPodSandbox({ labelSelector: { [LABEL_POD_UID]: uid } }), []);
    assert.equal(await h.env.cri.imageStatus('127.0.0.1:5000/slow/app:1'), undefined, 'the pull never completed');
  });
});
