// TypeBox schemas for the fields that matter, shared by the kinds. Objects stay open (extra fields
// are kept, as Kubernetes preserves fields of newer clients), so the schemas catch wrong types in
// known fields, and the same schemas can feed OpenAPI documents.
import { Type, type TSchema } from '@sinclair/typebox';

const Str = Type.String();
const Int = Type.Integer();
const StrMap = Type.Record(Type.String(), Type.String());
const Open = { additionalProperties: true } as const;

export const IntOrString = Type.Union([Type.Integer(), Type.String()]);

export const ObjectMeta = Type.Object(
  {
    name: Type.Optional(Str),
    generateName: Type.Optional(Str),
    namespace: Type.Optional(Str),
    uid: Type.Optional(Str),
    resourceVersion: Type.Optional(Str),
    generation: Type.Optional(Int),
    creationTimestamp: Type.Optional(Type.Union([Str, Type.Null()])),
    deletionTimestamp: Type.Optional(Type.Union([Str, Type.Null()])),
    deletionGracePeriodSeconds: Type.Optional(Int),
    labels: Type.Optional(StrMap),
    annotations: Type.Optional(StrMap),
    finalizers: Type.Optional(Type.Array(Str)),
    ownerReferences: Type.Optional(
      Type.Array(
        Type.Object(
          {
            apiVersion: Str,
            kind: Str,
            name: Str,
            uid: Str,
            controller: Type.Optional(Type.Boolean()),
            blockOwnerDeletion: Type.Optional(Type.Boolean()),
          },
          Open,
        ),
      ),
    ),
  },
  Open,
);

export const ContainerPort = Type.Object(
  {
    name: Type.Optional(Str),
    containerPort: Int,
    hostPort: Type.Optional(Int),
    hostIP: Type.Optional(Str),
    protocol: Type.Optional(Str),
  },
  Open,
);

export const Container = Type.Object(
  {
    name: Str,
    image: Type.Optional(Str),
    command: Type.Optional(Type.Array(Str)),
    args: Type.Optional(Type.Array(Str)),
    workingDir: Type.Optional(Str),
    ports: Type.Optional(Type.Array(ContainerPort)),
    env: Type.Optional(Type.Array(Type.Object({ name: Str, value: Type.Optional(Str) }, Open))),
    imagePullPolicy: Type.Optional(Str),
    terminationMessagePath: Type.Optional(Str),
    terminationMessagePolicy: Type.Optional(Str),
    resources: Type.Optional(
      Type.Object({ limits: Type.Optional(Type.Record(Str, IntOrString)), requests: Type.Optional(Type.Record(Str, IntOrString)) }, Open),
    ),
  },
  Open,
);

export const PodSpec = Type.Object(
  {
    containers: Type.Optional(Type.Array(Container)),
    initContainers: Type.Optional(Type.Array(Container)),
    restartPolicy: Type.Optional(Str),
    terminationGracePeriodSeconds: Type.Optional(Int),
    activeDeadlineSeconds: Type.Optional(Int),
    dnsPolicy: Type.Optional(Str),
    nodeSelector: Type.Optional(StrMap),
    serviceAccountName: Type.Optional(Str),
    nodeName: Type.Optional(Str),
    hostNetwork: Type.Optional(Type.Boolean()),
    hostname: Type.Optional(Str),
    subdomain: Type.Optional(Str),
    schedulerName: Type.Optional(Str),
    tolerations: Type.Optional(Type.Array(Type.Object({}, Open))),
  },
  Open,
);

export const LabelSelector = Type.Object(
  {
    matchLabels: Type.Optional(StrMap),
    matchExpressions: Type.Optional(
      Type.Array(Type.Object({ key: Str, operator: Str, values: Type.Optional(Type.Array(Str)) }, Open)),
    ),
  },
  Open,
);

export const PodTemplateSpec = Type.Object({ metadata: Type.Optional(ObjectMeta), spec: Type.Optional(PodSpec) }, Open);

/** An object of this kind: apiVersion/kind/metadata plus the given top-level fields. */
export function kindSchema(fields: Record<string, TSchema>): TSchema {
  const props: Record<string, TSchema> = {
    apiVersion: Type.Optional(Str),
    kind: Type.Optional(Str),
    metadata: Type.Optional(ObjectMeta),
  };
  for (const [k, v] of Object.entries(fields)) props[k] = Type.Optional(v);
  return Type.Object(props, Open);
}

export { Type, Str, Int, StrMap, Open };
