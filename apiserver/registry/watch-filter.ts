// Turns a storage event into what a selective watcher sees: objects entering the selector are
// ADDED, leaving it DELETED, staying MODIFIED; events outside it are dropped.
import type { KObject } from '../../lib/api/types';
import type { StoreEvent } from '../storage/etcd-store';

export type Matcher = (obj: KObject) => boolean;

export interface FilteredEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: KObject;
}

export function filterEvent(ev: StoreEvent, matches: Matcher): FilteredEvent | null {
  if (ev.type === 'DELETED') return matches(ev.object) ? { type: 'DELETED', object: ev.object } : null;
  const now = matches(ev.object);
  if (ev.type === 'ADDED') return now ? { type: 'ADDED', object: ev.object } : null;
  // Without the previous state we cannot tell entering from staying: MODIFIED is the safe answer.
  const before = ev.previous ? matches(ev.previous) : now;
  if (now && before) return { type: 'MODIFIED', object: ev.object };
  if (now && !before) return { type: 'ADDED', object: ev.object };
  if (!now && before) return { type: 'DELETED', object: ev.object };
  return null;
}
