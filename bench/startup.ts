// bench:startup — a cold `up` (fresh state: PKI, images, etcd, every component, containerd) to
// node Ready, and the idle memory of every process of the cluster together (its supervisor
// included). The raw baseline, measured in the same run: starting etcd alone until healthy plus
// containerd alone until its CRI answers, the two daemons a cluster cannot start faster than.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { up, down, type ClusterOptions } from '../deploy/cluster/cluster';
import { clusterLayout } from '../deploy/cluster/layout';
import { supervisorPid } from '../deploy/supervisor/launch';
import { run } from '../test/harness/exec';
import { startEtcd } from '../test/helpers/etcd';
import { renderContainerdConfig } from '../kubelet/containerd/config';
import { startContainerd } from '../kubelet/containerd/launch';

const rssKiB = (pid: string): number => {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
};

const comm = (pid: string): string => {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '?';
  }
};

async function rawBaselineMs(): Promise<{ etcdMs: number; containerdMs: number }> {
  let t = performance.now();
  const etcd = await startEtcd();
  const etcdMs = performance.now() - t;
  await etcd.stop();

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-bench-ctrd-'));
  const netns = `k8ts-bench-${randomBytes(3).toString('hex')}`;
  await run(['ip', 'netns', 'add', netns]);
  try {
    const socket = path.join(dir, 'containerd.sock');
    const configFile = path.join(dir, 'config.toml');
    fs.writeFileSync(
      configFile,
      renderContainerdConfig({
        root: path.join(dir, 'root'),
        state: path.join(dir, 'state'),
        socket,
        cniBinDir: '/usr/lib/cni',
        cniConfDir: path.join(dir, 'net.d'),
        sandboxImage: 'docker.io/k8ts/pause:1.0',
      }),
    );
    t = performance.now();
    const ctrd = await startContainerd({ configFile, socket, logFile: path.join(dir, 'containerd.log'), netns });
    const containerdMs = performance.now() - t;
    await ctrd.stop();
    return { etcdMs, containerdMs };
  } finally {
    await run(['umount', '-R', '-l', dir], { check: false });
    await run(['ip', 'netns', 'delete', netns], { check: false });
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const baseline = await rawBaselineMs();
  const opts: ClusterOptions = {
    home: fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-bench-')),
    netns: `k8ts-bench-${randomBytes(3).toString('hex')}`,
    nodeName: 'bench-node-1',
  };
  try {
    const t = performance.now();
    await up(opts);
    const upMs = performance.now() - t;
    await new Promise((r) => setTimeout(r, 15_000)); // let start-up garbage settle before reading RSS
    const pids = (await run(['ip', 'netns', 'pids', opts.netns!])).stdout.split(/\s+/).filter(Boolean);
    // the supervisor runs outside the cluster's namespace
    const supervisor = supervisorPid(clusterLayout(opts.home).runDir);
    if (supervisor !== undefined) pids.push(String(supervisor));
    const byProcess: Record<string, number> = {};
    let total = 0;
    for (const pid of pids) {
      const kib = rssKiB(pid);
      total += kib;
      const name = comm(pid);
      byProcess[name] = (byProcess[name] ?? 0) + Math.round(kib / 1024);
    }
    const rawMs = baseline.etcdMs + baseline.containerdMs;
    console.log(
      JSON.stringify({
        bench: 'startup',
        cold_up_to_ready_ms: Math.round(upMs),
        raw_etcd_start_ms: Math.round(baseline.etcdMs),
        raw_containerd_start_ms: Math.round(baseline.containerdMs),
        ratio_up_to_raw: Number((upMs / rawMs).toFixed(2)),
        idle_rss_mib_total: Math.round(total / 1024),
        idle_rss_mib_by_process: byProcess,
        processes: pids.length,
      }),
    );
  } finally {
    await down(opts, { purge: true });
    fs.rmSync(opts.home, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
