// One certificate through the certificates API: a new ECDSA P-256 key, a PKCS#10 request for it,
// a CertificateSigningRequest created with the caller's current credentials, and the wait until a
// certificate is issued (or the request is denied or fails).
import * as crypto from 'node:crypto';
import type { KObject } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import type { ApiClient } from '../../lib/client/api-client';
import { createCsrPem, type CsrTemplate } from '../../lib/pki/x509/csr';

export class CertificateRequestError extends Error {
  readonly code = 'KUBELET_CSR_REFUSED';
  constructor(message: string) {
    super(message);
    this.name = 'CertificateRequestError';
  }
}

export interface CertificateRequest {
  template: CsrTemplate;
  signerName: string;
  usages: string[];
  pollMs?: number;
  /** Stops the wait (the kubelet is stopping). */
  stopped?: () => boolean;
}

type CsrObj = KObject & { status?: { conditions?: { type?: string; reason?: string; message?: string }[]; certificate?: string } };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function requestCertificate(client: ApiClient, r: CertificateRequest, key = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey): Promise<{ certPem: string; keyPem: string; csrName: string }> {
  const request = Buffer.from(createCsrPem(r.template, key)).toString('base64');
  const created = await client.create<CsrObj>(Resources.certificatesigningrequests, {
    apiVersion: 'certificates.k8s.io/v1',
    kind: 'CertificateSigningRequest',
    metadata: { generateName: 'csr-' },
    spec: { request, signerName: r.signerName, usages: r.usages },
  } as CsrObj);
  const name = created.metadata.name!;
  for (;;) {
    if (r.stopped?.()) throw new CertificateRequestError(`stopped while waiting for ${name}`);
    const csr = await client.get<CsrObj>(Resources.certificatesigningrequests, undefined, name);
    const conds = csr.status?.conditions ?? [];
    const bad = conds.find((c) => c.type === 'Denied' || c.type === 'Failed');
    if (bad) throw new CertificateRequestError(`certificate signing request ${name} is ${bad.type === 'Denied' ? 'denied' : 'failed'}: ${bad.reason ?? ''} ${bad.message ?? ''}`.trim());
    if (csr.status?.certificate) {
      return { certPem: Buffer.from(csr.status.certificate, 'base64').toString('utf8'), keyPem: key.export({ format: 'pem', type: 'pkcs8' }).toString(), csrName: name };
    }
    await sleep(r.pollMs ?? 500);
  }
}
