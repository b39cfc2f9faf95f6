// bench:pod-startup — on one node with images present: pod creation to Running as seen through a
// watch, for 1 pod and for a batch of 30, beside the raw CRI sequence (RunPodSandbox +
// CreateContainer + StartContainer) on the same containerd in the same run; and the kubelet's
// RSS with 30 pods. The cluster runs in its own network namespace; the measuring worker joins it.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { up, down, type ClusterOptions } from '../deploy/cluster/cluster';
import { cgroupRootFor, clusterLayout } from '../deploy/cluster/layout';
import { readPidFile } from '../deploy/supervisor/proc';

async function main(): Promise<void> {
  const opts: ClusterOptions = {
    home: fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-bench-pods-')),
    netns: `k8ts-bench-${randomBytes(3).toString('hex')}`,
    nodeName: 'bench-node-1',
  };
  let code = 1;
  try {
    const info = await up(opts);
    const layout = clusterLayout(opts.home);
    const scratch = path.join(opts.home, 'bench-raw');
    const kubeletPid = readPidFile(layout.pidFile('kubelet'))?.pid ?? 0;
    const worker = path.join(__dirname, 'pod-startup-worker.js');
    code = await new Promise<number>((resolve) => {
      const child = spawn(
        'nsenter',
        [`--net=/run/netns/${info.netns}`, '--', process.execPath, worker, info.kubeconfig, layout.containerdSocket, scratch, cgroupRootFor(info.netns)],
        { stdio: 'inherit', env: { ...process.env, K8TS_KUBELET_PID: String(kubeletPid) } },
      );
      child.on('close', (c) => resolve(c ?? 1));
    });
  } finally {
    await down(opts, { purge: true });
    fs.rmSync(opts.home, { recursive: true, force: true });
  }
  process.exit(code);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
