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

export function allResources(): ResourceSpec[] {
  return [namespaces, pods, nodes, services, endpoints, events, configmaps, secrets, leases, replicasets, deployments];
}

export type { ResourceSpec } from './types';
export { namespaces, pods, nodes, services, endpoints, events, configmaps, secrets, leases, replicasets, deployments };
