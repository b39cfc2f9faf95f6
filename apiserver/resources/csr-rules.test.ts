import { strict as assert } from 'node:assert';
import * as crypto from 'node:crypto';
import { createCsrPem } from '../../lib/pki/x509/csr';
import { csrConditionText, csrSubresourceUpdate, validateCsrSpec, validateCsrStatus, type Csr } from './csr-rules';

const key = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
const REQUEST = Buffer.from(createCsrPem({ commonName: 'system:node:n1', organizations: ['system:nodes'] }, key)).toString('base64');
const csr = (spec: Partial<Csr['spec']>, status?: Csr['status']): Csr => ({
  apiVersion: 'certificates.k8s.io/v1',
  kind: 'CertificateSigningRequest',
  metadata: { name: 'c' },
  spec: { request: REQUEST, signerName: 'kubernetes.io/kube-apiserver-client-kubelet', usages: ['digital signature', 'client auth'], ...spec },
  ...(status ? { status } : {}),
});
const msgs = (errs: { field: string; message: string }[]) => errs.map((e) => `${e.field}: ${e.message}`);

describe('CertificateSigningRequest rules', () => {
  it('validates the spec', () => {
    const cases: [string, Partial<Csr['spec']>, string[]][] = [
      ['valid', {}, []],
      ['no request', { request: undefined }, ['spec.request: Required value']],
      ['not base64', { request: '%%%' }, ['spec.request: Invalid value: []byte{...}: must be base64-encoded PEM data']],
      ['not a CSR', { request: Buffer.from('hello').toString('base64') }, ['spec.request: Invalid value: []byte{...}: PEM block type must be CERTIFICATE REQUEST']],
      ['no signer', { signerName: undefined }, ['spec.signerName: Required value']],
      ['signer without path', { signerName: 'example.com' }, ["spec.signerName: Invalid value: \"example.com\": must be a fully qualified domain and path of the form 'example.com/signer-name'"]],
      ['signer one segment', { signerName: 'example/x' }, ['spec.signerName: Invalid value: "example/x": should be a domain with at least two segments separated by dots']],
      ['legacy signer', { signerName: 'kubernetes.io/legacy-unknown' }, ['spec.signerName: Invalid value: "kubernetes.io/legacy-unknown": the legacy signerName is not allowed via this API version']],
      ['short expiration', { expirationSeconds: 599 }, ['spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 600 seconds (10 minutes)']],
      ['600 is enough', { expirationSeconds: 600 }, []],
      ['no usages', { usages: [] }, ['spec.usages: Required value: usages must be provided']],
      ['duplicate usage', { usages: ['client auth', 'client auth'] }, ['spec.usages[1]: Duplicate value: "client auth"']],
    ];
    for (const [name, spec, want] of cases) assert.deepEqual(msgs(validateCsrSpec(csr(spec))), want, name);
    assert.match(msgs(validateCsrSpec(csr({ usages: ['flying'] })))[0], /^spec.usages\[0\]: Unsupported value: "flying": supported values: "signing", /);
  });

  it('validates conditions and the certificate', () => {
    const cert = Buffer.from('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n').toString('base64');
    const cases: [string, Csr['status'], string[]][] = [
      ['approved', { conditions: [{ type: 'Approved', status: 'True' }] }, []],
      ['both', { conditions: [{ type: 'Approved', status: 'True' }, { type: 'Denied', status: 'True' }] }, ['status.conditions[1].type: Invalid value: "Denied": Approved and Denied conditions are mutually exclusive']],
      ['approved false', { conditions: [{ type: 'Approved', status: 'False' }] }, ['status.conditions[0].status: Unsupported value: "False": supported values: "True"']],
      ['twice', { conditions: [{ type: 'Failed', status: 'True' }, { type: 'Failed', status: 'True' }] }, ['status.conditions[1].type: Duplicate value: "Failed"']],
      ['no type', { conditions: [{ status: 'True' }] }, ['status.conditions[0].type: Required value']],
      ['cert unapproved', { certificate: cert }, ['status.certificate: Forbidden: certificate may not be set unless the Approved condition is present']],
      ['cert approved', { conditions: [{ type: 'Approved', status: 'True' }], certificate: cert }, []],
      ['cert not PEM', { conditions: [{ type: 'Approved', status: 'True' }], certificate: Buffer.from('x').toString('base64') }, ['status.certificate: Invalid value: "<certificate data>": must contain at least one CERTIFICATE PEM block']],
    ];
    for (const [name, status, want] of cases) assert.deepEqual(msgs(validateCsrStatus(csr({}, status))), want, name);
  });

  it('lets approval change only Approved/Denied and status only the rest', () => {
    const now = '2026-12-05T10:00:00Z';
    const old = csr({ username: 'u' }, { conditions: [{ type: 'Approved', status: 'True', lastUpdateTime: 't0', lastTransitionTime: 't0' }] });
    // status may not drop approval nor change the spec; it adds Failed
    const viaStatus = csr({ username: 'evil' }, { conditions: [{ type: 'Failed', status: 'True' }], certificate: undefined });
    assert.deepEqual(csrSubresourceUpdate(viaStatus, old, 'status', now), []);
    assert.equal(viaStatus.spec.username, 'u');
    assert.deepEqual(viaStatus.status!.conditions!.map((c) => c.type), ['Approved', 'Failed']);
    assert.equal(viaStatus.status!.conditions![1].lastTransitionTime, now);
    // approval may not touch the certificate; removing Approved is refused
    const issued = csr({}, { conditions: [{ type: 'Approved', status: 'True' }], certificate: 'Y2VydA==' });
    const viaApproval = csr({}, { conditions: [{ type: 'Denied', status: 'True' }], certificate: 'b3RoZXI=' });
    assert.deepEqual(msgs(csrSubresourceUpdate(viaApproval, issued, 'approval', now)), ['status.conditions: Forbidden: updates may not remove a condition of type "Approved"']);
    assert.equal(viaApproval.status!.certificate, 'Y2VydA==');
    // an issued certificate cannot be replaced through status
    const replaced = csr({}, { certificate: 'b3RoZXI=' });
    assert.deepEqual(msgs(csrSubresourceUpdate(replaced, issued, 'status', now)), ['status.certificate: Invalid value: "<certificate data>": updates may not modify existing certificate content']);
  });

  it('prints the condition as kubectl shows it', () => {
    const cases: [Csr['status'], string][] = [
      [undefined, 'Pending'],
      [{ conditions: [{ type: 'Approved', status: 'True' }] }, 'Approved'],
      [{ conditions: [{ type: 'Approved', status: 'True' }], certificate: 'x' }, 'Approved,Issued'],
      [{ conditions: [{ type: 'Approved', status: 'True' }, { type: 'Failed', status: 'True' }] }, 'Approved,Failed'],
      [{ conditions: [{ type: 'Denied', status: 'True' }] }, 'Denied'],
    ];
    for (const [status, want] of cases) assert.equal(csrConditionText(csr({}, status)), want);
  });
});
