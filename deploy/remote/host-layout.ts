// Where a deployed node keeps everything, on every host alike: the bundle under /opt/k8ts, its
// configuration and credentials under /etc/k8ts/node, state under /var/lib/k8ts, logs under
// /var/log/k8ts, containerd's runtime state under /run/k8ts/containerd. Only these paths (and
// the boot hook and systemd unit files named here) are ever written or removed on a host: other
// files under /etc/k8ts (a node image's own boot script, for one) are not the deploy's.
import * as path from 'node:path';
import type { ComponentName, Layout } from '../cluster/layout';

export const OPT_DIR = '/opt/k8ts';
export const BUNDLES_DIR = `${OPT_DIR}/bundles`;
export const CONFIG_DIR = '/etc/k8ts/node';
export const STATE_DIR = '/var/lib/k8ts';
export const LOG_DIR = '/var/log/k8ts';
export const RUN_DIR = '/run/k8ts/containerd';
export const SUPERVISOR_DIR = `${STATE_DIR}/supervisor`;
/** What the host agent last applied: unit hashes, bundle, node identity. */
export const APPLIED_FILE = `${STATE_DIR}/deploy/applied.json`;
/** Run at every boot of a machine without systemd (by the k8ts node image's init, for one). */
export const BOOT_HOOK = '/etc/k8ts/boot.d/50-k8ts-node';
export const SYSTEMD_DIR = '/etc/systemd/system';
export const SYSCTL_FILE = '/etc/sysctl.d/90-k8ts-node.conf';
export const MODULES_FILE = '/etc/modules-load.d/k8ts-node.conf';
/** Where the kubelet keeps the client certificate TLS bootstrapping got it. */
export const KUBELET_CERT_DIR = `${STATE_DIR}/kubelet/pki`;
export const BOOTSTRAP_KUBECONFIG = `${CONFIG_DIR}/bootstrap-kubelet.kubeconfig`;

/** Every directory a deploy creates, removed again by --uninstall (deepest last to create). */
export const OWNED_DIRS = [OPT_DIR, CONFIG_DIR, STATE_DIR, LOG_DIR, RUN_DIR] as const;

export const bundleDir = (hash: string): string => `${BUNDLES_DIR}/${hash}`;
export const systemdUnitFile = (unit: string): string => `${SYSTEMD_DIR}/k8ts-${unit}.service`;

/** The layout the component command lines are built from (deploy/cluster/component-commands). */
export function hostLayout(): Layout {
  const containerdDir = path.join(STATE_DIR, 'containerd');
  return {
    home: STATE_DIR,
    pkiDir: path.join(CONFIG_DIR, 'pki'),
    logsDir: LOG_DIR,
    runDir: SUPERVISOR_DIR,
    etcdDir: path.join(STATE_DIR, 'etcd'),
    imagesDir: path.join(STATE_DIR, 'images'),
    kubeletRoot: path.join(STATE_DIR, 'kubelet'),
    cniConfDir: path.join(CONFIG_DIR, 'cni', 'net.d'),
    cniBinDir: '/usr/lib/cni',
    containerdDir,
    containerdRoot: path.join(containerdDir, 'root'),
    containerdState: RUN_DIR,
    containerdSocket: path.join(RUN_DIR, 'containerd.sock'),
    containerdConfig: path.join(CONFIG_DIR, 'containerd.toml'),
    registryDir: path.join(STATE_DIR, 'registry'),
    registryConfig: path.join(STATE_DIR, 'registry', 'config.yml'),
    adminKubeconfig: path.join(CONFIG_DIR, 'admin.kubeconfig'),
    kubeconfig: (c) => path.join(CONFIG_DIR, `${c}.kubeconfig`),
    logFile: (c: ComponentName) => path.join(LOG_DIR, `${c}.log`),
    pidFile: (c: ComponentName) => path.join(SUPERVISOR_DIR, `${c}.pid`),
  };
}
