// The kubelet's client identity through TLS bootstrapping (--bootstrap-kubeconfig, --kubeconfig,
// --cert-dir): at start, a missing or expired certificate is obtained with the bootstrap token
// through a CertificateSigningRequest for system:node:<name>; with --rotate-certificates it is
// renewed at 70–90 % of its lifetime through a new request authenticated with the current
// certificate, and the API client switches to it without a restart.
import { GrpcApiClient, grpcOptionsFromKubeconfig } from '../../lib/client/grpc-client';
import { loadKubeconfig } from '../../lib/client/kubeconfig';
import { componentLogger } from '../../lib/log';
import { certFacts, clientCertPaths, rotationDeadline, usableClientCert, writeClientCert, writeKubeconfig, type CertFacts } from './cert-files';
import { requestCertificate } from './csr-request';

export const KUBELET_CLIENT_SIGNER = 'kubernetes.io/kube-apiserver-client-kubelet';
const CLIENT_USAGES = ['digital signature', 'client auth'];
const RETRY_MIN_MS = 2000;
const RETRY_MAX_MS = 5 * 60_000;
/** setTimeout's limit; longer waits are taken in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

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

/** Renews the client certificate before it expires and hands the new one to the client. */
export class ClientCertRotator {
  private readonly log;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private failures = 0;

  constructor(
    private readonly o: ClientCertOptions & { client: GrpcApiClient; random?: () => number },
    private facts: CertFacts,
  ) {
    this.log = componentLogger('kubelet', { node: o.nodeName, part: 'certificates' });
  }

  start(): void {
    this.schedule(rotationDeadline(this.facts, (this.o.random ?? Math.random)()));
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(at: Date): void {
    if (this.stopped) return;
    const ms = Math.max(0, at.getTime() - Date.now());
    this.log.info({ rotationDeadline: at.toISOString(), serial: this.facts.serial }, 'client certificate rotation scheduled');
    this.timer = setTimeout(() => (ms > MAX_TIMER_MS ? this.schedule(at) : void this.rotate()), Math.min(ms, MAX_TIMER_MS));
  }

  private async rotate(): Promise<void> {
    if (this.stopped) return;
    try {
      // The request is authenticated with the current certificate: csrapproving sees the node renewing itself.
      const got = await requestCertificate(this.o.client, { template: template(this.o.nodeName), signerName: KUBELET_CLIENT_SIGNER, usages: CLIENT_USAGES, stopped: () => this.stopped });
      writeClientCert(clientCertPaths(this.o.certDir), got.certPem, got.keyPem);
      this.o.client.rotateCredentials(Buffer.from(got.certPem), Buffer.from(got.keyPem));
      this.facts = certFacts(got.certPem);
      this.failures = 0;
      this.log.info({ csr: got.csrName, serial: this.facts.serial, notAfter: this.facts.notAfter.toISOString() }, 'client certificate rotated');
      this.schedule(rotationDeadline(this.facts, (this.o.random ?? Math.random)()));
    } catch (e) {
      if (this.stopped) return;
      this.failures++;
      const delay = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** (this.failures - 1));
      this.log.warn({ err: (e as Error).message, retryInMs: delay }, 'client certificate rotation failed');
      this.schedule(new Date(Date.now() + delay));
    }
  }
}
