// The cluster's PKI, kept on the machine that runs `k8ts deploy` (<state>/pki): the CA, the
// control plane's serving and client certificates, a serving certificate per node, kube-proxy's
// client identity and the admin's. Hosts get only what they need (host-plan.ts decides); a
// worker's kubelet gets no client certificate from here — it asks for one with a CSR (TLS
// bootstrapping). Every certificate is reused while it still fits (lib/pki), so a re-run writes
// the same bytes and restarts nothing.
import { apiserverSans, ensureCa, ensureClientCert, ensureServingCert, type CertPair } from '../../lib/pki';
import { kubeletServingSans } from '../cluster/pki-setup';

export interface Pem {
  cert: string;
  key: string;
}

export interface ClusterPki {
  ca: Pem;
  apiserver: Pem;
  apiserverKubeletClient: Pem;
  schedulerServing: Pem;
  controllerManagerServing: Pem;
  schedulerClient: Pem;
  controllerManagerClient: Pem;
  kubeProxyClient: Pem;
  /** The cluster DNS on every node (its Service, Lease and endpoints). */
  dnsClient: Pem;
  /** The ingress controller on every node (Ingress status, its election Lease). */
  ingressClient: Pem;
  admin: Pem;
  /** The control plane's own kubelet: as kubeadm init does, its client certificate is issued here. */
  controlPlaneKubeletClient: Pem;
  /** node name → the kubelet's serving certificate (logs, exec, port-forward). */
  kubeletServing: Record<string, Pem>;
}

export interface PkiNode {
  name: string;
  ip: string;
  /** Other names the node is reached by (the inventory's address when it is a DNS name). */
  extraSans?: string[];
}

const pem = (p: CertPair): Pem => ({ cert: p.cert, key: p.key });

/** Kubernetes' identities (as kubeadm names them): who each credential authenticates as. */
export const IDENTITIES = {
  admin: { cn: 'kubernetes-admin', orgs: ['system:masters'] },
  scheduler: { cn: 'system:kube-scheduler', orgs: [] as string[] },
  controllerManager: { cn: 'system:kube-controller-manager', orgs: [] as string[] },
  kubeProxy: { cn: 'system:kube-proxy', orgs: [] as string[] },
  dns: { cn: 'system:k8ts-dns', orgs: [] as string[] },
  ingress: { cn: 'system:k8ts-ingress', orgs: [] as string[] },
  apiserverKubeletClient: { cn: 'kube-apiserver-kubelet-client', orgs: ['kube-apiserver-kubelet-client'] },
  node: (name: string) => ({ cn: `system:node:${name}`, orgs: ['system:nodes'] }),
};

export async function ensureClusterPki(dir: string, o: { serviceIp: string; controlPlane: PkiNode; nodes: PkiNode[] }): Promise<ClusterPki> {
  const ca = await ensureCa(dir);
  const cp = o.controlPlane;
  const cpSans = ['localhost', '127.0.0.1', cp.ip, cp.name, ...(cp.extraSans ?? [])];
  const kubeletServing: Record<string, Pem> = {};
  for (const n of o.nodes) {
    kubeletServing[n.name] = pem(await ensureServingCert(dir, ca, `kubelet-${n.name}`, n.name, [...kubeletServingSans(n.name, n.ip), ...(n.extraSans ?? [])]));
  }
  const client = async (base: string, id: { cn: string; orgs: string[] }) => pem(await ensureClientCert(dir, ca, base, id.cn, id.orgs));
  return {
    ca: pem(ca),
    apiserver: pem(await ensureServingCert(dir, ca, 'apiserver', 'kube-apiserver', apiserverSans([cp.ip, cp.name, ...(cp.extraSans ?? [])], o.serviceIp))),
    apiserverKubeletClient: await client('apiserver-kubelet-client', IDENTITIES.apiserverKubeletClient),
    schedulerServing: pem(await ensureServingCert(dir, ca, 'scheduler', 'kube-scheduler', cpSans)),
    controllerManagerServing: pem(await ensureServingCert(dir, ca, 'controller-manager', 'kube-controller-manager', cpSans)),
    schedulerClient: await client('scheduler-client', IDENTITIES.scheduler),
    controllerManagerClient: await client('controller-manager-client', IDENTITIES.controllerManager),
    kubeProxyClient: await client('kube-proxy-client', IDENTITIES.kubeProxy),
    dnsClient: await client('dns-client', IDENTITIES.dns),
    ingressClient: await client('ingress-client', IDENTITIES.ingress),
    admin: await client('admin-client', IDENTITIES.admin),
    controlPlaneKubeletClient: await client(`kubelet-client-${cp.name}`, IDENTITIES.node(cp.name)),
    kubeletServing,
  };
}
