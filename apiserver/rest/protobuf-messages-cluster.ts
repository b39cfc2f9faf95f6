// Field-number tables for the kinds kubectl's other generator commands send as protobuf: create
// serviceaccount, quota, priorityclass, role, rolebinding, clusterrole, clusterrolebinding and
// ingress (plus LimitRange, which kubectl sends on apply/replace of built-in kinds). Written from
// the public field numbers of k8s.io/api generated.proto (core/v1, scheduling/v1, rbac/v1,
// networking/v1); merged into protobuf-messages.ts's tables.
import type { FieldSpec, MessageTable } from './protobuf-messages';

const s = (name: string, ptr = false): FieldSpec => ({ name, type: 'string', ptr });
const rs = (name: string): FieldSpec => ({ name, type: 'string', repeated: true });
const i32 = (name: string, ptr = false): FieldSpec => ({ name, type: 'int32', ptr });
const b = (name: string, ptr = false): FieldSpec => ({ name, type: 'bool', ptr });
const m = (name: string, message: string, repeated = false): FieldSpec => ({ name, type: { message }, repeated });
const qmap = (name: string): FieldSpec => ({ name, type: 'map<string,quantity>' });

export const CLUSTER_MESSAGES: Record<string, MessageTable> = {
  // core/v1
  ServiceAccount: { 1: m('metadata', 'ObjectMeta'), 2: m('secrets', 'ObjectReference', true), 3: m('imagePullSecrets', 'LocalObjectReference', true), 4: b('automountServiceAccountToken', true) },
  ObjectReference: { 1: s('kind'), 2: s('namespace'), 3: s('name'), 4: s('uid'), 5: s('apiVersion'), 6: s('resourceVersion'), 7: s('fieldPath') },
  LocalObjectReference: { 1: s('name') },
  TypedLocalObjectReference: { 1: s('apiGroup', true), 2: s('kind'), 3: s('name') },
  ResourceQuota: { 1: m('metadata', 'ObjectMeta'), 2: m('spec', 'ResourceQuotaSpec'), 3: m('status', 'ResourceQuotaStatus') },
  ResourceQuotaSpec: { 1: qmap('hard'), 2: rs('scopes'), 3: m('scopeSelector', 'ScopeSelector') },
  ResourceQuotaStatus: { 1: qmap('hard'), 2: qmap('used') },
  ScopeSelector: { 1: m('matchExpressions', 'ScopedResourceSelectorRequirement', true) },
  ScopedResourceSelectorRequirement: { 1: s('scopeName'), 2: s('operator'), 3: rs('values') },
  LimitRange: { 1: m('metadata', 'ObjectMeta'), 2: m('spec', 'LimitRangeSpec') },
  LimitRangeSpec: { 1: m('limits', 'LimitRangeItem', true) },
  LimitRangeItem: { 1: s('type'), 2: qmap('max'), 3: qmap('min'), 4: qmap('default'), 5: qmap('defaultRequest'), 6: qmap('maxLimitRequestRatio') },

  // scheduling.k8s.io/v1
  PriorityClass: { 1: m('metadata', 'ObjectMeta'), 2: i32('value', true), 3: b('globalDefault'), 4: s('description'), 5: s('preemptionPolicy', true) },

  // rbac.authorization.k8s.io/v1
  Role: { 1: m('metadata', 'ObjectMeta'), 2: m('rules', 'PolicyRule', true) },
  ClusterRole: { 1: m('metadata', 'ObjectMeta'), 2: m('rules', 'PolicyRule', true), 3: m('aggregationRule', 'AggregationRule') },
  AggregationRule: { 1: m('clusterRoleSelectors', 'LabelSelector', true) },
  PolicyRule: { 1: rs('verbs'), 2: rs('apiGroups'), 3: rs('resources'), 4: rs('resourceNames'), 5: rs('nonResourceURLs') },
  RoleBinding: { 1: m('metadata', 'ObjectMeta'), 2: m('subjects', 'Subject', true), 3: m('roleRef', 'RoleRef') },
  ClusterRoleBinding: { 1: m('metadata', 'ObjectMeta'), 2: m('subjects', 'Subject', true), 3: m('roleRef', 'RoleRef') },
  Subject: { 1: s('kind'), 2: s('apiGroup'), 3: s('name'), 4: s('namespace') },
  RoleRef: { 1: s('apiGroup'), 2: s('kind'), 3: s('name') },

  // networking.k8s.io/v1
  Ingress: { 1: m('metadata', 'ObjectMeta'), 2: m('spec', 'IngressSpec'), 3: m('status', 'IngressStatus') },
  IngressSpec: { 1: m('defaultBackend', 'IngressBackend'), 2: m('tls', 'IngressTLS', true), 3: m('rules', 'IngressRule', true), 4: s('ingressClassName', true) },
  IngressBackend: { 3: m('resource', 'TypedLocalObjectReference'), 4: m('service', 'IngressServiceBackend') },
  IngressServiceBackend: { 1: s('name'), 2: m('port', 'ServiceBackendPort') },
  ServiceBackendPort: { 1: s('name'), 2: i32('number') },
  IngressTLS: { 1: rs('hosts'), 2: s('secretName') },
  // IngressRuleValue is inlined in JSON: its `http` sits on the rule itself.
  IngressRule: { 1: s('host'), 2: { name: 'ingressRuleValue', type: { message: 'IngressRuleValue' }, inline: true } },
  IngressRuleValue: { 1: m('http', 'HTTPIngressRuleValue') },
  HTTPIngressRuleValue: { 1: m('paths', 'HTTPIngressPath', true) },
  HTTPIngressPath: { 1: s('path'), 2: m('backend', 'IngressBackend'), 3: s('pathType', true) },
  IngressStatus: { 1: m('loadBalancer', 'IngressLoadBalancerStatus') },
  IngressLoadBalancerStatus: { 1: m('ingress', 'IngressLoadBalancerIngress', true) },
  IngressLoadBalancerIngress: { 1: s('ip'), 2: s('hostname'), 4: m('ports', 'IngressPortStatus', true) },
  IngressPortStatus: { 1: i32('port'), 2: s('protocol'), 3: s('error', true) },
};

export const CLUSTER_TOP_LEVEL: Record<string, string> = {
  'v1/ServiceAccount': 'ServiceAccount',
  'v1/ResourceQuota': 'ResourceQuota',
  'v1/LimitRange': 'LimitRange',
  'scheduling.k8s.io/v1/PriorityClass': 'PriorityClass',
  'rbac.authorization.k8s.io/v1/Role': 'Role',
  'rbac.authorization.k8s.io/v1/RoleBinding': 'RoleBinding',
  'rbac.authorization.k8s.io/v1/ClusterRole': 'ClusterRole',
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': 'ClusterRoleBinding',
  'networking.k8s.io/v1/Ingress': 'Ingress',
};
