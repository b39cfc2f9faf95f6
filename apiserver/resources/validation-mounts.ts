// Volume mounts and devices of a container: each names a pod volume, mount paths are given and
// unique, subPath/subPathExpr are relative without '..', propagation and recursive read-only
// modes are from their sets — as ValidateVolumeMounts and ValidateVolumeDevices place them (some
// of upstream's paths carry no index: `volumeMounts.subPath`).
import { forbidden, invalid, notFound, notSupported, required, type FieldError } from './field-errors';
import { localDescendingPath, noBacksteps } from './validation-volumes';

type Obj = Record<string, any>;
const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v : []);

const PROPAGATION = ['Bidirectional', 'HostToContainer', 'None'];
const RRO = ['Disabled', 'Enabled', 'IfPossible'];

/** ValidateVolumeMounts; `volumes` maps valid volume names to their source kind. */
export function volumeMounts(c: Obj, volumes: Map<string, string>, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const devices = new Map(list(c.volumeDevices).map((d) => [str(d?.name), str(d?.devicePath)]));
  const devicePaths = new Set(devices.values());
  const paths = new Set<string>();
  const privileged = c.securityContext?.privileged === true;
  list(c.volumeMounts).forEach((m, i) => {
    const f = `${field}[${i}]`;
    const name = str(m?.name);
    const mountPath = str(m?.mountPath);
    if (!name) errs.push(required(`${f}.name`));
    if (!volumes.has(name)) errs.push(notFound(`${f}.name`, name));
    if (!mountPath) errs.push(required(`${f}.mountPath`));
    if (paths.has(mountPath)) errs.push(invalid(`${f}.mountPath`, mountPath, 'must be unique'));
    paths.add(mountPath);
    if (devices.has(name)) errs.push(invalid(`${f}.name`, name, 'must not already exist in volumeDevices'));
    if (devicePaths.has(mountPath)) errs.push(invalid(`${f}.mountPath`, mountPath, 'must not already exist as a path in volumeDevices'));
    if (volumes.get(name) === 'image') {
      if (m.subPath) errs.push(invalid(`${f}.subPath`, m.subPath, 'not allowed in image volume sources'));
      if (m.subPathExpr) errs.push(invalid(`${f}.subPathExpr`, m.subPathExpr, 'not allowed in image volume sources'));
    }
    if (m?.subPath) errs.push(...localDescendingPath(str(m.subPath), `${field}.subPath`));
    if (m?.subPathExpr) {
      if (m.subPath) errs.push(invalid(`${f}.subPathExpr`, m.subPathExpr, 'subPathExpr and subPath are mutually exclusive'));
      errs.push(...localDescendingPath(str(m.subPathExpr), `${field}.subPathExpr`));
    }
    const prop = m?.mountPropagation;
    if (prop !== undefined && prop !== null) {
      if (!PROPAGATION.includes(prop)) errs.push(notSupported(`${field}.mountPropagation`, prop, PROPAGATION));
      if (prop === 'Bidirectional' && !privileged) errs.push(forbidden(`${field}.mountPropagation`, 'Bidirectional mount propagation is available only to privileged containers'));
    }
    const rro = m?.recursiveReadOnly;
    if (rro === 'Enabled' || rro === 'IfPossible') {
      if (!m.readOnly) errs.push(forbidden(`${field}.recursiveReadOnly`, 'may only be specified when readOnly is true'));
      if (prop && prop !== 'None') errs.push(forbidden(`${field}.recursiveReadOnly`, 'may only be specified when mountPropagation is None or not specified'));
    } else if (rro !== undefined && rro !== null && rro !== 'Disabled') errs.push(notSupported(`${field}.recursiveReadOnly`, rro, RRO));
  });
  return errs;
}

/** ValidateVolumeDevices: raw block devices come from claims (or ephemeral claims) only. */
export function volumeDevices(c: Obj, volumes: Map<string, string>, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const mounts = new Map(list(c.volumeMounts).map((m) => [str(m?.name), str(m?.mountPath)]));
  const mountPaths = new Set(mounts.values());
  const names = new Set<string>();
  const paths = new Set<string>();
  list(c.volumeDevices).forEach((d, i) => {
    const f = `${field}[${i}]`;
    const name = str(d?.name);
    const devicePath = str(d?.devicePath);
    const kind = volumes.get(name);
    if (!name) errs.push(required(`${f}.name`));
    if (names.has(name)) errs.push(invalid(`${f}.name`, name, 'must be unique'));
    if (kind !== undefined && kind !== 'persistentVolumeClaim' && kind !== 'ephemeral')
      errs.push(invalid(`${f}.name`, name, 'can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode'));
    if (kind === undefined) errs.push(notFound(`${f}.name`, name));
    if (!devicePath) errs.push(required(`${f}.devicePath`));
    if (paths.has(devicePath)) errs.push(invalid(`${f}.devicePath`, devicePath, 'must be unique'));
    if (devicePath && noBacksteps(devicePath, f).length) errs.push(invalid(`${f}.devicePath`, devicePath, "can not contain backsteps ('..')"));
    else paths.add(devicePath);
    if (mounts.has(name)) errs.push(invalid(`${f}.name`, name, 'must not already exist in volumeMounts'));
    if (mountPaths.has(devicePath)) errs.push(invalid(`${f}.devicePath`, devicePath, 'must not already exist as a path in volumeMounts'));
    if (name) names.add(name);
  });
  return errs;
}
