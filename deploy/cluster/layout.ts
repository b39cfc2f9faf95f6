// Where a local cluster keeps its state, and which ports its processes use. Pure: everything is
// derived from the options, so several clusters (each with its own home and netns) coexist.
import * as path from 'node:path';

export interface Ports {
  etcdClient: number;
  etcdPeer: number;
  apiserver: number;
  apiserverGrpc: number;
  scheduler: number;
  controllerManager: number;
  kubelet: number;
  kubeProxyHealthz: number;
  kubeProxyMetrics: number;
  /** The node's local image registry (docker-registry), plain HTTP on loopback. */
  registry: number;
  /** Cluster DNS: queries (UDP and TCP, on the node's DNS address), /healthz /readyz, /metrics. */
  dns: number;
  dnsHealth: number;
  dnsMetrics: number;
  /** Ingress controller: HTTP and HTTPS (on the node's ingress address only), /healthz /readyz, /metrics. */
  ingressHttp: number;
  ingressHttps: number;
  ingressHealth: number;
  ingressMetrics: number;
}

export const DEFAULT_PORTS: Ports = {
  etcdClient: 2379,
  etcdPeer: 2380,
  apiserver: 6443,
  apiserverGrpc: 6444,
  scheduler: 10259,
  controllerManager: 10257,
  kubelet: 10250,
  kubeProxyHealthz: 10256,
  kubeProxyMetrics: 10249,
  registry: 5000,
  dns: 53,
  // CoreDNS' readiness and metrics ports: 8080 (the DNS binary's default) is what ordinary
  // services (the demo web image too) listen on, so not on a node.
  dnsHealth: 8181,
  dnsMetrics: 9153,
  ingressHttp: 80,
  ingressHttps: 443,
  // ingress-nginx's health port; metrics beside it (10253 is no other component's: kubelet 10250,
  // its read-only 10255, kube-proxy 10249/10256, controller-manager 10257, scheduler 10259).
  ingressHealth: 10254,
  ingressMetrics: 10253,
};

export interface ClusterOptions {
  /** State directory (default for the CLI: <repo>/.cluster or $K8TS_HOME). */
  home: string;
  /** Run every process inside this network namespace (created by up, deleted by down --purge). */
  netns?: string;
  nodeName?: string;
  nodeIp?: string;
  ports?: Partial<Ports>;
  /** Seconds without a node Lease renewal before the controller-manager marks the node NotReady. */
  nodeMonitorGracePeriodSeconds?: number;
  /** Flags appended to a component's command line (tests: e.g. the controller-manager's --job-backoff-base). */
  extraFlags?: Partial<Record<ComponentName, string[]>>;
}

export interface ClusterInfo {
  home: string;
  kubeconfig: string;
  nodeName: string;
  nodeIp: string;
  apiserverUrl: string;
  grpcAddress: string;
  /** host:port of the node's image registry: `k8ts image build --push <it>`, images `<it>/name:tag`. */
  registry: string;
  netns?: string;
}

/** Start order; down stops in reverse. */
export const COMPONENTS = ['etcd', 'apiserver', 'registry', 'containerd', 'controller-manager', 'scheduler', 'kubelet', 'kube-proxy', 'dns', 'ingress'] as const;
export type ComponentName = (typeof COMPONENTS)[number];

export function isComponentName(s: string): s is ComponentName {
  return (COMPONENTS as readonly string[]).includes(s);
}

export const CLUSTER_CIDR = '10.244.0.0/16';
export const SERVICE_CIDR = '10.96.0.0/16';
export const NODE_PORT_RANGE = '30000-32767';
export const CGROUP_ROOT = '/k8ts';

/** The components that authenticate with a kubeconfig of their own. */
export type KubeconfigOwner = 'scheduler' | 'controller-manager' | 'kube-proxy' | 'kubelet' | 'dns' | 'ingress';

export interface Layout {
  home: string;
  pkiDir: string;
  logsDir: string;
  runDir: string;
  etcdDir: string;
  imagesDir: string;
  kubeletRoot: string;
  cniConfDir: string;
  cniBinDir: string;
  containerdDir: string;
  containerdRoot: string;
  containerdState: string;
  containerdSocket: string;
  containerdConfig: string;
  registryDir: string;
  registryConfig: string;
  adminKubeconfig: string;
  kubeconfig(component: KubeconfigOwner): string;
  logFile(c: ComponentName): string;
  pidFile(c: ComponentName): string;
}

export function clusterLayout(home: string): Layout {
  const h = path.resolve(home);
  const containerdDir = path.join(h, 'containerd');
  return {
    home: h,
    pkiDir: path.join(h, 'pki'),
    logsDir: path.join(h, 'logs'),
    runDir: path.join(h, 'run'),
    etcdDir: path.join(h, 'etcd'),
    imagesDir: path.join(h, 'images'),
    kubeletRoot: path.join(h, 'kubelet'),
    cniConfDir: path.join(h, 'cni', 'net.d'),
    cniBinDir: '/usr/lib/cni',
    containerdDir,
    containerdRoot: path.join(containerdDir, 'root'),
    containerdState: path.join(containerdDir, 'state'),
    containerdSocket: path.join(containerdDir, 'containerd.sock'),
    containerdConfig: path.join(containerdDir, 'config.toml'),
    registryDir: path.join(h, 'registry'),
    registryConfig: path.join(h, 'registry', 'config.yml'),
    adminKubeconfig: path.join(h, 'admin.kubeconfig'),
    kubeconfig: (c) => path.join(h, `${c}.kubeconfig`),
    logFile: (c) => path.join(h, 'logs', `${c}.log`),
    pidFile: (c) => path.join(h, 'run', `${c}.pid`),
  };
}

export function resolvePorts(p?: Partial<Ports>): Ports {
  return { ...DEFAULT_PORTS, ...(p ?? {}) };
}

/**
 * The cgroup parent for this cluster's pods: /k8ts for the host cluster, /k8ts-<netns> for a
 * namespaced test cluster so two clusters never share (and never clean up) each other's cgroups.
 */
export function cgroupRootFor(netns?: string): string {
  return netns ? `${CGROUP_ROOT}-${netns}` : CGROUP_ROOT;
}

/** Default node address inside a test netns: 172.31.<n>.1 with n derived from the name. */
export function defaultNetnsNodeIp(netns: string): string {
  let h = 0;
  for (const ch of netns) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return `172.31.${h % 256}.1`;
}

/**
 * Where the node's own services — the cluster DNS, the ingress controller's HTTP and HTTPS — listen
 * when the cluster runs on the host (no netns): not the node IP — that is the machine's own
 * interface, and a resolver or proxy there would answer the machine's whole network — but an
 * address only this cluster has, on an interface of its own (an empty bridge: these kernels have
 * no dummy link type). 198.18.0.0/15 is reserved for benchmark networks and never routed; the
 * machine networks (deploy/machines) take /24s from its bottom, this is its top. Pods reach it
 * through a Service's DNAT or the node route, the host itself directly; nothing outside the
 * machine can.
 */
export const HOST_LOCAL_ADDRESS = '198.19.255.53';
/** Named when only the DNS used it; kept so that down() removes what an earlier up() created. */
export const HOST_LOCAL_IFACE = 'k8ts-dns0';

/** Where a netns cluster's node address lives (the kernel here has no dummy interfaces). */
export const NETNS_NODE_IFACE = 'lo';
