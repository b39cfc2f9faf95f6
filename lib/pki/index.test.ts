import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as crypto from 'node:crypto';
import { apiserverSans, ensureCa, ensureClientCert, ensureServingCert, parseSans, sanExtension, subjectOf } from './index';

describe('lib/pki', function () {
  this.timeout(30_000);
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-test-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('formats SANs and subjects', () => {
    assert.equal(sanExtension(['a.b', '10.0.0.1', 'a.b', '::1']), 'DNS:a.b,IP:10.0.0.1,IP:::1');
    assert.equal(subjectOf('system:node:n1', ['system:nodes']), '/O=system:nodes/CN=system:node:n1');
    assert.deepEqual(parseSans('DNS:x, IP Address:1.2.3.4'), ['x', '1.2.3.4']);
  });

  it('creates a P-256 CA once and reuses it', async () => {
    const ca = await ensureCa(dir);
    const x = new crypto.X509Certificate(ca.cert);
    assert.equal(x.subject, 'CN=k8ts-ca');
    assert.equal(x.ca, true);
    assert.equal(x.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    assert.ok(new Date(x.validTo).getTime() - Date.now() > 9 * 365 * 86_400_000);
    const again = await ensureCa(dir);
    assert.equal(again.cert, ca.cert);
  });

  it('issues a serving cert with every SAN, reissuing when one is missing', async () => {
    const ca = await ensureCa(dir);
    const s1 = await ensureServingCert(dir, ca, 'apiserver', 'kube-apiserver', apiserverSans(['192.168.1.5']));
    const x = new crypto.X509Certificate(s1.cert);
    const sans = parseSans(x.subjectAltName);
    for (const s of apiserverSans(['192.168.1.5'])) assert.ok(sans.includes(s), `missing SAN ${s}`);
    assert.ok(x.checkIssued(new crypto.X509Certificate(ca.cert)));
    assert.ok(x.verify(new crypto.X509Certificate(ca.cert).publicKey));
    assert.ok(x.checkIP('10.96.0.1'));
    assert.ok(x.checkHost('kubernetes.default.svc'));
    const same = await ensureServingCert(dir, ca, 'apiserver', 'kube-apiserver', ['127.0.0.1', 'localhost']);
    assert.equal(same.cert, s1.cert, 'subset of SANs keeps the cert');
    const more = await ensureServingCert(dir, ca, 'apiserver', 'kube-apiserver', [...apiserverSans(), '10.1.2.3']);
    assert.notEqual(more.cert, s1.cert);
    assert.ok(new crypto.X509Certificate(more.cert).checkIP('10.1.2.3'));
    assert.equal(more.key, s1.key, 'key is kept on reissue');
  });

  it('issues client certs with CN as user and O as groups', async () => {
    const ca = await ensureCa(dir);
    const c = await ensureClientCert(dir, ca, 'kubelet-n1', 'system:node:n1', ['system:nodes']);
    const x = new crypto.X509Certificate(c.cert);
    assert.deepEqual(x.subject.split('\n').sort(), ['CN=system:node:n1', 'O=system:nodes']);
    assert.equal(x.issuer, 'CN=k8ts-ca');
    assert.equal(fs.statSync(c.keyFile).mode & 0o777, 0o600);
    const again = await ensureClientCert(dir, ca, 'kubelet-n1', 'system:node:n1', ['system:nodes']);
    assert.equal(again.cert, c.cert);
    const changed = await ensureClientCert(dir, ca, 'kubelet-n1', 'system:node:n1', ['system:nodes', 'extra']);
    assert.notEqual(changed.cert, c.cert);
  });

  it('reissues leaf certs when the CA changes', async () => {
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-test2-'));
    try {
      const ca2 = await ensureCa(other);
      const ca = await ensureCa(dir);
      const c = await ensureClientCert(dir, ca, 'admin', 'admin', ['system:masters']);
      const c2 = await ensureClientCert(dir, ca2, 'admin', 'admin', ['system:masters']);
      assert.notEqual(c.cert, c2.cert);
      assert.ok(new crypto.X509Certificate(c2.cert).checkIssued(new crypto.X509Certificate(ca2.cert)));
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });
});
