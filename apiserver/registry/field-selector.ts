// Field selectors (`spec.nodeName=n1,status.phase!=Running`): parsed once per request and matched
// against the fields each ResourceDef exposes plus metadata.name/metadata.namespace.
import type { KObject } from '../../lib/api/types';
import { apiError } from '../../lib/errors';
import type { ResourceDef } from './types';

export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

/** Parses a field selector; throws 400 BadRequest on bad syntax or unsupported fields. */
export function parseFieldSelector(def: ResourceDef, s: string | undefined): FieldRequirement[] {
  if (!s || !s.trim()) return [];
  return s
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean)
    .map((term) => {
      const m = /^([^=!\s]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
      if (!m) throw apiError(400, 'BadRequest', `invalid field selector: "${term}": does not contain an operator`);
      const field = m[1];
      if (field !== 'metadata.name' && field !== 'metadata.namespace' && !def.fieldSelectors[field])
        throw apiError(400, 'BadRequest', `field label not supported: ${field}`);
      return { field, op: m[2] === '!=' ? '!=' : '=', value: m[3].trim() };
    });
}

export function fieldValue(def: ResourceDef, obj: KObject, field: string): string {
  if (field === 'metadata.name') return obj.metadata.name ?? '';
  if (field === 'metadata.namespace') return obj.metadata.namespace ?? '';
  try {
    return def.fieldSelectors[field]?.(obj) ?? '';
  } catch {
    // A stored object may lack what the field's path walks through (it decodes, but was never
    // validated): Go reads a missing field as its zero value, so one such object cannot fail a list.
    return '';
  }
}

export function matchesFields(def: ResourceDef, reqs: FieldRequirement[], obj: KObject): boolean {
  return reqs.every((r) => (fieldValue(def, obj, r.field) === r.value) === (r.op === '='));
}
