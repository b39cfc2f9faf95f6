// TLS secure contexts for the HTTPS listener: one per Secret version referenced by the route
// table, built when a table arrives (never during a handshake), kept while the version is
// current, and chosen per handshake by SNI. Handshakes for names without a certificate of their
// own, and for clients that send no SNI, get the default certificate: one self-signed at start-up
// (k8ts-ingress-default, through lib/pki with a throwaway CA) unless the caller gives one.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { ensureCa, ensureServingCert } from '../../lib/pki';
import type { Logger } from '../../lib/log';
import { selectCertificate } from '../routes/route';
import type { RouteTable } from '../routes/route-table';

export interface PemPair {
  cert: string;
  key: string;
}

export const DEFAULT_CERT_NAME = 'k8ts-ingress-default';

/** A fresh key pair for the default certificate; the files exist only while it is generated. */
export async function generateDefaultCertificate(): Promise<PemPair> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-ingress-cert-'));
  try {
    const ca = await ensureCa(dir);
    const leaf = await ensureServingCert(dir, ca, 'default', DEFAULT_CERT_NAME, [DEFAULT_CERT_NAME]);
    return { cert: leaf.cert, key: leaf.key };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export class SecureContexts {
  private readonly contexts = new Map<string, { version: string; context: tls.SecureContext }>();
  private table?: RouteTable;
  readonly defaultContext: tls.SecureContext;

  constructor(
    readonly defaultPair: PemPair,
    private readonly log: Logger,
  ) {
    this.defaultContext = tls.createSecureContext(defaultPair);
  }

  /** Takes a new table: builds contexts for new Secret versions, drops unreferenced ones. */
  update(table: RouteTable): void {
    for (const [secret, c] of Object.entries(table.certificates)) {
      if (this.contexts.get(secret)?.version === c.version) continue;
      try {
        this.contexts.set(secret, { version: c.version, context: tls.createSecureContext({ cert: c.cert, key: c.key }) });
        this.log.info({ secret, version: c.version, names: c.names }, 'certificate loaded');
      } catch (err) {
        // Parsed fine but OpenSSL refuses it (an unsupported key type, say): serve the default.
        this.contexts.delete(secret);
        this.log.warn({ secret, version: c.version, err: (err as Error).message }, 'certificate unusable, serving the default for its hosts');
      }
    }
    for (const secret of [...this.contexts.keys()]) if (!table.certificates[secret]) this.contexts.delete(secret);
    this.table = table;
  }

  /** The context a handshake for servername gets. */
  forServername(servername: string | undefined): tls.SecureContext {
    if (!this.table) return this.defaultContext;
    const secret = selectCertificate(this.table, servername);
    return (secret && this.contexts.get(secret)?.context) || this.defaultContext;
  }

  /** Number of contexts built from Secrets (tests, metrics). */
  get size(): number {
    return this.contexts.size;
  }

  /** For tls.createServer: SNI → context, never an error (a handshake must not fail on our side). */
  sniCallback(): (servername: string, cb: (err: Error | null, ctx?: tls.SecureContext) => void) => void {
    return (servername, cb) => cb(null, this.forServername(servername));
  }
}
