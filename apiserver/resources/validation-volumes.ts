// Pod volumes: names (DNS-1123 labels, unique), exactly one source, and the checks of the sources
// k8ts implements (emptyDir sizeLimit, hostPath, secret, configMap, downwardAPI, projected, claims,
// ephemeral claim templates, nfs, csi, gitRepo, image) — as ValidateVolumes words them. Returns the
// names of the volumes that passed, which mounts must refer to.
import { dns1123Label, duplicate, eachInvalid, forbidden, invalid, notSupported, required, tooLong, type FieldError } from './validation';
import { dns1123SubdomainErrors } from './validation-names';
import { fieldRef, resourceFieldRef, VOLUME_FIELD_PATHS } from './validation-env';
import { readQuantity } from './validation-quantity';
import { claimSpec, claimTemplateMeta } from './validation-claims';
import { LEGACY_SOURCES } from './volume-schema';

type Obj = Record<string, any>;
const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
const list = (v: unknown): any[] => (Array.isArray(v) ? v : []);

const SOURCES = [
  'emptyDir', 'hostPath', 'gitRepo', 'gcePersistentDisk', 'awsElasticBlockStore', 'secret', 'nfs', 'iscsi', 'glusterfs', 'flocker', 'persistentVolumeClaim',
  'rbd', 'cinder', 'cephfs', 'quobyte', 'downwardAPI', 'fc', 'flexVolume', 'configMap', 'azureFile', 'vsphereVolume', 'photonPersistentDisk',
  'portworxVolume', 'azureDisk', 'storageos', 'projected', 'scaleIO', 'csi', 'ephemeral', 'image',
];
const HOST_PATH_TYPES = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'];
const MODE_ERROR = 'must be a number between 0 and 0777 (octal), both inclusive';

/** validatePathNoBacksteps: no '..' element. */
export function noBacksteps(p: string, field: string): FieldError[] {
  return p.split('/').includes('..') ? [invalid(field, p, "must not contain '..'")] : [];
}

/** validateLocalDescendingPath: relative, without '..' elements. */
export function localDescendingPath(p: string, field: string): FieldError[] {
  return [...(p.startsWith('/') ? [invalid(field, p, 'must be a relative path')] : []), ...noBacksteps(p, field)];
}

/** ValidateLocalNonReservedPath: also must not start with '..'. */
function localNonReservedPath(p: string, field: string): FieldError[] {
  const errs = localDescendingPath(p, field);
  if (p.startsWith('..') && !p.startsWith('../')) errs.push(invalid(field, p, "must not start with '..'"));
  return errs;
}

function mode(v: unknown, field: string): FieldError[] {
  return v !== undefined && v !== null && (typeof v !== 'number' || v < 0 || v > 0o777) ? [invalid(field, v, MODE_ERROR)] : [];
}

function keyToPath(kp: Obj, field: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!kp?.key) errs.push(required(`${field}.key`));
  if (!kp?.path) errs.push(required(`${field}.path`));
  errs.push(...localNonReservedPath(str(kp?.path), `${field}.path`), ...mode(kp?.mode, `${field}.mode`));
  return errs;
}

/** validateDownwardAPIVolumeFile: upstream reports an item's errors under the source's path. */
function downwardFile(file: Obj, field: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!file?.path) errs.push(required(`${field}.path`));
  errs.push(...localNonReservedPath(str(file?.path), `${field}.path`));
  if (file?.fieldRef) {
    errs.push(...fieldRef({ apiVersion: 'v1', ...file.fieldRef }, VOLUME_FIELD_PATHS, `${field}.fieldRef`));
    if (file.resourceFieldRef) errs.push(invalid(field, 'resource', 'fieldRef and resourceFieldRef can not be specified simultaneously'));
  } else if (file?.resourceFieldRef) errs.push(...resourceFieldRef(file.resourceFieldRef, `${field}.resourceFieldRef`, true));
  else errs.push(required(field, 'one of fieldRef and resourceFieldRef is required'));
  errs.push(...mode(file?.mode, `${field}.mode`));
  return errs;
}

function projected(p: Obj, field: string): FieldError[] {
  const errs = mode(p.defaultMode, `${field}.defaultMode`);
  const paths = new Set<string>();
  const claim = (path: string, shown: unknown) => {
    if (paths.has(path)) errs.push(invalid(field, shown, 'conflicting duplicate paths'));
    paths.add(path);
  };
  list(p.sources).forEach((s: Obj, i) => {
    const f = `${field}.sources[${i}]`;
    let kinds = 0;
    for (const k of ['secret', 'configMap'] as const) {
      if (!s?.[k]) continue;
      kinds++;
      if (!s[k].name) errs.push(required(`${f}.${k}.name`));
      list(s[k].items).forEach((kp: Obj, j) => {
        errs.push(...keyToPath(kp, `${f}.${k}.items[${j}]`));
        if (kp?.path) claim(kp.path, s[k].name ?? '');
      });
    }
    if (s?.downwardAPI) {
      kinds++;
      for (const file of list(s.downwardAPI.items)) {
        errs.push(...downwardFile(file, `${f}.downwardAPI`));
        if (file?.path) claim(file.path, file.path);
      }
    }
    if (s?.serviceAccountToken) {
      kinds++;
      const t = s.serviceAccountToken;
      const exp = t.expirationSeconds;
      if (typeof exp === 'number' && exp < 600) errs.push(invalid(`${f}.serviceAccountToken.expirationSeconds`, exp, 'may not specify a duration less than 10 minutes'));
      if (typeof exp === 'number' && exp > 2 ** 32) errs.push(invalid(`${f}.serviceAccountToken.expirationSeconds`, exp, 'may not specify a duration larger than 2^32 seconds'));
      if (!t.path) errs.push(required(`${field}.path`));
      else errs.push(...localNonReservedPath(str(t.path), `${field}.path`));
    }
    if (s?.clusterTrustBundle) {
      kinds++;
      const b = s.clusterTrustBundle;
      if (!b.path) errs.push(required(`${f}.clusterTrustBundle.path`));
      errs.push(...localNonReservedPath(str(b.path), `${f}.clusterTrustBundle.path`));
      if (b.path) claim(b.path, b.path);
    }
    if (kinds > 1) errs.push(forbidden(f, 'may not specify more than 1 volume type per source'));
  });
  return errs;
}

/** validateVolumeSource for the source `kind` at field (the volume's path). */
function source(kind: string, src: Obj, field: string, volName: string, podName: string | undefined): FieldError[] {
  const f = `${field}.${kind}`;
  const errs: FieldError[] = [];
  switch (kind) {
    case 'emptyDir':
      if (src?.sizeLimit !== undefined && src.sizeLimit !== null) {
        const { q, errs: parse } = readQuantity(`${f}.sizeLimit`, src.sizeLimit);
        errs.push(...parse);
        if (q && q.sign < 0) errs.push(forbidden(`${f}.sizeLimit`, 'SizeLimit field must be a valid resource quantity'));
      }
      break;
    case 'hostPath':
      if (!src?.path) return [required(`${f}.path`)];
      errs.push(...noBacksteps(str(src.path), `${f}.path`));
      if (src.type !== undefined && src.type !== null && !HOST_PATH_TYPES.includes(src.type)) errs.push(notSupported(`${f}.type`, src.type, HOST_PATH_TYPES));
      break;
    case 'secret':
    case 'configMap': {
      const nameKey = kind === 'secret' ? 'secretName' : 'name';
      if (!src?.[nameKey]) errs.push(required(`${f}.${nameKey}`));
      errs.push(...mode(src?.defaultMode, `${f}.defaultMode`));
      list(src?.items).forEach((kp, i) => errs.push(...keyToPath(kp, `${f}.items[${i}]`)));
      break;
    }
    case 'persistentVolumeClaim':
      if (!src?.claimName) errs.push(required(`${f}.claimName`));
      break;
    case 'downwardAPI':
      errs.push(...mode(src?.defaultMode, `${f}.defaultMode`));
      for (const file of list(src?.items)) errs.push(...downwardFile(file, f));
      break;
    case 'projected':
      errs.push(...projected(src ?? {}, f));
      break;
    case 'nfs':
      if (!src?.server) errs.push(required(`${f}.server`));
      if (!src?.path) errs.push(required(`${f}.path`));
      if (!str(src?.path).startsWith('/')) errs.push(invalid(`${f}.path`, str(src?.path), 'must be an absolute path'));
      break;
    case 'gitRepo':
      if (!src?.repository) errs.push(required(`${f}.repository`));
      errs.push(...localDescendingPath(str(src?.directory), `${f}.directory`));
      break;
    case 'csi': {
      const driver = str(src?.driver);
      if (!driver) errs.push(required(`${f}.driver`));
      if (Buffer.byteLength(driver) > 63) errs.push(tooLong(`${f}.driver`, 63));
      errs.push(...eachInvalid(`${f}.driver`, driver, dns1123SubdomainErrors(driver.toLowerCase())));
      break;
    }
    case 'ephemeral':
      if (!src?.volumeClaimTemplate) errs.push(required(`${f}.volumeClaimTemplate`));
      else {
        const t = src.volumeClaimTemplate;
        errs.push(...claimTemplateMeta(t.metadata, `${f}.volumeClaimTemplate.metadata`), ...claimSpec(t.spec, `${f}.volumeClaimTemplate.spec`));
        if (podName && volName) {
          const pvc = `${podName}-${volName}`;
          errs.push(...dns1123SubdomainErrors(pvc).map((m) => invalid(`${f}.name`, volName, `PVC name "${pvc}": ${m}`)));
        }
      }
      break;
    case 'image':
      if (!src?.reference) errs.push(required(`${f}.reference`));
      if (src?.pullPolicy !== undefined && !['Always', 'IfNotPresent', 'Never'].includes(src.pullPolicy))
        errs.push(notSupported(`${f}.pullPolicy`, src.pullPolicy, ['Always', 'IfNotPresent', 'Never']));
      break;
  }
  return errs;
}

/** ValidateVolumes: errors, and each valid volume's source kind by name (for mounts and devices). */
export function volumes(list_: unknown, field: string, podName?: string): { errs: FieldError[]; byName: Map<string, string> } {
  const errs: FieldError[] = [];
  const byName = new Map<string, string>();
  list(list_).forEach((v: Obj, i) => {
    const f = `${field}[${i}]`;
    const name = str(v?.name);
    const el: FieldError[] = [];
    let kind = '';
    for (const k of SOURCES) {
      if (v?.[k] === undefined || v[k] === null) continue;
      if (kind) {
        el.push(forbidden(`${f}.${k}`, 'may not specify more than 1 volume type'));
        continue;
      }
      kind = k;
      if (!LEGACY_SOURCES.includes(k)) el.push(...source(k, v[k], f, name, podName));
    }
    if (!kind) el.push(required(f, 'must specify a volume type'));
    if (!name) el.push(required(`${f}.name`));
    else el.push(...dns1123Label(`${f}.name`, name));
    if (byName.has(name)) el.push(duplicate(`${f}.name`, name));
    if (el.length === 0) byName.set(name, kind);
    else errs.push(...el);
  });
  return { errs, byName };
}
