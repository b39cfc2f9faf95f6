// One check per kind of exactly what components parse, applied where objects enter a component
// (the informer): an object that fails it is skipped instead of breaking every reconcile, sync or
// scheduling attempt that reads it beside the others. The apiserver already leaves out what it
// cannot decode; these catch what decodes but was never validated (written straight into etcd, or
// by an older apiserver): missing required fields, values out of range, names and numbers that
// would break paths, rule payloads or arithmetic. Kinds without a check get the metadata check.
import { Checker } from './checker';
import { checkLease, checkNamespace, checkNode, checkPersistentVolume, checkPersistentVolumeClaim } from './cluster';
import { checkConfigMap, checkSecret } from './config';
import { checkMetadata } from './metadata';
import { checkEndpointSlice, checkEndpoints, checkService } from './network';
import { checkPod } from './pod';
import { checkPodDisruptionBudget } from './policy';
import { checkDeployment, checkReplicaSet, checkReplicationController } from './workloads';
import { checkControllerRevision, checkDaemonSet } from './daemon-sets';

type KindCheck = (c: Checker, obj: unknown) => void;

/** By resource (plural), as ResourceType.resource names it. */
const CHECKS: Record<string, KindCheck> = {
  pods: checkPod,
  nodes: checkNode,
  services: checkService,
  endpoints: checkEndpoints,
  endpointslices: checkEndpointSlice,
  deployments: checkDeployment,
  replicasets: checkReplicaSet,
  replicationcontrollers: checkReplicationController,
  configmaps: checkConfigMap,
  secrets: checkSecret,
  leases: checkLease,
  persistentvolumes: checkPersistentVolume,
  persistentvolumeclaims: checkPersistentVolumeClaim,
  namespaces: checkNamespace,
  poddisruptionbudgets: checkPodDisruptionBudget,
  daemonsets: checkDaemonSet,
  controllerrevisions: checkControllerRevision,
};

/** Whether a resource has a check of its own (beyond metadata). */
export const hasKindCheck = (resource: string): boolean => resource in CHECKS;

/**
 * What is wrong with obj as an object of resource, as "field: message" lines (empty when it is
 * fine). namespaced says which metadata rule applies to kinds without a check of their own.
 */
export function objectProblems(resource: string, obj: unknown, namespaced = true): string[] {
  const c = new Checker();
  const check = CHECKS[resource];
  if (check) check(c, obj);
  else checkMetadata(c, obj, { namespaced });
  return c.problems;
}
