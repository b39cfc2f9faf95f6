// Two machine containers on a network of their own (real dockerd, the real node image): reached
// over SSH with the cluster's key, each can run a k8ts node — containerd with the config k8ts
// writes, a pod through the project's CRI client, iptables-restore, the Node.js runtime — and
// the test breaks them the ways the cluster tests will (pause, cut off, stop/start, restart).
// At the end nothing is left on the host: containers, volumes, network, bridge and veths,
// the iptables rules of the network, the machines' cgroups.
import { strict as assert } from 'node:assert';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import type Dockerode from 'dockerode';
import { buildImages } from '../../deploy/images/build-images';
import { dockerClient, ensureDockerDaemon } from '../../deploy/machines/docker-daemon';
import { addMachines, listMachines, removeCluster, type Machine } from '../../deploy/machines/machines';
import { bridgeName, networkName } from '../../deploy/machines/network-config';
import { forwardUnixSocket, sshConnect, sshExec, sshRun, sshUpload } from '../../deploy/machines/ssh';
import { renderContainerdConfig } from '../../kubelet/containerd/config';
import { CriClient } from '../../kubelet/cri/client';
import type { PodSandboxConfig } from '../../kubelet/cri/types';
import { renderCniConfig } from '../../kubelet/network/cni-config';
import { PAUSE_IMAGE_REF, WEB_IMAGE_REF } from '../../deploy/images/image-specs';

const SOCKET = '/run/k8ts/containerd/containerd.sock';
const POD_CIDR = '10.244.11.0/24';
// busybox's `wget -T` crashes in this build (1.35 static): coreutils' timeout bounds it instead
const fetch = (url: string) => `timeout 5 busybox wget -qO- ${url}`;

/** Runs a command on a machine over a fresh SSH connection. */
async function sh(m: Machine, command: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const c = await sshConnect(m.ssh);
  try {
    return await sshExec(c, command);
  } finally {
    c.end();
  }
}

async function ok(m: Machine, command: string): Promise<string> {
  const r = await sh(m, command);
  assert.equal(r.code, 0, `${m.name}: ${command} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

const hostLinks = (): string[] => execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).split('\n').map((l) => l.split(': ')[1]?.split('@')[0] ?? '').filter(Boolean);
const hostIptables = (): string => execFileSync('iptables-save', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
const cgroupDirs = (containerId: string): string[] => fs.readdirSync('/sys/fs/cgroup').map((h) => path.join('/sys/fs/cgroup', h, 'docker', containerId)).filter((d) => fs.existsSync(d));

describe('machines: containers that can run a k8ts node', function () {
  this.timeout(1_200_000);
  const cluster = `t${crypto.randomBytes(3).toString('hex')}`;
  const podUid = 'cafe0000-0000-4000-8000-00000000aa11';
  let stateDir = '';
  let docker: Dockerode;
  let m1: Machine;
  let m2: Machine;
  let podIp = '';

  before(async () => {
    await ensureDockerDaemon();
    docker = await dockerClient();
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-machines-'));
    await buildImages(path.join(stateDir, 'images'));
    [m1, m2] = await addMachines({ cluster, names: ['m1', 'm2'], stateDir });
  });

  after(async () => {
    await removeCluster(cluster);
    if (stateDir) fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('gives each machine a fixed address, its hostname and root over SSH with the cluster key', async () => {
    const listed = await listMachines(cluster);
    assert.deepEqual(listed.map((m) => [m.name, m.address]), [['m1', m1.address], ['m2', m2.address]]);
    assert.match(m1.address, /^198\.1[89]\.\d+\.11$/);
    for (const m of [m1, m2]) {
      assert.deepEqual(m.ssh, { host: m.address, port: 22, username: 'root', privateKeyPath: path.join(stateDir, 'ssh', 'id_ed25519') });
      assert.equal((await ok(m, 'hostname')).trim(), m.name);
      assert.equal((await ok(m, 'id -u')).trim(), '0');
      assert.match(await ok(m, 'ip -4 -o addr show eth0'), new RegExp(` ${m.address.replace(/\./g, '\\.')}/`));
      assert.equal((await ok(m, 'cat /proc/1/comm')).trim(), 'k8ts-init');
    }
    // each machine made its own host key
    const keys = await Promise.all([m1, m2].map((m) => ok(m, 'ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub')));
    assert.notEqual(keys[0], keys[1]);
    // the machines talk to each other, by address
    await ok(m1, `busybox ping -c 1 -W 2 ${m2.address}`);
  });

  it('sits on an internal network whose isolation rules dockerd installed', async () => {
    const net = await docker.getNetwork(networkName(cluster)).inspect();
    assert.equal(net.Internal, true);
    const rules = hostIptables();
    const br = bridgeName(cluster);
    assert.ok(rules.includes(`-i ${br} -j DROP`) && rules.includes(`-o ${br} -j DROP`), 'isolation rules for the bridge');
    assert.ok(rules.includes(`-A DOCKER-USER -i ${br} -o ${br}`), "the project's rule between machines");
  });

  it('runs containerd with the config k8ts writes and a pod through CRI, reached from the other machine', async () => {
    const toml = renderContainerdConfig({
      root: '/var/lib/k8ts/containerd',
      state: '/run/k8ts/containerd',
      socket: SOCKET,
      cniBinDir: '/usr/lib/cni',
      cniConfDir: '/etc/k8ts/cni',
      sandboxImage: PAUSE_IMAGE_REF,
    });
    assert.match(toml, /restrict_oom_score_adj = true/);
    const cni = JSON.stringify(renderCniConfig({ podCIDR: POD_CIDR, ipamDataDir: '/var/lib/k8ts/ipam' }));
    const c = await sshConnect(m1.ssh);
    try {
      await sshRun(c, 'mkdir -p /etc/k8ts/cni /var/lib/k8ts/images /var/log/k8ts /var/log/pods/web');
      await sshUpload(c, Buffer.from(toml), '/etc/k8ts/containerd.toml');
      await sshUpload(c, Buffer.from(cni), '/etc/k8ts/cni/10-k8ts.conflist');
      for (const f of ['pause.tar', 'web.tar']) await sshUpload(c, path.join(stateDir, 'images', f), `/var/lib/k8ts/images/${f}`);
      await sshRun(c, 'setsid -f containerd --config /etc/k8ts/containerd.toml >/var/log/k8ts/containerd.log 2>&1 </dev/null');
      await sshRun(c, `for i in $(seq 100); do [ -S ${SOCKET} ] && exit 0; sleep 0.1; done; cat /var/log/k8ts/containerd.log; exit 1`);
      for (const f of ['pause.tar', 'web.tar']) await sshRun(c, `ctr -a ${SOCKET} -n k8s.io images import /var/lib/k8ts/images/${f}`);

      // The project's CRI client, on this side, through the SSH connection to containerd's socket.
      const local = path.join(stateDir, 'cri.sock');
      const tunnel = await forwardUnixSocket(c, SOCKET, local);
      const cri = new CriClient(local, { timeoutMs: 60_000 });
      try {
        assert.equal((await cri.version()).runtimeName, 'containerd');
        const sandbox: PodSandboxConfig = {
          metadata: { name: 'web-1', namespace: 'default', uid: podUid, attempt: 0 },
          hostname: 'web-1',
          logDirectory: '/var/log/pods/web',
          labels: { 'io.kubernetes.pod.uid': podUid },
          // the kubelet's default cgroup root: inside the machine's own cgroup namespace
          linux: { cgroupParent: `/k8ts/pod${podUid}` },
        };
        const sandboxId = await cri.runPodSandbox(sandbox);
        podIp = (await cri.podSandboxStatus(sandboxId)).network?.ip ?? '';
        assert.match(podIp, /^10\.244\.11\.\d+$/);
        const id = await cri.createContainer(
          sandboxId,
          { metadata: { name: 'web', attempt: 0 }, image: { image: WEB_IMAGE_REF }, labels: { 'io.kubernetes.pod.uid': podUid }, logPath: 'web/0.log' },
          sandbox,
        );
        await cri.startContainer(id);
        assert.equal((await cri.containerStatus(id)).state, 'CONTAINER_RUNNING');
      } finally {
        cri.close();
        await tunnel.close();
      }
    } finally {
      c.end();
    }
    assert.equal((await ok(m1, `for i in $(seq 50); do ${fetch(`http://${podIp}:8080/`)} && exit 0; sleep 0.1; done; exit 1`)).trim(), 'hello from web-1');
    // The pod's cgroup nests under the machine's container cgroup on the host.
    const mem = path.join('/sys/fs/cgroup/memory/docker', m1.containerId, 'k8ts', `pod${podUid}`);
    assert.ok(fs.existsSync(mem), `${mem} exists`);
    // From the other machine, host-gateway style: a route to m1's pod subnet through m1.
    await ok(m2, `ip route add ${POD_CIDR} via ${m1.address}`);
    assert.equal((await ok(m2, fetch(`http://${podIp}:8080/`))).trim(), 'hello from web-1');
  });

  it('applies iptables-restore payloads inside a machine, not on the host', async () => {
    const payload = ['*nat', ':K8TS-MACHINE-TEST - [0:0]', '-A OUTPUT -d 10.96.0.50/32 -p tcp --dport 80 -j K8TS-MACHINE-TEST', `-A K8TS-MACHINE-TEST -p tcp -j DNAT --to-destination ${podIp}:8080`, 'COMMIT', ''].join('\n');
    const c = await sshConnect(m2.ssh);
    try {
      await sshRun(c, 'iptables-restore --noflush', { stdin: payload });
    } finally {
      c.end();
    }
    assert.equal((await ok(m2, fetch('http://10.96.0.50/'))).trim(), 'hello from web-1');
    assert.ok(!hostIptables().includes('K8TS-MACHINE-TEST'));
  });

  it('runs the Node.js runtime a deploy ships', async () => {
    const c = await sshConnect(m2.ssh);
    try {
      await sshUpload(c, process.execPath, '/usr/local/bin/node', 0o755);
      assert.equal((await sshRun(c, 'node -e "process.stdout.write(process.version)"')).trim(), process.version);
    } finally {
      c.end();
    }
  });

  it('pause freezes a machine with its pods; unpause resumes them', async () => {
    const freezer = path.join('/sys/fs/cgroup/freezer/docker', m1.containerId, 'k8ts', `pod${podUid}`, 'freezer.parent_freezing');
    await m1.pause();
    try {
      assert.equal(await m1.state(), 'paused');
      assert.equal(fs.readFileSync(freezer, 'utf8').trim(), '1');
      assert.notEqual((await sh(m2, fetch(`http://${podIp}:8080/`))).code, 0);
    } finally {
      await m1.unpause();
    }
    assert.equal(fs.readFileSync(freezer, 'utf8').trim(), '0');
    assert.equal((await ok(m2, fetch(`http://${podIp}:8080/`))).trim(), 'hello from web-1');
  });

  it('disconnect cuts a machine off; connect joins it again with the same address', async () => {
    await m1.disconnect();
    assert.notEqual((await sh(m2, `busybox ping -c 1 -W 1 ${m1.address}`)).code, 0);
    await m1.connect();
    await m1.waitForSsh();
    // The same address, on a new interface (Docker names it eth1): routes a node added through
    // the old one are gone, as after a link went down on a VM, and must be added again.
    assert.match(await ok(m1, 'ip -4 -o addr show'), new RegExp(`: eth\\d+ +inet ${m1.address.replace(/\./g, '\\.')}/`));
    assert.equal((await ok(m2, `for i in $(seq 30); do ${fetch(`http://${podIp}:8080/`)} && exit 0; sleep 0.2; done; exit 1`)).trim(), 'hello from web-1');
  });

  it('stop and start keep the disk (images, state, host key) and start from a clean /run', async () => {
    await ok(m1, 'echo kept > /root/marker && echo kept > /var/lib/k8ts/marker');
    const hostKey = await ok(m1, 'ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub');
    await m1.stop();
    assert.equal(await m1.state(), 'exited');
    // runc removed the machine's cgroups, its pods' with them
    assert.deepEqual(cgroupDirs(m1.containerId), []);
    await m1.start();
    assert.equal((await ok(m1, 'cat /root/marker /var/lib/k8ts/marker')).trim(), 'kept\nkept');
    assert.equal(await ok(m1, 'ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub'), hostKey);
    assert.equal((await sh(m1, `test -e ${SOCKET}`)).code, 1, '/run is empty after a start');
    // containerd comes back with the images it had
    await ok(m1, 'mkdir -p /var/log/k8ts && setsid -f containerd --config /etc/k8ts/containerd.toml >/var/log/k8ts/containerd.log 2>&1 </dev/null');
    const images = await ok(m1, `for i in $(seq 100); do [ -S ${SOCKET} ] && break; sleep 0.1; done; ctr -a ${SOCKET} -n k8s.io images ls -q`);
    assert.ok(images.includes(WEB_IMAGE_REF) && images.includes(PAUSE_IMAGE_REF), images);
  });

  it('restart brings a machine back with a new boot', async () => {
    // field 22 of /proc/1/stat: when the machine's init started, in clock ticks since the host booted
    const started = async () => (await ok(m2, "cut -d' ' -f22 /proc/1/stat")).trim();
    const before = await started();
    await m2.restart();
    assert.equal(await m2.state(), 'running');
    assert.notEqual(await started(), before);
    assert.equal((await ok(m2, 'test -x /usr/local/bin/node && echo kept')).trim(), 'kept');
  });

  it('removing the cluster leaves nothing on the host', async () => {
    const br = bridgeName(cluster);
    const ids = [m1.containerId, m2.containerId];
    const volumes = (await Promise.all(ids.map((id) => docker.getContainer(id).inspect()))).flatMap((i) => i.Mounts.filter((mt) => mt.Type === 'volume').map((mt) => mt.Name as string));
    assert.equal(volumes.length, 2);
    const veths = hostLinks().filter((l) => spawnSync('sh', ['-c', `ip -o link show ${l} | grep -q "master ${br} "`]).status === 0);
    assert.equal(veths.length, 2, 'one veth per machine on the bridge');

    await removeCluster(cluster);

    assert.deepEqual(await listMachines(cluster), []);
    await assert.rejects(docker.getNetwork(networkName(cluster)).inspect(), /404|no such network/i);
    for (const v of volumes) await assert.rejects(docker.getVolume(v).inspect(), /404|no such volume/i);
    const links = hostLinks();
    assert.ok(!links.includes(br), `bridge ${br} removed`);
    for (const v of veths) assert.ok(!links.includes(v), `veth ${v} removed`);
    assert.ok(!hostIptables().includes(br), 'no iptables rule names the bridge');
    for (const id of ids) assert.deepEqual(cgroupDirs(id), []);
  });
});
