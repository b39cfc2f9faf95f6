// Field-number tables for the Kubernetes protobuf messages that kubectl's generator commands send
// (create namespace|deployment|configmap|secret|poddisruptionbudget, expose) and Evictions, written
// from the public field numbers of k8s.io/api and k8s.io/apimachinery generated.proto. Only what those commands can carry is
// listed; a message without a table ("opaque") may only arrive empty.
import { BATCH_MESSAGES, BATCH_TOP_LEVEL } from './protobuf-batch';
import { AUTOSCALING_MESSAGES, AUTOSCALING_TOP_LEVEL } from './protobuf-autoscaling';

import { CLUSTER_MESSAGES, CLUSTER_TOP_LEVEL } from './protobuf-messages-cluster';

/** Scalar and special encodings of a field. */
export type FieldType =
  | 'string' | 'int32' | 'int64' | 'bool' | 'bytes'
  | 'time'                // meta/v1 Time → RFC 3339 string
  | 'quantity'            // resource.Quantity → string
  | 'intOrString'         // util/intstr IntOrString → number | string
  | 'map<string,string>' | 'map<string,bytes>' | 'map<string,quantity>'
  | { message: string };

export interface FieldSpec {
  name: string;
  type: FieldType;
  repeated?: boolean;
  /** A Go pointer field: a zero value on the wire is meaningful and kept (replicas: 0). */
  ptr?: boolean;
  /** An embedded struct that JSON inlines: its fields go on the parent (IngressRule's IngressRuleValue). */
  inline?: boolean;
}

export type MessageTable = Record<number, FieldSpec>;

const s = (name: string): FieldSpec => ({ name, type: 'string' });
const rs = (name: string): FieldSpec => ({ name, type: 'string', repeated: true });
const i32 = (name: string, ptr = false): FieldSpec => ({ name, type: 'int32', ptr });
const i64 = (name: string, ptr = false): FieldSpec => ({ name, type: 'int64', ptr });
const b = (name: string, ptr = false): FieldSpec => ({ name, type: 'bool', ptr });
const m = (name: string, message: string, repeated = false): FieldSpec => ({ name, type: { message }, repeated });
const smap = (name: string): FieldSpec => ({ name, type: 'map<string,string>' });

/** Messages decoded only when empty (a Go struct field marshalled with no content). */
export const OPAQUE = new Set([
  'PodSecurityContext', 'SecurityContext', 'Affinity', 'Probe', 'Lifecycle', 'Volume', 'VolumeMount',
  'EnvVarSource', 'EnvFromSource', 'Toleration', 'HostAlias', 'PodDNSConfig', 'LocalObjectReference',
  'TopologySpreadConstraint', 'SessionAffinityConfig', 'LoadBalancerStatus', 'Condition',
  'ManagedFieldsEntry', 'NamespaceCondition', 'DeploymentCondition', 'ResourceClaim', 'PodOS',
]);

export const MESSAGES: Record<string, MessageTable> = {
  ...CLUSTER_MESSAGES,
  // certificates.k8s.io/v1: kubectl certificate approve|deny update the approval subresource in protobuf.
  CertificateSigningRequest: { 1: m('metadata', 'ObjectMeta'), 2: m('spec', 'CertificateSigningRequestSpec'), 3: m('status', 'CertificateSigningRequestStatus') },
  CertificateSigningRequestSpec: {
    1: { name: 'request', type: 'bytes' }, 2: s('username'), 3: s('uid'), 4: rs('groups'), 5: rs('usages'), 7: s('signerName'), 8: i32('expirationSeconds', true),
  },
  CertificateSigningRequestStatus: { 1: m('conditions', 'CertificateSigningRequestCondition', true), 2: { name: 'certificate', type: 'bytes' } },
  CertificateSigningRequestCondition: {
    1: s('type'), 2: s('reason'), 3: s('message'), 4: { name: 'lastUpdateTime', type: 'time' }, 5: { name: 'lastTransitionTime', type: 'time' }, 6: s('status'),
  },
  Unknown: { 1: m('typeMeta', 'TypeMeta'), 2: { name: 'raw', type: 'bytes' }, 3: s('contentEncoding'), 4: s('contentType') },
  TypeMeta: { 1: s('apiVersion'), 2: s('kind') },
  ObjectMeta: {
    1: s('name'), 2: s('generateName'), 3: s('namespace'), 4: s('selfLink'), 5: s('uid'), 6: s('resourceVersion'),
    7: i64('generation'), 8: { name: 'creationTimestamp', type: 'time' }, 9: { name: 'deletionTimestamp', type: 'time' },
    10: i64('deletionGracePeriodSeconds', true), 11: smap('labels'), 12: smap('annotations'),
    13: m('ownerReferences', 'OwnerReference', true), 14: rs('finalizers'), 17: m('managedFields', 'ManagedFieldsEntry', true),
  },
  OwnerReference: { 1: s('kind'), 3: s('name'), 4: s('uid'), 5: s('apiVersion'), 6: b('controller', true), 7: b('blockOwnerDeletion', true) },
  LabelSelector: { 1: smap('matchLabels'), 2: m('matchExpressions', 'LabelSelectorRequirement', true) },
  LabelSelectorRequirement: { 1: s('key'), 2: s('operator'), 3: rs('values') },

  Namespace: { 1: m('metadata', 'ObjectMeta'), 2: m('spec', 'NamespaceSpec'), 3: m('status', 'NamespaceStatus') },
  NamespaceSpec: { 1: rs('finalizers') },
  NamespaceStatus: { 1: s('phase'), 2: m('conditions', 'NamespaceCondition', true) },

  ConfigMap: { 1: m('metadata', 'ObjectMeta'), 2: smap('data'), 3: { name: 'binaryData', type: 'map<string,bytes>' }, 4: b('immutable', true) },
  Secret: {
    1: m('metadata', 'ObjectMeta'), 2: { name: 'data', type: 'map<string,bytes>' }, 3: s('type'), 4: smap('stringData'), 5: b('immutable', true),
  },

  Service: { 1: m('metadata', 'ObjectMeta'), 2: m('spec', 'ServiceSpec'), 3: m('status', 'ServiceStatus') },
  ServiceSpec: {
    1: m('ports', 'ServicePort', true), 2: smap('selector'), 3: s('clusterIP'), 4: s('type'), 5: rs('externalIPs'),
    7: s('sessionAffinity'), 8: s('loadBalancerIP'), 9: rs('loadBalancerSourceRanges'), 10: s('externalName'),
    11: s('externalTrafficPolicy'), 12: i32('healthCheckNodePort'), 13: b('publishNotReadyAddresses'),
    14: m('sessionAffinityConfig', 'SessionAffinityConfig'), 17: s('ipFamilyPolicy'), 18: rs('clusterIPs'), 19: rs('ipFamilies'),
    20: b('allocateLoadBalancerNodePorts', true), 21: s('loadBalancerClass'), 22: s('internalTrafficPolicy'), 23: s('trafficDistribution'),
  },
  ServicePort: { 1: s('name'), 2: s('protocol'), 3: i32('port'), 4: { name: 'targetPort', type: 'intOrString' }, 5: i32('nodePort'), 6: s('appProtocol') },
  ServiceStatus: { 1: m('loadBalancer', 'LoadBalancerStatus'), 2: m('conditions', 'Condition', true) },

  Deployment: { 1: m('metadata', 'ObjectMeta'), 2: m('spec', 'DeploymentSpec'), 3: m('status', 'DeploymentStatus') },
  DeploymentSpec: {
    1: i32('replicas', true), 2: m('selector', 'LabelSelector'), 3: m('template', 'PodTemplateSpec'), 4: m('strategy', 'DeploymentStrategy'),
    5: i32('minReadySeconds'), 6: i32('revisionHistoryLimit', true), 7: b('paused'), 9: i32('progressDeadlineSeconds', true),
  },
  DeploymentStrategy: { 1: s('type'), 2: m('rollingUpdate', 'RollingUpdateDeployment') },
  RollingUpdateDeployment: { 1: { name: 'maxUnavailable', type: 'intOrString' }, 2: { name: 'maxSurge', type: 'intOrString' } },
  DeploymentStatus: {
    1: i64('observedGeneration'), 2: i32('replicas'), 3: i32('updatedReplicas'), 4: i32('availableReplicas'),
    5: i32('unavailableReplicas'), 6: m('conditions', 'DeploymentCondition', true), 7: i32('readyReplicas'), 8: i32('collisionCount', true),
    9: i32('terminatingReplicas', true),
  },

  // core/v1 ReplicationController (a client-go typed client may send it as protobuf).
  ReplicationController: { 1: m('metadata', 'ObjectMeta'), 2: m('spec', 'ReplicationControllerSpec'), 3: m('status', 'ReplicationControllerStatus') },
  ReplicationControllerSpec: { 1: i32('replicas', true), 2: smap('selector'), 3: m('template', 'PodTemplateSpec'), 4: i32('minReadySeconds') },
  ReplicationControllerStatus: {
    1: i32('replicas'), 2: i32('fullyLabeledReplicas'), 3: i64('observedGeneration'), 4: i32('readyReplicas'), 5: i32('availableReplicas'),
    6: m('conditions', 'ReplicationControllerCondition', true),
  },
  ReplicationControllerCondition: { 1: s('type'), 2: s('status'), 3: { name: 'lastTransitionTime', type: 'time' }, 4: s('reason'), 5: s('message') },

  PodTemplateSpec: { 1: m('metadata', 'ObjectMeta'), 2: m('spec', 'PodSpec') },
  PodSpec: {
    1: m('volumes', 'Volume', true), 2: m('containers', 'Container', true), 3: s('restartPolicy'),
    4: i64('terminationGracePeriodSeconds', true), 5: i64('activeDeadlineSeconds', true), 6: s('dnsPolicy'), 7: smap('nodeSelector'),
    8: s('serviceAccountName'), 9: s('serviceAccount'), 10: s('nodeName'), 11: b('hostNetwork'), 12: b('hostPID'), 13: b('hostIPC'),
    14: m('securityContext', 'PodSecurityContext'), 15: m('imagePullSecrets', 'LocalObjectReference', true), 16: s('hostname'),
    17: s('subdomain'), 18: m('affinity', 'Affinity'), 19: s('schedulerName'), 20: m('initContainers', 'Container', true),
    21: b('automountServiceAccountToken', true), 22: m('tolerations', 'Toleration', true), 23: m('hostAliases', 'HostAlias', true),
    24: s('priorityClassName'), 25: i32('priority', true), 26: m('dnsConfig', 'PodDNSConfig'), 27: b('shareProcessNamespace', true),
    29: s('runtimeClassName'), 30: b('enableServiceLinks', true), 31: s('preemptionPolicy'),
    33: m('topologySpreadConstraints', 'TopologySpreadConstraint', true), 35: b('setHostnameAsFQDN', true), 36: m('os', 'PodOS'),
    37: b('hostUsers', true),
  },
  Container: {
    1: s('name'), 2: s('image'), 3: rs('command'), 4: rs('args'), 5: s('workingDir'), 6: m('ports', 'ContainerPort', true),
    7: m('env', 'EnvVar', true), 8: m('resources', 'ResourceRequirements'), 9: m('volumeMounts', 'VolumeMount', true),
    10: m('livenessProbe', 'Probe'), 11: m('readinessProbe', 'Probe'), 12: m('lifecycle', 'Lifecycle'), 13: s('terminationMessagePath'),
    14: s('imagePullPolicy'), 15: m('securityContext', 'SecurityContext'), 16: b('stdin'), 17: b('stdinOnce'), 18: b('tty'),
    19: m('envFrom', 'EnvFromSource', true), 20: s('terminationMessagePolicy'), 22: m('startupProbe', 'Probe'), 24: s('restartPolicy'),
  },
  ContainerPort: { 1: s('name'), 2: i32('hostPort'), 3: i32('containerPort'), 4: s('protocol'), 5: s('hostIP') },
  EnvVar: { 1: s('name'), 2: s('value'), 3: m('valueFrom', 'EnvVarSource') },
  PodDisruptionBudget: { 1: m('metadata', 'ObjectMeta'), 2: m('spec', 'PodDisruptionBudgetSpec'), 3: m('status', 'PodDisruptionBudgetStatus') },
  PodDisruptionBudgetSpec: {
    1: { name: 'minAvailable', type: 'intOrString' }, 2: m('selector', 'LabelSelector'), 3: { name: 'maxUnavailable', type: 'intOrString' },
    4: { name: 'unhealthyPodEvictionPolicy', type: 'string', ptr: true },
  },
  // disruptedPods (2, a map of Times) is the controller's and never comes from kubectl.
  PodDisruptionBudgetStatus: {
    1: i64('observedGeneration'), 3: i32('disruptionsAllowed'), 4: i32('currentHealthy'), 5: i32('desiredHealthy'), 6: i32('expectedPods'),
    7: m('conditions', 'Condition', true),
  },
  Eviction: { 1: m('metadata', 'ObjectMeta'), 2: m('deleteOptions', 'DeleteOptions') },
  DeleteOptions: {
    1: i64('gracePeriodSeconds', true), 2: m('preconditions', 'Preconditions'), 3: b('orphanDependents', true),
    4: { name: 'propagationPolicy', type: 'string', ptr: true }, 5: rs('dryRun'), 6: b('ignoreStoreReadErrorWithClusterBreakingPotential', true),
  },
  Preconditions: { 1: { name: 'uid', type: 'string', ptr: true }, 2: { name: 'resourceVersion', type: 'string', ptr: true } },
  ResourceRequirements: {
    1: { name: 'limits', type: 'map<string,quantity>' }, 2: { name: 'requests', type: 'map<string,quantity>' },
    3: m('claims', 'ResourceClaim', true),
  },
  ...BATCH_MESSAGES,
  ...AUTOSCALING_MESSAGES,
};

/** The top-level kinds a protobuf request body may carry, by apiVersion/kind. */
export const TOP_LEVEL: Record<string, string> = {
  ...CLUSTER_TOP_LEVEL,
  'v1/Namespace': 'Namespace',
  'v1/ConfigMap': 'ConfigMap',
  'v1/Secret': 'Secret',
  'v1/Service': 'Service',
  'apps/v1/Deployment': 'Deployment',
  'v1/ReplicationController': 'ReplicationController',
  'policy/v1/PodDisruptionBudget': 'PodDisruptionBudget',
  'policy/v1/Eviction': 'Eviction',
  'policy/v1beta1/Eviction': 'Eviction',
  'certificates.k8s.io/v1/CertificateSigningRequest': 'CertificateSigningRequest',
  ...BATCH_TOP_LEVEL,
  ...AUTOSCALING_TOP_LEVEL,
};
