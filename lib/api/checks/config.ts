// ConfigMaps and Secrets as the kubelet reads them: data maps of strings whose keys become file
// names in volumes and variables in containers (base64 for Secret data and binaryData).
import { Checker } from './checker';
import { checkMetadata } from './metadata';

/** Keys are file names in a volume: what upstream's IsConfigMapKey allows. */
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function checkData(c: Checker, path: string, v: unknown, base64: boolean): void {
  const data = c.stringMap(path, v);
  if (!data) return;
  for (const [k, x] of Object.entries(data)) {
    if (!CONFIG_KEY.test(k) || k === '.' || k === '..' || k.startsWith('..')) c.fail(`${path}[${k}]`, "Invalid value: a valid config key must consist of alphanumeric characters, '-', '_' or '.' and must not start with '..'");
    else if (base64 && !BASE64.test(x.replace(/\s+/g, ''))) c.fail(`${path}[${k}]`, 'Invalid value: must be base64 encoded');
  }
}

export function checkConfigMap(c: Checker, obj: unknown): void {
  const o = checkMetadata(c, obj, { namespaced: true });
  if (!o) return;
  checkData(c, 'data', o.data, false);
  checkData(c, 'binaryData', o.binaryData, true);
  c.boolean('immutable', o.immutable);
}

export function checkSecret(c: Checker, obj: unknown): void {
  const o = checkMetadata(c, obj, { namespaced: true });
  if (!o) return;
  checkData(c, 'data', o.data, true);
  checkData(c, 'stringData', o.stringData, false);
  c.string('type', o.type);
  c.boolean('immutable', o.immutable);
}
