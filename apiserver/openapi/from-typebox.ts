// Turns the project's TypeBox schemas into OpenAPI v3 schemas: descriptions kept, named schemas
// emitted once as components and referenced (allOf + $ref, so a field keeps its own description,
// as Kubernetes publishes them), int-or-string and quantities in Kubernetes' formats, maps as
// additionalProperties, and the list extensions from the strategic-merge table in apiserver/patch.
import type { TSchema } from '@sinclair/typebox';
import { listStrategy } from '../patch';
import { COMPONENT_DOC, COMPONENT_NAME, REQUIRED } from '../resources/schemas';

type Obj = Record<string, any>;

export interface ConvertContext {
  /** Kind of the object being converted: the merge-key table depends on it. */
  kind: string;
  /** Components emitted so far (filled as named schemas are met). */
  components: Obj;
}

const ref = (name: string): Obj => ({ $ref: `#/components/schemas/${name}` });

const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';

function listExtensions(kind: string, path: string[], items: Obj): Obj {
  const st = listStrategy(kind, path);
  if (!st) return {};
  if (st.key === undefined) return { 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-list-type': 'set' };
  const ext: Obj = { 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': st.key };
  // A map-type list needs its key present in every entry; only claim it when the schema requires it.
  const target = items.$ref ? undefined : items;
  if (!target || (target.required ?? []).includes(st.key) || target.properties?.[st.key]?.[REQUIRED]) {
    ext['x-kubernetes-list-type'] = 'map';
    ext['x-kubernetes-list-map-keys'] = [st.key];
  }
  return ext;
}

function convertInner(s: Obj, ctx: ConvertContext, path: string[]): Obj {
  const description = typeof s.description === 'string' ? { description: s.description } : {};
  if (Array.isArray(s.anyOf)) {
    const branches = s.anyOf.filter((b: Obj) => b.type !== 'null');
    const nullable = branches.length < s.anyOf.length;
    if (branches.length === 1) return { ...convert(branches[0], ctx, path), ...description, ...(nullable ? { nullable: true } : {}) };
    const types = new Set(branches.map((b: Obj) => b.type));
    if (types.has('string') && types.has('integer')) return { type: 'string', format: 'int-or-string', 'x-kubernetes-int-or-string': true, ...description };
    return { ...description, anyOf: branches.map((b: Obj) => convert(b, ctx, path)) };
  }
  switch (s.type) {
    case 'object': {
      const out: Obj = { type: 'object', ...description };
      const props = s.properties ?? {};
      if (Object.keys(props).length) {
        out.properties = {};
        for (const [k, v] of Object.entries(props)) out.properties[k] = convert(v as Obj, ctx, [...path, k]);
        const required = [...(Array.isArray(s.required) ? s.required : []), ...Object.keys(props).filter((k) => (props as Obj)[k][REQUIRED])];
        if (required.length) out.required = required;
      } else if (s.patternProperties) {
        const value = Object.values(s.patternProperties)[0] as Obj;
        out.additionalProperties = convert(value, ctx, path);
      } else if (s.additionalProperties === true || s.additionalProperties === undefined) {
        // A part we do not model field by field: anything is kept.
        out['x-kubernetes-preserve-unknown-fields'] = true;
      }
      return out;
    }
    case 'array': {
      const items = convert(s.items ?? {}, ctx, path);
      return { type: 'array', ...description, items, ...listExtensions(ctx.kind, path, s.items ?? {}) };
    }
    case 'integer':
      return { type: 'integer', format: 'int32', ...description };
    case 'string':
    case 'number':
    case 'boolean':
      return { type: s.type, ...description, ...(Array.isArray(s.enum) ? { enum: [...s.enum] } : {}) };
    default:
      return { ...description, 'x-kubernetes-preserve-unknown-fields': true };
  }
}

/** The OpenAPI form of `schema` found at `path` (field names from the object root). */
export function convert(schema: TSchema | Obj, ctx: ConvertContext, path: string[] = []): Obj {
  const s = schema as Obj;
  const name: string | undefined = s[COMPONENT_NAME];
  if (!name) return convertInner(s, ctx, path);
  if (!(name in ctx.components)) {
    ctx.components[name] = {}; // placeholder: breaks cycles
    const body = name === INT_OR_STRING ? { type: 'string', format: 'int-or-string' } : name === QUANTITY ? { type: 'string', format: 'quantity' } : convertInner({ ...s, description: s[COMPONENT_DOC] }, ctx, path);
    ctx.components[name] = body;
  }
  const fieldDoc = path.length && typeof s.description === 'string' && s.description !== s[COMPONENT_DOC] ? s.description : undefined;
  return fieldDoc ? { description: fieldDoc, allOf: [ref(name)] } : { allOf: [ref(name)] };
}
