// certificates.k8s.io/v1 CertificateSigningRequest rules beside its schema: validation of the
// spec (a PEM PKCS#10 request whose signature verifies, signer name, usages, expirationSeconds)
// and of the conditions and certificate, and what the status and approval subresources may
// change. Pure functions of the objects; csr.ts wires them into the resource.
import type { KObject } from '../../lib/api/types';
import { KNOWN_USAGES } from '../../lib/pki/x509/oids';
import { CsrError, parseCsrPem } from '../../lib/pki/x509/csr';
import { pemBlocks } from '../../lib/pki/x509/der';
import { dns1123SubdomainErrors } from './validation-names';
import { duplicate, forbidden, invalid, invalidShown, notSupported, required, type FieldError } from './field-errors';

export interface CsrCondition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
  lastUpdateTime?: string | null;
  lastTransitionTime?: string | null;
}

export interface Csr extends KObject {
  spec: {
    request?: string;
    signerName?: string;
    expirationSeconds?: number;
    usages?: string[];
    username?: string;
    uid?: string;
    groups?: string[];
    extra?: Record<string, string[]>;
  };
  status?: { conditions?: CsrCondition[]; certificate?: string };
}

export const LEGACY_UNKNOWN_SIGNER = 'kubernetes.io/legacy-unknown';
const APPROVAL_TYPES = new Set(['Approved', 'Denied']);
/** Condition types of which an object has at most one (upstream's list). */
const UNIQUE_TYPES = new Set(['Approved', 'Denied', 'Failed']);
const STATUSES = ['True', 'False', 'Unknown'];
const MIN_EXPIRATION_SECONDS = 600;

/** The PEM text of spec.request (base64 of the PEM bytes, as []byte travels in JSON). */
export function requestPem(c: Csr): string | undefined {
  const r = c.spec?.request;
  if (typeof r !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(r)) return undefined;
  return Buffer.from(r, 'base64').toString('latin1');
}

function signerNameErrors(name: string): FieldError[] {
  const f = 'spec.signerName';
  const slash = name.indexOf('/');
  if (slash < 0) return [invalid(f, name, 'must be a fully qualified domain and path of the form \'example.com/signer-name\'')];
  const domain = name.slice(0, slash);
  const path = name.slice(slash + 1);
  const errs: FieldError[] = [];
  if (!path) errs.push(invalid(f, name, 'validating path: path may not be empty'));
  if (domain.split('.').length < 2) errs.push(invalid(f, name, 'should be a domain with at least two segments separated by dots'));
  for (const m of dns1123SubdomainErrors(domain)) errs.push(invalid(f, name, `validating domain: ${m}`));
  return errs;
}

function conditionErrors(conds: CsrCondition[] | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (conds ?? []).forEach((c, i) => {
    const f = `status.conditions[${i}]`;
    if (!c.type) errs.push(required(`${f}.type`));
    else if (UNIQUE_TYPES.has(c.type)) {
      if (seen.has(c.type)) errs.push(duplicate(`${f}.type`, c.type));
      seen.add(c.type);
    }
    if (!c.status) errs.push(required(`${f}.status`));
    else if (c.type && APPROVAL_TYPES.has(c.type) && c.status !== 'True') errs.push(notSupported(`${f}.status`, c.status, ['True']));
    else if (!STATUSES.includes(c.status)) errs.push(notSupported(`${f}.status`, c.status, STATUSES));
  });
  if (seen.has('Approved') && seen.has('Denied')) {
    const i = (conds ?? []).findIndex((c) => c.type === 'Denied');
    errs.push(invalid(`status.conditions[${i}].type`, 'Denied', 'Approved and Denied conditions are mutually exclusive'));
  }
  return errs;
}

function certificateErrors(c: Csr): FieldError[] {
  const cert = c.status?.certificate;
  if (cert === undefined || cert === '') return [];
  const f = 'status.certificate';
  const has = (t: string) => (c.status?.conditions ?? []).some((x) => x.type === t);
  if (!has('Approved')) return [forbidden(f, 'certificate may not be set unless the Approved condition is present')];
  if (has('Denied') || has('Failed')) return [forbidden(f, 'certificate may not be set on a request with a Denied or Failed condition')];
  if (typeof cert !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(cert)) return [invalidShown(f, '"<certificate data>"', 'must be base64-encoded PEM data')];
  const blocks = pemBlocks(Buffer.from(cert, 'base64').toString('latin1'));
  if (blocks.length === 0) return [invalidShown(f, '"<certificate data>"', 'must contain at least one CERTIFICATE PEM block')];
  if (blocks.some((b) => b.label !== 'CERTIFICATE')) return [invalidShown(f, '"<certificate data>"', 'only CERTIFICATE PEM blocks are allowed')];
  return [];
}

/** Spec validation (create, and update of the main resource). */
export function validateCsrSpec(c: Csr): FieldError[] {
  const errs: FieldError[] = [];
  const spec = c.spec ?? {};
  const pem = requestPem(c);
  if (!spec.request) errs.push(required('spec.request'));
  else if (pem === undefined) errs.push(invalidShown('spec.request', '[]byte{...}', 'must be base64-encoded PEM data'));
  else {
    try {
      parseCsrPem(pem);
    } catch (e) {
      errs.push(invalidShown('spec.request', '[]byte{...}', e instanceof CsrError ? e.message : String(e)));
    }
  }
  if (!spec.signerName) errs.push(required('spec.signerName'));
  else {
    errs.push(...signerNameErrors(spec.signerName));
    if (spec.signerName === LEGACY_UNKNOWN_SIGNER) errs.push(invalid('spec.signerName', spec.signerName, 'the legacy signerName is not allowed via this API version'));
  }
  if (spec.expirationSeconds !== undefined && spec.expirationSeconds !== null && spec.expirationSeconds < MIN_EXPIRATION_SECONDS)
    errs.push(invalid('spec.expirationSeconds', spec.expirationSeconds, 'may not specify a duration less than 600 seconds (10 minutes)'));
  const usages = spec.usages ?? [];
  if (usages.length === 0) errs.push(required('spec.usages', 'usages must be provided'));
  const seen = new Set<string>();
  usages.forEach((u, i) => {
    if (!KNOWN_USAGES.includes(u)) errs.push(notSupported(`spec.usages[${i}]`, u, KNOWN_USAGES));
    else if (seen.has(u)) errs.push(duplicate(`spec.usages[${i}]`, u));
    seen.add(u);
  });
  return errs;
}

/** What status carries: conditions and certificate. */
export function validateCsrStatus(c: Csr): FieldError[] {
  return [...conditionErrors(c.status?.conditions), ...certificateErrors(c)];
}

/** Condition defaults (status True) and timestamps, as upstream fills them on writes. */
export function fillConditionTimes(next: Csr, old: Csr | undefined, nowIso: string): void {
  for (const c of next.status?.conditions ?? []) {
    if (!c.status) c.status = 'True';
    if (!c.lastUpdateTime) c.lastUpdateTime = nowIso;
    if (!c.lastTransitionTime) {
      const before = old?.status?.conditions?.find((o) => o.type === c.type);
      c.lastTransitionTime = before && before.status === c.status && before.lastTransitionTime ? before.lastTransitionTime : nowIso;
    }
  }
}

/**
 * A write through `status` or `approval`: the spec is the stored one; `status` changes the
 * certificate and every condition but Approved/Denied, `approval` only Approved/Denied (the
 * stored certificate and other conditions are kept). Returns the transition's errors: an
 * approval decision cannot be taken back and an issued certificate cannot be changed.
 */
export function csrSubresourceUpdate(next: Csr, old: Csr, subresource: string, nowIso: string): FieldError[] {
  next.spec = old.spec;
  next.status ??= {};
  const incoming = next.status.conditions ?? [];
  const stored = old.status?.conditions ?? [];
  const isApproval = (c: CsrCondition) => !!c.type && APPROVAL_TYPES.has(c.type);
  if (subresource === 'approval') {
    next.status = { ...(old.status ?? {}), conditions: [...incoming.filter(isApproval), ...stored.filter((c) => !isApproval(c))] };
  } else {
    next.status.conditions = [...stored.filter(isApproval), ...incoming.filter((c) => !isApproval(c))];
  }
  if (!next.status.conditions?.length) delete next.status.conditions;
  fillConditionTimes(next, old, nowIso);
  const errs: FieldError[] = [];
  for (const t of APPROVAL_TYPES)
    if (stored.some((c) => c.type === t) && !(next.status.conditions ?? []).some((c) => c.type === t))
      errs.push(forbidden('status.conditions', `updates may not remove a condition of type "${t}"`));
  const was = old.status?.certificate;
  if (was && next.status.certificate !== was) errs.push(invalidShown('status.certificate', '"<certificate data>"', 'updates may not modify existing certificate content'));
  return errs;
}

/** The CONDITION column: Denied/Approved/Pending, then ,Failed and ,Issued. */
export function csrConditionText(c: Csr): string {
  const has = (t: string) => (c.status?.conditions ?? []).some((x) => x.type === t);
  let s = has('Denied') ? 'Denied' : has('Approved') ? 'Approved' : 'Pending';
  if (has('Failed')) s += ',Failed';
  if (c.status?.certificate) s += ',Issued';
  return s;
}
