// The kubelet's volume module, as the pod engine uses it:
//   const { mounts, errors } = await prepareVolumes(pod, { client, rootDir });
//   mounts.get(volumeMount.name) → { hostPath, readOnly } for the CRI mount; errors → the pod waits.
//   cleanupVolumes(rootDir, uid) once the pod's containers are gone.
//   VolumeManager.track(pod) keeps configMap/secret/downwardAPI contents current in place.
export { prepareVolumes, cleanupVolumes, podDir, podVolumesDir, volumeDir, VolumeCleanupError } from './prepare';
export type { VolumeDeps, VolumeMount, PreparedVolumes } from './prepare';
export { VolumeManager, podUsesObject } from './volume-manager';
export { VolumeSetupError, type VolumeSource } from './types';
