// Names shared by the apiserver, scheduler, controller-manager and kubelet about dynamic
// provisioning: the default StorageClass k8ts creates, its provisioner, and upstream's annotations.
import type { KObject } from './types';

/** The provisioner of the node-local directories (the kubelet of the chosen node provisions them). */
export const LOCAL_PATH_PROVISIONER = 'k8ts.io/local-path';
export const LOCAL_PATH_CLASS = 'local-path';

/** Set by the scheduler on a WaitForFirstConsumer claim: the node its first pod goes to. */
export const SELECTED_NODE_ANNOTATION = 'volume.kubernetes.io/selected-node';
/** Set by the PV controller on a claim: the provisioner expected to provision it. */
export const STORAGE_PROVISIONER_ANNOTATION = 'volume.kubernetes.io/storage-provisioner';
export const BETA_STORAGE_PROVISIONER_ANNOTATION = 'volume.beta.kubernetes.io/storage-provisioner';
/** Set by a provisioner on the PersistentVolumes it created. */
export const PROVISIONED_BY_ANNOTATION = 'pv.kubernetes.io/provisioned-by';

export interface StorageClass extends KObject {
  provisioner: string;
  parameters?: Record<string, string>;
  reclaimPolicy?: 'Delete' | 'Retain';
  mountOptions?: string[];
  allowVolumeExpansion?: boolean;
  volumeBindingMode?: 'Immediate' | 'WaitForFirstConsumer';
}

/** The default StorageClass the apiserver creates at start-up when no class of that name exists. */
export function localPathStorageClass(): StorageClass {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: LOCAL_PATH_CLASS, annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
    provisioner: LOCAL_PATH_PROVISIONER,
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'WaitForFirstConsumer',
  };
}
