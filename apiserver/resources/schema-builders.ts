// The small vocabulary the kind schemas are written in: TypeBox plus descriptions, required and
// optional markers, OpenAPI component names, and the preserve-unknown marker that field validation
// and OpenAPI read. No kind lives here, so every schema file can import it without cycles.
import { Type, type TSchema } from '@sinclair/typebox';

export const Str = Type.String();
export const Int = Type.Integer();
export const Bool = Type.Boolean();
export const StrMap = Type.Record(Type.String(), Type.String());
/**
 * Extra fields pass the structural (422) check: unknown fields are field validation's business
 * (fieldValidation=Strict|Warn|Ignore), not the schema validator's.
 */
export const Open = { additionalProperties: true } as const;

/**
 * Kubernetes' marker for a subtree whose fields are kept as sent and not checked: field validation
 * (fieldValidation=Strict|Warn|Ignore) treats every other object schema with properties as closed.
 */
export const PRESERVE_UNKNOWN = 'x-kubernetes-preserve-unknown-fields';
/** An object whose fields the project does not describe (kept whole, never reported as unknown). */
export const opaque = (description: string) => Type.Object({}, { additionalProperties: true, [PRESERVE_UNKNOWN]: true, description });

/** The OpenAPI component name a schema is published under. */
export const COMPONENT_NAME = 'x-k8ts-component';
/** The component's own description (a field using it may carry another). */
export const COMPONENT_DOC = 'x-k8ts-component-doc';
/** The OpenAPI `required` marker of a field that the kind's semantic rules require. */
export const REQUIRED = 'x-k8ts-required';

/** The schema with a description (a copy; TypeBox's symbol tags are kept by the spread). */
export const doc = <T extends TSchema>(s: T, description: string): T => ({ ...s, description });
/** An optional field with a description. */
export const opt = <T extends TSchema>(s: T, description?: string) => Type.Optional(description ? doc(s, description) : s);
/**
 * A required field: optional to the structural check, so that the kind's own rule reports the
 * Kubernetes "Required value" cause, and listed as required in OpenAPI.
 */
export const req = <T extends TSchema>(s: T, description: string) => Type.Optional({ ...doc(s, description), [REQUIRED]: true });
/** Marks a schema as the OpenAPI component `name`. */
export const named = <T extends TSchema>(name: string, s: T): T => ({ ...s, [COMPONENT_NAME]: name, [COMPONENT_DOC]: s.description });
/** A described object (closed for field validation, open to the structural check). */
export const obj = <P extends Record<string, TSchema>>(properties: P, description: string) => Type.Object(properties, { ...Open, description });
/** A list of the given items. */
export const list = <T extends TSchema>(items: T) => Type.Array(items);

export const IntOrString = named('io.k8s.apimachinery.pkg.util.intstr.IntOrString', Type.Union([Type.Integer(), Type.String()]));
export const Quantity = named('io.k8s.apimachinery.pkg.api.resource.Quantity', Type.Union([Type.Integer(), Type.Number(), Type.String()]));
export const ResourceList = Type.Record(Str, Quantity);
/** A timestamp field (RFC 3339); clients send null for an unset one. */
export const Time = Type.Union([Str, Type.Null()]);

export { Type };
