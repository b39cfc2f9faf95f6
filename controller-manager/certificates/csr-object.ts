// Reading a CertificateSigningRequest object into the plain views the decisions take.
import type { KObject } from '../../lib/api/types';
import { parseCsrPem, type ParsedCsr } from '../../lib/pki/x509/csr';
import type { CsrView } from './csr-checks';

export interface CsrObject extends KObject {
  spec: { request?: string; signerName?: string; usages?: string[]; username?: string; groups?: string[]; expirationSeconds?: number };
  status?: { conditions?: { type?: string; status?: string; reason?: string; message?: string }[]; certificate?: string };
}

export function viewOf(o: CsrObject): CsrView {
  return {
    name: o.metadata.name ?? '',
    signerName: o.spec?.signerName ?? '',
    usages: o.spec?.usages ?? [],
    username: o.spec?.username ?? '',
    groups: o.spec?.groups ?? [],
    expirationSeconds: o.spec?.expirationSeconds,
  };
}

/** The parsed request (the apiserver verified it at admission), undefined when it does not parse. */
export function parsedRequest(o: CsrObject): ParsedCsr | undefined {
  try {
    return parseCsrPem(Buffer.from(o.spec?.request ?? '', 'base64').toString('latin1'));
  } catch {
    return undefined;
  }
}

export const hasCondition = (o: CsrObject, type: string): boolean => (o.status?.conditions ?? []).some((c) => c.type === type);
