// Which in-tree disks cannot be mounted by two pods on one node, as upstream's VolumeRestrictions
// has it: the same GCE PD or ISCSI target unless both mounts are read-only, the same AWS EBS
// volume always, the same RBD image (overlapping monitors, same pool and image) unless both are
// read-only.

export interface DiskVolume {
  gcePersistentDisk?: { pdName?: string; readOnly?: boolean };
  awsElasticBlockStore?: { volumeID?: string };
  iscsi?: { iqn?: string; readOnly?: boolean };
  rbd?: { monitors?: string[]; pool?: string; image?: string; readOnly?: boolean };
}

/** Whether the pod volume kind is one that can conflict at all. */
export const isDiskVolume = (v: DiskVolume): boolean => !!(v.gcePersistentDisk || v.awsElasticBlockStore || v.iscsi || v.rbd);

export function volumesConflict(a: DiskVolume, b: DiskVolume): boolean {
  if (a.gcePersistentDisk && b.gcePersistentDisk) {
    return a.gcePersistentDisk.pdName === b.gcePersistentDisk.pdName && !(a.gcePersistentDisk.readOnly && b.gcePersistentDisk.readOnly);
  }
  if (a.awsElasticBlockStore && b.awsElasticBlockStore) {
    return a.awsElasticBlockStore.volumeID === b.awsElasticBlockStore.volumeID;
  }
  if (a.iscsi && b.iscsi) {
    return a.iscsi.iqn === b.iscsi.iqn && !(a.iscsi.readOnly && b.iscsi.readOnly);
  }
  if (a.rbd && b.rbd) {
    const monitors = new Set(a.rbd.monitors ?? []);
    const overlap = (b.rbd.monitors ?? []).some((m) => monitors.has(m));
    // The API defaults an RBD volume's pool to "rbd".
    const samePool = (a.rbd.pool || 'rbd') === (b.rbd.pool || 'rbd');
    return overlap && samePool && a.rbd.image === b.rbd.image && !(a.rbd.readOnly && b.rbd.readOnly);
  }
  return false;
}
