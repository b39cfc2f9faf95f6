// TypeBox schemas for the fields that matter, shared by the kinds. Objects stay open (extra fields
// are kept, as Kubernetes preserves fields of newer clients), so the schemas catch wrong types in
// known fields, and the same schemas feed the OpenAPI documents: `description` becomes the text
// `kubectl explain` prints, and `named()` marks a schema that OpenAPI emits once as a component
// (io.k8s.api.core.v1.Container) and references, as Kubernetes does.
import { Type, type TSchema } from '@sinclair/typebox';

const Str = Type.String();
const Int = Type.Integer();
const StrMap = Type.Record(Type.String(), Type.String());
const Open = { additionalProperties: true } as const;

/** The OpenAPI component name a schema is published under. */
export const COMPONENT_NAME = 'x-k8ts-component';

/** The schema with a description (a copy; TypeBox's symbol tags are kept by the spread). */
export const doc = <T extends TSchema>(s: T, description: string): T => ({ ...s, description });
/** An optional field with a description. */
export const opt = <T extends TSchema>(s: T, description?: string) => Type.Optional(description ? doc(s, description) : s);
/** The OpenAPI `required` marker of a field that the kind's semantic rules require. */
export const REQUIRED = 'x-k8ts-required';
/**
 * A required field: optional to the structural check, so that the kind's own rule reports the
 * Kubernetes "Required value" cause, and listed as required in OpenAPI.
 */
export const req = <T extends TSchema>(s: T, description: string) => Type.Optional({ ...doc(s, description), [REQUIRED]: true });
/** Marks a schema as the OpenAPI component `name`. */
export const named = <T extends TSchema>(name: string, s: T): T => ({ ...s, [COMPONENT_NAME]: name, [COMPONENT_DOC]: s.description });
/** The component's own description (a field using it may carry another). */
export const COMPONENT_DOC = 'x-k8ts-component-doc';

export const IntOrString = named('io.k8s.apimachinery.pkg.util.intstr.IntOrString', Type.Union([Type.Integer(), Type.String()]));
export const Quantity = named('io.k8s.apimachinery.pkg.api.resource.Quantity', Type.Union([Type.Integer(), Type.Number(), Type.String()]));
const ResourceList = Type.Record(Str, Quantity);

export const ObjectMeta = named(
  'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
  Type.Object(
    {
      name: opt(Str, 'Name must be unique within a namespace. It is required when creating resources and cannot be updated.'),
      generateName: opt(Str, 'An optional prefix the server uses to generate a unique name when Name is not provided.'),
      namespace: opt(Str, 'The namespace the object lives in; an empty namespace means "default" for namespaced kinds.'),
      uid: opt(Str, 'The unique in time and space value for this object, set by the server on creation.'),
      resourceVersion: opt(Str, 'An opaque value identifying the internal version of this object, used for optimistic concurrency and watches.'),
      generation: opt(Int, 'A sequence number representing a specific generation of the desired state, set by the system.'),
      creationTimestamp: opt(Type.Union([Str, Type.Null()]), 'The server time when this object was created.'),
      deletionTimestamp: opt(Type.Union([Str, Type.Null()]), 'The time after which this resource will be deleted, set when a graceful deletion is requested.'),
      deletionGracePeriodSeconds: opt(Int, 'Seconds allowed for this object to terminate gracefully before it is removed.'),
      labels: opt(StrMap, 'Map of string keys and values used to organize and select objects.'),
      annotations: opt(StrMap, 'Unstructured key value map stored with a resource, set by external tools to keep arbitrary metadata.'),
      finalizers: opt(Type.Array(Str), 'Must be empty before the object is deleted from the registry.'),
      ownerReferences: opt(
        Type.Array(
          Type.Object(
            {
              apiVersion: doc(Str, 'API version of the referent.'),
              kind: doc(Str, 'Kind of the referent.'),
              name: doc(Str, 'Name of the referent.'),
              uid: doc(Str, 'UID of the referent.'),
              controller: opt(Type.Boolean(), 'If true, this reference points to the managing controller.'),
              blockOwnerDeletion: opt(Type.Boolean(), 'If true, the owner cannot be deleted from storage before this reference is removed (foreground deletion).'),
            },
            Open,
          ),
        ),
        'List of objects depended by this object. When all owners are deleted, this object is garbage collected.',
      ),
    },
    { ...Open, description: 'Metadata that all persisted resources must have.' },
  ),
);

export const ContainerPort = named(
  'io.k8s.api.core.v1.ContainerPort',
  Type.Object(
    {
      name: opt(Str, 'An IANA_SVC_NAME naming this port; services can refer to it by name.'),
      containerPort: doc(Int, 'Number of the port to expose on the pod IP address (0 < x < 65536).'),
      hostPort: opt(Int, 'Number of the port to expose on the host.'),
      hostIP: opt(Str, 'What host IP to bind the external port to.'),
      protocol: opt(Str, 'Protocol for the port: UDP, TCP or SCTP. Defaults to "TCP".'),
    },
    { ...Open, description: 'A network port in a single container.' },
  ),
);

export const Container = named(
  'io.k8s.api.core.v1.Container',
  Type.Object(
    {
      name: doc(Str, 'Name of the container, a DNS_LABEL unique within the pod. Cannot be updated.'),
      image: opt(Str, 'Container image name.'),
      command: opt(Type.Array(Str), "Entrypoint array, not run in a shell. The image's ENTRYPOINT is used when not provided."),
      args: opt(Type.Array(Str), "Arguments to the entrypoint. The image's CMD is used when not provided."),
      workingDir: opt(Str, "The container's working directory; the runtime's default is used when not specified."),
      ports: opt(Type.Array(ContainerPort), 'List of ports to expose from the container. Informational: any port listening on 0.0.0.0 is reachable.'),
      env: opt(
        Type.Array(
          Type.Object({ name: doc(Str, 'Name of the environment variable.'), value: opt(Str, 'Value of the variable; $(VAR_NAME) references are expanded.') }, Open),
        ),
        'List of environment variables to set in the container.',
      ),
      imagePullPolicy: opt(Str, 'Image pull policy: Always, Never or IfNotPresent. Defaults to Always for the :latest tag, IfNotPresent otherwise.'),
      terminationMessagePath: opt(Str, "Path of the file into which the container's termination message is written. Defaults to /dev/termination-log."),
      terminationMessagePolicy: opt(Str, 'How the termination message is populated: File or FallbackToLogsOnError.'),
      resources: opt(
        Type.Object(
          {
            limits: opt(ResourceList, 'The maximum amount of compute resources allowed.'),
            requests: opt(ResourceList, 'The minimum amount of compute resources required.'),
          },
          Open,
        ),
        'Compute resources required by this container.',
      ),
    },
    { ...Open, description: 'A single application container that you want to run within a pod.' },
  ),
);

export const PodSpec = named(
  'io.k8s.api.core.v1.PodSpec',
  Type.Object(
    {
      containers: opt(Type.Array(Container), 'List of containers belonging to the pod. There must be at least one. Cannot be updated.'),
      initContainers: opt(Type.Array(Container), 'List of initialization containers, run in order before the app containers start.'),
      restartPolicy: opt(Str, 'Restart policy for all containers within the pod: Always, OnFailure or Never. Default to Always.'),
      terminationGracePeriodSeconds: opt(Int, 'Duration in seconds the pod needs to terminate gracefully. Defaults to 30 seconds.'),
      activeDeadlineSeconds: opt(Int, 'Duration in seconds the pod may be active on the node before the system marks it failed.'),
      dnsPolicy: opt(Str, "DNS policy for the pod: ClusterFirstWithHostNet, ClusterFirst, Default or None. Defaults to ClusterFirst."),
      nodeSelector: opt(StrMap, "A selector which must match a node's labels for the pod to be scheduled on that node."),
      serviceAccountName: opt(Str, 'Name of the ServiceAccount to use to run this pod.'),
      nodeName: opt(Str, 'A request to schedule this pod onto a specific node; set by the scheduler on binding.'),
      hostNetwork: opt(Type.Boolean(), "Host networking requested for this pod: it uses the host's network namespace."),
      hostname: opt(Str, "The pod's hostname; defaults to the pod name."),
      subdomain: opt(Str, 'The pod\'s fully qualified hostname becomes "<hostname>.<subdomain>.<namespace>.svc.<cluster domain>".'),
      schedulerName: opt(Str, 'The scheduler that dispatches the pod; defaults to the default scheduler.'),
      tolerations: opt(Type.Array(Type.Object({}, Open)), "The pod's tolerations."),
    },
    { ...Open, description: 'A description of a pod.' },
  ),
);

export const LabelSelector = named(
  'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector',
  Type.Object(
    {
      matchLabels: opt(StrMap, 'A map of {key,value} pairs; each is equivalent to a matchExpressions element with operator "In" and one value.'),
      matchExpressions: opt(
        Type.Array(
          Type.Object(
            {
              key: doc(Str, 'The label key that the selector applies to.'),
              operator: doc(Str, "A key's relationship to a set of values: In, NotIn, Exists and DoesNotExist."),
              values: opt(Type.Array(Str), 'An array of string values; empty for Exists and DoesNotExist.'),
            },
            Open,
          ),
        ),
        'A list of label selector requirements. The requirements are ANDed.',
      ),
    },
    { ...Open, description: 'A label query over a set of resources. An empty selector matches all objects; a null one matches none.' },
  ),
);

export const PodTemplateSpec = named(
  'io.k8s.api.core.v1.PodTemplateSpec',
  Type.Object(
    {
      metadata: opt(ObjectMeta, "Standard object's metadata."),
      spec: opt(PodSpec, 'Specification of the desired behavior of the pod.'),
    },
    { ...Open, description: 'The data a pod should have when created from a template.' },
  ),
);

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

export { Type, Str, Int, StrMap, Open, ResourceList };
