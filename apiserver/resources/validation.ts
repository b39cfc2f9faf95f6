// Kubernetes' semantic validation rules that sit beside the schemas: name syntax, label syntax,
// port ranges, and the 422 Invalid Status they produce. Validators return field errors; one
// function turns them into the ApiError, so every kind reports problems the same way.
import { apiError, type ApiError } from '../../lib/errors';
import type { ObjectMeta } from '../../lib/api/types';

export type CauseReason =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueDuplicate'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany';

export interface FieldError {
  reason: CauseReason;
  field: string;
  message: string;
}

const show = (v: unknown) => (typeof v === 'string' ? `"${v}"` : JSON.stringify(v));

export const required = (field: string): FieldError => ({ reason: 'FieldValueRequired', field, message: 'Required value' });
export const invalid = (field: string, value: unknown, detail: string): FieldError => ({
  reason: 'FieldValueInvalid',
  field,
  message: `Invalid value: ${show(value)}: ${detail}`,
});
export const notSupported = (field: string, value: unknown, allowed: string[]): FieldError => ({
  reason: 'FieldValueNotSupported',
  field,
  message: `Unsupported value: ${show(value)}: supported values: ${allowed.map((a) => `"${a}"`).join(', ')}`,
});
export const duplicate = (field: string, value: unknown): FieldError => ({
  reason: 'FieldValueDuplicate',
  field,
  message: `Duplicate value: ${show(value)}`,
});
export const forbidden = (field: string, detail: string): FieldError => ({ reason: 'FieldValueForbidden', field, message: `Forbidden: ${detail}` });
export const tooMany = (field: string, n: number, max: number): FieldError => ({ reason: 'FieldValueTooMany', field, message: `Too many: ${n}: must have at most ${max} items` });
export const immutable = (field: string, value: unknown): FieldError =>
  invalid(field, value, 'field is immutable');

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

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const IANA_SVC_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function dns1123Label(field: string, v: string): FieldError[] {
  if (v.length > 63) return [invalid(field, v, 'must be no more than 63 characters')];
  if (!DNS1123_LABEL.test(v))
    return [
      invalid(
        field,
        v,
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
      ),
    ];
  return [];
}

export function dns1123Subdomain(field: string, v: string): FieldError[] {
  if (v.length > 253) return [invalid(field, v, 'must be no more than 253 characters')];
  if (!DNS1123_SUBDOMAIN.test(v))
    return [
      invalid(
        field,
        v,
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      ),
    ];
  return [];
}

export function dns1035Label(field: string, v: string): FieldError[] {
  if (v.length > 63) return [invalid(field, v, 'must be no more than 63 characters')];
  if (!DNS1035_LABEL.test(v))
    return [
      invalid(
        field,
        v,
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
      ),
    ];
  return [];
}

/** Label and annotation keys: optional DNS subdomain prefix + "/" + a name of at most 63 chars. */
export function qualifiedName(field: string, key: string): FieldError[] {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : '';
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const errs: FieldError[] = [];
  if (slash >= 0 && (prefix.length === 0 || prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix)))
    errs.push(invalid(field, key, 'prefix part must be a lowercase RFC 1123 subdomain'));
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME.test(name))
    errs.push(
      invalid(
        field,
        key,
        "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') and must be no more than 63 characters",
      ),
    );
  return errs;
}

export function labelValue(field: string, v: unknown): FieldError[] {
  if (typeof v !== 'string') return [invalid(field, v, 'must be a string')];
  if (v.length > 63) return [invalid(field, v, 'must be no more than 63 characters')];
  if (!LABEL_VALUE.test(v))
    return [
      invalid(
        field,
        v,
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
      ),
    ];
  return [];
}

export function labels(field: string, l: unknown): FieldError[] {
  if (l === undefined || l === null) return [];
  if (typeof l !== 'object' || Array.isArray(l)) return [invalid(field, l, 'must be a map of strings')];
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(l as Record<string, unknown>)) {
    errs.push(...qualifiedName(field, k), ...labelValue(`${field}`, v));
  }
  return errs;
}

export function annotations(field: string, a: unknown): FieldError[] {
  if (a === undefined || a === null) return [];
  if (typeof a !== 'object' || Array.isArray(a)) return [invalid(field, a, 'must be a map of strings')];
  const errs: FieldError[] = [];
  let total = 0;
  for (const [k, v] of Object.entries(a as Record<string, unknown>)) {
    errs.push(...qualifiedName(field, k));
    if (typeof v !== 'string') errs.push(invalid(`${field}.${k}`, v, 'must be a string'));
    else total += k.length + v.length;
  }
  if (total > 256 * 1024) errs.push({ reason: 'FieldValueTooLong', field, message: 'Too long: must have at most 262144 bytes' });
  return errs;
}

export function port(field: string, p: unknown): FieldError[] {
  if (typeof p !== 'number' || !Number.isInteger(p) || p < 1 || p > 65535)
    return [invalid(field, p, 'must be between 1 and 65535, inclusive')];
  return [];
}

/** A port that may be a number or an IANA service name (targetPort, probes). */
export function intOrNamedPort(field: string, p: unknown): FieldError[] {
  if (typeof p === 'number') return port(field, p);
  if (typeof p === 'string') {
    if (/^[0-9]+$/.test(p)) return port(field, Number(p));
    if (p.length > 15 || !IANA_SVC_NAME.test(p) || !/[a-z]/.test(p))
      return [invalid(field, p, 'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-), at most 15 characters')];
    return [];
  }
  return [invalid(field, p, 'must be an integer or a string')];
}

export function protocol(field: string, p: unknown): FieldError[] {
  const ok = ['TCP', 'UDP', 'SCTP'];
  return p === undefined || ok.includes(p as string) ? [] : [notSupported(field, p, ok)];
}

export type NameRule = 'subdomain' | 'label' | 'dns1035';

/** metadata checks shared by every kind: name syntax, namespace presence, labels, annotations. */
export function objectMeta(meta: ObjectMeta | undefined, namespaced: boolean, nameRule: NameRule): FieldError[] {
  const errs: FieldError[] = [];
  if (!meta) return [required('metadata')];
  if (!meta.name) errs.push({ reason: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' });
  else if (nameRule === 'label') errs.push(...dns1123Label('metadata.name', meta.name));
  else if (nameRule === 'dns1035') errs.push(...dns1035Label('metadata.name', meta.name));
  else errs.push(...dns1123Subdomain('metadata.name', meta.name));
  if (namespaced && !meta.namespace) errs.push(required('metadata.namespace'));
  if (!namespaced && meta.namespace) errs.push(forbidden('metadata.namespace', 'not allowed on this type'));
  errs.push(...labels('metadata.labels', meta.labels), ...annotations('metadata.annotations', meta.annotations));
  return errs;
}

/** Non-negative integer check used by replicas, grace periods, history limits. */
export function nonNegativeInt(field: string, v: unknown): FieldError[] {
  if (v === undefined) return [];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) return [invalid(field, v, 'must be greater than or equal to 0')];
  return [];
}
