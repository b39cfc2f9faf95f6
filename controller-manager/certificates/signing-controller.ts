// csrsigning: issues certificates for approved requests of the kubernetes.io signers with the
// cluster CA (--cluster-signing-cert-file/--cluster-signing-key-file), or marks them Failed when a
// signer's rules refuse them, as kube-controller-manager's csrsigning controller does.
import * as fs from 'node:fs';
import { Resources } from '../../lib/api/resources';
import type { ApiClient } from '../../lib/client/api-client';
import type { Informer } from '../../lib/client/informer';
import { WorkQueue, keyOf } from '../../lib/client/workqueue';
import { isNotFound } from '../../lib/errors';
import { componentLogger } from '../../lib/log';
import { issueCertificate, loadCa } from '../../lib/pki/x509/issue';
import { signerProblem } from './csr-checks';
import { parsedRequest, viewOf, type CsrObject } from './csr-object';
import { signingAction, signingDurationMs, validityWindow } from './signing';

const nowIso = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

export interface SigningOptions {
  certFile: string;
  keyFile: string;
  durationMs: number;
}

export class CsrSigningController {
  private readonly log = componentLogger('csrsigning-controller');
  private readonly queue = new WorkQueue({ name: 'csrsigning' });
  private readonly ca: ReturnType<typeof loadCa>;

  constructor(
    private readonly client: ApiClient,
    private readonly csrs: Informer<CsrObject>,
    private readonly opts: SigningOptions,
  ) {
    // Read once at start: a bad CA fails the controller-manager's start, not the first request.
    this.ca = loadCa({ certPem: fs.readFileSync(opts.certFile, 'utf8'), keyPem: fs.readFileSync(opts.keyFile, 'utf8') });
  }

  start(): void {
    this.csrs.addHandler({ onAdd: (c) => this.queue.add(keyOf(c)), onUpdate: (_o, c) => this.queue.add(keyOf(c)) });
    this.queue.run(1, (k) => this.reconcile(k));
  }

  stop(): Promise<void> {
    return this.queue.shutdown();
  }

  async reconcile(name: string): Promise<void> {
    const csr = this.csrs.get(undefined, name);
    if (!csr) return;
    const action = signingAction({ signerName: csr.spec?.signerName ?? '', conditions: csr.status?.conditions ?? [], certificate: csr.status?.certificate });
    if (action === 'skip') return;
    const view = viewOf(csr);
    const parsed = parsedRequest(csr);
    const problem = parsed ? signerProblem(view, parsed) : 'the request does not parse';
    const status = { ...(csr.status ?? {}) };
    if (problem || !parsed) {
      status.conditions = [...(status.conditions ?? []), { type: 'Failed', status: 'True', reason: 'SignerValidationFailure', message: problem, lastUpdateTime: nowIso() } as never];
      this.log.info({ csr: name, signer: view.signerName, why: problem }, 'certificate signing request failed');
    } else {
      const { notBefore, notAfter } = validityWindow(new Date(), signingDurationMs(this.opts.durationMs, view.expirationSeconds));
      const { pem, serialHex } = issueCertificate(this.ca, { csr: parsed, usages: view.usages, notBefore, notAfter });
      status.certificate = Buffer.from(pem).toString('base64');
      this.log.info({ csr: name, signer: view.signerName, subject: parsed.commonName, serial: serialHex, notAfter: notAfter.toISOString() }, 'certificate issued');
    }
    try {
      await this.client.updateStatus(Resources.certificatesigningrequests, { ...csr, status });
    } catch (e) {
      if (isNotFound(e)) return;
      throw e;
    }
  }
}
