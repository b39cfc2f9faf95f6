// certificates.k8s.io/v1 CertificateSigningRequest: cluster-scoped; the requester's identity is
// written into spec by the apiserver; `status` (the signer's certificate and Failed) and
// `approval` (Approved/Denied) are subresources with their own rules (csr-rules.ts).
import type { UserInfo } from '../registry/types';
import { defineResource, col, objAge, humanDuration, NAME_COLUMN, AGE_COLUMN } from './common';
import { kindSchema, Str, Int, obj, opt, req, list, named, conditionSchema, Type } from './schemas';
import { csrConditionText, csrSubresourceUpdate, validateCsrSpec, validateCsrStatus, type Csr } from './csr-rules';

const nowIso = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

export const certificatesigningrequests = defineResource({
  group: 'certificates.k8s.io',
  version: 'v1',
  kind: 'CertificateSigningRequest',
  resource: 'certificatesigningrequests',
  singular: 'certificatesigningrequest',
  namespaced: false,
  shortNames: ['csr'],
  subresources: ['approval', 'status'],
  hasStatus: true,
  schema: kindSchema(
    {
      spec: named(
        'io.k8s.api.certificates.v1.CertificateSigningRequestSpec',
        obj(
          {
            request: req(Str, 'request contains an x509 certificate signing request encoded in a "CERTIFICATE REQUEST" PEM block. When serialized as JSON or YAML, the data is additionally base64-encoded.'),
            signerName: req(Str, 'signerName indicates the requested signer, and is a qualified name, e.g. kubernetes.io/kube-apiserver-client-kubelet.'),
            expirationSeconds: opt(Int, 'expirationSeconds is the requested duration of validity of the issued certificate (minimum 600). The signer may issue a certificate with a different validity duration.'),
            usages: req(list(Str), 'usages specifies a set of key usages requested in the issued certificate, e.g. "digital signature", "key encipherment", "client auth".'),
            username: opt(Str, 'username contains the name of the user that created the CertificateSigningRequest. Populated by the API server on creation and immutable.'),
            uid: opt(Str, 'uid contains the uid of the user that created the CertificateSigningRequest. Populated by the API server on creation and immutable.'),
            groups: opt(list(Str), 'groups contains group membership of the user that created the CertificateSigningRequest. Populated by the API server on creation and immutable.'),
            extra: opt(Type.Record(Str, list(Str)), 'extra contains extra attributes of the user that created the CertificateSigningRequest. Populated by the API server on creation and immutable.'),
          },
          'CertificateSigningRequestSpec contains the certificate request.',
        ),
      ),
      status: named(
        'io.k8s.api.certificates.v1.CertificateSigningRequestStatus',
        obj(
          {
            conditions: opt(
              list(conditionSchema('io.k8s.api.certificates.v1.CertificateSigningRequestCondition', ['lastUpdateTime', 'lastTransitionTime'])),
              'conditions applied to the request. Known conditions are "Approved", "Denied", and "Failed".',
            ),
            certificate: opt(Str, 'certificate is populated with an issued certificate by the signer after an Approved condition is present. PEM-encoded, base64 in JSON.'),
          },
          'CertificateSigningRequestStatus contains conditions used to indicate approved/denied/failed status of the request, and the issued certificate.',
        ),
      ),
    },
    'CertificateSigningRequest objects provide a mechanism to obtain x509 certificates by submitting a certificate signing request, and having it asynchronously approved and issued.',
  ),
  printerColumns: [
    NAME_COLUMN,
    AGE_COLUMN,
    col('SignerName', 'string', 'signerName indicates the requested signer, and is a qualified name.'),
    col('Requestor', 'string', 'Name of the user that created the request.'),
    col('RequestedDuration', 'string', 'The requested duration of validity of the issued certificate.'),
    col('Condition', 'string', 'Approved, Denied or Pending, with Failed and Issued.'),
  ],
  printRow: (o) => {
    const c = o as Csr;
    const secs = c.spec?.expirationSeconds;
    return [o.metadata.name, objAge(o), c.spec?.signerName ?? '', c.spec?.username ?? '', typeof secs === 'number' ? humanDuration(secs * 1000) : '<none>', csrConditionText(c)];
  },
  fieldSelectors: { 'spec.signerName': (o) => (o as Csr).spec?.signerName ?? '' },
  prepareForCreate: (o, user?: UserInfo) => {
    const c = o as Csr;
    c.spec ??= {};
    // Who asked is the authenticated caller, never what the client wrote.
    delete c.spec.username;
    delete c.spec.uid;
    delete c.spec.groups;
    delete c.spec.extra;
    if (user) {
      c.spec.username = user.name;
      if (user.uid) c.spec.uid = user.uid;
      c.spec.groups = [...user.groups];
      if (user.extra && Object.keys(user.extra).length) c.spec.extra = user.extra;
    }
    // Requests cannot be created pre-approved or pre-issued.
    c.status = {};
  },
  prepareForUpdate: (o, old) => {
    // The main resource changes metadata only: spec is immutable (kept silently, as upstream does).
    (o as Csr).spec = (old as Csr).spec;
  },
  validate: (o) => validateCsrSpec(o as Csr),
  validateStatus: (o) => validateCsrStatus(o as Csr),
  subresourceUpdate: (next, old, sub) => csrSubresourceUpdate(next as Csr, old as Csr, sub, nowIso()),
});
