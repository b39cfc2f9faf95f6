// Structural validation against a kind's TypeBox schema, reported as 422 causes with Kubernetes
// field paths (spec.replicas, spec.containers[0].ports[1].containerPort).
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { TSchema } from '@sinclair/typebox';
import { invalid, type FieldError } from '../resources/validation';

const compiled = new WeakMap<TSchema, TypeCheck<TSchema>>();

/** "/spec/containers/0/name" → "spec.containers[0].name" */
export function fieldPath(pointer: string): string {
  let out = '';
  for (const seg of pointer.split('/').slice(1)) {
    const s = seg.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(s)) out += `[${s}]`;
    else out += out ? `.${s}` : s;
  }
  return out;
}

export function schemaErrors(schema: TSchema, obj: unknown): FieldError[] {
  let check = compiled.get(schema);
  if (!check) {
    check = TypeCompiler.Compile(schema);
    compiled.set(schema, check);
  }
  if (check.Check(obj)) return [];
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  for (const e of check.Errors(obj)) {
    const field = fieldPath(e.path) || '<root>';
    // Unions report once per branch; one message per field is enough.
    if (seen.has(field)) continue;
    seen.add(field);
    errs.push(invalid(field, e.value, e.message.toLowerCase()));
    if (errs.length >= 20) break;
  }
  return errs;
}
