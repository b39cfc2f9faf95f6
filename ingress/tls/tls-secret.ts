// A kubernetes.io/tls Secret checked before it is served: type, both keys, PEM that node's crypto
// parses, and a key that belongs to the certificate. A bad Secret becomes a problem line in the
// route table (and a log line), never an exception in a TLS handshake.
import * as crypto from 'node:crypto';
import { TLS_SECRET_TYPE, type Secret } from '../routes/api-types';

export interface TlsCertificate {
  /** `namespace/name` of the Secret. */
  secret: string;
  /** The Secret's resourceVersion: secure contexts are built once per version. */
  version: string;
  cert: string;
  key: string;
  /** The certificate's SANs (DNS names), for logs and tests. */
  names: string[];
  notAfter: string;
}

export type TlsSecretResult = { ok: true; certificate: TlsCertificate } | { ok: false; problem: string };

function decode(data: Record<string, string>, key: string): string | undefined {
  const v = data[key];
  if (typeof v !== 'string' || !v) return undefined;
  return Buffer.from(v, 'base64').toString('utf8');
}

export function tlsCertificateOf(secret: Secret): TlsSecretResult {
  const name = `${secret.metadata.namespace ?? ''}/${secret.metadata.name ?? ''}`;
  const bad = (why: string): TlsSecretResult => ({ ok: false, problem: `secret ${name}: ${why}` });
  if (secret.type !== TLS_SECRET_TYPE) return bad(`type is "${secret.type ?? ''}", not ${TLS_SECRET_TYPE}`);
  const data = secret.data ?? {};
  const cert = decode(data, 'tls.crt');
  const key = decode(data, 'tls.key');
  if (!cert) return bad('tls.crt is missing or empty');
  if (!key) return bad('tls.key is missing or empty');
  let x509: crypto.X509Certificate;
  try {
    x509 = new crypto.X509Certificate(cert);
  } catch (err) {
    return bad(`tls.crt is not a PEM certificate (${(err as Error).message})`);
  }
  let privateKey: crypto.KeyObject;
  try {
    privateKey = crypto.createPrivateKey(key);
  } catch (err) {
    return bad(`tls.key is not a PEM private key (${(err as Error).message})`);
  }
  if (!x509.checkPrivateKey(privateKey)) return bad('tls.key does not belong to the certificate in tls.crt');
  const names = (x509.subjectAltName ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.startsWith('DNS:'))
    .map((s) => s.slice(4));
  return { ok: true, certificate: { secret: name, version: secret.metadata.resourceVersion ?? '', cert, key, names, notAfter: new Date(x509.validTo).toISOString() } };
}
