// Renews a certificate at 70–90 % of its lifetime (jittered, as the kubelet's certificate manager
// does), retrying failures with backoff. What renewing means (a new CSR, files, switching the
// client or the server) is the caller's function.
import { componentLogger, type Logger } from '../../lib/log';
import { rotationDeadline, type CertFacts } from './cert-files';

const RETRY_MIN_MS = 2000;
const RETRY_MAX_MS = 5 * 60_000;
/** setTimeout's limit; longer waits are taken in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class CertRenewer {
  private readonly log: Logger;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private failures = 0;

  constructor(
    what: string,
    nodeName: string,
    private facts: CertFacts,
    private readonly renew: (stopped: () => boolean) => Promise<CertFacts>,
    private readonly random: () => number = Math.random,
  ) {
    this.log = componentLogger('kubelet', { node: nodeName, part: 'certificates', certificate: what });
  }

  start(): void {
    this.schedule(rotationDeadline(this.facts, this.random()));
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(at: Date): void {
    if (this.stopped) return;
    const ms = Math.max(0, at.getTime() - Date.now());
    this.log.info({ rotationDeadline: at.toISOString(), serial: this.facts.serial }, 'certificate rotation scheduled');
    this.timer = setTimeout(() => (ms > MAX_TIMER_MS ? this.schedule(at) : void this.rotate()), Math.min(ms, MAX_TIMER_MS));
  }

  private async rotate(): Promise<void> {
    if (this.stopped) return;
    try {
      this.facts = await this.renew(() => this.stopped);
      this.failures = 0;
      this.log.info({ serial: this.facts.serial, notAfter: this.facts.notAfter.toISOString() }, 'certificate rotated');
      this.schedule(rotationDeadline(this.facts, this.random()));
    } catch (e) {
      if (this.stopped) return;
      this.failures++;
      const delay = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** (this.failures - 1));
      this.log.warn({ err: (e as Error).message, retryInMs: delay }, 'certificate rotation failed');
      this.schedule(new Date(Date.now() + delay));
    }
  }
}
