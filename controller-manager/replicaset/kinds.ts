// The kinds the replica controller keeps: apps/v1 ReplicaSet and core/v1 ReplicationController.
// One reconcile serves both, as upstream's replication manager wraps its ReplicaSet controller: it
// reads every object through `view` (the object as a ReplicaSet, selector as a LabelSelector), and
// the adapter says where status goes, what owner references name and how the controller is called.
import type { KObject, ReplicaSet, ReplicationController } from '../../lib/api/types';
import { Resources, type ResourceType } from '../../lib/api/resources';

export interface ReplicaKind<T extends KObject> {
  /** Where the object and its status live. */
  resource: ResourceType;
  /** The controller reference put on (and looked for in) pods. */
  owner: { apiVersion: string; kind: string };
  /** Work queue name (the workqueue_* metrics label) and logger component, as upstream names them. */
  queueName: string;
  component: string;
  /** The object as the ReplicaSet the shared plan reads; the same metadata (uid, generation). */
  view(o: T): ReplicaSet;
}

export const REPLICA_SET: ReplicaKind<ReplicaSet> = {
  resource: Resources.replicasets,
  owner: { apiVersion: 'apps/v1', kind: 'ReplicaSet' },
  queueName: 'replicaset',
  component: 'replicaset-controller',
  view: (rs) => rs,
};

/**
 * A ReplicationController as a ReplicaSet: its label map becomes matchLabels (the same pods match:
 * every key equal). The informer's check keeps RCs without a selector or template out, so the
 * fallbacks here never widen a selector to every pod.
 */
export function rcAsReplicaSet(rc: ReplicationController): ReplicaSet {
  return {
    ...rc,
    spec: {
      replicas: rc.spec?.replicas,
      minReadySeconds: rc.spec?.minReadySeconds,
      selector: { matchLabels: { ...(rc.spec?.selector ?? {}) } },
      template: rc.spec?.template ?? { spec: { containers: [] } },
    },
  };
}

export const REPLICATION_CONTROLLER: ReplicaKind<ReplicationController> = {
  resource: Resources.replicationcontrollers,
  owner: { apiVersion: 'v1', kind: 'ReplicationController' },
  queueName: 'replicationmanager',
  component: 'replication-controller',
  view: rcAsReplicaSet,
};
