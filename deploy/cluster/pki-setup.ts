// The cluster's certificates and kubeconfigs: one CA, serving certificates for the apiserver, the
// kubelet, the scheduler and the controller-manager, and one client identity per component following Kubernetes naming.
import * as fs from 'node:fs';
import { apiserverSans, ensureCa, ensureClientCert, ensureServingCert, type CertPair } from '../../lib/pki';
import { renderKubeconfig } from '../../lib/client/kubeconfig';
import type { KubeconfigOwner, Layout } from './layout';

export interface ClientIdentity {
  /** file base name under pki/ and the kubeconfig it goes into */
  base: 'admin' | KubeconfigOwner;
  cn: string;
  orgs: string[];
}

/** Pure: who each kubeconfig authenticates as. */
export function clientIdentities(nodeName: string): ClientIdentity[] {
  return [
    { base: 'admin', cn: 'admin', orgs: ['system:masters'] },
    { base: 'scheduler', cn: 'system:kube-scheduler', orgs: [] },
    { base: 'controller-manager', cn: 'system:kube-controller-manager', orgs: [] },
    { base: 'kube-proxy', cn: 'system:kube-proxy', orgs: [] },
    { base: 'dns', cn: 'system:k8ts-dns', orgs: [] },
    { base: 'ingress', cn: 'system:k8ts-ingress', orgs: [] },
    { base: 'kubelet', cn: `system:node:${nodeName}`, orgs: ['system:nodes'] },
  ];
}

export function kubeletServingSans(nodeName: string, nodeIp: string): string[] {
  return [nodeName, nodeIp, 'localhost', '127.0.0.1'];
}

function writeIfChanged(file: string, text: string): void {
  try {
    if (fs.readFileSync(file, 'utf8') === text) return;
  } catch {
    // absent: write it
  }
  fs.writeFileSync(file, text, { mode: 0o600 });
}

export async function ensurePki(
  layout: Layout,
  o: { nodeName: string; nodeIp: string; server: string },
): Promise<{ ca: CertPair }> {
  const dir = layout.pkiDir;
  const ca = await ensureCa(dir);
  await ensureServingCert(dir, ca, 'apiserver', 'kube-apiserver', apiserverSans([o.nodeIp]));
  await ensureServingCert(dir, ca, 'kubelet', o.nodeName, kubeletServingSans(o.nodeName, o.nodeIp));
  // the scheduler's and controller-manager's own HTTPS ports (/livez, /readyz, /metrics)
  const controlPlaneSans = ['localhost', '127.0.0.1', o.nodeIp];
  await ensureServingCert(dir, ca, 'scheduler', 'kube-scheduler', controlPlaneSans);
  await ensureServingCert(dir, ca, 'controller-manager', 'kube-controller-manager', controlPlaneSans);
  // the apiserver's identity towards kubelets (logs, exec, port-forward)
  await ensureClientCert(dir, ca, 'apiserver-kubelet-client', 'kube-apiserver-kubelet-client', ['kube-apiserver-kubelet-client']);
  for (const id of clientIdentities(o.nodeName)) {
    const pair = await ensureClientCert(dir, ca, `${id.base}-client`, id.cn, id.orgs);
    const file = id.base === 'admin' ? layout.adminKubeconfig : layout.kubeconfig(id.base);
    writeIfChanged(file, renderKubeconfig({ server: o.server, ca: ca.cert, cert: pair.cert, key: pair.key, user: id.cn }));
  }
  return { ca };
}
