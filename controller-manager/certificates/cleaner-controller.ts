// csrcleaner: deletes the CertificateSigningRequests cleanup.ts calls garbage, in a pass over the
// cache every few minutes (upstream polls hourly; the deadlines are what matter).
import { Resources } from '../../lib/api/resources';
import type { ApiClient } from '../../lib/client/api-client';
import type { Informer } from '../../lib/client/informer';
import { isNotFound } from '../../lib/errors';
import { componentLogger } from '../../lib/log';
import { cleanupReason } from './cleanup';
import type { CsrObject } from './csr-object';

const PASS_MS = 5 * 60_000;

export class CsrCleaner {
  private readonly log = componentLogger('csrcleaner');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly client: ApiClient,
    private readonly csrs: Informer<CsrObject>,
    private readonly passMs = PASS_MS,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.pass().finally(() => (this.running = undefined));
    }, this.passMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  async pass(now = new Date()): Promise<void> {
    for (const c of this.csrs.list()) {
      const why = cleanupReason({ creationTimestamp: c.metadata.creationTimestamp, conditions: c.status?.conditions ?? [], certificate: c.status?.certificate }, now);
      if (!why) continue;
      try {
        await this.client.delete(Resources.certificatesigningrequests, undefined, c.metadata.name!, { preconditions: { uid: c.metadata.uid } });
        this.log.info({ csr: c.metadata.name, why }, 'certificate signing request deleted');
      } catch (e) {
        if (!isNotFound(e)) this.log.warn({ csr: c.metadata.name, err: (e as Error).message }, 'deleting a certificate signing request failed');
      }
    }
  }
}
