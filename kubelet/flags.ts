// The kubelet's flags and the typed config built from them. Loaded by main.ts before logging is
// configured: import nothing that creates a logger (the config type is a type-only import).
import * as net from 'node:net';
import * as os from 'node:os';
import { FlagError, type Parsed } from '../lib/flags';
import type { KubeletConfig } from './kubelet';

export const KUBELET_FLAGS = {
  kubeconfig: '',
  apiserverGrpc: '',
  nodeName: '',
  nodeIp: '',
  containerRuntimeEndpoint: 'unix:///run/k8ts/containerd/containerd.sock',
  rootDir: '/var/lib/k8ts/kubelet',
  imageDir: '/var/lib/k8ts/images',
  cniConfDir: '/etc/k8ts/cni/net.d',
  cniBinDir: '/usr/lib/cni',
  cgroupRoot: '/k8ts',
  port: 10250,
  tlsCertFile: '',
  tlsPrivateKeyFile: '',
  housekeepingMs: 5000,
  /** TLS bootstrapping: a kubeconfig with a bootstrap token, used when --kubeconfig has no valid certificate. */
  bootstrapKubeconfig: '',
  /** Where the bootstrapped client certificate and key are kept (default <root-dir>/pki). */
  certDir: '',
  /** Renew the client certificate before it expires (with --bootstrap-kubeconfig). */
  rotateCertificates: true,
  /** Without --tls-cert-file: the serving certificate comes from kubernetes.io/kubelet-serving CSRs, renewed before expiry. */
  rotateServerCertificates: false,
  /** The cluster DNS Service's address(es), comma-separated: ClusterFirst pods' nameservers ('' → they use the node's resolver). */
  clusterDns: '10.96.0.10',
  /** The cluster's DNS domain: ClusterFirst pods search <ns>.svc.<domain>, svc.<domain>, <domain>. */
  clusterDomain: 'cluster.local',
  /** The node's resolver config, the base of Default pods' DNS ('' → they use 127.0.0.1). */
  resolvConf: '/etc/resolv.conf',
};

/** --cluster-dns: a comma list of IP addresses. */
function clusterDnsOf(raw: string): string[] {
  const ips = raw.split(',').map((s) => s.trim()).filter(Boolean);
  for (const ip of ips) if (!net.isIP(ip)) throw new FlagError(`--cluster-dns: "${ip}" is not an IP address`);
  return ips;
}

/** Parsed flags → the kubelet's config: required flags checked, the node name defaulted. */
export function kubeletConfigFromFlags(f: Parsed<typeof KUBELET_FLAGS>): KubeletConfig {
  if (!f.kubeconfig) throw new FlagError('--kubeconfig is required');
  if (!f.nodeIp) throw new FlagError('--node-ip is required');
  if (!Number.isInteger(f.port) || f.port < 0 || f.port > 65535) throw new FlagError(`--port ${f.port} is not a port (0 disables)`);
  if (!(f.housekeepingMs > 0)) throw new FlagError('--housekeeping-ms must be positive');
  const clusterDomain = f.clusterDomain.replace(/\.$/, '');
  if (clusterDomain && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(clusterDomain))
    throw new FlagError(`--cluster-domain: "${f.clusterDomain}" is not a DNS domain`);
  return {
    kubeconfig: f.kubeconfig,
    apiserverGrpc: f.apiserverGrpc,
    nodeName: f.nodeName || os.hostname().toLowerCase(),
    nodeIp: f.nodeIp,
    containerRuntimeEndpoint: f.containerRuntimeEndpoint,
    rootDir: f.rootDir,
    imageDir: f.imageDir,
    cniConfDir: f.cniConfDir,
    cniBinDir: f.cniBinDir,
    cgroupRoot: f.cgroupRoot,
    port: f.port,
    tlsCertFile: f.tlsCertFile,
    tlsPrivateKeyFile: f.tlsPrivateKeyFile,
    housekeepingMs: f.housekeepingMs,
    bootstrapKubeconfig: f.bootstrapKubeconfig || undefined,
    certDir: f.certDir || `${f.rootDir}/pki`,
    rotateCertificates: f.rotateCertificates,
    rotateServerCertificates: f.rotateServerCertificates,
    clusterDNS: clusterDnsOf(f.clusterDns),
    clusterDomain,
    resolvConf: f.resolvConf,
  };
}
