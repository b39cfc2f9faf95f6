// The schemas the kinds are written with, in one import. Every described object lists all of the
// fields Kubernetes 1.32 gives its type, so field validation (fieldValidation=Strict|Warn) can treat
// it as closed; a subtree the project does not describe is `opaque` (preserve-unknown). TypeBox
// objects stay open to the structural check, so the schemas catch wrong types in known fields,
// and the same schemas feed the OpenAPI documents: `description` becomes the text `kubectl
// explain` prints, and `named()` marks a schema that OpenAPI emits once as a component
// (io.k8s.api.core.v1.Container) and references, as Kubernetes does.
import type { TSchema } from '@sinclair/typebox';
import { Type, Str, Open, opt, doc } from './schema-builders';
import { ObjectMeta } from './meta-schemas';

export * from './schema-builders';
export { ObjectMeta, OwnerReference, LabelSelector, ObjectReference, LocalObjectReference, conditionSchema } from './meta-schemas';
export { Container, EphemeralContainer, ResourceRequirements } from './container-schema';
export { Volume, PersistentVolumeClaim, PersistentVolumeClaimSpec, PersistentVolumeClaimStatus } from './volume-schema';
export { PodSpec, PodTemplateSpec, Affinity, Toleration, NodeSelector, NodeSelectorTerm } from './pod-spec-schema';
export { PodStatus } from './pod-status-schema';

const DOC = {
  apiVersion: 'APIVersion defines the versioned schema of this representation of an object. Servers convert recognized schemas to the latest internal value.',
  kind: 'Kind is a string value representing the REST resource this object represents, in CamelCase. Cannot be updated.',
  metadata: "Standard object's metadata.",
  spec: 'Specification of the desired behavior.',
  status: 'Most recently observed status. Populated by the system; read-only.',
} as Record<string, string>;

/** An object of this kind: apiVersion/kind/metadata plus the given top-level fields. */
export function kindSchema(fields: Record<string, TSchema>, description?: string): TSchema {
  const props: Record<string, TSchema> = {
    apiVersion: opt(Str, DOC.apiVersion),
    kind: opt(Str, DOC.kind),
    metadata: opt(ObjectMeta, DOC.metadata),
  };
  for (const [k, v] of Object.entries(fields)) props[k] = Type.Optional(v.description || !DOC[k] ? v : doc(v, DOC[k]));
  return Type.Object(props, description ? { ...Open, description } : Open);
}

