// Names and keys: DNS labels and subdomains, qualified names (label and annotation keys), label
// values, ConfigMap keys, environment variable names, IANA service (port) names, HTTP header names
// and percent strings. The *Errors functions return apimachinery's messages for a value (one per
// broken rule, as util/validation does); the others turn them into field errors. Lengths are in
// bytes, as Go's len() counts them.
import { eachInvalid, invalid, tooLong, type FieldError } from './field-errors';

const bytes = (s: string) => Buffer.byteLength(String(s), 'utf8');

export const maxLenError = (n: number) => `must be no more than ${n} characters`;
export const EMPTY_ERROR = 'must be non-empty';

/** util/validation.RegexError: the message, examples and the regex upstream quotes. */
export function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${fmt}')`;
}

const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1035_LABEL_FMT = '[a-z]([-a-z0-9]*[a-z0-9])?';
const WILDCARD_FMT = `\\*\\.${DNS1123_SUBDOMAIN_FMT}`;
const QUALIFIED_NAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_VALUE_FMT = `(${QUALIFIED_NAME_FMT})?`;
const CONFIG_MAP_KEY_FMT = '[-._a-zA-Z0-9]+';
const PERCENT_FMT = '[0-9]+%';
const HTTP_HEADER_FMT = '[-A-Za-z0-9]+';

const anchored = (fmt: string) => new RegExp(`^${fmt}$`);
const DNS1123_LABEL = anchored(DNS1123_LABEL_FMT);
const DNS1123_SUBDOMAIN = anchored(DNS1123_SUBDOMAIN_FMT);
const DNS1035_LABEL = anchored(DNS1035_LABEL_FMT);
const WILDCARD = anchored(WILDCARD_FMT);
const QUALIFIED_NAME = anchored(QUALIFIED_NAME_FMT);
const LABEL_VALUE = anchored(LABEL_VALUE_FMT);
const CONFIG_MAP_KEY = anchored(CONFIG_MAP_KEY_FMT);
const PERCENT = anchored(PERCENT_FMT);
const HTTP_HEADER = anchored(HTTP_HEADER_FMT);

export function dns1123LabelErrors(value: string): string[] {
  const v = String(value);
  const errs: string[] = [];
  if (bytes(v) > 63) errs.push(maxLenError(63));
  if (!DNS1123_LABEL.test(v)) {
    // A valid subdomain that is not a valid label (length already reported) has dots in it.
    if (DNS1123_SUBDOMAIN.test(v)) errs.push('must not contain dots');
    else
      errs.push(regexError("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character", DNS1123_LABEL_FMT, 'my-name', '123-abc'));
  }
  return errs;
}

export function dns1123SubdomainErrors(value: string): string[] {
  const v = String(value);
  const errs: string[] = [];
  if (bytes(v) > 253) errs.push(maxLenError(253));
  if (!DNS1123_SUBDOMAIN.test(v))
    errs.push(regexError("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character", DNS1123_SUBDOMAIN_FMT, 'example.com'));
  return errs;
}

export function dns1035LabelErrors(value: string): string[] {
  const v = String(value);
  const errs: string[] = [];
  if (bytes(v) > 63) errs.push(maxLenError(63));
  if (!DNS1035_LABEL.test(v))
    errs.push(regexError("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character", DNS1035_LABEL_FMT, 'my-name', 'abc-123'));
  return errs;
}

export function wildcardDns1123SubdomainErrors(value: string): string[] {
  const v = String(value);
  const errs: string[] = [];
  if (bytes(v) > 253) errs.push(maxLenError(253));
  if (!WILDCARD.test(v))
    errs.push(regexError("a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character", WILDCARD_FMT, '*.example.com'));
  return errs;
}

const QUALIFIED_NAME_MSG = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

/** IsQualifiedName: an optional DNS subdomain prefix and '/', then a name of at most 63 characters. */
export function qualifiedNameErrors(value: string): string[] {
  const v = String(value);
  const errs: string[] = [];
  const parts = v.split('/');
  let name: string;
  if (parts.length === 1) name = parts[0];
  else if (parts.length === 2) {
    const prefix = parts[0];
    name = parts[1];
    if (prefix.length === 0) errs.push(`prefix part ${EMPTY_ERROR}`);
    else errs.push(...dns1123SubdomainErrors(prefix).map((m) => `prefix part ${m}`));
  } else
    return [
      `a qualified name ${regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  if (name.length === 0) errs.push(`name part ${EMPTY_ERROR}`);
  else if (bytes(name) > 63) errs.push(`name part ${maxLenError(63)}`);
  if (!QUALIFIED_NAME.test(name)) errs.push(`name part ${regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')}`);
  return errs;
}

export function labelValueErrors(value: string): string[] {
  const v = String(value);
  const errs: string[] = [];
  if (bytes(v) > 63) errs.push(maxLenError(63));
  if (!LABEL_VALUE.test(v))
    errs.push(
      regexError("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", LABEL_VALUE_FMT, 'MyValue', 'my_value', '12345'),
    );
  return errs;
}

export function configMapKeyErrors(value: string): string[] {
  const v = String(value);
  const errs: string[] = [];
  if (bytes(v) > 253) errs.push(maxLenError(253));
  if (!CONFIG_MAP_KEY.test(v)) errs.push(regexError("a valid config key must consist of alphanumeric characters, '-', '_' or '.'", CONFIG_MAP_KEY_FMT, 'key.name', 'KEY_NAME', 'key-name'));
  if (v === '.') errs.push("must not be '.'");
  else if (v === '..') errs.push("must not be '..'");
  else if (v.startsWith('..')) errs.push("must not start with '..'");
  return errs;
}

/**
 * IsRelaxedEnvVarName: Kubernetes 1.32 turns RelaxedEnvironmentVariableValidation on (beta), so
 * any printable ASCII character but '=' is allowed in environment variable names and prefixes.
 */
export function envVarNameErrors(value: string): string[] {
  const v = String(value);
  const errs: string[] = [];
  if (v.length === 0) errs.push(`environment variable name ${EMPTY_ERROR}`);
  for (const ch of v) {
    const c = ch.codePointAt(0)!;
    if (c < 0x20 || c > 0x7e || ch === '=') {
      errs.push("a valid environment variable name must consist only of printable ASCII characters other than '='");
      break;
    }
  }
  return errs;
}

/** IsValidPortName: an IANA_SVC_NAME of at most 15 characters with at least one letter. */
export function portNameErrors(value: string): string[] {
  const v = String(value);
  const errs: string[] = [];
  if (bytes(v) > 15) errs.push(maxLenError(15));
  if (!/^[-a-z0-9]+$/.test(v)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(v)) errs.push('must contain at least one letter (a-z)');
  if (v.includes('--')) errs.push('must not contain consecutive hyphens');
  if (v.length > 0 && (v.startsWith('-') || v.endsWith('-'))) errs.push('must not begin or end with a hyphen');
  return errs;
}

export function percentErrors(value: string): string[] {
  const v = String(value);
  return PERCENT.test(v) ? [] : [regexError("a valid percent string must be a numeric string followed by an ending '%'", PERCENT_FMT, '1%', '93%')];
}

export function httpHeaderNameErrors(value: string): string[] {
  const v = String(value);
  return HTTP_HEADER.test(v) ? [] : [regexError("a valid HTTP header must consist of alphanumeric characters or '-'", HTTP_HEADER_FMT, 'X-Header-Name')];
}

/** ValidateLabelName: errors carry the key as the bad value. */
export function qualifiedName(field: string, key: string): FieldError[] {
  return eachInvalid(field, key, qualifiedNameErrors(key));
}

export function labelValue(field: string, v: unknown): FieldError[] {
  if (typeof v !== 'string') return [invalid(field, v, 'must be a string')];
  return eachInvalid(field, v, labelValueErrors(v));
}

const isMap = (m: unknown): m is Record<string, unknown> => !!m && typeof m === 'object' && !Array.isArray(m);

/** ValidateLabels: every key a qualified name and every value a label value, reported at `field`. */
export function labels(field: string, l: unknown): FieldError[] {
  if (l === undefined || l === null) return [];
  if (!isMap(l)) return [invalid(field, l, 'must be a map of strings')];
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(l)) errs.push(...qualifiedName(field, k), ...labelValue(field, v));
  return errs;
}

export const TOTAL_ANNOTATION_SIZE = 256 * 1024;

/** ValidateAnnotations: keys are qualified names regardless of case; keys and values at most 256 KiB in all. */
export function annotations(field: string, a: unknown): FieldError[] {
  if (a === undefined || a === null) return [];
  if (!isMap(a)) return [invalid(field, a, 'must be a map of strings')];
  const errs: FieldError[] = [];
  let total = 0;
  for (const [k, v] of Object.entries(a)) {
    errs.push(...eachInvalid(field, k, qualifiedNameErrors(k.toLowerCase())));
    if (typeof v !== 'string') errs.push(invalid(`${field}[${k}]`, v, 'must be a string'));
    else total += bytes(k) + bytes(v);
  }
  if (total > TOTAL_ANNOTATION_SIZE) errs.push(tooLong(field, TOTAL_ANNOTATION_SIZE));
  return errs;
}
