// PersistentVolumes and PersistentVolumeClaims (also as ephemeral volume and StatefulSet claim
// templates): access modes, the storage request and capacity quantities, class names, volume
// modes, data sources and PV node affinity — as ValidatePersistentVolumeSpec and
// ValidatePersistentVolumeClaimSpec word them.
import { eachInvalid, forbidden, invalid, notSupported, required, type FieldError } from './field-errors';
import { annotations, dns1123SubdomainErrors, labels } from './validation-names';
import { basicResource, parsedResourceList, positiveQuantity, readQuantity, resourceQuantityValue } from './validation-quantity';
import { labelSelector, nodeSelector } from './validation-selectors';

type Obj = Record<string, any>;
const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
const isMap = (m: unknown): m is Obj => !!m && typeof m === 'object' && !Array.isArray(m);

const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
const VOLUME_MODES = ['Block', 'Filesystem'];
const RECLAIM = ['Delete', 'Recycle', 'Retain'];

function accessModes(modes: unknown, field: string, requiredDetail?: string): FieldError[] {
  const list = Array.isArray(modes) ? modes : [];
  const errs: FieldError[] = list.length === 0 ? [required(field, requiredDetail)] : [];
  let rwop = false;
  let other = false;
  for (const m of list) {
    if (!ACCESS_MODES.includes(m)) errs.push(notSupported(field, m, ACCESS_MODES));
    else if (m === 'ReadWriteOncePod') rwop = true;
    else other = true;
  }
  if (rwop && other) errs.push(forbidden(field, 'may not use ReadWriteOncePod with other access modes'));
  return errs;
}

const className = (v: unknown, field: string) => (v ? eachInvalid(field, v, dns1123SubdomainErrors(str(v))) : []);
const volumeMode = (v: unknown, field: string) => (v !== undefined && v !== null && !VOLUME_MODES.includes(v as string) ? [notSupported(field, v, VOLUME_MODES)] : []);

function dataSource(ds: Obj, field: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!ds.name) errs.push(required(`${field}.name`));
  if (!ds.kind) errs.push(required(`${field}.kind`));
  if (!ds.apiGroup && ds.kind !== 'PersistentVolumeClaim') errs.push(invalid(field, str(ds.kind), "must be 'PersistentVolumeClaim' when referencing the default apiGroup"));
  if (ds.apiGroup) errs.push(...eachInvalid(`${field}.apiGroup`, ds.apiGroup, dns1123SubdomainErrors(str(ds.apiGroup))));
  return errs;
}

/** ValidatePersistentVolumeClaimSpec. */
export function claimSpec(spec: unknown, field: string): FieldError[] {
  if (!isMap(spec)) return [required(field)];
  const errs = accessModes(spec.accessModes, `${field}.accessModes`, 'at least 1 access mode is required');
  if (spec.selector) errs.push(...labelSelector(spec.selector, `${field}.selector`));
  const storagePath = `${field}.resources[storage]`;
  const requests = isMap(spec.resources?.requests) ? spec.resources.requests : {};
  if (!('storage' in requests)) errs.push(required(storagePath));
  else {
    const { q, errs: parse } = readQuantity(storagePath, requests.storage);
    errs.push(...parse);
    if (q) {
      const notPositive = positiveQuantity(storagePath, q);
      errs.push(...(notPositive.length ? notPositive : resourceQuantityValue('storage', q, storagePath)));
    }
  }
  const others = Object.fromEntries(Object.entries(requests).filter(([k]) => k !== 'storage'));
  errs.push(...parsedResourceList(`${field}.resources.requests`, others), ...parsedResourceList(`${field}.resources.limits`, spec.resources?.limits));
  errs.push(...className(spec.storageClassName, `${field}.storageClassName`), ...volumeMode(spec.volumeMode, `${field}.volumeMode`));
  if (isMap(spec.dataSource)) errs.push(...dataSource(spec.dataSource, `${field}.dataSource`));
  if (isMap(spec.dataSourceRef)) errs.push(...dataSource(spec.dataSourceRef, `${field}.dataSourceRef`));
  return errs;
}

/** ValidateTemplateObjectMeta for claim templates: labels and annotations. */
export function claimTemplateMeta(meta: unknown, field: string): FieldError[] {
  if (!isMap(meta)) return [];
  return [...annotations(`${field}.annotations`, meta.annotations), ...labels(`${field}.labels`, meta.labels)];
}

/** ValidatePersistentVolumeClaimStatusUpdate's quantity checks. */
export function claimStatus(status: unknown): FieldError[] {
  if (!isMap(status)) return [];
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(isMap(status.capacity) ? status.capacity : {})) {
    const f = `status.capacity[${k}]`;
    const { q, errs: parse } = readQuantity(f, v);
    errs.push(...(q ? basicResource(f, q) : parse));
  }
  errs.push(...parsedResourceList('status.allocatedResources', status.allocatedResources));
  return errs;
}

/** ValidatePersistentVolumeSpec's rules on capacity, modes, policy, class and node affinity. */
export function volumeSpecRules(spec: Obj): FieldError[] {
  const errs = accessModes(spec.accessModes, 'spec.accessModes');
  const cap = isMap(spec.capacity) ? spec.capacity : {};
  const keys = Object.keys(cap);
  if (keys.length === 0) errs.push(required('spec.capacity'));
  if (!keys.includes('storage') || keys.length > 1) errs.push(notSupported('spec.capacity', cap, ['storage']));
  for (const [k, v] of Object.entries(cap)) {
    const f = `spec.capacity[${k}]`;
    const { q, errs: parse } = readQuantity(f, v);
    errs.push(...(q ? [...basicResource(f, q), ...positiveQuantity(f, q)] : parse));
  }
  const r = spec.persistentVolumeReclaimPolicy;
  if (r && !RECLAIM.includes(r)) errs.push(notSupported('spec.persistentVolumeReclaimPolicy', r, RECLAIM));
  if (spec.nodeAffinity) {
    if (!spec.nodeAffinity.required) errs.push(required('spec.nodeAffinity.required', 'must specify required node constraints'));
    else errs.push(...nodeSelector(spec.nodeAffinity.required, 'spec.nodeAffinity.required'));
  } else if (spec.local) errs.push(required('spec.nodeAffinity', 'Local volume requires node affinity'));
  errs.push(...className(spec.storageClassName, 'spec.storageClassName'), ...volumeMode(spec.volumeMode, 'spec.volumeMode'));
  return errs;
}
