// -o yaml | json | name: objects printed whole. Several objects become one `kind: List`, as
// kubectl prints them.
import YAML from 'yaml';
import type { KObject } from '../../lib/api/types';
import { UsageError } from '../errors';

export type OutputFormat = 'table' | 'wide' | 'yaml' | 'json' | 'name';

export function parseOutputFormat(o: string | undefined): OutputFormat {
  if (o === undefined || o === '') return 'table';
  if (['wide', 'yaml', 'json', 'name'].includes(o)) return o as OutputFormat;
  throw new UsageError(`unable to match a printer suitable for the output format "${o}", allowed formats are: json,name,wide,yaml`);
}

export function asList(objs: KObject[]): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'List', items: objs, metadata: { resourceVersion: '' } };
}

/** A single object prints alone unless the user asked for a collection. */
export function renderObjects(objs: KObject[], format: 'yaml' | 'json', single: boolean): string {
  const value = single && objs.length === 1 ? objs[0] : asList(objs);
  return format === 'json' ? JSON.stringify(value, null, 4) + '\n' : YAML.stringify(value, { lineWidth: 0 });
}

export function renderNames(objs: KObject[], qualifiedKind: (o: KObject) => string): string {
  return objs.map((o) => `${qualifiedKind(o)}/${o.metadata.name}\n`).join('');
}
