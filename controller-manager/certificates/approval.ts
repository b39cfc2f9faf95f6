// csrapproving's decision, pure: which requests are approved automatically and why. Upstream
// approves kubelet client requests after a SubjectAccessReview for certificatesigningrequests/
// nodeclient (a bootstrapper's first certificate) or .../selfnodeclient (a node renewing its own);
// without RBAC, the requester's identity decides instead: nodeclient for the system:bootstrappers
// group, selfnodeclient for system:nodes with username equal to the subject's common name. Kubelet
// serving requests, which upstream never approves, are approved here only for the node itself and
// only when every SAN is one of that Node's own addresses or hostnames (kubelet-csr-approver's
// rule), because the apiserver verifies kubelet serving certificates.
import type { ParsedCsr } from '../../lib/pki/x509/csr';
import { BOOTSTRAPPERS_GROUP } from '../../lib/api/bootstrap-token';
import { NODES_GROUP, SIGNER, kubeletClientProblem, kubeletServingProblem, type CsrView } from './csr-checks';

export interface NodeAddresses {
  /** status.addresses of the Node the request names, undefined when there is no such Node. */
  addresses?: { type: string; address: string }[];
}

export type ApprovalDecision = { approve: true; message: string } | { approve: false; why: string };

export function approvalDecision(v: CsrView, c: ParsedCsr | undefined, node: NodeAddresses | undefined): ApprovalDecision {
  if (!c) return { approve: false, why: 'request does not parse' };
  if (v.signerName === SIGNER.kubeletClient) {
    const problem = kubeletClientProblem(v, c);
    if (problem) return { approve: false, why: problem };
    if (v.username === c.commonName && v.groups.includes(NODES_GROUP))
      return { approve: true, message: 'Auto approving self kubelet client certificate after SubjectAccessReview.' };
    if (v.groups.includes(BOOTSTRAPPERS_GROUP)) return { approve: true, message: 'Auto approving kubelet client certificate after SubjectAccessReview.' };
    return { approve: false, why: `requester ${v.username} is neither a bootstrapper nor the node itself` };
  }
  if (v.signerName === SIGNER.kubeletServing) {
    const problem = kubeletServingProblem(v, c);
    if (problem) return { approve: false, why: problem };
    if (v.username !== c.commonName || !v.groups.includes(NODES_GROUP)) return { approve: false, why: `requester ${v.username} is not ${c.commonName}` };
    if (!node?.addresses) return { approve: false, why: 'the node does not exist or has no addresses yet' };
    const ips = new Set(node.addresses.filter((a) => a.type === 'InternalIP' || a.type === 'ExternalIP').map((a) => a.address));
    const names = new Set(node.addresses.filter((a) => a.type === 'Hostname' || a.type === 'InternalDNS' || a.type === 'ExternalDNS').map((a) => a.address));
    const strayIp = c.ipAddresses.find((ip) => !ips.has(ip));
    if (strayIp) return { approve: false, why: `IP address ${strayIp} is not one of the node's addresses` };
    const strayName = c.dnsNames.find((d) => !names.has(d));
    if (strayName) return { approve: false, why: `DNS name ${strayName} is not one of the node's hostnames` };
    return { approve: true, message: "Auto approving kubelet serving certificate after checking the node's addresses." };
  }
  return { approve: false, why: `signer ${v.signerName} is not approved automatically` };
}
