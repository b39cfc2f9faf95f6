// Server-side field validation (the fieldValidation query parameter): finds the fields of a
// request object that its kind's schema does not know, and the keys its body repeats. Every
// object schema that describes fields (has properties) is closed, unless it is marked
// x-kubernetes-preserve-unknown-fields (a subtree the project keeps whole without describing it);
// maps check their values; a union knows a field when any branch does. Strict turns the problems
// into one 400 "strict decoding error", Warn into Warning headers, Ignore says nothing; Warn and
// Ignore drop the unknown fields, as Kubernetes' typed decoding does.
import type { TSchema } from '@sinclair/typebox';
import { apiError, type ApiError } from '../../lib/errors';
import { PRESERVE_UNKNOWN } from '../resources/schema-builders';
import type { DuplicateField } from './duplicate-fields';

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
  [PRESERVE_UNKNOWN]?: boolean;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Closed: the schema describes at least one field. An object with no properties says nothing. */
function describesFields(props: Record<string, TSchema> | undefined): boolean {
  for (const _ in props) return true;
  return false;
}

/** Whether a union branch describes values of this shape (object, array or scalar). */
function fits(s: SchemaNode, value: unknown): boolean {
  if (s.anyOf) return s.anyOf.some((b) => fits(b as SchemaNode, value));
  if (Array.isArray(value)) return s.type === 'array';
  if (isPlainObject(value)) return s.type === 'object';
  return s.type !== 'object' && s.type !== 'array';
}

/** Paths (spec.foo, spec.containers[0].bar) of fields the schema does not know, in document order. */
export function unknownFields(schema: TSchema | undefined, value: unknown, path = ''): string[] {
  const s = schema as SchemaNode | undefined;
  if (!s) return [];
  if (s.anyOf) {
    // A union: the value's fields are unknown only if no branch of its shape knows them (an
    // integer branch says nothing about an object value).
    const results = s.anyOf.filter((b) => fits(b as SchemaNode, value)).map((b) => unknownFields(b, value, path));
    return results.reduce((best, r) => (r.length < best.length ? r : best), results[0] ?? []);
  }
  if (Array.isArray(value)) {
    if (!s.items) return [];
    return value.flatMap((v, i) => unknownFields(s.items, v, `${path}[${i}]`));
  }
  if (!isPlainObject(value) || s.type !== 'object' || s[PRESERVE_UNKNOWN] === true) return [];
  const out: string[] = [];
  const mapValues = s.patternProperties ? Object.values(s.patternProperties)[0] : typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
  const closed = describesFields(s.properties);
  for (const [k, v] of Object.entries(value)) {
    const child = path ? `${path}.${k}` : k;
    const known = s.properties?.[k];
    if (known) out.push(...unknownFields(known, v, child));
    else if (mapValues) out.push(...unknownFields(mapValues, v, child));
    else if (closed) out.push(child);
  }
  return out;
}

/** Removes the given fields (paths from unknownFields) from obj in place. */
export function dropFields(obj: Record<string, unknown>, paths: string[]): void {
  for (const p of paths) {
    const segs = p.match(/[^.[\]]+/g) ?? [];
    let cur: unknown = obj;
    for (const seg of segs.slice(0, -1)) cur = isPlainObject(cur) || Array.isArray(cur) ? (cur as Record<string, unknown>)[seg] : undefined;
    if (isPlainObject(cur)) delete cur[segs[segs.length - 1]];
  }
}

const within = (path: string, parent: string) => path === parent || path.startsWith(`${parent}.`) || path.startsWith(`${parent}[`);

/**
 * The strict-decoding messages in Kubernetes' order: YAML repeats first (the YAML layer finds
 * them), then unknown fields, then JSON repeats. A JSON repeat of an unknown field, or inside one,
 * is reported only as unknown, as Go's decoder skips unknown values without looking inside.
 */
export function strictMessages(unknown: string[], duplicates: DuplicateField[] = []): string[] {
  const yaml = duplicates.filter((d) => d.line !== undefined).map((d) => d.message);
  const json = duplicates.filter((d) => d.line === undefined && !unknown.some((u) => within(d.path, u))).map((d) => d.message);
  return [...yaml, ...unknown.map((f) => `unknown field ${JSON.stringify(f)}`), ...json];
}

/** A Warning header value: code 299, agent "-", the text quoted. */
export const warningValue = (text: string) => `299 - "${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** The error Strict raises, given the joined "strict decoding error: ..." text. */
export type StrictError = (message: string) => ApiError;

const badRequest: StrictError = (message) => apiError(400, 'BadRequest', message);

/**
 * Applies the policy to the given problems: Strict throws, Warn returns Warning header values,
 * Ignore returns nothing; Warn and Ignore drop the unknown fields from obj.
 */
export function applyFieldPolicy(
  obj: Record<string, unknown>,
  unknown: string[],
  duplicates: DuplicateField[],
  policy: FieldValidation,
  strictError: StrictError = badRequest,
): string[] {
  if (unknown.length === 0 && duplicates.length === 0) return [];
  const messages = strictMessages(unknown, duplicates);
  if (policy === 'Strict') throw strictError(`strict decoding error: ${messages.join(', ')}`);
  dropFields(obj, unknown);
  return policy === 'Warn' ? messages.map(warningValue) : [];
}

/** Checks a decoded object against its schema and applies the policy (see applyFieldPolicy). */
export function checkFields(
  schema: TSchema | undefined,
  obj: Record<string, unknown>,
  policy: FieldValidation,
  duplicates: DuplicateField[] = [],
  strictError?: StrictError,
): string[] {
  return applyFieldPolicy(obj, unknownFields(schema, obj), duplicates, policy, strictError);
}

/** Kubernetes' wording for a create/update body it cannot decode strictly. */
export const decodeStrictError = (kind: string, apiVersion: string): StrictError => {
  const version = apiVersion.includes('/') ? apiVersion.slice(apiVersion.indexOf('/') + 1) : apiVersion;
  return (message) => badRequest(`${kind} in version "${version}" cannot be handled as a ${kind}: ${message}`);
};
