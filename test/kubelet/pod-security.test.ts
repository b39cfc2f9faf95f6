// Pods on a real containerd, driven by the in-process kubelet: graceful termination (SIGKILL after
// the grace period for a container that ignores SIGTERM; the API object outlives the container),
// hostNetwork, securityContext (user and group, read-only root, capabilities, privileged) and the
// pod-level cgroups in their QoS tiers with the pod limits, removed with the pod.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Pod } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import type { WatchHandle } from '../../lib/client/api-client';
import { BB, sh, startPodHarness, type PodHarness } from './pod-harness';

const NODE_IP = '10.99.0.7';
const CAP_NET_ADMIN = 12n;
const CAP_NET_RAW = 13n;
const CAP_SYS_ADMIN = 21n;
const hasCap = (capEff: bigint, bit: bigint) => ((capEff >> bit) & 1n) === 1n;
/** Exits 0 on SIGTERM (the trap runs once `wait` is interrupted). */
const POLITE = sh('trap "exit 0" TERM; sleep 1000 & wait');

describe('pod termination, host network, security context and cgroups on a real containerd', function () {
  this.timeout(120_000);
  let h: PodHarness;
  let watch: WatchHandle | undefined;
  const seen: { t: number; type: string; pod: Pod }[] = [];

  const capEffOf = async (p: Pod, container: string) => BigInt('0x' + (await h.waitFor(`${container} CapEff`, () => /CapEff:\s*([0-9a-f]+)/.exec(h.logOf(p, container))?.[1])));
  const succeeded = (name: string) => h.waitFor(`${name} Succeeded`, async () => ((x) => (x.status?.phase === 'Succeeded' ? x : undefined))(await h.getPod(name)));
  const running = (name: string) => h.waitFor(`${name} Running`, async () => ((x) => (x.status?.phase === 'Running' ? x : undefined))(await h.getPod(name)));
  const gone = (name: string) => h.waitFor(`${name} gone`, () => h.getPod(name).then(() => false, () => true));
  const cgroupDir = (hierarchy: string, rel: string) => path.join('/sys/fs/cgroup', hierarchy, rel);

  before(async () => {
    h = await startPodHarness({ nodeName: 'kt-sec', nodeIp: NODE_IP, podCIDR: '10.244.249.0/24', nodeAddressInNetns: true });
    watch = h.api.watch<Pod>(Resources.pods, 'default', {}, { onEvent: (e) => seen.push({ t: Date.now(), type: e.type, pod: e.object }), onClose: () => undefined });
    const { mkPod } = h;
    const never = { restartPolicy: 'Never' as const };
    const pods: Pod[] = [
      mkPod('stubborn', [{ command: sh('trap "" TERM; while true; do sleep 1; done') }]),
      mkPod('polite', [{ command: POLITE }]),
      mkPod('hostnet', [{ command: sh(`${BB} ip -o addr; sleep 1000`) }], { hostNetwork: true }),
      mkPod('ids', [{ command: sh(`echo "uid=$(${BB} id -u) gid=$(${BB} id -g)"`) }, { command: sh(`echo "uid=$(${BB} id -u) gid=$(${BB} id -g)"`), securityContext: { runAsUser: 4321 } }], {
        ...never,
        securityContext: { runAsUser: 1234, runAsGroup: 2345 },
      }),
      mkPod(
        'rofs',
        [
          {
            command: sh(`if ${BB} touch /probe 2>/dev/null; then echo root=writable; else echo root=readonly; fi; ${BB} touch /scratch/ok && echo scratch=writable`),
            securityContext: { readOnlyRootFilesystem: true },
            volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }],
          },
        ],
        { ...never, volumes: [{ name: 'scratch', emptyDir: {} }] },
      ),
      mkPod(
        'caps',
        [
          { command: sh(`${BB} grep CapEff /proc/self/status`), securityContext: { capabilities: { add: ['NET_ADMIN'], drop: ['NET_RAW'] } } },
          { command: sh(`${BB} grep CapEff /proc/self/status`), securityContext: { capabilities: { drop: ['ALL'] } } },
          { command: sh(`${BB} grep CapEff /proc/self/status`) },
        ],
        never,
      ),
      mkPod('priv', [{ command: sh(`${BB} grep CapEff /proc/self/status`), securityContext: { privileged: true } }], never),
      mkPod('guaranteed', [{ command: POLITE, resources: { limits: { cpu: '100m', memory: '40Mi' } } }]),
      mkPod('burstable', [{ command: POLITE, resources: { requests: { memory: '10Mi' } } }]),
    ];
    for (const p of pods) await h.api.create(Resources.pods, p);
  });

  after(async () => {
    watch?.stop();
    await h?.stop();
  });

  it('SIGKILLs a container that ignores SIGTERM after the grace period; the pod object goes only after it', async () => {
    const uid = (await running('stubborn')).metadata.uid!;
    const t0 = Date.now();
    await h.api.delete(Resources.pods, 'default', 'stubborn');
    await gone('stubborn');
    const mine = seen.filter((e) => e.pod.metadata.uid === uid);
    const killedAt = mine.findIndex((e) => e.pod.status?.containerStatuses?.[0]?.state.terminated);
    const deletedAt = mine.findIndex((e) => e.type === 'DELETED');
    assert.ok(killedAt >= 0, 'the terminated container was reported before deletion');
    assert.ok(killedAt < deletedAt, 'terminated status precedes the DELETED event');
    assert.equal(mine[killedAt].pod.status!.containerStatuses![0].state.terminated!.exitCode, 137);
    assert.equal(mine[killedAt].pod.status!.phase, 'Failed');
    assert.ok(mine[killedAt].t - t0 >= 2000, `killed after ${mine[killedAt].t - t0} ms, before the 2 s grace period`);
    assert.deepEqual(await h.env.cri.listContainers({ labelSelector: { 'io.kubernetes.pod.uid': uid } }), []);
  });

  it('stops a container that exits on SIGTERM without killing it', async () => {
    const uid = (await running('polite')).metadata.uid!;
    await h.api.delete(Resources.pods, 'default', 'polite');
    await gone('polite');
    const last = seen.filter((e) => e.pod.metadata.uid === uid && e.pod.status?.containerStatuses?.[0]?.state.terminated).map((e) => e.pod.status!)[0];
    assert.equal(last?.containerStatuses![0].state.terminated!.exitCode, 0);
    assert.equal(last?.phase, 'Succeeded');
  });

  it('runs a hostNetwork pod in the node network namespace with the node IP', async () => {
    const p = await running('hostnet');
    assert.equal(p.status!.podIP, NODE_IP);
    const out = await h.waitFor('hostnet addresses', () => ((l) => (l.includes('k8ts-node') ? l : undefined))(h.logOf(p, 'c0')));
    assert.match(out, new RegExp(`k8ts-node\\s+inet ${NODE_IP.replace(/\./g, '\\.')}/24`));
  });

  it('runs as the pod-level user and group, a container override winning', async () => {
    const p = await succeeded('ids');
    assert.match(h.logOf(p, 'c0'), /uid=1234 gid=2345/);
    assert.match(h.logOf(p, 'c1'), /uid=4321 gid=2345/);
  });

  it('a read-only root filesystem refuses writes while an emptyDir takes them', async () => {
    const p = await succeeded('rofs');
    const out = h.logOf(p, 'c0');
    assert.match(out, /root=readonly/);
    assert.match(out, /scratch=writable/);
  });

  it('adds and drops capabilities', async () => {
    const p = await succeeded('caps');
    const [added, none, plain] = [await capEffOf(p, 'c0'), await capEffOf(p, 'c1'), await capEffOf(p, 'c2')];
    assert.ok(hasCap(added, CAP_NET_ADMIN) && !hasCap(added, CAP_NET_RAW), added.toString(16));
    assert.equal(none, 0n);
    assert.ok(!hasCap(plain, CAP_NET_ADMIN) && hasCap(plain, CAP_NET_RAW), plain.toString(16));
  });

  it('runs a privileged container with the node bounding set (CAP_SYS_ADMIN included)', async () => {
    const p = await succeeded('priv');
    assert.ok(hasCap(await capEffOf(p, 'c0'), CAP_SYS_ADMIN));
  });

  it('puts a Guaranteed pod cgroup under the root with the pod limits, removed after deletion', async () => {
    const p = await running('guaranteed');
    const rel = `${h.env.cgroupRoot}/pod${p.metadata.uid}`;
    assert.equal(fs.readFileSync(path.join(cgroupDir('memory', rel), 'memory.limit_in_bytes'), 'utf8').trim(), String(40 * 1024 * 1024));
    assert.equal(fs.readFileSync(path.join(cgroupDir('cpu', rel), 'cpu.cfs_quota_us'), 'utf8').trim(), '10000');
    assert.equal(fs.readFileSync(path.join(cgroupDir('cpu', rel), 'cpu.shares'), 'utf8').trim(), '102');
    // The sandbox and the container live inside the pod cgroup.
    assert.ok(fs.readdirSync(cgroupDir('memory', rel), { withFileTypes: true }).filter((e) => e.isDirectory()).length >= 2);
    await h.api.delete(Resources.pods, 'default', 'guaranteed');
    await gone('guaranteed');
    for (const hierarchy of ['cpu', 'memory', 'pids']) assert.equal(fs.existsSync(cgroupDir(hierarchy, rel)), false, `${hierarchy}${rel} removed`);
  });

  it('puts a Burstable pod under burstable/, removed when the pod vanishes while the tier stays', async () => {
    const p = await running('burstable');
    const rel = `${h.env.cgroupRoot}/burstable/pod${p.metadata.uid}`;
    assert.ok(fs.readdirSync(cgroupDir('memory', rel), { withFileTypes: true }).some((e) => e.isDirectory()), 'the sandbox runs inside');
    // Gone from the API at once: the kubelet tears it down as an orphan, by UID alone.
    await h.api.delete(Resources.pods, 'default', 'burstable', { gracePeriodSeconds: 0 });
    await h.waitFor('burstable cgroup removed', () => ['cpu', 'memory', 'pids'].every((x) => !fs.existsSync(cgroupDir(x, rel))));
    assert.ok(fs.existsSync(cgroupDir('memory', `${h.env.cgroupRoot}/burstable`)), 'the QoS tier stays');
  });
});
