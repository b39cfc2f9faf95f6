// Kubernetes' semantic validation rules that sit beside the schemas: the metadata checks every
// kind shares and the entry points the kind files import. The rules themselves live in files
// named for their concept (validation-names, validation-network, validation-quantity, ...) and the
// error wording in field-errors.ts; this module re-exports them so a kind file needs one import.
import type { ObjectMeta } from '../../lib/api/types';
import { eachInvalid, forbidden, invalid, required, type FieldError } from './field-errors';
import { annotations, dns1035LabelErrors, dns1123LabelErrors, dns1123SubdomainErrors, labels } from './validation-names';

export * from './field-errors';

export function dns1123Label(field: string, v: string): FieldError[] {
  return eachInvalid(field, v, dns1123LabelErrors(v));
}
export function dns1123Subdomain(field: string, v: string): FieldError[] {
  return eachInvalid(field, v, dns1123SubdomainErrors(v));
}
export function dns1035Label(field: string, v: string): FieldError[] {
  return eachInvalid(field, v, dns1035LabelErrors(v));
}

export type NameRule = 'subdomain' | 'label' | 'dns1035';

const NAME_CHECKS: Record<NameRule, (v: string) => string[]> = { subdomain: dns1123SubdomainErrors, label: dns1123LabelErrors, dns1035: dns1035LabelErrors };

/** metadata checks shared by every kind: name syntax, namespace presence, labels, annotations. */
export function objectMeta(meta: ObjectMeta | undefined, namespaced: boolean, nameRule: NameRule): FieldError[] {
  const errs: FieldError[] = [];
  if (!meta) return [required('metadata')];
  if (!meta.name) errs.push(required('metadata.name', 'name or generateName is required'));
  // A name of another type is the schema check's to report.
  else if (typeof meta.name === 'string') errs.push(...eachInvalid('metadata.name', meta.name, NAME_CHECKS[nameRule](meta.name)));
  if (namespaced && !meta.namespace) errs.push(required('metadata.namespace'));
  else if (namespaced && typeof meta.namespace === 'string') errs.push(...eachInvalid('metadata.namespace', meta.namespace, dns1123LabelErrors(meta.namespace)));
  if (!namespaced && meta.namespace) errs.push(forbidden('metadata.namespace', 'not allowed on this type'));
  errs.push(...labels('metadata.labels', meta.labels), ...annotations('metadata.annotations', meta.annotations));
  return errs;
}

/** ValidateNonnegativeField: used by replicas, grace periods, history limits and the like. */
export function nonNegativeInt(field: string, v: unknown): FieldError[] {
  if (v === undefined || v === null) return [];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) return [invalid(field, v, 'must be greater than or equal to 0')];
  return [];
}

export { labels, annotations, labelValue, qualifiedName } from './validation-names';
export { port, protocol, intOrNamedPort } from './validation-network';
