// core/v1 Volume (every source name Kubernetes 1.32 knows; the sources k8ts implements described
// field by field, the cloud and legacy in-tree ones kept opaque) and the PersistentVolumeClaim
// spec/status shared by claims, ephemeral volumes and StatefulSet claim templates.
import { Str, Int, Bool, StrMap, Quantity, ResourceList, obj, opt, req, list, named, opaque } from './schema-builders';
import { LabelSelector, LocalObjectReference, ObjectMeta, conditionSchema } from './meta-schemas';
import { ObjectFieldSelector, ResourceFieldSelector } from './container-schema';

const KeyToPath = named(
  'io.k8s.api.core.v1.KeyToPath',
  obj(
    {
      key: req(Str, 'The key to project.'),
      path: req(Str, 'The relative path of the file to map the key to. May not contain ".." or start with "..".'),
      mode: opt(Int, 'Mode bits used to set permissions on this file (0000 to 0777); defaults to the volume defaultMode.'),
    },
    'Maps a string key to a path within a volume.',
  ),
);
const items = opt(list(KeyToPath), 'Which keys to project into which paths; every key is projected under its own name when empty.');
const defaultMode = opt(Int, 'Mode bits used to set permissions on created files by default (0000 to 0777). Defaults to 0644.');

const DownwardAPIVolumeFile = named(
  'io.k8s.api.core.v1.DownwardAPIVolumeFile',
  obj(
    {
      path: req(Str, "Relative path name of the file to be created. Must not be absolute or contain '..'."),
      fieldRef: opt(ObjectFieldSelector, 'Selects a field of the pod: only annotations, labels, name, namespace and uid are supported.'),
      resourceFieldRef: opt(ResourceFieldSelector, 'Selects a resource of the container: only limits and requests are supported.'),
      mode: opt(Int, 'Mode bits used to set permissions on this file (0000 to 0777).'),
    },
    'Information to create the file containing the pod field.',
  ),
);

const projectionRef = (what: string) =>
  obj({ name: opt(Str, `Name of the ${what}.`), items, optional: opt(Bool, `Whether the ${what} or its keys must be defined.`) }, `Projects a ${what} into the volume.`);

const VolumeProjection = named(
  'io.k8s.api.core.v1.VolumeProjection',
  obj(
    {
      configMap: opt(projectionRef('ConfigMap'), 'ConfigMap data to project.'),
      secret: opt(projectionRef('Secret'), 'Secret data to project.'),
      downwardAPI: opt(obj({ items: opt(list(DownwardAPIVolumeFile), 'A list of DownwardAPIVolume files.') }, 'Downward API data to project.'), 'Downward API data to project.'),
      serviceAccountToken: opt(
        obj(
          {
            audience: opt(Str, 'Intended audience of the token; defaults to the identifier of the apiserver.'),
            expirationSeconds: opt(Int, 'Requested duration of validity of the token. Defaults to 1 hour.'),
            path: req(Str, 'Path relative to the mount point of the file to project the token into.'),
          },
          'A projected service account token volume.',
        ),
        'Information about the serviceAccountToken data to project.',
      ),
      clusterTrustBundle: opt(
        obj(
          {
            name: opt(Str, 'Select a single ClusterTrustBundle by object name.'),
            signerName: opt(Str, 'Select all ClusterTrustBundles that match this signer name.'),
            labelSelector: opt(LabelSelector, 'Select all ClusterTrustBundles that match this label selector.'),
            optional: opt(Bool, 'Whether a missing bundle is tolerated.'),
            path: req(Str, 'Relative path from the volume root to write the bundle.'),
          },
          'Projects ClusterTrustBundle objects into the volume.',
        ),
        'Information about the ClusterTrustBundle to project.',
      ),
    },
    'A projection that may be projected along with other supported volume types; exactly one field is set.',
  ),
);

const TypedLocalObjectReference = obj(
  {
    apiGroup: opt(Str, 'The group of the referenced resource; empty for the core group.'),
    kind: req(Str, 'Kind of the resource being referenced.'),
    name: req(Str, 'Name of the resource being referenced.'),
  },
  'Enough information to let you locate the typed referenced object inside the same namespace.',
);

export const PersistentVolumeClaimSpec = named(
  'io.k8s.api.core.v1.PersistentVolumeClaimSpec',
  obj(
    {
      accessModes: opt(list(Str), 'The desired access modes: ReadWriteOnce, ReadOnlyMany, ReadWriteMany, ReadWriteOncePod.'),
      selector: opt(LabelSelector, 'A label query over volumes to consider for binding.'),
      resources: opt(
        obj({ limits: opt(ResourceList, 'The maximum amount of compute resources allowed.'), requests: opt(ResourceList, 'The minimum amount of compute resources required.') }, 'Storage resource requirements.'),
        'The minimum resources the volume should have.',
      ),
      volumeName: opt(Str, 'The binding reference to the PersistentVolume backing this claim.'),
      storageClassName: opt(Str, 'The name of the StorageClass required by the claim.'),
      volumeMode: opt(Str, 'Whether the volume is used with a formatted filesystem or as a raw block device. Defaults to Filesystem.'),
      dataSource: opt(TypedLocalObjectReference, 'An existing VolumeSnapshot, PersistentVolumeClaim or populator object to fill the volume from.'),
      dataSourceRef: opt(
        obj(
          {
            apiGroup: opt(Str, 'The group of the referenced resource; empty for the core group.'),
            kind: req(Str, 'Kind of the resource being referenced.'),
            name: req(Str, 'Name of the resource being referenced.'),
            namespace: opt(Str, 'Namespace of the resource being referenced (cross-namespace sources need a ReferenceGrant).'),
          },
          'The object from which to populate the volume.',
        ),
        'The object from which to populate the volume with data, if a non-empty volume is desired.',
      ),
      volumeAttributesClassName: opt(Str, 'The VolumeAttributesClass used by this claim.'),
    },
    'The common attributes of storage devices and a source for provider-specific attributes.',
  ),
);

export const PersistentVolumeClaimStatus = named(
  'io.k8s.api.core.v1.PersistentVolumeClaimStatus',
  obj(
    {
      phase: opt(Str, 'The current phase of the claim: Pending, Bound or Lost.'),
      accessModes: opt(list(Str), 'The actual access modes the volume backing the claim has.'),
      capacity: opt(ResourceList, 'The actual resources of the underlying volume.'),
      conditions: opt(list(conditionSchema('io.k8s.api.core.v1.PersistentVolumeClaimCondition', ['lastProbeTime', 'lastTransitionTime'])), 'The current conditions of the claim, e.g. Resizing.'),
      allocatedResources: opt(ResourceList, 'The storage resources allocated to the claim, tracked by resize.'),
      allocatedResourceStatuses: opt(StrMap, 'The status of each resource being resized.'),
      currentVolumeAttributesClassName: opt(Str, 'The VolumeAttributesClass the claim currently uses.'),
      modifyVolumeStatus: opt(
        obj({ targetVolumeAttributesClassName: opt(Str, 'The VolumeAttributesClass being reconciled.'), status: req(Str, 'Status of the modification: Pending, InProgress or Infeasible.') }, 'The status of a ControllerModifyVolume operation.'),
        'The state of the last ControllerModifyVolume operation.',
      ),
    },
    'The current status of a persistent volume claim.',
  ),
);

/** A whole claim, as StatefulSet volumeClaimTemplates carry them. */
export const PersistentVolumeClaim = named(
  'io.k8s.api.core.v1.PersistentVolumeClaim',
  obj(
    {
      apiVersion: opt(Str, 'The versioned schema of this representation of an object.'),
      kind: opt(Str, 'The REST resource this object represents.'),
      metadata: opt(ObjectMeta, "Standard object's metadata."),
      spec: opt(PersistentVolumeClaimSpec, 'The desired characteristics of a volume requested by a pod author.'),
      status: opt(PersistentVolumeClaimStatus, 'The current information/status of a persistent volume claim.'),
    },
    "A user's request for and claim to a persistent volume.",
  ),
);

export const HostPathVolumeSource = obj(
  {
    path: req(Str, 'Path of the directory on the host; a symlink is followed to its target.'),
    type: opt(Str, 'Type for the HostPath volume: "", DirectoryOrCreate, Directory, FileOrCreate, File, Socket, CharDevice or BlockDevice.'),
  },
  'A host path mapped into a pod.',
);
export const NFSVolumeSource = obj(
  {
    server: req(Str, 'Hostname or IP address of the NFS server.'),
    path: req(Str, 'Path that is exported by the NFS server.'),
    readOnly: opt(Bool, 'Force the NFS export to be mounted with read-only permissions. Defaults to false.'),
  },
  'An NFS mount that lasts the lifetime of a pod.',
);

// The in-tree sources k8ts does not implement: their names are known, their fields are not checked.
const legacy = (names: string[]) => Object.fromEntries(names.map((n) => [n, opt(opaque(`The ${n} volume source (not implemented by k8ts; fields kept as sent).`))]));
export const LEGACY_SOURCES = ['awsElasticBlockStore', 'azureDisk', 'azureFile', 'cephfs', 'cinder', 'fc', 'flexVolume', 'flocker', 'gcePersistentDisk', 'glusterfs', 'iscsi', 'photonPersistentDisk', 'portworxVolume', 'quobyte', 'rbd', 'scaleIO', 'storageos', 'vsphereVolume'];

export const Volume = named(
  'io.k8s.api.core.v1.Volume',
  obj(
    {
      name: req(Str, 'Name of the volume, a DNS_LABEL unique within the pod.'),
      hostPath: opt(HostPathVolumeSource, 'A pre-existing file or directory on the host machine exposed to the container.'),
      emptyDir: opt(
        obj(
          {
            medium: opt(Str, 'What type of storage medium should back this directory: "" (the node default) or Memory.'),
            sizeLimit: opt(Quantity, 'Total amount of local storage required for this EmptyDir volume.'),
          },
          'An empty directory for a pod.',
        ),
        'A temporary directory that shares a pod\'s lifetime.',
      ),
      configMap: opt(
        obj({ name: opt(Str, 'Name of the ConfigMap.'), items, defaultMode, optional: opt(Bool, 'Whether the ConfigMap or its keys must be defined.') }, 'Adapts a ConfigMap into a volume.'),
        'A ConfigMap that should populate this volume.',
      ),
      secret: opt(
        obj({ secretName: opt(Str, "Name of the secret in the pod's namespace to use."), items, defaultMode, optional: opt(Bool, 'Whether the Secret or its keys must be defined.') }, 'Adapts a Secret into a volume.'),
        'A secret that should populate this volume.',
      ),
      downwardAPI: opt(obj({ items: opt(list(DownwardAPIVolumeFile), 'A list of downward API volume files.'), defaultMode }, 'Downward API info for a volume.'), 'Downward API about the pod that should populate this volume.'),
      projected: opt(obj({ sources: opt(list(VolumeProjection), 'The list of volume projections.'), defaultMode }, 'A projected volume source.'), 'Items for all-in-one resources: secrets, configmaps, downward API and tokens.'),
      persistentVolumeClaim: opt(
        obj({ claimName: req(Str, 'Name of a PersistentVolumeClaim in the same namespace as the pod.'), readOnly: opt(Bool, 'Force the ReadOnly setting in VolumeMounts. Default false.') }, "References the user's PVC in the same namespace."),
        'A reference to a PersistentVolumeClaim in the same namespace.',
      ),
      ephemeral: opt(
        obj(
          {
            volumeClaimTemplate: opt(
              obj({ metadata: opt(ObjectMeta, 'Labels and annotations copied into the claim.'), spec: req(PersistentVolumeClaimSpec, 'The specification of the claim to create.') }, 'A template for the claim created for the pod.'),
              'Will be used to create a stand-alone PVC to provision the volume.',
            ),
          },
          'An ephemeral volume handled by a normal storage driver.',
        ),
        'A volume handled by a cluster storage driver whose lifecycle is tied to the pod.',
      ),
      nfs: opt(NFSVolumeSource, 'An NFS mount on the host that shares a pod\'s lifetime.'),
      csi: opt(
        obj(
          {
            driver: req(Str, 'Name of the CSI driver that handles this volume.'),
            readOnly: opt(Bool, 'Specifies a read-only configuration for the volume. Defaults to false.'),
            fsType: opt(Str, 'Filesystem type to mount, e.g. "ext4".'),
            volumeAttributes: opt(StrMap, 'Driver-specific properties passed to the CSI driver.'),
            nodePublishSecretRef: opt(LocalObjectReference, 'A secret with sensitive information passed to the CSI driver.'),
          },
          'A source location of a volume to mount, managed by an external CSI driver.',
        ),
        'Ephemeral storage handled by certain external CSI drivers.',
      ),
      image: opt(
        obj({ reference: opt(Str, 'Image or artifact reference to be used.'), pullPolicy: opt(Str, 'Policy for pulling OCI objects: Always, Never or IfNotPresent.') }, 'An OCI object (container image or artifact) volume.'),
        'An OCI object pulled and mounted on the host.',
      ),
      gitRepo: opt(
        obj({ repository: req(Str, 'Repository URL.'), revision: opt(Str, 'Commit hash for the specified revision.'), directory: opt(Str, 'Target directory name.') }, 'A volume populated with the contents of a git repository (deprecated).'),
        'Deprecated: a git repository at a particular revision.',
      ),
      ...legacy(LEGACY_SOURCES),
    },
    'A named volume in a pod that may be accessed by any container in the pod.',
  ),
);


