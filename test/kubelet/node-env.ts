// A throwaway node environment for kubelet integration tests: temp dirs, a network namespace, a
// real containerd inside it, and a teardown that removes everything even after failures.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { renderContainerdConfig } from '../../kubelet/containerd/config';
import { startContainerd, type ContainerdHandle } from '../../kubelet/containerd/launch';
import { CriClient } from '../../kubelet/cri/client';
import type { ApiClient } from '../../lib/client/api-client';
import type { KubeletConfig } from '../../kubelet/kubelet';

export interface NodeEnv {
  root: string;
  netns: string;
  socket: string;
  cniConfDir: string;
  imageDir: string;
  kubeletRoot: string;
  /** cgroup root (relative to each hierarchy) for this test's pods. */
  cgroupRoot: string;
  cri: CriClient;
  containerd?: ContainerdHandle;
  teardown(): Promise<void>;
}

const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();

function mountsUnder(root: string): string[] {
  const lines = fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n');
  return lines
    .map((l) => l.split(' ')[4])
    .filter((m): m is string => !!m && (m === root || m.startsWith(root + '/')))
    .sort((a, b) => b.length - a.length);
}

/** PIDs whose command line mentions marker (the shims containerd started for this env). */
function pidsMentioning(marker: string): number[] {
  const out: number[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d) || Number(d) === process.pid) continue;
    try {
      if (fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(marker)) out.push(Number(d));
    } catch {
      /* exited */
    }
  }
  return out;
}

function removeCgroupTree(rel: string): void {
  for (const h of fs.readdirSync('/sys/fs/cgroup')) {
    const top = path.join('/sys/fs/cgroup', h, rel);
    if (!fs.existsSync(top)) continue;
    const dirs: string[] = [];
    const walk = (d: string) => {
      dirs.push(d);
      for (const e of fs.readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) walk(path.join(d, e.name));
    };
    try {
      walk(top);
      for (const d of dirs.reverse()) fs.rmdirSync(d);
    } catch {
      /* best effort: a live process keeps it */
    }
  }
}

export async function startNodeEnv(opts: { sandboxImage: string }): Promise<NodeEnv> {
  const id = crypto.randomBytes(3).toString('hex');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-kubelet-'));
  const netns = `k8ts-kt-${id}`;
  const cd = path.join(root, 'containerd');
  const socket = path.join(cd, 'containerd.sock');
  const env: NodeEnv = {
    root,
    netns,
    socket,
    cniConfDir: path.join(root, 'cni', 'net.d'),
    imageDir: path.join(root, 'images'),
    kubeletRoot: path.join(root, 'kubelet'),
    cgroupRoot: `/k8ts-test-${id}`,
    cri: new CriClient(socket),
    teardown: async () => {
      const errors: string[] = [];
      const step = async (what: string, fn: () => unknown) => {
        try {
          await fn();
        } catch (e) {
          errors.push(`${what}: ${(e as Error).message}`);
        }
      };
      if (env.containerd) {
        await step('remove sandboxes', async () => {
          for (const s of await env.cri.listPodSandbox()) {
            await env.cri.stopPodSandbox(s.id);
            await env.cri.removePodSandbox(s.id);
          }
        });
        await step('stop containerd', () => env.containerd!.stop());
      }
      env.cri.close();
      await step('kill shims', () => {
        for (const pid of pidsMentioning(socket)) process.kill(pid, 'SIGKILL');
      });
      await step('unmount', () => {
        for (const m of mountsUnder(root)) sh('umount', ['-l', m]);
      });
      await step('delete netns', () => sh('ip', ['netns', 'del', netns]));
      await step('remove cgroups', () => removeCgroupTree(env.cgroupRoot));
      await step('remove dirs', () => fs.rmSync(root, { recursive: true, force: true }));
      if (errors.length) throw new Error('teardown: ' + errors.join('; '));
    },
  };
  try {
    for (const d of [cd, env.cniConfDir, env.imageDir, env.kubeletRoot]) fs.mkdirSync(d, { recursive: true });
    sh('ip', ['netns', 'add', netns]);
    sh('ip', ['-n', netns, 'link', 'set', 'lo', 'up']);
    const configFile = path.join(cd, 'config.toml');
    fs.writeFileSync(
      configFile,
      renderContainerdConfig({
        root: path.join(cd, 'root'),
        state: path.join(cd, 'state'),
        socket,
        cniBinDir: '/usr/lib/cni',
        cniConfDir: env.cniConfDir,
        sandboxImage: opts.sandboxImage,
      }),
    );
    env.containerd = await startContainerd({ configFile, socket, logFile: path.join(cd, 'containerd.log'), netns });
    return env;
  } catch (e) {
    await env.teardown().catch(() => undefined);
    throw e;
  }
}

/** An in-process kubelet's config for this node environment: no serving port, quick housekeeping. */
export function kubeletConfigFor(
  env: NodeEnv,
  o: { nodeName: string; nodeIp: string; client: ApiClient; backoff: { baseMs: number; maxMs: number } },
): KubeletConfig {
  return {
    kubeconfig: '',
    apiserverGrpc: '',
    nodeName: o.nodeName,
    nodeIp: o.nodeIp,
    containerRuntimeEndpoint: `unix://${env.socket}`,
    rootDir: env.kubeletRoot,
    imageDir: env.imageDir,
    cniConfDir: env.cniConfDir,
    cniBinDir: '/usr/lib/cni',
    cgroupRoot: env.cgroupRoot,
    port: 0,
    tlsCertFile: '',
    tlsPrivateKeyFile: '',
    housekeepingMs: 500,
    backoff: o.backoff,
    client: o.client,
  };
}
