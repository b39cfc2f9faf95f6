// A meta/v1 Status in the shape kube-apiserver encodes it: the fields in the Go struct's order
// (kind, apiVersion, metadata, status, message, reason, details, code; details as name, group,
// kind, uid, causes, retryAfterSeconds; a cause as reason, message, field) and the empty ones left
// out where the Go struct says omitempty. `metadata` is always there (a struct is never omitted);
// `details` is there whenever it was given, even empty (a non-nil pointer: kube-apiserver's
// generic 404 and 405 carry `"details":{}`); a zero `code` is left out (the delete-success Status
// has none). Both doors carry Statuses in this shape.
import { goJsonLine } from './go-json';
import type { Status } from './types';

type Loose = Record<string, unknown>;

const isObject = (v: unknown): v is Loose => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A v1 Status object (an error, or the Success of a delete), as opposed to any other body. */
export function isStatus(v: unknown): v is Status {
  return isObject(v) && v.kind === 'Status' && v.apiVersion === 'v1';
}

/** Copies the listed keys in order, leaving out absent, empty-string and zero values. */
function pick(src: Loose, keys: readonly string[], out: Loose = {}): Loose {
  for (const k of keys) {
    const v = src[k];
    if (v === undefined || v === null || v === '' || v === 0 || v === false) continue;
    out[k] = v;
  }
  return out;
}

const LIST_META = ['selfLink', 'resourceVersion', 'continue', 'remainingItemCount'] as const;
const CAUSE = ['reason', 'message', 'field'] as const;

function canonicalDetails(d: Loose): Loose {
  const out = pick(d, ['name', 'group', 'kind', 'uid']);
  if (Array.isArray(d.causes) && d.causes.length > 0) out.causes = d.causes.map((c) => (isObject(c) ? pick(c, CAUSE) : {}));
  return pick(d, ['retryAfterSeconds'], out);
}

/** The Status with kube-apiserver's field order and omissions (a new object; the input is kept). */
export function canonicalStatus(s: Partial<Status> | Loose): Loose {
  const src = s as Loose;
  const out: Loose = { kind: 'Status', apiVersion: 'v1', metadata: isObject(src.metadata) ? pick(src.metadata, LIST_META) : {} };
  pick(src, ['status', 'message', 'reason'], out);
  if (isObject(src.details)) out.details = canonicalDetails(src.details);
  return pick(src, ['code'], out);
}

/** A Status as kube-apiserver's JSON serializer writes it: compact, Go's escaping, a trailing newline. */
export function encodeStatus(s: Partial<Status> | Loose): string {
  return goJsonLine(canonicalStatus(s));
}
