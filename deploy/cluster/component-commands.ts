// Command lines of every process of a local cluster, as pure functions of the cluster's layout,
// ports and node identity. The launcher only spawns what these return.
import * as path from 'node:path';
import { cgroupRootFor, CLUSTER_CIDR, NODE_PORT_RANGE, SERVICE_CIDR, type ComponentName, type Layout, type Ports } from './layout';

export interface CommandContext {
  layout: Layout;
  ports: Ports;
  nodeName: string;
  nodeIp: string;
  netns?: string;
  /** Absolute path of the node binary running the TypeScript components. */
  nodeBin: string;
  /** The compiled tree: <repo>/dist */
  distDir: string;
  logLevel?: string;
  /** Seconds without a node Lease renewal before the node is marked NotReady (default 40). */
  nodeMonitorGracePeriodSeconds?: number;
  /** Where clients reach the apiserver (default CONTROL_PLANE_HOST: the local cluster's loopback). */
  apiserverHost?: string;
  /** Pod and Service CIDRs (defaults CLUSTER_CIDR, SERVICE_CIDR). */
  clusterCidr?: string;
  serviceCidr?: string;
  /** kube-proxy's --proxy-mode (default iptables). */
  proxyMode?: string;
  /** Where the cluster DNS listens and is listed as the kube-dns endpoint (default: nodeIp). */
  dnsAddress?: string;
  /**
   * Where the ingress controller's HTTP and HTTPS listen (default: nodeIp). When it is not the
   * node's address (the host cluster's HOST_LOCAL_ADDRESS) it is also what Ingress status
   * publishes: the node's InternalIP would name an address nothing listens on.
   */
  ingressAddress?: string;
  /** Flags appended to a component's command line (a deploy's cluster options). */
  extraFlags?: Partial<Record<ComponentName, string[]>>;
}

/** Where every client reaches the control plane: loopback of the host, or of the cluster's netns. */
export const CONTROL_PLANE_HOST = '127.0.0.1';

/**
 * Prefixes argv so it runs in the named network namespace. nsenter --net (not `ip netns exec`):
 * the latter also unshares the mount namespace and remounts /sys, hiding /sys/fs/cgroup from
 * containerd/runc and hiding container mounts from teardown.
 */
export function inNetns(argv: string[], netns?: string): string[] {
  return netns ? ['nsenter', `--net=/run/netns/${netns}`, '--', ...argv] : argv;
}

const pki = (l: Layout, f: string) => path.join(l.pkiDir, f);

export function grpcAddress(ctx: CommandContext): string {
  return `${ctx.apiserverHost ?? CONTROL_PLANE_HOST}:${ctx.ports.apiserverGrpc}`;
}

/** The DNS Service's address (the kubelet's --cluster-dns, kube-dns's clusterIP): the tenth of the service CIDR (10.96.0.10 in 10.96.0.0/16), as kubeadm picks it. */
export function clusterDnsIp(serviceCidr: string): string {
  const [base, bitsText] = serviceCidr.split('/');
  const bits = Number(bitsText);
  const octets = base.split('.').map(Number);
  if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255) || !Number.isInteger(bits) || bits < 0 || bits > 32) {
    throw new Error(`service CIDR "${serviceCidr}" is not an IPv4 CIDR`);
  }
  if (2 ** (32 - bits) <= 11) throw new Error(`service CIDR "${serviceCidr}" is too small for the DNS Service address (its tenth)`);
  const size = 2 ** (32 - bits);
  const network = Math.floor(octets.reduce((a, o) => a * 256 + o, 0) / size) * size;
  const n = network + 10;
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

const clusterCidr = (ctx: CommandContext) => ctx.clusterCidr ?? CLUSTER_CIDR;
const serviceCidr = (ctx: CommandContext) => ctx.serviceCidr ?? SERVICE_CIDR;

function nodeComponent(ctx: CommandContext, dir: string, flags: string[]): string[] {
  const level = ctx.logLevel ? [`--log-level=${ctx.logLevel}`] : [];
  return [ctx.nodeBin, path.join(ctx.distDir, dir, 'main.js'), ...flags, ...level];
}

function baseArgv(c: ComponentName, ctx: CommandContext): string[] {
  const { layout: l, ports: p } = ctx;
  const grpc = `--apiserver-grpc=${grpcAddress(ctx)}`;
  switch (c) {
    case 'etcd': {
      const client = `http://${CONTROL_PLANE_HOST}:${p.etcdClient}`;
      const peer = `http://${CONTROL_PLANE_HOST}:${p.etcdPeer}`;
      return [
        'etcd',
        '--name=k8ts',
        `--data-dir=${l.etcdDir}`,
        `--listen-client-urls=${client}`,
        `--advertise-client-urls=${client}`,
        `--listen-peer-urls=${peer}`,
        `--initial-advertise-peer-urls=${peer}`,
        `--initial-cluster=k8ts=${peer}`,
        '--initial-cluster-state=new',
        // 2 shared cores: keep etcd's own history bounded so restarts stay quick
        '--auto-compaction-mode=revision',
        '--auto-compaction-retention=10000',
        '--logger=zap',
        '--log-level=warn',
      ];
    }
    case 'apiserver':
      return nodeComponent(ctx, 'apiserver', [
        `--etcd-servers=http://${CONTROL_PLANE_HOST}:${p.etcdClient}`,
        '--etcd-prefix=/registry',
        '--bind-address=0.0.0.0',
        `--secure-port=${p.apiserver}`,
        `--grpc-port=${p.apiserverGrpc}`,
        `--advertise-address=${ctx.nodeIp}`,
        `--tls-cert-file=${pki(l, 'apiserver.crt')}`,
        `--tls-private-key-file=${pki(l, 'apiserver.key')}`,
        `--client-ca-file=${pki(l, 'ca.crt')}`,
        `--kubelet-client-certificate=${pki(l, 'apiserver-kubelet-client.crt')}`,
        `--kubelet-client-key=${pki(l, 'apiserver-kubelet-client.key')}`,
        `--service-cluster-ip-range=${serviceCidr(ctx)}`,
        `--service-node-port-range=${NODE_PORT_RANGE}`,
      ]);
    case 'containerd':
      return ['containerd', '--config', l.containerdConfig];
    case 'registry':
      return ['docker-registry', 'serve', l.registryConfig];
    case 'controller-manager':
      return nodeComponent(ctx, 'controller-manager', [
        `--kubeconfig=${l.kubeconfig('controller-manager')}`,
        grpc,
        `--cluster-cidr=${clusterCidr(ctx)}`,
        '--node-cidr-mask-size=24',
        `--node-monitor-grace-period=${ctx.nodeMonitorGracePeriodSeconds ?? 40}`,
        `--health-port=${p.controllerManager}`,
        `--tls-cert-file=${pki(l, 'controller-manager.crt')}`,
        `--tls-private-key-file=${pki(l, 'controller-manager.key')}`,
      ]);
    case 'scheduler':
      return nodeComponent(ctx, 'scheduler', [
        `--kubeconfig=${l.kubeconfig('scheduler')}`,
        grpc,
        `--health-port=${p.scheduler}`,
        `--tls-cert-file=${pki(l, 'scheduler.crt')}`,
        `--tls-private-key-file=${pki(l, 'scheduler.key')}`,
      ]);
    case 'kubelet':
      return nodeComponent(ctx, 'kubelet', [
        `--kubeconfig=${l.kubeconfig('kubelet')}`,
        grpc,
        `--node-name=${ctx.nodeName}`,
        `--node-ip=${ctx.nodeIp}`,
        `--container-runtime-endpoint=unix://${l.containerdSocket}`,
        `--root-dir=${l.kubeletRoot}`,
        `--image-dir=${l.imagesDir}`,
        `--cni-conf-dir=${l.cniConfDir}`,
        `--cni-bin-dir=${l.cniBinDir}`,
        `--cgroup-root=${cgroupRootFor(ctx.netns)}`,
        `--port=${p.kubelet}`,
        `--tls-cert-file=${pki(l, 'kubelet.crt')}`,
        `--tls-private-key-file=${pki(l, 'kubelet.key')}`,
        `--cluster-dns=${clusterDnsIp(serviceCidr(ctx))}`,
        '--cluster-domain=cluster.local',
      ]);
    case 'kube-proxy':
      return nodeComponent(ctx, 'kube-proxy', kubeProxyFlags(ctx));
    case 'dns': {
      const address = ctx.dnsAddress ?? ctx.nodeIp;
      return nodeComponent(ctx, 'dns', [
        `--kubeconfig=${l.kubeconfig('dns')}`,
        grpc,
        `--node-name=${ctx.nodeName}`,
        `--bind-address=${address}`,
        `--port=${p.dns}`,
        `--health-port=${p.dnsHealth}`,
        `--metrics-port=${p.dnsMetrics}`,
        `--service-ip=${clusterDnsIp(serviceCidr(ctx))}`,
      ]);
    }
    case 'ingress': {
      const address = ctx.ingressAddress ?? ctx.nodeIp;
      return nodeComponent(ctx, 'ingress', [
        `--kubeconfig=${l.kubeconfig('ingress')}`,
        grpc,
        // the election identity: one instance per node
        `--node-name=${ctx.nodeName}`,
        `--bind-address=${address}`,
        `--http-port=${p.ingressHttp}`,
        `--https-port=${p.ingressHttps}`,
        `--health-port=${p.ingressHealth}`,
        `--metrics-port=${p.ingressMetrics}`,
        ...(address !== ctx.nodeIp ? [`--publish-address=${address}`] : []),
      ]);
    }
  }
}

function kubeProxyFlags(ctx: CommandContext): string[] {
  return [
    `--kubeconfig=${ctx.layout.kubeconfig('kube-proxy')}`,
    `--apiserver-grpc=${grpcAddress(ctx)}`,
    `--node-name=${ctx.nodeName}`,
    `--node-ip=${ctx.nodeIp}`,
    `--cluster-cidr=${clusterCidr(ctx)}`,
    `--service-cidr=${serviceCidr(ctx)}`,
    `--proxy-mode=${ctx.proxyMode ?? 'iptables'}`,
    '--min-sync-period=1',
    '--sync-period=30',
    `--healthz-port=${ctx.ports.kubeProxyHealthz}`,
    `--metrics-port=${ctx.ports.kubeProxyMetrics}`,
  ];
}

/** The full argv of a component, netns prefix included. */
export function componentCommand(c: ComponentName, ctx: CommandContext): string[] {
  return inNetns([...baseArgv(c, ctx), ...(ctx.extraFlags?.[c] ?? [])], ctx.netns);
}

/** kube-proxy's --cleanup run: removes its chains and routes, then exits. */
export function kubeProxyCleanupCommand(ctx: CommandContext): string[] {
  return inNetns(nodeComponent(ctx, 'kube-proxy', [...kubeProxyFlags(ctx), ...(ctx.extraFlags?.['kube-proxy'] ?? []), '--cleanup']), ctx.netns);
}

/** The TCP port that says a component is up (containerd is checked by its socket instead). */
export function healthPort(c: ComponentName, p: Ports): number | undefined {
  const map: Record<ComponentName, number | undefined> = {
    etcd: p.etcdClient,
    apiserver: p.apiserver,
    containerd: undefined,
    registry: p.registry,
    'controller-manager': p.controllerManager,
    scheduler: p.scheduler,
    kubelet: p.kubelet,
    'kube-proxy': p.kubeProxyHealthz,
    dns: p.dnsHealth,
    ingress: p.ingressHealth,
  };
  return map[c];
}
