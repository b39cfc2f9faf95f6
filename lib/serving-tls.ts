// Serving certificates for a component's own HTTPS port: read once at start from --tls-cert-file
// and --tls-private-key-file; with neither given the port serves plain HTTP.
import * as fs from 'node:fs';

export class ServingTlsError extends Error {
  readonly code = 'SERVING_TLS_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'ServingTlsError';
  }
}

export function servingTls(certFile: string, keyFile: string): { cert: Buffer; key: Buffer } | undefined {
  if (!certFile && !keyFile) return undefined;
  if (!certFile || !keyFile) throw new ServingTlsError('--tls-cert-file and --tls-private-key-file go together');
  return { cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile) };
}
