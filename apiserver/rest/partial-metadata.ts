// Metadata-only answers (`Accept: application/json;as=PartialObjectMetadata[List];g=meta.k8s.io;
// v=v1|v1beta1`), which metadata informers (client-go's metadata client) list and watch with: each
// object becomes a meta.k8s.io PartialObjectMetadata holding its whole metadata and nothing else.
// Pure; the field order is the Go types' (kind, apiVersion, metadata[, items]).
import type { KObject } from '../../lib/api/types';
import { apiError, type ApiError } from '../../lib/errors';
import type { ResourceDef } from '../registry/types';
import type { Transform } from './negotiate';

type Loose = Record<string, unknown>;

export function asPartialObjectMetadata(obj: KObject, version: Transform['version']): Loose {
  return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${version}`, metadata: obj.metadata ?? {} };
}

/**
 * The list form. Its metadata keeps what a list's carries (resourceVersion, continue,
 * remainingItemCount). kube-apiserver writes `"items":null` for an empty list of this kind; `[]`
 * is written here, which every client reads alike and which does not trip clients that iterate
 * `items` without a null check (client-node's informer).
 */
export function asPartialObjectMetadataList(list: { metadata?: Loose; items: KObject[] }, version: Transform['version']): Loose {
  const metadata: Loose = {};
  for (const k of ['selfLink', 'resourceVersion', 'continue', 'remainingItemCount']) {
    const v = list.metadata?.[k];
    if (v !== undefined && v !== null && v !== '') metadata[k] = v;
  }
  return {
    kind: 'PartialObjectMetadataList',
    apiVersion: `meta.k8s.io/${version}`,
    metadata,
    items: list.items.map((o) => asPartialObjectMetadata(o, version)),
  };
}

/** The Go type kube-apiserver names in its 406 (its internal type, e.g. *core.PodList, *apps.Deployment). */
function goTypeName(def: Pick<ResourceDef, 'group' | 'kind'>, list: boolean): string {
  const pkg = def.group === '' || def.group === 'events.k8s.io' ? 'core' : def.group.split('.')[0];
  return `*${pkg}.${def.kind}${list ? 'List' : ''}`;
}

/**
 * The 406 for a metadata-only form that does not fit the answer (the list form for one object,
 * the object form for a list), worded as kube-apiserver words it; undefined when it fits.
 */
export function partialMetadataMismatch(def: Pick<ResourceDef, 'group' | 'kind'>, t: Transform | undefined, isList: boolean): ApiError | undefined {
  if (t?.kind === 'PartialObjectMetadata' && isList) {
    return apiError(406, 'NotAcceptable', `you requested PartialObjectMetadata, but the requested object is a list (${goTypeName(def, true)})`);
  }
  if (t?.kind === 'PartialObjectMetadataList' && !isList) {
    return apiError(406, 'NotAcceptable', `you requested PartialObjectMetadataList, but the requested object is not a list (${goTypeName(def, false)})`);
  }
  return undefined;
}
