// After the etcd watch was lost past compaction the cache relists; the difference between what it
// held and what etcd now says becomes ordinary events, so watchers converge without a relist of
// their own.
import type { KObject } from '../../lib/api/types';
import type { StoreEvent } from '../storage/etcd-store';

export function objectKey(o: KObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
}

/** Events turning `before` into `after` (a list read at `revision`), in key order. */
export function diffStates(before: ReadonlyMap<string, KObject>, after: readonly KObject[], revision: string): StoreEvent[] {
  const out: StoreEvent[] = [];
  const seen = new Set<string>();
  for (const obj of after) {
    const key = objectKey(obj);
    seen.add(key);
    const old = before.get(key);
    if (!old) out.push({ type: 'ADDED', object: obj, revision });
    else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) out.push({ type: 'MODIFIED', object: obj, previous: old, revision });
  }
  for (const [key, old] of before) {
    if (seen.has(key)) continue;
    out.push({ type: 'DELETED', object: { ...old, metadata: { ...old.metadata, resourceVersion: revision } }, previous: old, revision });
  }
  return out.sort((a, b) => (objectKey(a.object) < objectKey(b.object) ? -1 : objectKey(a.object) > objectKey(b.object) ? 1 : 0));
}
