// core/v1 ConfigMap and Secret: plain data holders, printed with their key counts.
import type { KObject } from '../../lib/api/types';
import { defineResource, col, objAge, NAME_COLUMN, AGE_COLUMN } from './common';
import { kindSchema, Str, Bool, StrMap, opt } from './schemas';
import { invalid, invalidShown, required, type FieldError } from './validation';
import { BOOTSTRAP_TOKEN_SECRET_TYPE, secretValue, tokenSecretProblems } from '../../lib/api/bootstrap-token';

type Data = KObject & { data?: Record<string, string>; binaryData?: Record<string, string>; type?: string; stringData?: Record<string, string> };
const count = (o: KObject) => Object.keys((o as Data).data ?? {}).length + Object.keys((o as Data).binaryData ?? {}).length;
const KEY = /^[-._a-zA-Z0-9]+$/;

function validateKeys(o: KObject): FieldError[] {
  const errs: FieldError[] = [];
  for (const field of ['data', 'binaryData', 'stringData'] as const)
    for (const k of Object.keys((o as Data)[field] ?? {}))
      if (!KEY.test(k) || k.length > 253) errs.push(invalid(`${field}[${k}]`, k, "a valid config key must consist of alphanumeric characters, '-', '_' or '.'"));
  return errs;
}

/** A bootstrap token field's problem; the token secret itself is never echoed back. */
function tokenFieldError(o: KObject, key: string, message: string): FieldError {
  const field = `data[${key}]`;
  if (message === 'required') return required(field);
  const v = key === 'token-secret' ? undefined : secretValue(o as never, key);
  return v === undefined ? invalidShown(field, '"<omitted>"', message) : invalid(field, v, message);
}

export const configmaps = defineResource({
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  resource: 'configmaps',
  singular: 'configmap',
  namespaced: true,
  shortNames: ['cm'],
  schema: kindSchema(
    {
      data: opt(StrMap, 'Configuration data: keys of alphanumerics, "-", "_" or "." and UTF-8 string values.'),
      binaryData: opt(StrMap, 'Binary configuration data, base64 encoded; keys may not overlap those of data.'),
      immutable: opt(Bool, 'If true, the data stored in the ConfigMap cannot be updated (only the object metadata can be modified).'),
    },
    'ConfigMap holds configuration data for pods to consume.',
  ),
  printerColumns: [NAME_COLUMN, col('Data', 'string', 'Number of keys'), AGE_COLUMN],
  printRow: (o) => [o.metadata.name, String(count(o)), objAge(o)],
  validate: validateKeys,
});

export const secrets = defineResource({
  group: '',
  version: 'v1',
  kind: 'Secret',
  resource: 'secrets',
  singular: 'secret',
  namespaced: true,
  schema: kindSchema(
    {
      data: opt(StrMap, 'The secret data, each value base64 encoded; keys of alphanumerics, "-", "_" or ".".'),
      stringData: opt(StrMap, 'Write-only convenience: non-binary secret data in string form, merged into data on write (it wins on a shared key).'),
      type: opt(Str, 'Used to facilitate programmatic handling of secret data, e.g. Opaque or kubernetes.io/tls.'),
      immutable: opt(Bool, 'If true, the data stored in the Secret cannot be updated (only the object metadata can be modified).'),
    },
    'Secret holds secret data of a certain type. The total bytes of the values in the Data field must be less than MaxSecretSize bytes.',
  ),
  printerColumns: [NAME_COLUMN, col('Type', 'string', 'The type of the secret'), col('Data', 'string', 'Number of keys'), AGE_COLUMN],
  printRow: (o) => [o.metadata.name, (o as Data).type ?? 'Opaque', String(count(o)), objAge(o)],
  fieldSelectors: { type: (o) => (o as Data).type ?? '' },
  // A bootstrap token Secret that could never authenticate is refused when written (see bootstrap-token.ts).
  validate: (o) => [
    ...validateKeys(o),
    ...((o as Data).type === BOOTSTRAP_TOKEN_SECRET_TYPE
      ? tokenSecretProblems(o as never).map(([k, m]) => tokenFieldError(o, k, m))
      : []),
  ],
  defaults: (o) => {
    const s = o as Data;
    s.type ??= 'Opaque';
    // stringData is a write-only convenience: it is folded into data (base64) and never stored.
    if (s.stringData) {
      s.data = { ...(s.data ?? {}) };
      for (const [k, v] of Object.entries(s.stringData)) s.data[k] = Buffer.from(v).toString('base64');
      delete s.stringData;
    }
  },
});
