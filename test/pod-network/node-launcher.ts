// A worker node for an existing control plane, for tests: containerd, kubelet and kube-proxy in
// the node's own network namespace, with their own state dir, sockets and cgroup root, reaching
// the apiserver over the machine network. They run under a supervisor of their own (the same one
// `up` uses), so they start in order and their readiness is probed inside the namespace.
// Credentials are issued here from the cluster's CA (what a node gets today by `up`; TLS
// bootstrapping replaces this for real joins).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { renderContainerdConfig } from '../../kubelet/containerd/config';
import { PAUSE_IMAGE_REF } from '../../deploy/images/image-specs';
import { inNetns } from '../../deploy/cluster/component-commands';
import { CLUSTER_CIDR, SERVICE_CIDR } from '../../deploy/cluster/layout';
import { kubeletServingSans } from '../../deploy/cluster/pki-setup';
import { killPods, pruneCgroups, removeCniState, unmountUnder } from '../../deploy/cluster/teardown';
import { unitEnv } from '../../deploy/cluster/units';
import { ensureSupervisor, send, shutdownSupervisor, waitUnitsRunning, writeUnits } from '../../deploy/supervisor/launch';
import { stopRecorded } from '../../deploy/supervisor/proc';
import type { UnitSpec } from '../../deploy/supervisor/unit';
import { renderKubeconfig } from '../../lib/client/kubeconfig';
import { ensureCa, ensureClientCert, ensureServingCert } from '../../lib/pki';
import { repoRoot } from '../../lib/repo-root';

export interface WorkerNodeOptions {
  /** State dir of this node (created). */
  home: string;
  /** Existing network namespace holding the node's machine-network address. */
  netns: string;
  nodeName: string;
  nodeIp: string;
  controlPlane: {
    /** The apiserver's address on the machine network. */
    ip: string;
    apiserverPort?: number;
    grpcPort?: number;
    /** The cluster's pki dir: ca.crt and ca.key sign this node's certificates. */
    pkiDir: string;
    /** The image archives the kubelet imports. */
    imagesDir: string;
  };
  /** Extra kube-proxy flags, e.g. --pod-network-mode=vxlan. */
  kubeProxyFlags?: string[];
}

const UNITS = ['containerd', 'kubelet', 'kube-proxy'] as const;

export class WorkerNode {
  readonly cgroupRoot: string;
  private readonly dir: (...p: string[]) => string;

  constructor(readonly o: WorkerNodeOptions) {
    this.dir = (...p) => path.join(o.home, ...p);
    this.cgroupRoot = `/k8ts-${o.netns}`;
  }

  private get runDir(): string {
    return this.dir('run');
  }
  private get socket(): string {
    return this.dir('containerd', 'containerd.sock');
  }
  private get cniConfDir(): string {
    return this.dir('cni', 'net.d');
  }
  private pidFile(u: string): string {
    return this.dir('run', `${u}.pid`);
  }
  logFile(u: string): string {
    return this.dir('logs', `${u}.log`);
  }

  private kubeProxyArgv(extra: string[]): string[] {
    const cp = this.o.controlPlane;
    return [
      process.execPath,
      path.join(repoRoot(), 'dist', 'kube-proxy', 'main.js'),
      `--kubeconfig=${this.dir('kube-proxy.kubeconfig')}`,
      `--apiserver-grpc=${cp.ip}:${cp.grpcPort ?? 6444}`,
      `--node-name=${this.o.nodeName}`,
      `--node-ip=${this.o.nodeIp}`,
      `--cluster-cidr=${CLUSTER_CIDR}`,
      `--service-cidr=${SERVICE_CIDR}`,
      '--min-sync-period=1',
      ...(this.o.kubeProxyFlags ?? []),
      ...extra,
    ];
  }

  private units(): UnitSpec[] {
    const cp = this.o.controlPlane;
    // the node's logs stay useful when a test fails (they are files under its home)
    const env = unitEnv({ ...process.env, K8TS_LOG_LEVEL: 'info' });
    const ns = { netns: `/run/netns/${this.o.netns}` };
    const unit = (name: string, argv: string[], ready: UnitSpec['ready'], after: string[] = []): UnitSpec => ({
      name,
      argv: inNetns(argv, this.o.netns),
      env,
      logFile: this.logFile(name),
      pidFile: this.pidFile(name),
      ready,
      after,
    });
    return [
      unit('containerd', ['containerd', '--config', this.dir('containerd', 'config.toml')], [{ unix: this.socket }]),
      unit(
        'kubelet',
        [
          process.execPath,
          path.join(repoRoot(), 'dist', 'kubelet', 'main.js'),
          `--kubeconfig=${this.dir('kubelet.kubeconfig')}`,
          `--apiserver-grpc=${cp.ip}:${cp.grpcPort ?? 6444}`,
          `--node-name=${this.o.nodeName}`,
          `--node-ip=${this.o.nodeIp}`,
          `--container-runtime-endpoint=unix://${this.socket}`,
          `--root-dir=${this.dir('kubelet')}`,
          `--image-dir=${cp.imagesDir}`,
          `--cni-conf-dir=${this.cniConfDir}`,
          '--cni-bin-dir=/usr/lib/cni',
          `--cgroup-root=${this.cgroupRoot}`,
          `--tls-cert-file=${this.dir('pki', 'kubelet.crt')}`,
          `--tls-private-key-file=${this.dir('pki', 'kubelet.key')}`,
        ],
        [{ tcp: { host: '127.0.0.1', port: 10250 }, ...ns }],
        ['containerd'],
      ),
      unit('kube-proxy', this.kubeProxyArgv([]), [{ tcp: { host: '127.0.0.1', port: 10256 }, ...ns }]),
    ];
  }

  private async credentials(): Promise<void> {
    const cp = this.o.controlPlane;
    const ca = await ensureCa(cp.pkiDir); // exists: read, never regenerated
    const pki = this.dir('pki');
    const server = `https://${cp.ip}:${cp.apiserverPort ?? 6443}`;
    await ensureServingCert(pki, ca, 'kubelet', this.o.nodeName, kubeletServingSans(this.o.nodeName, this.o.nodeIp));
    const ids: [string, string, string[]][] = [
      ['kubelet', `system:node:${this.o.nodeName}`, ['system:nodes']],
      ['kube-proxy', 'system:kube-proxy', []],
    ];
    for (const [base, cn, orgs] of ids) {
      const pair = await ensureClientCert(pki, ca, `${base}-client`, cn, orgs);
      fs.writeFileSync(this.dir(`${base}.kubeconfig`), renderKubeconfig({ server, ca: ca.cert, cert: pair.cert, key: pair.key, user: cn }), { mode: 0o600 });
    }
  }

  /** Writes configs and credentials, starts the node's supervisor and waits for every unit. */
  async start(timeoutMs = 120_000): Promise<void> {
    for (const d of ['run', 'logs', 'containerd', 'kubelet', 'pki']) fs.mkdirSync(this.dir(d), { recursive: true });
    fs.mkdirSync(this.cniConfDir, { recursive: true });
    // a node routes pods; bridged pod traffic must pass iptables (Service DNAT between pods)
    for (const [key, value] of [['net/ipv4/ip_forward', '1'], ['net/bridge/bridge-nf-call-iptables', '1']]) {
      execFileSync('nsenter', [`--net=/run/netns/${this.o.netns}`, '--', 'sh', '-c', `echo ${value} > /proc/sys/${key}`]);
    }
    fs.writeFileSync(
      this.dir('containerd', 'config.toml'),
      renderContainerdConfig({
        root: this.dir('containerd', 'root'),
        state: this.dir('containerd', 'state'),
        socket: this.socket,
        cniBinDir: '/usr/lib/cni',
        cniConfDir: this.cniConfDir,
        sandboxImage: PAUSE_IMAGE_REF,
      }),
    );
    await this.credentials();
    writeUnits(this.runDir, this.units());
    const since = Date.now();
    await ensureSupervisor({ dir: this.runDir, logFile: this.logFile('supervisor') });
    await send(this.runDir, { cmd: 'apply' });
    await waitUnitsRunning(this.runDir, [...UNITS], { since, timeoutMs });
  }

  /**
   * Stops everything of this node as `down` does for a local cluster: the supervisor, kube-proxy
   * and the kubelet, the pods, containerd; then kube-proxy --cleanup (chains, routes, devices),
   * the CNI bridge and leases, mounts and cgroups. Safe to call twice, and after a failed start.
   */
  async stop(): Promise<void> {
    if (!fs.existsSync(this.o.home)) return;
    await shutdownSupervisor(this.runDir).catch(() => undefined);
    await stopRecorded(this.pidFile('kube-proxy'));
    await stopRecorded(this.pidFile('kubelet'));
    await killPods(this.socket);
    await stopRecorded(this.pidFile('containerd'));
    await killPods(this.socket);
    if (fs.existsSync(`/run/netns/${this.o.netns}`)) {
      const cleanup = inNetns(this.kubeProxyArgv(['--cleanup']), this.o.netns);
      try {
        execFileSync(cleanup[0], cleanup.slice(1), { stdio: 'pipe', timeout: 60_000, env: { ...process.env, K8TS_LOG_LEVEL: 'error' } });
      } catch (err) {
        throw new Error(`kube-proxy --cleanup on ${this.o.nodeName} failed: ${String((err as { stderr?: Buffer }).stderr ?? err)}`);
      }
      removeCniState(this.cniConfDir, this.o.home, this.o.netns);
    }
    unmountUnder(this.o.home);
    pruneCgroups(this.cgroupRoot);
  }
}
