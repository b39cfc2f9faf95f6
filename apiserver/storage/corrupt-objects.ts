// The apiserver's record of corrupt stored values (see object-decoder.ts): each one is logged once
// per key and revision however many lists, reads and watches meet it, counted in
// apiserver_storage_corrupt_objects_total, and kept in the apiserver_storage_corrupt_objects gauge
// until its key is deleted or holds a good value again. Both families live in the process-wide
// registry that the apiserver's /metrics renders.
import { componentLogger } from '../../lib/log';
import { processMetrics } from '../../lib/metrics/prometheus';

const log = componentLogger('apiserver', { part: 'storage' });

const seenTotal = processMetrics.counter(
  'apiserver_storage_corrupt_objects_total',
  'Stored values that could not be decoded as an object of their resource, each key and revision counted once.',
);
const knownNow = processMetrics.gauge(
  'apiserver_storage_corrupt_objects',
  'Stored objects currently known to be undecodable (left out of lists and watches), by resource.',
);

/** Keys remembered at most; past this, new corrupt keys are still logged but no longer de-duplicated. */
const MAX_KNOWN = 100_000;

export class CorruptObjectLog {
  /** key → revision and resource of the corrupt value it holds. */
  private readonly known = new Map<string, { revision: string; resource: string }>();

  /**
   * A corrupt value met at key; logged and counted the first time for this revision. Reads of the
   * past (an exact list, a later page) may meet older values: those never override a newer one.
   */
  report(key: string, resource: string, revision: string, reason: string): void {
    const had = this.known.get(key);
    if (had && BigInt(revision) <= BigInt(had.revision)) return;
    if (!had && this.known.size >= MAX_KNOWN) {
      log.warn({ key, resource, revision, reason }, 'stored object is corrupt: left out of lists and watches');
      return;
    }
    this.known.set(key, { revision, resource });
    if (!had) knownNow.inc({ resource });
    else if (had.resource !== resource) {
      knownNow.dec({ resource: had.resource });
      knownNow.inc({ resource });
    }
    seenTotal.inc({ resource });
    log.warn({ key, resource, revision, reason }, 'stored object is corrupt: left out of lists and watches');
  }

  /** The key was deleted, or holds a decodable value at this revision (a newer one than the corrupt). */
  cleared(key: string, revision?: string): void {
    const had = this.known.get(key);
    if (!had || (revision !== undefined && BigInt(revision) < BigInt(had.revision))) return;
    this.known.delete(key);
    knownNow.dec({ resource: had.resource });
    log.info({ key, resource: had.resource }, 'corrupt stored object is gone or readable again');
  }

  /** Whether the key is known to hold a corrupt value now (tests, diagnostics). */
  has(key: string): boolean {
    return this.known.has(key);
  }
}
