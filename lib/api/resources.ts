// The resource table that clients use to address collections: one entry per kind the
// components touch. The apiserver's registry holds the full definitions; this is the client view.

export interface ResourceType {
  apiVersion: string;
  kind: string;
  resource: string;
  namespaced: boolean;
}

function rt(apiVersion: string, kind: string, resource: string, namespaced: boolean): ResourceType {
  return { apiVersion, kind, resource, namespaced };
}

export const Resources = {
  namespaces: rt('v1', 'Namespace', 'namespaces', false),
  nodes: rt('v1', 'Node', 'nodes', false),
  pods: rt('v1', 'Pod', 'pods', true),
  services: rt('v1', 'Service', 'services', true),
  endpoints: rt('v1', 'Endpoints', 'endpoints', true),
  events: rt('v1', 'Event', 'events', true),
  configmaps: rt('v1', 'ConfigMap', 'configmaps', true),
  secrets: rt('v1', 'Secret', 'secrets', true),
  leases: rt('coordination.k8s.io/v1', 'Lease', 'leases', true),
  persistentvolumes: rt('v1', 'PersistentVolume', 'persistentvolumes', false),
  persistentvolumeclaims: rt('v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', true),
  replicasets: rt('apps/v1', 'ReplicaSet', 'replicasets', true),
  deployments: rt('apps/v1', 'Deployment', 'deployments', true),
  replicationcontrollers: rt('v1', 'ReplicationController', 'replicationcontrollers', true),
  serviceaccounts: rt('v1', 'ServiceAccount', 'serviceaccounts', true),
  endpointslices: rt('discovery.k8s.io/v1', 'EndpointSlice', 'endpointslices', true),
  daemonsets: rt('apps/v1', 'DaemonSet', 'daemonsets', true),
  statefulsets: rt('apps/v1', 'StatefulSet', 'statefulsets', true),
  controllerrevisions: rt('apps/v1', 'ControllerRevision', 'controllerrevisions', true),
  jobs: rt('batch/v1', 'Job', 'jobs', true),
  cronjobs: rt('batch/v1', 'CronJob', 'cronjobs', true),
  horizontalpodautoscalers: rt('autoscaling/v2', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', true),
  ingresses: rt('networking.k8s.io/v1', 'Ingress', 'ingresses', true),
  ingressclasses: rt('networking.k8s.io/v1', 'IngressClass', 'ingressclasses', false),
  roles: rt('rbac.authorization.k8s.io/v1', 'Role', 'roles', true),
  rolebindings: rt('rbac.authorization.k8s.io/v1', 'RoleBinding', 'rolebindings', true),
  clusterroles: rt('rbac.authorization.k8s.io/v1', 'ClusterRole', 'clusterroles', false),
  poddisruptionbudgets: rt('policy/v1', 'PodDisruptionBudget', 'poddisruptionbudgets', true),
  clusterrolebindings: rt('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'clusterrolebindings', false),
  certificatesigningrequests: rt('certificates.k8s.io/v1', 'CertificateSigningRequest', 'certificatesigningrequests', false),
  storageclasses: rt('storage.k8s.io/v1', 'StorageClass', 'storageclasses', false),
  resourcequotas: rt('v1', 'ResourceQuota', 'resourcequotas', true),
  limitranges: rt('v1', 'LimitRange', 'limitranges', true),
  priorityclasses: rt('scheduling.k8s.io/v1', 'PriorityClass', 'priorityclasses', false),
} as const;

export type ResourceName = keyof typeof Resources;
