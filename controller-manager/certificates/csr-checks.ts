// What kube-controller-manager recognises in a CertificateSigningRequest: a kubelet client
// request, a kubelet serving request, a kube-apiserver client request, judged from the parsed
// PKCS#10 request and spec.usages. Pure; shared by the approver and the signer, which refuses to
// sign for a signer what that signer's rules do not allow (upstream's signer validation).
import type { ParsedCsr } from '../../lib/pki/x509/csr';

export const SIGNER = {
  kubeletClient: 'kubernetes.io/kube-apiserver-client-kubelet',
  kubeletServing: 'kubernetes.io/kubelet-serving',
  apiserverClient: 'kubernetes.io/kube-apiserver-client',
  legacyUnknown: 'kubernetes.io/legacy-unknown',
} as const;

export const NODE_USER_PREFIX = 'system:node:';
export const NODES_GROUP = 'system:nodes';

export interface CsrView {
  name: string;
  signerName: string;
  usages: string[];
  username: string;
  groups: string[];
  expirationSeconds?: number;
}

/** The usages equal `required` plus any of `optional`, nothing else, no repeats. */
function usagesAre(usages: string[], required: string[], optional: string[]): boolean {
  const set = new Set(usages);
  if (set.size !== usages.length) return false;
  return required.every((u) => set.has(u)) && usages.every((u) => required.includes(u) || optional.includes(u));
}

const keyOk = (c: ParsedCsr) => c.publicKeyAlgorithm === 'ecdsa' || c.publicKeyAlgorithm === 'rsa';

/** Why a request is not a kubelet client certificate request (undefined: it is one). */
export function kubeletClientProblem(v: CsrView, c: ParsedCsr): string | undefined {
  if (v.signerName !== SIGNER.kubeletClient) return `signerName must be ${SIGNER.kubeletClient}`;
  if (c.organizations.length !== 1 || c.organizations[0] !== NODES_GROUP) return `subject organization is not ${NODES_GROUP}`;
  if (!c.commonName.startsWith(NODE_USER_PREFIX) || c.commonName.length === NODE_USER_PREFIX.length) return `subject common name does not begin with ${NODE_USER_PREFIX}`;
  if (c.subjectAttributes.some((a) => a.oid !== '2.5.4.3' && a.oid !== '2.5.4.10')) return 'subject may carry only a common name and the organization';
  if (c.dnsNames.length || c.emailAddresses.length || c.ipAddresses.length || c.uris.length) return 'DNS, email, IP or URI subjectAltNames are not allowed';
  if (!usagesAre(v.usages, ['digital signature', 'client auth'], ['key encipherment'])) return 'usages must be "digital signature" and "client auth", optionally "key encipherment"';
  if (!keyOk(c)) return `public key must be ECDSA or RSA, not ${c.publicKeyAlgorithm}`;
  return undefined;
}

/** Why a request is not a kubelet serving certificate request (undefined: it is one). */
export function kubeletServingProblem(v: CsrView, c: ParsedCsr): string | undefined {
  if (v.signerName !== SIGNER.kubeletServing) return `signerName must be ${SIGNER.kubeletServing}`;
  if (c.organizations.length !== 1 || c.organizations[0] !== NODES_GROUP) return `subject organization is not ${NODES_GROUP}`;
  if (!c.commonName.startsWith(NODE_USER_PREFIX) || c.commonName.length === NODE_USER_PREFIX.length) return `subject common name does not begin with ${NODE_USER_PREFIX}`;
  if (c.emailAddresses.length || c.uris.length) return 'email and URI subjectAltNames are not allowed';
  if (!c.dnsNames.length && !c.ipAddresses.length) return 'DNS or IP subjectAltName is required';
  if (!usagesAre(v.usages, ['digital signature', 'server auth'], ['key encipherment'])) return 'usages must be "digital signature" and "server auth", optionally "key encipherment"';
  if (!keyOk(c)) return `public key must be ECDSA or RSA, not ${c.publicKeyAlgorithm}`;
  return undefined;
}

/** What csrsigning allows each signer to issue; undefined: fine, else the Failed message. */
export function signerProblem(v: CsrView, c: ParsedCsr): string | undefined {
  switch (v.signerName) {
    case SIGNER.kubeletClient:
      return kubeletClientProblem(v, c);
    case SIGNER.kubeletServing:
      return kubeletServingProblem(v, c);
    case SIGNER.apiserverClient:
      return usagesAre(v.usages, ['client auth'], ['digital signature', 'key encipherment']) ? undefined : 'usages must include "client auth" and only "digital signature" or "key encipherment" besides';
    case SIGNER.legacyUnknown:
      return undefined;
    default:
      return `unknown signer ${v.signerName}`;
  }
}

export const handledSigners = new Set<string>(Object.values(SIGNER));
