// Schemas every kind shares: ObjectMeta (with owner references and managed fields), label
// selectors, object references, and the condition shapes statuses use.
import { Str, Int, Bool, StrMap, Time, obj, opt, req, list, named, opaque } from './schema-builders';

const ManagedFieldsEntry = named(
  'io.k8s.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry',
  obj(
    {
      apiVersion: opt(Str, 'The version of the resource the field set applies to.'),
      fieldsType: opt(Str, 'The format of the field set; the only valid value is "FieldsV1".'),
      fieldsV1: opt(opaque('The set of fields owned by this manager, in the FieldsV1 trie format.')),
      manager: opt(Str, 'An identifier of the workflow managing these fields.'),
      operation: opt(Str, 'The kind of operation that produced this entry: Apply or Update.'),
      subresource: opt(Str, 'The subresource the object was written through, empty for the main resource.'),
      time: opt(Time, 'When this entry was added or last changed.'),
    },
    'A workflow id, a field set and the version of the resource the set applies to.',
  ),
);

export const OwnerReference = named(
  'io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference',
  obj(
    {
      apiVersion: req(Str, 'API version of the referent.'),
      kind: req(Str, 'Kind of the referent.'),
      name: req(Str, 'Name of the referent.'),
      uid: req(Str, 'UID of the referent.'),
      controller: opt(Bool, 'If true, this reference points to the managing controller.'),
      blockOwnerDeletion: opt(Bool, 'If true, the owner cannot be deleted from storage before this reference is removed (foreground deletion).'),
    },
    'Enough information to let you identify an owning object, which must be in the same namespace as the dependent or cluster-scoped.',
  ),
);

export const ObjectMeta = named(
  'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
  obj(
    {
      name: opt(Str, 'Name must be unique within a namespace. It is required when creating resources and cannot be updated.'),
      generateName: opt(Str, 'An optional prefix the server uses to generate a unique name when Name is not provided.'),
      namespace: opt(Str, 'The namespace the object lives in; an empty namespace means "default" for namespaced kinds.'),
      selfLink: opt(Str, 'Deprecated and no longer populated by the system.'),
      uid: opt(Str, 'The unique in time and space value for this object, set by the server on creation.'),
      resourceVersion: opt(Str, 'An opaque value identifying the internal version of this object, used for optimistic concurrency and watches.'),
      generation: opt(Int, 'A sequence number representing a specific generation of the desired state, set by the system.'),
      creationTimestamp: opt(Time, 'The server time when this object was created.'),
      deletionTimestamp: opt(Time, 'The time after which this resource will be deleted, set when a graceful deletion is requested.'),
      deletionGracePeriodSeconds: opt(Int, 'Seconds allowed for this object to terminate gracefully before it is removed.'),
      labels: opt(StrMap, 'Map of string keys and values used to organize and select objects.'),
      annotations: opt(StrMap, 'Unstructured key value map stored with a resource, set by external tools to keep arbitrary metadata.'),
      ownerReferences: opt(list(OwnerReference), 'List of objects depended by this object. When all owners are deleted, this object is garbage collected.'),
      finalizers: opt(list(Str), 'Must be empty before the object is deleted from the registry.'),
      managedFields: opt(list(ManagedFieldsEntry), 'Which workflow manages which fields; maintained by the server for server-side apply.'),
    },
    'Metadata that all persisted resources must have.',
  ),
);

const LabelSelectorRequirement = named(
  'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement',
  obj(
    {
      key: req(Str, 'The label key that the selector applies to.'),
      operator: req(Str, "A key's relationship to a set of values: In, NotIn, Exists and DoesNotExist."),
      values: opt(list(Str), 'An array of string values; empty for Exists and DoesNotExist.'),
    },
    'A selector that contains values, a key, and an operator that relates the key and values.',
  ),
);

export const LabelSelector = named(
  'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector',
  obj(
    {
      matchLabels: opt(StrMap, 'A map of {key,value} pairs; each is equivalent to a matchExpressions element with operator "In" and one value.'),
      matchExpressions: opt(list(LabelSelectorRequirement), 'A list of label selector requirements. The requirements are ANDed.'),
    },
    'A label query over a set of resources. An empty selector matches all objects; a null one matches none.',
  ),
);

export const ObjectReference = named(
  'io.k8s.api.core.v1.ObjectReference',
  obj(
    {
      apiVersion: opt(Str, 'API version of the referent.'),
      kind: opt(Str, 'Kind of the referent.'),
      namespace: opt(Str, 'Namespace of the referent.'),
      name: opt(Str, 'Name of the referent.'),
      uid: opt(Str, 'UID of the referent.'),
      resourceVersion: opt(Str, 'The specific resourceVersion this reference is made to, if any.'),
      fieldPath: opt(Str, 'A piece of an object instead of the whole object, e.g. spec.containers{name}.'),
    },
    'Enough information to let you inspect or modify the referred object.',
  ),
);

export const LocalObjectReference = named(
  'io.k8s.api.core.v1.LocalObjectReference',
  obj({ name: opt(Str, 'Name of the referent.') }, 'Enough information to let you locate the referenced object inside the same namespace.'),
);

/**
 * A status condition: type, status and reason with the timestamps a kind uses (Kubernetes gives
 * each kind its own condition type; their fields differ only in which times they carry).
 */
export function conditionSchema(name: string, times: ('lastProbeTime' | 'lastTransitionTime' | 'lastUpdateTime' | 'lastHeartbeatTime')[], extra: Record<string, ReturnType<typeof opt>> = {}) {
  const timeDoc: Record<string, string> = {
    lastProbeTime: 'Last time the condition was probed.',
    lastTransitionTime: 'Last time the condition transitioned from one status to another.',
    lastUpdateTime: 'The last time this condition was updated.',
    lastHeartbeatTime: 'Last time the condition was reported.',
  };
  return named(
    name,
    obj(
      {
        type: req(Str, 'Type of the condition.'),
        status: req(Str, 'Status of the condition: True, False or Unknown.'),
        reason: opt(Str, "A unique, one-word, CamelCase reason for the condition's last transition."),
        message: opt(Str, 'A human-readable message with details about the last transition.'),
        ...Object.fromEntries(times.map((t) => [t, opt(Time, timeDoc[t])])),
        ...extra,
      },
      'A condition of the object at a point in time.',
    ),
  );
}


