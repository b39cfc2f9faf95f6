// When a stored value decodes as an object of its resource — the registry's half of the corrupt
// object rule (storage/object-decoder.ts). It asks what kube-apiserver's Go decoding asks, no more:
// the apiVersion and kind are the resource's, metadata names the object its key names, and every
// field the kind's schema knows has the JSON type its Go field takes (null is fine anywhere, as Go
// leaves the zero value; unknown fields are ignored) with quantities that parse. Validation rules
// (required fields, name syntax, sizes) are not decoding: such objects are served as they are, like
// upstream serves them, and components cope with them.
import type { TSchema } from '@sinclair/typebox';
import { parseQuantity } from '../../lib/api/quantity';
import type { ResourceSpec } from '../resources/types';
import type { StoredKey, StoredObjectCheck } from '../storage/object-decoder';

/** The OpenAPI component name the schemas give a resource.Quantity. */
const QUANTITY_COMPONENT = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const COMPONENT_NAME = 'x-k8ts-component';

/** A schema reduced to what decoding checks. */
export type Shape =
  | { t: 'any' | 'string' | 'integer' | 'number' | 'boolean' | 'null' | 'quantity' }
  | { t: 'object'; props: Map<string, Shape> }
  | { t: 'map'; values: Shape }
  | { t: 'array'; items: Shape }
  | { t: 'union'; of: Shape[] };

const compiled = new WeakMap<object, Shape>();

/** The decoding shape of a JSON schema (TypeBox output): types only, constraints dropped. */
export function shapeOf(schema: TSchema): Shape {
  const have = compiled.get(schema);
  if (have) return have;
  const s = schema as Record<string, unknown>;
  let out: Shape;
  if (s[COMPONENT_NAME] === QUANTITY_COMPONENT) out = { t: 'quantity' };
  else if (Array.isArray(s.anyOf)) out = { t: 'union', of: (s.anyOf as TSchema[]).map(shapeOf) };
  else if (s.const !== undefined) out = { t: typeof s.const === 'string' ? 'string' : typeof s.const === 'boolean' ? 'boolean' : 'number' };
  else if (s.type === 'object' && s.patternProperties && typeof s.patternProperties === 'object') {
    out = { t: 'map', values: shapeOf(Object.values(s.patternProperties as Record<string, TSchema>)[0]) };
  } else if (s.type === 'object') {
    // Filled after registering, so a schema that refers back to itself ends instead of recursing.
    const props = new Map<string, Shape>();
    out = { t: 'object', props };
    compiled.set(schema, out);
    for (const [k, v] of Object.entries((s.properties ?? {}) as Record<string, TSchema>)) props.set(k, shapeOf(v));
    return out;
  } else if (s.type === 'array') out = { t: 'array', items: s.items ? shapeOf(s.items as TSchema) : { t: 'any' } };
  else if (s.type === 'string' || s.type === 'integer' || s.type === 'number' || s.type === 'boolean' || s.type === 'null') out = { t: s.type };
  else out = { t: 'any' };
  compiled.set(schema, out);
  return out;
}

const jsonType = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v);

function describe(s: Shape): string {
  switch (s.t) {
    case 'union':
      return [...new Set(s.of.map(describe))].join(' or ');
    case 'map':
    case 'object':
      return 'object';
    case 'quantity':
      return 'quantity';
    default:
      return s.t;
  }
}

/** A decoding failure: where (innermost segment first, filled while unwinding) and why. */
interface Failure {
  path: (string | number)[];
  message: string;
}

function formatPath(path: (string | number)[]): string {
  let out = '';
  for (let i = path.length - 1; i >= 0; i--) {
    const seg = path[i];
    out += typeof seg === 'number' ? `[${seg}]` : out ? `.${seg}` : seg;
  }
  return out || '<root>';
}

const wrong = (shape: Shape, value: unknown): Failure => ({ path: [], message: `expected ${describe(shape)}, got ${jsonType(value)}` });

/**
 * The first way value fails to decode as shape. Paths are only built for a failure: this runs on
 * every value read from etcd, so the common case allocates nothing.
 */
function firstFailure(value: unknown, shape: Shape): Failure | undefined {
  // Go leaves a field at its zero value for null, whatever its type.
  if (value === null) return undefined;
  switch (shape.t) {
    case 'any':
      return undefined;
    case 'string':
      return typeof value === 'string' ? undefined : wrong(shape, value);
    case 'integer':
      return Number.isInteger(value) ? undefined : wrong(shape, value);
    case 'number':
      return typeof value === 'number' ? undefined : wrong(shape, value);
    case 'boolean':
      return typeof value === 'boolean' ? undefined : wrong(shape, value);
    case 'null':
      return wrong(shape, value);
    case 'quantity':
      if (typeof value === 'number') return Number.isFinite(value) ? undefined : wrong(shape, value);
      if (typeof value !== 'string') return wrong(shape, value);
      try {
        parseQuantity(value);
        return undefined;
      } catch (e) {
        return { path: [], message: (e as Error).message };
      }
    case 'union':
      for (const s of shape.of) if (!firstFailure(value, s)) return undefined;
      return wrong(shape, value);
    case 'array': {
      if (!Array.isArray(value)) return wrong(shape, value);
      for (let i = 0; i < value.length; i++) {
        const f = firstFailure(value[i], shape.items);
        if (f) return f.path.push(i), f;
      }
      return undefined;
    }
    case 'map':
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) return wrong(shape, value);
      const o = value as Record<string, unknown>;
      for (const k in o) {
        const inner = shape.t === 'map' ? shape.values : shape.props.get(k);
        if (!inner) continue;
        const f = firstFailure(o[k], inner);
        if (f) return f.path.push(k), f;
      }
      return undefined;
    }
  }
}

/** The first way value fails to decode as shape, as "path: reason", or undefined. */
export function shapeProblem(value: unknown, shape: Shape): string | undefined {
  const f = firstFailure(value, shape);
  return f && `${formatPath(f.path)}: ${f.message}`;
}

/** Why value, stored at `at`, is no object of spec, or undefined when it decodes. */
export function storedProblem(spec: ResourceSpec, at: StoredKey, value: Record<string, unknown>): string | undefined {
  if (value.apiVersion !== undefined && value.apiVersion !== spec.apiVersion)
    return `apiVersion: ${JSON.stringify(value.apiVersion)} is not the stored version ${spec.apiVersion} of ${spec.resource}`;
  if (value.kind !== undefined && value.kind !== spec.kind) return `kind: ${JSON.stringify(value.kind)} is not ${spec.kind}`;
  const meta = value.metadata as Record<string, unknown>;
  if (meta.name !== at.name) return `metadata.name: ${JSON.stringify(meta.name ?? null)} does not match the name in the storage key (${at.name})`;
  const ns = meta.namespace ?? undefined;
  if (spec.namespaced && ns !== at.namespace) return `metadata.namespace: ${JSON.stringify(ns ?? null)} does not match the namespace in the storage key (${at.namespace})`;
  if (!spec.namespaced && ns !== undefined && ns !== '') return `metadata.namespace: a ${spec.kind} is not namespaced, got ${JSON.stringify(ns)}`;
  return shapeProblem(value, shapeOf(spec.schema));
}

/** The registry's check for the store: resources it does not serve are judged generically only. */
export function storedObjectCheck(specs: ResourceSpec[]): StoredObjectCheck {
  const byResource = new Map(specs.map((s) => [`${s.group}/${s.resource}`, s]));
  return (at, value) => {
    const spec = byResource.get(`${at.group}/${at.resource}`);
    return spec ? storedProblem(spec, at, value) : undefined;
  };
}
