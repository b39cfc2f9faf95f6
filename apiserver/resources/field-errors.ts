// Field errors worded as apimachinery's field package words them ("Invalid value: \"x\": detail",
// "Required value", "Unsupported value: ..."), and the 422 Invalid Status they become. Every
// validator builds its errors here so that all kinds report problems the same way.
import { apiError, type ApiError } from '../../lib/errors';

export type CauseReason =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueNotFound'
  | 'FieldValueDuplicate'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany';

export interface FieldError {
  reason: CauseReason;
  field: string;
  message: string;
}

/** Go's %q for a string: printable characters as they are, the rest escaped. */
function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c >= 0x80 && c < 0xa0) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** A bad value as field.Error prints it: strings quoted, numbers and booleans plain. */
export function showValue(v: unknown): string {
  if (typeof v === 'string') return goQuote(v);
  if (v === undefined || v === null) return 'null';
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v);
}

const withDetail = (head: string, detail?: string) => (detail ? `${head}: ${detail}` : head);

export const required = (field: string, detail?: string): FieldError => ({ reason: 'FieldValueRequired', field, message: withDetail('Required value', detail) });
export const invalid = (field: string, value: unknown, detail?: string): FieldError => ({
  reason: 'FieldValueInvalid',
  field,
  message: withDetail(`Invalid value: ${showValue(value)}`, detail),
});
/** An invalid value that upstream prints through its String() method (quantities, int-or-strings): unquoted. */
export const invalidShown = (field: string, shown: string, detail?: string): FieldError => ({
  reason: 'FieldValueInvalid',
  field,
  message: withDetail(`Invalid value: ${shown}`, detail),
});
export const notSupported = (field: string, value: unknown, allowed: string[]): FieldError => ({
  reason: 'FieldValueNotSupported',
  field,
  message: withDetail(`Unsupported value: ${showValue(value)}`, allowed.length ? `supported values: ${allowed.map((a) => goQuote(a)).join(', ')}` : undefined),
});
export const notFound = (field: string, value: unknown, detail?: string): FieldError => ({
  reason: 'FieldValueNotFound',
  field,
  message: withDetail(`Not found: ${showValue(value)}`, detail),
});
export const duplicate = (field: string, value: unknown, detail?: string): FieldError => ({
  reason: 'FieldValueDuplicate',
  field,
  message: withDetail(`Duplicate value: ${showValue(value)}`, detail),
});
export const forbidden = (field: string, detail: string): FieldError => ({ reason: 'FieldValueForbidden', field, message: withDetail('Forbidden', detail) });
export const tooLong = (field: string, max: number): FieldError => ({ reason: 'FieldValueTooLong', field, message: `Too long: may not be more than ${max} bytes` });
export const tooMany = (field: string, n: number, max: number): FieldError => ({ reason: 'FieldValueTooMany', field, message: `Too many: ${n}: must have at most ${max} items` });
export const immutable = (field: string, value: unknown): FieldError => invalid(field, value, 'field is immutable');

/** The 422 Status: `Pod "x" is invalid: [spec.a: Required value, spec.b: ...]`. */
export function invalidError(kind: string, name: string, errs: FieldError[], group = ''): ApiError {
  const parts = errs.map((e) => `${e.field}: ${e.message}`);
  const summary = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
  return apiError(422, 'Invalid', `${kind}${group ? '.' + group : ''} "${name}" is invalid: ${summary}`, {
    name,
    group: group || undefined,
    kind,
    causes: errs.map((e) => ({ reason: e.reason, message: e.message, field: e.field })),
  });
}

/** One Invalid error per message, as upstream turns a validator's []string into an ErrorList. */
export const eachInvalid = (field: string, value: unknown, messages: string[]): FieldError[] => messages.map((m) => invalid(field, value, m));

/** validation.InclusiveRangeError's wording. */
export const inclusiveRange = (lo: number, hi: number) => `must be between ${lo} and ${hi}, inclusive`;
