import { strict as assert } from 'node:assert';
import * as crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createCsrPem, parseCsrPem } from '../../lib/pki/x509/csr';
import { issueCertificate } from '../../lib/pki/x509/issue';
import { cleanupReason, type CleanupView } from './cleanup';

const NOW = new Date('2026-12-05T12:00:00Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();
const M = 60_000;
const H = 60 * M;

describe('csrcleaner decisions', () => {
  let expiredCert = '';
  let validCert = '';
  before(() => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'csrcleaner-test-'));
    try {
      execFileSync('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key'], { cwd: dir });
      execFileSync('openssl', ['req', '-x509', '-new', '-key', 'ca.key', '-days', '2', '-subj', '/CN=ca', '-out', 'ca.crt'], { cwd: dir });
      const ca = { certPem: fs.readFileSync(path.join(dir, 'ca.crt'), 'utf8'), keyPem: fs.readFileSync(path.join(dir, 'ca.key'), 'utf8') };
      const csr = parseCsrPem(createCsrPem({ commonName: 'x' }, crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey));
      const issue = (notAfter: Date) => Buffer.from(issueCertificate(ca, { csr, usages: ['client auth'], notBefore: new Date(notAfter.getTime() - H), notAfter }).pem).toString('base64');
      expiredCert = issue(new Date(Date.now() - M));
      validCert = issue(new Date(Date.now() + 24 * H));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps what is young and deletes what is past its deadline', () => {
    const cases: [string, () => CleanupView, string | undefined][] = [
      ['pending, young', () => ({ creationTimestamp: ago(23 * H), conditions: [] }), undefined],
      ['pending, a day old', () => ({ creationTimestamp: ago(25 * H), conditions: [] }), 'pending for more than a day'],
      ['issued 30 min ago', () => ({ creationTimestamp: ago(30 * M), conditions: [{ type: 'Approved', lastUpdateTime: ago(30 * M) }], certificate: validCert }), undefined],
      ['issued 2 h ago', () => ({ creationTimestamp: ago(2 * H), conditions: [{ type: 'Approved', lastUpdateTime: ago(2 * H) }], certificate: validCert }), 'issued more than an hour ago'],
      ['approved, not issued, 2 h', () => ({ creationTimestamp: ago(2 * H), conditions: [{ type: 'Approved', lastUpdateTime: ago(2 * H) }] }), undefined],
      ['certificate expired', () => ({ creationTimestamp: ago(10 * M), conditions: [{ type: 'Approved', lastUpdateTime: ago(10 * M) }], certificate: expiredCert }), 'its certificate has expired'],
      ['denied 2 h ago', () => ({ creationTimestamp: ago(3 * H), conditions: [{ type: 'Denied', lastUpdateTime: ago(2 * H) }] }), 'denied more than an hour ago'],
      ['denied 10 min ago, created long ago', () => ({ creationTimestamp: ago(48 * H), conditions: [{ type: 'Denied', lastUpdateTime: ago(10 * M) }] }), undefined],
      ['failed 2 h ago', () => ({ creationTimestamp: ago(3 * H), conditions: [{ type: 'Approved', lastUpdateTime: ago(3 * H) }, { type: 'Failed', lastUpdateTime: ago(2 * H) }] }), 'failed more than an hour ago'],
    ];
    // The certificates' validity is real time; the deadlines are judged at NOW, so only the expired case depends on the cert.
    for (const [name, view, want] of cases) assert.equal(cleanupReason(view(), name === 'certificate expired' ? new Date() : NOW), want, name);
  });
});
