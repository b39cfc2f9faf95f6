// Pure functions for the metadata the server owns: names from generateName, uid, timestamps,
// generation, and how an update's incoming object is merged with the stored one (main resource
// vs status subresource).
import { randomUUID, randomInt } from 'node:crypto';
import type { KObject, ObjectMeta } from '../../lib/api/types';
import { jsonEqual } from '../resources/common';
import type { ResourceSpec } from '../resources/types';

const ALNUM = 'bcdfghjklmnpqrstvwxz2456789';

/** generateName + 5 random characters from Kubernetes' alphabet (no vowels, no confusable digits). */
export function generatedName(prefix: string, rand: (n: number) => number = randomInt): string {
  const base = prefix.length > 58 ? prefix.slice(0, 58) : prefix;
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += ALNUM[rand(ALNUM.length)];
  return base + suffix;
}

export const deepCopy = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));

/** The part of an object whose changes bump metadata.generation (spec by default). */
export function generationSource(spec: ResourceSpec, obj: KObject): unknown {
  return spec.generationSource ? spec.generationSource(obj) : (obj as Record<string, unknown>).spec;
}

/** Server-owned metadata for a new object. */
export function createMeta(spec: ResourceSpec, obj: KObject, now: Date, uid: string = randomUUID()): ObjectMeta {
  const m: ObjectMeta = { ...obj.metadata };
  delete m.resourceVersion;
  delete m.deletionTimestamp;
  delete m.deletionGracePeriodSeconds;
  delete m.selfLink;
  delete m.managedFields;
  m.uid = uid;
  m.creationTimestamp = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (generationSource(spec, obj) !== undefined) m.generation = 1;
  else delete m.generation;
  if (!spec.namespaced) delete m.namespace;
  return m;
}

/** Metadata fields a client may change through an update of the main resource. */
const USER_META = ['labels', 'annotations', 'finalizers', 'ownerReferences'] as const;

/**
 * The object to store for an update. Main resource: the incoming object, but with server-owned
 * metadata and (when status is a subresource) the stored status. Status subresource: the stored
 * object with only the incoming status.
 */
export function mergeForUpdate(spec: ResourceSpec, incoming: KObject, stored: KObject, subresource?: string): KObject {
  const serverMeta: ObjectMeta = {
    ...stored.metadata,
  };
  if (subresource === 'status') {
    const out = deepCopy(stored) as Record<string, unknown>;
    out.status = deepCopy((incoming as Record<string, unknown>).status);
    (out as KObject).metadata = serverMeta;
    return out as KObject;
  }
  const out = deepCopy(incoming) as KObject & Record<string, unknown>;
  const meta: ObjectMeta = { ...serverMeta };
  for (const k of USER_META) {
    if (incoming.metadata?.[k] !== undefined) meta[k] = deepCopy(incoming.metadata[k]) as never;
    else delete meta[k];
  }
  out.metadata = meta;
  if (spec.hasStatus) {
    const st = (stored as Record<string, unknown>).status;
    if (st === undefined) delete out.status;
    else out.status = deepCopy(st);
  }
  return out;
}

/** Sets generation on `next`: stored generation, +1 when the generation source changed. */
export function bumpGeneration(spec: ResourceSpec, next: KObject, stored: KObject): void {
  const before = generationSource(spec, stored);
  const after = generationSource(spec, next);
  if (after === undefined && stored.metadata.generation === undefined) return;
  const g = stored.metadata.generation ?? 1;
  next.metadata.generation = jsonEqual(before, after) ? g : g + 1;
}

/** True when storing `next` would change nothing a client can see. */
export function sameObject(next: KObject, stored: KObject): boolean {
  const strip = (o: KObject) => ({ ...o, metadata: { ...o.metadata, resourceVersion: undefined } });
  return jsonEqual(strip(next), strip(stored));
}
