// What one host should look like, as a pure value: the files it gets (credentials only for its
// role), the components it runs as unit definitions with a hash each (command line, environment
// and the content of every file the component reads — a hash that moves is a restart), and what
// its uninstall must undo. The host agent (host-agent.ts) makes a host match it.
import * as crypto from 'node:crypto';
import * as path from 'node:path';
import { renderContainerdConfig } from '../../kubelet/containerd/config';
import { renderKubeconfig } from '../../lib/client/kubeconfig';
import { renderBootstrapKubeconfig } from '../../lib/client/bootstrap-join';
import { PAUSE_IMAGE_REF } from '../images/image-specs';
import { componentCommand, kubeProxyCleanupCommand, type CommandContext } from '../cluster/component-commands';
import { cgroupRootFor, resolvePorts, type ComponentName, type KubeconfigOwner } from '../cluster/layout';
import { DEPENDENCIES, readinessProbes, unitEnv } from '../cluster/units';
import type { UnitSpec } from '../supervisor/unit';
import { IDENTITIES, type ClusterPki, type Pem } from './cluster-pki';
import { BOOTSTRAP_KUBECONFIG, bundleDir, CONFIG_DIR, hostLayout, KUBELET_CERT_DIR, OWNED_DIRS } from './host-layout';
import { CLUSTER_DEFAULTS, type ClusterSettings, type Role } from './inventory';

/** The components of each role, in start order. */
export const ROLE_COMPONENTS: Record<Role, ComponentName[]> = {
  'control-plane': ['etcd', 'apiserver', 'containerd', 'controller-manager', 'scheduler', 'kubelet', 'kube-proxy', 'dns', 'ingress'],
  worker: ['containerd', 'kubelet', 'kube-proxy', 'dns', 'ingress'],
};

/** kubeadm's mark for control-plane nodes: a label, and a taint that keeps ordinary pods away. */
export const CONTROL_PLANE_LABEL = 'node-role.kubernetes.io/control-plane';
export const CONTROL_PLANE_TAINT = { key: CONTROL_PLANE_LABEL, effect: 'NoSchedule' } as const;

export interface DesiredFile {
  path: string;
  mode: number;
  content: string;
  /** Components that read it: a change restarts them. */
  usedBy: ComponentName[];
  /**
   * Written only while the host has not joined yet (the bootstrap kubeconfig: its token is new on
   * every run, and once the kubelet holds a certificate it is not read again).
   */
  onlyToJoin?: boolean;
}

export interface DesiredUnit extends UnitSpec {
  /** sha256 over the unit's definition and the files it reads. */
  hash: string;
}

export interface HostPlan {
  cluster: string;
  nodeName: string;
  nodeIp: string;
  role: Role;
  bundle: string;
  files: DesiredFile[];
  units: DesiredUnit[];
  /** Node labels and taints the deploy sets through the API once the node registered. */
  labels: Record<string, string>;
  taints: { key: string; effect: string; value?: string }[];
  /** What --uninstall runs and removes. */
  uninstall: UninstallPlan;
}

export interface UninstallPlan {
  /** kube-proxy's --cleanup: its chains, routes, sink and VXLAN devices. */
  kubeProxyCleanup: string[];
  containerdSocket: string;
  /** Directories removed (after unmounting whatever is mounted below them). */
  dirs: string[];
  cniConfDir: string;
  cgroupRoot: string;
}

export interface HostPlanInput {
  cluster: ClusterSettings;
  nodeName: string;
  nodeIp: string;
  role: Role;
  labels: Record<string, string>;
  controlPlaneIp: string;
  pki: ClusterPki;
  bundle: string;
  /** A bootstrap token ("<id>.<secret>") for a worker that has not joined yet. */
  bootstrapToken?: string;
}

const PORTS = resolvePorts();
const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex');

export function apiserverUrl(controlPlaneIp: string): string {
  return `https://${controlPlaneIp}:${PORTS.apiserver}`;
}

/** The command-line context of a host's components (the same builder the local cluster uses). */
export function hostCommandContext(i: Pick<HostPlanInput, 'cluster' | 'nodeName' | 'nodeIp' | 'role' | 'controlPlaneIp' | 'bundle'>): CommandContext {
  const layout = hostLayout();
  const c = i.cluster;
  const pki = (f: string) => path.join(layout.pkiDir, f);
  const kubelet =
    i.role === 'worker'
      ? [`--bootstrap-kubeconfig=${BOOTSTRAP_KUBECONFIG}`, `--cert-dir=${KUBELET_CERT_DIR}`, '--rotate-certificates']
      : [];
  return {
    layout,
    ports: PORTS,
    nodeName: i.nodeName,
    nodeIp: i.nodeIp,
    nodeBin: path.join(bundleDir(i.bundle), 'node'),
    distDir: path.join(bundleDir(i.bundle), 'dist'),
    logLevel: c.logLevel,
    nodeMonitorGracePeriodSeconds: c.nodeMonitorGracePeriodSeconds,
    apiserverHost: i.controlPlaneIp,
    clusterCidr: c.podCIDR,
    serviceCidr: c.serviceCIDR,
    proxyMode: c.proxyMode,
    extraFlags: {
      apiserver: [
        `--default-not-ready-toleration-seconds=${c.defaultNotReadyTolerationSeconds}`,
        `--default-unreachable-toleration-seconds=${c.defaultUnreachableTolerationSeconds}`,
      ],
      'controller-manager': [`--cluster-signing-cert-file=${pki('ca.crt')}`, `--cluster-signing-key-file=${pki('ca.key')}`],
      kubelet,
      'kube-proxy': [`--pod-network-mode=${c.podNetworkMode}`],
      ...(c.dnsUpstream ? { dns: [`--upstream=${c.dnsUpstream}`] } : {}),
    },
  };
}

export function planHost(i: HostPlanInput): HostPlan {
  const ctx = hostCommandContext(i);
  const l = ctx.layout;
  const server = apiserverUrl(i.controlPlaneIp);
  const files: DesiredFile[] = [];
  const pkiFile = (name: string, content: string, usedBy: ComponentName[]) =>
    files.push({ path: path.join(l.pkiDir, name), mode: name.endsWith('.key') ? 0o600 : 0o644, content, usedBy });
  const pair = (base: string, p: Pem, usedBy: ComponentName[]) => {
    pkiFile(`${base}.crt`, p.cert, usedBy);
    pkiFile(`${base}.key`, p.key, usedBy);
  };
  const kubeconfig = (c: KubeconfigOwner, p: Pem, user: string) =>
    files.push({ path: l.kubeconfig(c), mode: 0o600, content: renderKubeconfig({ server, ca: i.pki.ca.cert, cert: p.cert, key: p.key, user }), usedBy: [c] });

  const cp = i.role === 'control-plane';
  pkiFile('ca.crt', i.pki.ca.cert, cp ? ['apiserver', 'controller-manager'] : []);
  const serving = i.pki.kubeletServing[i.nodeName];
  if (!serving) throw new Error(`no kubelet serving certificate for node ${i.nodeName}`);
  pair('kubelet', serving, ['kubelet']);
  kubeconfig('kube-proxy', i.pki.kubeProxyClient, 'system:kube-proxy');
  kubeconfig('dns', i.pki.dnsClient, IDENTITIES.dns.cn);
  kubeconfig('ingress', i.pki.ingressClient, IDENTITIES.ingress.cn);
  files.push({
    path: l.containerdConfig,
    mode: 0o644,
    content: renderContainerdConfig({
      root: l.containerdRoot,
      state: l.containerdState,
      socket: l.containerdSocket,
      cniBinDir: l.cniBinDir,
      cniConfDir: l.cniConfDir,
      sandboxImage: PAUSE_IMAGE_REF,
      insecureRegistries: [],
    }),
    usedBy: ['containerd'],
  });
  if (cp) {
    // the CA key signs the kubelets' CSRs (controller-manager csrsigning)
    pkiFile('ca.key', i.pki.ca.key, ['controller-manager']);
    pair('apiserver', i.pki.apiserver, ['apiserver']);
    pair('apiserver-kubelet-client', i.pki.apiserverKubeletClient, ['apiserver']);
    pair('scheduler', i.pki.schedulerServing, ['scheduler']);
    pair('controller-manager', i.pki.controllerManagerServing, ['controller-manager']);
    kubeconfig('scheduler', i.pki.schedulerClient, 'system:kube-scheduler');
    kubeconfig('controller-manager', i.pki.controllerManagerClient, 'system:kube-controller-manager');
    kubeconfig('kubelet', i.pki.controlPlaneKubeletClient, `system:node:${i.nodeName}`);
    files.push({
      path: l.adminKubeconfig,
      mode: 0o600,
      content: renderKubeconfig({ server, ca: i.pki.ca.cert, cert: i.pki.admin.cert, key: i.pki.admin.key, user: 'kubernetes-admin' }),
      usedBy: [],
    });
  } else if (i.bootstrapToken) {
    files.push({ path: BOOTSTRAP_KUBECONFIG, mode: 0o600, content: renderBootstrapKubeconfig({ server, caPem: i.pki.ca.cert, token: i.bootstrapToken }), usedBy: ['kubelet'], onlyToJoin: true });
  }
  files.sort((a, b) => a.path.localeCompare(b.path));

  const names = ROLE_COMPONENTS[i.role];
  const env = unitEnv({});
  const units = names.map((c): DesiredUnit => {
    const spec: UnitSpec = {
      name: c,
      argv: componentCommand(c, ctx),
      env,
      logFile: l.logFile(c),
      pidFile: l.pidFile(c),
      ready: readinessProbes(c, ctx),
      after: DEPENDENCIES[c].filter((d) => names.includes(d)),
    };
    // a join-only file restarts the kubelet when written, but its fresh token must not move the hash
    const inputs = files.filter((f) => f.usedBy.includes(c) && !f.onlyToJoin).map((f) => `${f.path}\0${f.mode}\0${sha256(f.content)}`);
    return { ...spec, hash: sha256(JSON.stringify(spec) + '\n' + inputs.join('\n')) };
  });

  return {
    cluster: i.cluster.name,
    nodeName: i.nodeName,
    nodeIp: i.nodeIp,
    role: i.role,
    bundle: i.bundle,
    files,
    units,
    labels: { ...i.labels, ...(cp ? { [CONTROL_PLANE_LABEL]: '' } : {}) },
    taints: cp ? [{ ...CONTROL_PLANE_TAINT }] : [],
    uninstall: uninstallSteps(ctx),
  };
}

function uninstallSteps(ctx: CommandContext): UninstallPlan {
  const l = ctx.layout;
  return {
    kubeProxyCleanup: kubeProxyCleanupCommand(ctx),
    containerdSocket: l.containerdSocket,
    dirs: [...OWNED_DIRS],
    cniConfDir: l.cniConfDir,
    cgroupRoot: cgroupRootFor(undefined),
  };
}

/**
 * What --uninstall needs for a host of a role, without the cluster at hand (a host may be removed
 * long after its inventory entry is gone): kube-proxy --cleanup with default device names, the
 * directories, the units' pid files (the agent adds those it recorded at its last apply).
 */
export function uninstallPlan(role: Role, bundle: string): Pick<HostPlan, 'uninstall'> & { units: { name: string; pidFile: string }[] } {
  const ctx = hostCommandContext({ cluster: { name: 'uninstall', ...CLUSTER_DEFAULTS }, nodeName: 'uninstall', nodeIp: '127.0.0.1', role, controlPlaneIp: '127.0.0.1', bundle });
  return { uninstall: uninstallSteps(ctx), units: ROLE_COMPONENTS[role].map((name) => ({ name, pidFile: ctx.layout.pidFile(name) })) };
}

/** Files whose content is compared on every run (the join-only ones are written when joining). */
export const comparedFiles = (p: Pick<HostPlan, 'files'>): DesiredFile[] => p.files.filter((f) => !f.onlyToJoin);

export { CONFIG_DIR };
