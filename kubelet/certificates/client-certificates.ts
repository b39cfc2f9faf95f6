// The kubelet's client identity through TLS bootstrapping (--bootstrap-kubeconfig, --kubeconfig,
// --cert-dir): at start, a missing or expired certificate is obtained with the bootstrap token
// through a CertificateSigningRequest for system:node:<name>; with --rotate-certificates it is
// renewed at 70–90 % of its lifetime through a new request authenticated with the current
// certificate, and the API client switches to it without a restart.
import { GrpcApiClient, grpcOptionsFromKubeconfig } from '../../lib/client/grpc-client';
import { loadKubeconfig } from '../../lib/client/kubeconfig';
import { componentLogger } from '../../lib/log';
import { certFacts, clientCertPaths, usableClientCert, writeClientCert, writeKubeconfig, type CertFacts } from './cert-files';
import { CertRenewer } from './renewer';
import { requestCertificate } from './csr-request';

export const KUBELET_CLIENT_SIGNER = 'kubernetes.io/kube-apiserver-client-kubelet';
const CLIENT_USAGES = ['digital signature', 'client auth'];

export interface ClientCertOptions {
  nodeName: string;
  kubeconfig: string;
  bootstrapKubeconfig: string;
  certDir: string;
  apiserverGrpc?: string;
}

const template = (nodeName: string) => ({ commonName: `system:node:${nodeName}`, organizations: ['system:nodes'] });

/**
 * Makes sure --kubeconfig holds a usable client certificate: kept when it does, else bootstrapped
 * with the token of --bootstrap-kubeconfig (the CSR is created as system:bootstrap:<id>).
 */
export async function ensureClientCertificate(o: ClientCertOptions, stopped: () => boolean = () => false): Promise<CertFacts> {
  const log = componentLogger('kubelet', { node: o.nodeName, part: 'certificates' });
  const current = usableClientCert(o.kubeconfig, new Date());
  if (current) {
    log.info({ serial: current.serial, notAfter: current.notAfter.toISOString() }, 'client certificate in kubeconfig is valid');
    return current;
  }
  log.info({ bootstrapKubeconfig: o.bootstrapKubeconfig }, 'no valid client certificate: bootstrapping with the bootstrap token');
  const boot = loadKubeconfig(o.bootstrapKubeconfig);
  const client = new GrpcApiClient(grpcOptionsFromKubeconfig(o.bootstrapKubeconfig, o.apiserverGrpc || undefined, 6444, true));
  try {
    const got = await requestCertificate(client, { template: template(o.nodeName), signerName: KUBELET_CLIENT_SIGNER, usages: CLIENT_USAGES, stopped });
    const paths = clientCertPaths(o.certDir);
    writeClientCert(paths, got.certPem, got.keyPem);
    writeKubeconfig(o.kubeconfig, boot.server, boot.ca ?? Buffer.alloc(0), paths, 'default-auth');
    const facts = certFacts(got.certPem);
    log.info({ csr: got.csrName, serial: facts.serial, notAfter: facts.notAfter.toISOString() }, 'client certificate bootstrapped');
    return facts;
  } finally {
    client.close();
  }
}

/**
 * Renews the client certificate before it expires: the new request is authenticated with the
 * current certificate (csrapproving sees the node renewing itself), the files are rewritten and
 * the API client switches to the new certificate without a restart.
 */
export function clientCertRenewer(o: ClientCertOptions & { client: GrpcApiClient }, facts: CertFacts): CertRenewer {
  return new CertRenewer('client', o.nodeName, facts, async (stopped) => {
    const got = await requestCertificate(o.client, { template: template(o.nodeName), signerName: KUBELET_CLIENT_SIGNER, usages: CLIENT_USAGES, stopped });
    writeClientCert(clientCertPaths(o.certDir), got.certPem, got.keyPem);
    o.client.rotateCredentials(Buffer.from(got.certPem), Buffer.from(got.keyPem));
    return certFacts(got.certPem);
  });
}
