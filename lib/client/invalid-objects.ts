// The record an informer keeps of objects that fail their kind's check (lib/api/checks): each one
// is logged with its key and problems and counted in k8ts_invalid_objects_skipped_total{component,
// resource} once per key and resourceVersion, however often a relist or resync shows it again, and
// logged once more when it is valid again or gone.
import type { KObject } from '../api/types';
import { ApiError } from '../errors';
import type { Logger } from '../log';
import { processMetrics } from '../metrics/prometheus';

const skipped = processMetrics.counter(
  'k8ts_invalid_objects_skipped_total',
  "Objects a component skipped because they fail its check of their kind, each key and resourceVersion counted once.",
);

/** At most this many keys are remembered; beyond, repeats are logged and counted again. */
const MAX_TRACKED = 10_000;
/** Problems quoted in one log line. */
const MAX_LOGGED = 5;

const COMPONENTS = ['controller-manager', 'kube-proxy', 'kubelet', 'scheduler', 'apiserver'];

/** The component an informer works for, from its name ("kube-proxy-services" → "kube-proxy"). */
export function componentOfInformer(name: string | undefined): string {
  if (!name) return 'unknown';
  return COMPONENTS.find((c) => name === c || name.startsWith(`${c}-`)) ?? name;
}

/** The key an object would have in a cache, or undefined when its metadata cannot name it. */
export function safeKeyOf(obj: unknown): string | undefined {
  const m = (obj as KObject | undefined)?.metadata;
  if (!m || typeof m !== 'object' || typeof m.name !== 'string' || !m.name) return undefined;
  if (m.namespace !== undefined && m.namespace !== null && typeof m.namespace !== 'string') return undefined;
  return m.namespace ? `${m.namespace}/${m.name}` : m.name;
}

export class InvalidObjects {
  private readonly seen = new Map<string, string>();

  constructor(
    private readonly component: string,
    private readonly resource: string,
    private readonly log: Logger,
  ) {}

  /**
   * An object failed its check. `stale` says the cache keeps the last good copy of it. True the
   * first time this key and resourceVersion is reported (the caller's cue for Warning Events).
   */
  report(key: string | undefined, obj: unknown, problems: string[], stale: boolean): boolean {
    const rv = String((obj as KObject | undefined)?.metadata?.resourceVersion ?? '');
    const id = key ?? '<unnamed>';
    if (key !== undefined && this.seen.get(key) === rv) return false;
    if (key !== undefined && (this.seen.has(key) || this.seen.size < MAX_TRACKED)) this.seen.set(key, rv);
    skipped.inc({ component: this.component, resource: this.resource });
    const fields = { key: id, resourceVersion: rv, problems: problems.slice(0, MAX_LOGGED), more: Math.max(0, problems.length - MAX_LOGGED) };
    if (stale) this.log.warn(fields, 'invalid object skipped, keeping its last valid copy');
    else this.log.warn(fields, 'invalid object skipped');
    return true;
  }

  /** The key is valid again (or deleted): a later problem is news again. */
  clear(key: string, why: 'valid' | 'deleted'): void {
    if (!this.seen.delete(key)) return;
    this.log.info({ key }, why === 'valid' ? 'invalid object is valid again' : 'invalid object deleted');
  }

  /** Whether the key's current state is known invalid (tests). */
  has(key: string): boolean {
    return this.seen.has(key);
  }
}

/**
 * The apiserver's answer for a stored object it cannot decode (apiserver/storage/object-decoder.ts,
 * worded as kube-apiserver words it), as any client sees it through either door.
 */
export function isCorruptObjectError(e: unknown): boolean {
  return e instanceof ApiError && e.code === 500 && e.message.includes('StorageError: corrupt object');
}
