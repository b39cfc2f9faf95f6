// Server-side field validation (the fieldValidation query parameter): finds the fields of a
// request object that its kind's schema does not know. An object schema counts as closed unless
// it says `additionalProperties: true` (the project's schemas mark partial, preserve-unknown
// objects that way), so unknown-field detection grows as the schemas become complete and never
// rejects fields a partial schema simply has not described yet.
import type { TSchema } from '@sinclair/typebox';
import { apiError } from '../../lib/errors';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export function fieldValidationParam(q: URLSearchParams): FieldValidation {
  const v = q.get('fieldValidation');
  if (v === null || v === '') return 'Warn';
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw apiError(400, 'BadRequest', `fieldValidation must be one of "Ignore", "Warn" or "Strict", got "${v}"`);
}

interface SchemaNode {
  type?: string;
  properties?: Record<string, TSchema>;
  additionalProperties?: boolean | TSchema;
  patternProperties?: Record<string, TSchema>;
  items?: TSchema;
  anyOf?: TSchema[];
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Paths (spec.foo, spec.containers[0].bar) of fields the schema does not know, in document order. */
export function unknownFields(schema: TSchema | undefined, value: unknown, path = ''): string[] {
  const s = schema as SchemaNode | undefined;
  if (!s) return [];
  if (s.anyOf) {
    // A union: the value's fields are unknown only if no branch knows them.
    const results = s.anyOf.map((b) => unknownFields(b, value, path));
    return results.reduce((best, r) => (r.length < best.length ? r : best), results[0] ?? []);
  }
  if (Array.isArray(value)) {
    if (!s.items) return [];
    return value.flatMap((v, i) => unknownFields(s.items, v, `${path}[${i}]`));
  }
  if (!isPlainObject(value) || s.type !== 'object') return [];
  const out: string[] = [];
  const mapValues = s.patternProperties ? Object.values(s.patternProperties)[0] : typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
  for (const [k, v] of Object.entries(value)) {
    const child = path ? `${path}.${k}` : k;
    const known = s.properties?.[k];
    if (known) out.push(...unknownFields(known, v, child));
    else if (mapValues) out.push(...unknownFields(mapValues, v, child));
    else if (s.properties && s.additionalProperties !== true) out.push(child);
  }
  return out;
}

/** Removes the given fields (paths from unknownFields) from obj in place, for fieldValidation=Ignore. */
export function dropFields(obj: Record<string, unknown>, paths: string[]): void {
  for (const p of paths) {
    const segs = p.match(/[^.[\]]+/g) ?? [];
    let cur: unknown = obj;
    for (const seg of segs.slice(0, -1)) cur = isPlainObject(cur) || Array.isArray(cur) ? (cur as Record<string, unknown>)[seg] : undefined;
    if (isPlainObject(cur)) delete cur[segs[segs.length - 1]];
  }
}

/**
 * Applies the chosen policy: Strict throws 400 BadRequest, Warn returns Warning header values,
 * Ignore drops the fields silently.
 */
export function checkFields(schema: TSchema | undefined, obj: Record<string, unknown>, policy: FieldValidation): string[] {
  const unknown = unknownFields(schema, obj);
  if (unknown.length === 0) return [];
  if (policy === 'Strict') {
    throw apiError(400, 'BadRequest', `strict decoding error: ${unknown.map((f) => `unknown field "${f}"`).join(', ')}`);
  }
  dropFields(obj, unknown);
  if (policy === 'Ignore') return [];
  return unknown.map((f) => `299 - "unknown field \\"${f}\\""`);
}
