// Every kind the apiserver serves, in discovery order.
import type { ResourceSpec } from './types';
import { namespaces } from './namespaces';
import { pods } from './pods';
import { nodes } from './nodes';
import { services } from './services';
import { endpoints } from './endpoints';
import { events } from './events';
import { configmaps, secrets } from './config';
import { leases } from './leases';
import { replicasets, deployments } from './workloads';
import { serviceaccounts } from './service-accounts';
import { persistentvolumes, persistentvolumeclaims } from './volumes';
import { endpointslices } from './endpoint-slices';
import { daemonsets, statefulsets } from './daemon-stateful-sets';
import { jobs, cronjobs } from './jobs';
import { horizontalpodautoscalers } from './autoscalers';
import { ingresses } from './ingresses';
import { ingressclasses } from './ingress-classes';
import { roles, rolebindings, clusterroles, clusterrolebindings } from './rbac';
import { poddisruptionbudgets } from './pod-disruption-budgets';
import { certificatesigningrequests } from './certificate-signing-requests';
import { storageclasses } from './storage-classes';
import { controllerrevisions } from './controller-revisions';
import { resourcequotas, limitranges } from './quotas';
import { priorityclasses } from './priority-classes';
import { replicationcontrollers } from './replication-controllers';

export function allResources(): ResourceSpec[] {
  return [
    namespaces, pods, nodes, services, endpoints, events, configmaps, secrets, serviceaccounts, persistentvolumes, persistentvolumeclaims,
    leases, endpointslices,
    replicasets, deployments, daemonsets, statefulsets,
    controllerrevisions,
    jobs, cronjobs, horizontalpodautoscalers, ingresses, ingressclasses,
    roles, rolebindings, clusterroles, clusterrolebindings,
    poddisruptionbudgets,
    certificatesigningrequests,
    storageclasses,
    resourcequotas, limitranges, priorityclasses,
    replicationcontrollers,
  ];
}

export type { ResourceSpec } from './types';
export {
  namespaces, pods, nodes, services, endpoints, events, configmaps, secrets, leases, replicasets, deployments,
  serviceaccounts, persistentvolumes, persistentvolumeclaims, endpointslices, daemonsets, statefulsets, jobs, cronjobs,
  horizontalpodautoscalers, ingresses, roles, rolebindings, clusterroles, clusterrolebindings,
  poddisruptionbudgets,
};
export { certificatesigningrequests };
export { storageclasses };
export { controllerrevisions };
export { resourcequotas, limitranges, priorityclasses };
export { replicationcontrollers };
export { ingressclasses };
