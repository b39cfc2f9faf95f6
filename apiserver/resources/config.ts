// core/v1 ConfigMap and Secret: plain data holders, printed with their key counts.
import type { KObject } from '../../lib/api/types';
import { defineResource, col, objAge, NAME_COLUMN, AGE_COLUMN } from './common';
import { kindSchema, Type, Str, StrMap } from './schemas';
import { invalid, type FieldError } from './validation';

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

export const configmaps = defineResource({
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  resource: 'configmaps',
  singular: 'configmap',
  namespaced: true,
  shortNames: ['cm'],
  schema: kindSchema({ data: StrMap, binaryData: StrMap, immutable: Type.Boolean() }),
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
  schema: kindSchema({ data: StrMap, stringData: StrMap, type: Str, immutable: Type.Boolean() }),
  printerColumns: [NAME_COLUMN, col('Type', 'string', 'The type of the secret'), col('Data', 'string', 'Number of keys'), AGE_COLUMN],
  printRow: (o) => [o.metadata.name, (o as Data).type ?? 'Opaque', String(count(o)), objAge(o)],
  fieldSelectors: { type: (o) => (o as Data).type ?? '' },
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
  validate: validateKeys,
});
