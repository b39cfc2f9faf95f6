// `k8ts deploy` against real machines (containers of the node image, reached over SSH — the
// deploy cannot tell them from VMs): a control plane and a worker come up, the worker joins
// through TLS bootstrapping, a pod runs on it and answers from the control plane's machine; a
// re-run changes nothing and restarts nothing; a worker left out of the inventory is removed and
// comes back when it is listed again; a restarted machine comes back by itself (no systemd there:
// the supervisor's boot hook); --uninstall leaves every machine clean. The machines go at
// the end, also when a test fails.
import { strict as assert } from 'node:assert';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFile } from 'node:child_process';
import { ensureDockerDaemon } from '../../deploy/machines/docker-daemon';
import { addMachines, removeCluster, type Machine } from '../../deploy/machines/machines';
import { sshConnect, sshExec } from '../../deploy/machines/ssh';
import { deploy, type DeployResult } from '../../deploy/remote/deploy';
import type { DeployStep } from '../../deploy/remote/deploy-report';

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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('k8ts deploy: a control plane and a worker on machines', function () {
  this.timeout(1_800_000);
  const cluster = `d${crypto.randomBytes(3).toString('hex')}`;
  let stateDir = '';
  let inventory = '';
  let cp: Machine;
  let worker: Machine;
  const steps: DeployStep[] = [];
  const progress = { step: (e: DeployStep) => steps.push(e), summary: () => undefined };

  const kubectl = (...args: string[]): Promise<string> =>
    new Promise((resolve, reject) =>
      execFile('kubectl', [`--kubeconfig=${path.join(stateDir, 'admin.kubeconfig')}`, '--request-timeout=10s', ...args], { encoding: 'utf8' }, (err, out, errOut) =>
        err ? reject(new Error(`kubectl ${args.join(' ')}: ${errOut || err.message}`)) : resolve(out),
      ),
    );

  const writeInventory = (hosts: Machine[]) =>
    fs.writeFileSync(
      inventory,
      [
        'cluster:',
        `  name: ${cluster}`,
        '  nodeMonitorGracePeriodSeconds: 20',
        'ssh:',
        '  key: ssh/id_ed25519',
        'hosts:',
        ...hosts.map((m, i) => `  - address: ${m.address}\n    role: ${i === 0 ? 'control-plane' : 'worker'}\n    name: ${m.name}\n    labels: {k8ts.io/test: "${m.name}"}`),
        '',
      ].join('\n'),
    );

  const run = (o: { uninstall?: boolean } = {}): Promise<DeployResult> => {
    steps.length = 0;
    return deploy({ inventory, stateDir, progress, ...o });
  };

  /** pid of every unit and of the supervisor on a machine. */
  const pids = async (m: Machine): Promise<Record<string, number>> => {
    const out = await ok(m, 'cd /var/lib/k8ts/supervisor && for f in *.pid; do printf "%s " "$f"; cat "$f"; done');
    return Object.fromEntries(
      out
        .trim()
        .split('\n')
        .map((l) => [l.slice(0, l.indexOf(' ')), (JSON.parse(l.slice(l.indexOf(' ') + 1)) as { pid: number }).pid]),
    );
  };

  before(async () => {
    await ensureDockerDaemon();
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-deploy-'));
    inventory = path.join(stateDir, 'cluster.yaml');
    [cp, worker] = await addMachines({ cluster, names: ['cp', 'w1'], stateDir });
    writeInventory([cp, worker]);
  });

  after(async () => {
    await removeCluster(cluster);
    if (stateDir) fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('brings both nodes up Ready; the worker joins with a CSR; the control plane is tainted', async () => {
    const res = await run();
    assert.equal(res.changed, true);
    assert.deepEqual(res.hosts.map((h) => [h.nodeName, h.role, h.state]), [['cp', 'control-plane', 'installed'], ['w1', 'worker', 'installed']]);
    for (const host of ['cp', 'w1']) {
      const mine = steps.filter((s) => s.host === host).map((s) => s.step);
      assert.deepEqual(mine, ['connect', 'packages', 'bundle', 'images', 'apply', 'node'], host);
      assert.ok(steps.filter((s) => s.host === host).every((s) => s.ok && s.ms !== undefined));
    }
    const nodes = JSON.parse(await kubectl('get', 'nodes', '-o', 'json')) as { items: { metadata: { name: string; labels: Record<string, string> }; spec: { taints?: { key: string; effect: string }[] }; status: { conditions: { type: string; status: string }[] } }[] };
    assert.deepEqual(nodes.items.map((n) => n.metadata.name).sort(), ['cp', 'w1']);
    for (const n of nodes.items) {
      assert.ok(n.status.conditions.some((c) => c.type === 'Ready' && c.status === 'True'), `${n.metadata.name} Ready`);
      assert.equal(n.metadata.labels['k8ts.io/test'], n.metadata.name);
    }
    const cpNode = nodes.items.find((n) => n.metadata.name === 'cp')!;
    assert.equal(cpNode.metadata.labels['node-role.kubernetes.io/control-plane'], '');
    assert.ok(cpNode.spec.taints?.some((t) => t.key === 'node-role.kubernetes.io/control-plane' && t.effect === 'NoSchedule'));

    // TLS bootstrapping: the worker's kubelet asked for its certificate; nothing of the admin's is there
    const csrs = JSON.parse(await kubectl('get', 'csr', '-o', 'json')) as { items: { spec: { username: string; signerName: string }; status: { conditions?: { type: string }[]; certificate?: string } }[] };
    const joined = csrs.items.find((c) => c.spec.signerName === 'kubernetes.io/kube-apiserver-client-kubelet' && c.spec.username.startsWith('system:bootstrap:'));
    assert.ok(joined, 'a CSR made with a bootstrap token');
    assert.ok(joined.status.conditions?.some((c) => c.type === 'Approved') && joined.status.certificate, 'approved and issued');
    const files = await ok(worker, 'find /etc/k8ts/node /var/lib/k8ts/kubelet/pki -type f | sort');
    assert.ok(!/admin|ca\.key|apiserver/.test(files), files);
    assert.match(await ok(worker, 'openssl x509 -noout -subject -in /var/lib/k8ts/kubelet/pki/kubelet-client.crt'), /O ?= ?system:nodes, CN ?= ?system:node:w1/);
  });

  it('runs a pod on the worker, reached from the control plane’s machine by its pod IP', async () => {
    await kubectl('run', 'web', '--image=k8ts/web:1.0', '--port=8080', '--restart=Never');
    let pod: { spec: { nodeName?: string }; status: { phase?: string; podIP?: string } } | undefined;
    for (let i = 0; i < 240; i++) {
      pod = JSON.parse(await kubectl('get', 'pod', 'web', '-o', 'json'));
      if (pod?.status.phase === 'Running' && pod.status.podIP) break;
      await sleep(500);
    }
    assert.equal(pod?.status.phase, 'Running');
    assert.equal(pod?.spec.nodeName, 'w1', 'the control plane is tainted NoSchedule');
    const reply = await ok(cp, `for i in $(seq 40); do timeout 3 busybox wget -qO- http://${pod!.status.podIP}:8080/ && exit 0; sleep 0.5; done; exit 1`);
    assert.equal(reply.trim(), 'hello from web');
  });

  it('changes nothing when run again: every host "unchanged", no process restarted', async () => {
    const before = { cp: await pids(cp), w1: await pids(worker) };
    const res = await run();
    assert.equal(res.changed, false);
    assert.deepEqual(res.hosts.map((h) => [h.nodeName, h.state]), [['cp', 'unchanged'], ['w1', 'unchanged']]);
    for (const s of steps.filter((x) => x.step === 'apply')) assert.match(s.detail ?? '', /^unchanged/, `${s.host}: ${s.detail}`);
    for (const s of steps.filter((x) => x.step === 'bundle' && x.host !== 'cluster')) assert.equal(s.detail, 'present');
    assert.deepEqual({ cp: await pids(cp), w1: await pids(worker) }, before);
    assert.ok(Object.keys(before.w1).includes('supervisor.pid') && Object.keys(before.w1).includes('kubelet.pid'));
  });

  it('removes a worker that left the inventory, and joins it again when it is back', async () => {
    writeInventory([cp]);
    const res = await run();
    assert.deepEqual(res.hosts.map((h) => [h.nodeName, h.state]), [['cp', 'unchanged'], ['w1', 'removed']]);
    await assert.rejects(kubectl('get', 'node', 'w1'), /NotFound|not found/);
    assert.equal((await ok(worker, 'ls /opt/k8ts /var/lib/k8ts /etc/k8ts/node 2>&1 | grep -c "No such file"')).trim(), '3');
    writeInventory([cp, worker]);
    const back = await run();
    assert.deepEqual(back.hosts.map((h) => [h.nodeName, h.state]), [['cp', 'unchanged'], ['w1', 'installed']]);
    assert.match(await kubectl('get', 'node', 'w1', '--no-headers'), /\bReady\b/);
  });

  it('comes back when its machine restarts: the boot hook starts the supervisor, the node renews its Lease', async () => {
    const before = await pids(worker);
    const restartedAt = Date.now();
    await worker.restart();
    let lease: { spec: { renewTime?: string } } | undefined;
    for (let i = 0; i < 120; i++) {
      lease = JSON.parse(await kubectl('get', 'lease', '-n', 'kube-node-lease', 'w1', '-o', 'json'));
      if (Date.parse(lease?.spec.renewTime ?? '') > restartedAt) break;
      await sleep(500);
    }
    assert.ok(Date.parse(lease?.spec.renewTime ?? '') > restartedAt, 'a heartbeat from the restarted machine');
    assert.match(await kubectl('get', 'node', 'w1', '--no-headers'), /\bReady\b/);
    const after = await pids(worker);
    for (const u of ['supervisor.pid', 'containerd.pid', 'kubelet.pid', 'kube-proxy.pid']) assert.notEqual(after[u], before[u], `${u}: a new process`);
    assert.equal((await ok(worker, `kill -0 ${after['supervisor.pid']} && echo alive`)).trim(), 'alive');
  });

  it('--uninstall leaves every machine clean', async () => {
    const res = await run({ uninstall: true });
    assert.deepEqual(res.hosts.map((h) => [h.nodeName, h.state]), [['cp', 'uninstalled'], ['w1', 'uninstalled']]);
    assert.ok(!fs.existsSync(path.join(stateDir, 'admin.kubeconfig')) && !fs.existsSync(path.join(stateDir, 'deployed.json')));
    for (const m of [cp, worker]) {
      // only the machine's own init and sshd (and this check's shell) are left
      const procs = (await ok(m, 'ps -eo comm= | sort -u')).split('\n').filter(Boolean);
      assert.deepEqual(procs.filter((p) => !['k8ts-init', 'sshd', 'bash', 'sh', 'ps', 'sort'].includes(p)), [], `${m.name}: ${procs.join(' ')}`);
      assert.equal((await ok(m, 'for d in /opt/k8ts /etc/k8ts/node /etc/k8ts/boot.d /var/lib/k8ts /var/log/k8ts /run/k8ts; do [ -e $d ] && echo $d; done; true')).trim(), '', `${m.name}: state dirs`);
      assert.equal((await ok(m, 'test -x /etc/k8ts/boot && echo kept')).trim(), 'kept', `${m.name}: the image's own boot script stays`);
      const links = (await ok(m, 'ip -o link show')).split('\n').filter(Boolean).map((l) => l.split(': ')[1].split('@')[0]);
      assert.deepEqual(links.filter((l) => l !== 'lo' && !/^eth\d+$/.test(l)), [], `${m.name}: interfaces`);
      assert.equal((await ok(m, "iptables-save | grep -E 'KUBE|K8TS' || true")).trim(), '', `${m.name}: chains`);
      assert.equal((await ok(m, 'ip route show proto 107; ip neigh show proto 107 2>/dev/null; true')).trim(), '', `${m.name}: routes`);
      // mountinfo's fifth field is the mount point
      assert.equal((await ok(m, "awk '{print $5}' /proc/self/mountinfo | grep -E '^(/var/lib/k8ts|/run/k8ts|/var/log/k8ts|/opt/k8ts|/etc/k8ts/node)(/|$)' || true")).trim(), '', `${m.name}: mounts`);
      assert.equal((await ok(m, 'ls -d /sys/fs/cgroup/*/k8ts 2>/dev/null || true')).trim(), '', `${m.name}: cgroups`);
    }
  });
});
