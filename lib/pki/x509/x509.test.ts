import { strict as assert } from 'node:assert';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createCsrPem, parseCsrPem, CsrError } from './csr';
import { issueCertificate, keyUsageBits, loadCa } from './issue';
import { pemBlocks, pemEncode, readElement, DerError, parseDer } from './der';

const ec = () => crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;

describe('lib/pki/x509', function () {
  this.timeout(30_000);
  let dir: string;
  let caPem: string;
  let caKeyPem: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'x509-test-'));
    execFileSync('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key'], { cwd: dir });
    execFileSync('openssl', ['req', '-x509', '-new', '-key', 'ca.key', '-days', '2', '-subj', '/CN=test-ca', '-out', 'ca.crt'], { cwd: dir });
    caPem = fs.readFileSync(path.join(dir, 'ca.crt'), 'utf8');
    caKeyPem = fs.readFileSync(path.join(dir, 'ca.key'), 'utf8');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('builds a CSR that parses back with its subject, SANs and key type', () => {
    const pem = createCsrPem({ commonName: 'system:node:n1', organizations: ['system:nodes'], dnsNames: ['n1'], ipAddresses: ['10.0.0.5', 'fd00::1'] }, ec());
    const c = parseCsrPem(pem);
    assert.equal(c.commonName, 'system:node:n1');
    assert.deepEqual(c.organizations, ['system:nodes']);
    assert.deepEqual(c.dnsNames, ['n1']);
    assert.deepEqual(c.ipAddresses, ['10.0.0.5', 'fd00::1']);
    assert.equal(c.publicKeyAlgorithm, 'ecdsa');
    // openssl agrees that the request is well-formed and its signature verifies
    fs.writeFileSync(path.join(dir, 'ours.csr'), pem);
    const text = execFileSync('openssl', ['req', '-in', 'ours.csr', '-verify', '-noout', '-text'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
    assert.match(text, /O = system:nodes, CN = system:node:n1/);
  });

  it('parses openssl-made RSA and EC requests', () => {
    execFileSync('openssl', ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'r.key', '-subj', '/O=g1/O=g2/CN=alice', '-addext', 'subjectAltName=DNS:a.example,IP:192.0.2.1,email:a@example.com,URI:spiffe://x/y', '-out', 'r.csr'], { cwd: dir, stdio: 'ignore' });
    const r = parseCsrPem(fs.readFileSync(path.join(dir, 'r.csr'), 'utf8'));
    assert.equal(r.publicKeyAlgorithm, 'rsa');
    assert.equal(r.commonName, 'alice');
    assert.deepEqual(r.organizations, ['g1', 'g2']);
    assert.deepEqual([r.dnsNames, r.ipAddresses, r.emailAddresses, r.uris], [['a.example'], ['192.0.2.1'], ['a@example.com'], ['spiffe://x/y']]);
    execFileSync('openssl', ['req', '-new', '-key', 'ca.key', '-subj', '/CN=bob', '-out', 'e.csr'], { cwd: dir, stdio: 'ignore' });
    assert.equal(parseCsrPem(fs.readFileSync(path.join(dir, 'e.csr'), 'utf8')).publicKeyAlgorithm, 'ecdsa');
  });

  it('refuses requests that do not parse or whose signature does not verify', () => {
    const cases: [string, string, RegExp][] = [
      ['no PEM', 'hello', /PEM block type must be CERTIFICATE REQUEST/],
      ['another PEM type', pemEncode('CERTIFICATE', Buffer.from([0x30, 0])), /PEM block type must be CERTIFICATE REQUEST/],
      ['garbage DER', pemEncode('CERTIFICATE REQUEST', Buffer.from([0x30, 0x05, 1])), /asn1: structure error/],
    ];
    // a valid request with one byte of its subject changed: the signature no longer covers it
    const good = pemBlocks(createCsrPem({ commonName: 'system:node:abc' }, ec()))[0].der;
    const at = good.indexOf(Buffer.from('abc'));
    const bad = Buffer.from(good);
    bad[at] = 'x'.charCodeAt(0);
    cases.push(['tampered', pemEncode('CERTIFICATE REQUEST', bad), /ECDSA verification failure/]);
    for (const [name, pem, want] of cases) assert.throws(() => parseCsrPem(pem), (e: unknown) => e instanceof CsrError && want.test(e.message), name);
  });

  it('reads DER defensively', () => {
    assert.throws(() => readElement(Buffer.from([0x30, 0x84, 0xff, 0xff, 0xff, 0xff])), DerError);
    assert.throws(() => parseDer(Buffer.from([0x05, 0x00, 0x00])), /trailing data/);
    assert.throws(() => readElement(Buffer.from([0x30])), /truncated/);
  });

  it('encodes key usage bits as DER wants', () => {
    assert.equal(keyUsageBits([0]).toString('hex'), '03020780'); // digitalSignature
    assert.equal(keyUsageBits([0, 2]).toString('hex'), '030205a0'); // + keyEncipherment
    assert.equal(keyUsageBits([8]).toString('hex'), '0303070080'); // decipherOnly
  });

  it('issues a certificate that openssl and node verify against the CA', () => {
    const key = ec();
    const csr = parseCsrPem(createCsrPem({ commonName: 'system:node:n1', organizations: ['system:nodes'], dnsNames: ['n1'], ipAddresses: ['10.0.0.5'] }, key));
    const now = new Date(Math.floor(Date.now() / 1000) * 1000);
    const notAfter = new Date(now.getTime() + 120_000);
    const { pem, serialHex } = issueCertificate({ certPem: caPem, keyPem: caKeyPem }, { csr, usages: ['digital signature', 'key encipherment', 'server auth'], notBefore: now, notAfter });
    const x = new crypto.X509Certificate(pem);
    const ca = new crypto.X509Certificate(caPem);
    assert.ok(x.checkIssued(ca) && x.verify(ca.publicKey));
    assert.ok(x.checkPrivateKey(key));
    assert.equal(x.subject, 'O=system:nodes\nCN=system:node:n1');
    assert.equal(x.subjectAltName, 'DNS:n1, IP Address:10.0.0.5');
    assert.equal(new Date(x.validTo).getTime(), notAfter.getTime());
    assert.equal(x.serialNumber.replace(/^0+/, ''), serialHex);
    assert.equal(x.ca, false);
    assert.deepEqual(x.keyUsage, ['1.3.6.1.5.5.7.3.1']);
    fs.writeFileSync(path.join(dir, 'leaf.crt'), pem);
    const out = execFileSync('openssl', ['verify', '-CAfile', 'ca.crt', '-purpose', 'sslserver', 'leaf.crt'], { cwd: dir }).toString();
    assert.match(out, /leaf.crt: OK/);
    const text = execFileSync('openssl', ['x509', '-in', 'leaf.crt', '-noout', '-text'], { cwd: dir }).toString();
    assert.match(text, /Digital Signature, Key Encipherment/);
    assert.match(text, /CA:FALSE/);
  });

  it('never issues past the CA expiry and refuses unknown usages', () => {
    const csr = parseCsrPem(createCsrPem({ commonName: 'x' }, ec()));
    const far = new Date(Date.now() + 10 * 365 * 86_400_000);
    const { pem } = issueCertificate({ certPem: caPem, keyPem: caKeyPem }, { csr, usages: ['client auth'], notBefore: new Date(), notAfter: far });
    assert.equal(new crypto.X509Certificate(pem).validTo, new crypto.X509Certificate(caPem).validTo);
    assert.throws(() => issueCertificate(loadCa({ certPem: caPem, keyPem: caKeyPem }), { csr, usages: ['bogus'], notBefore: new Date(), notAfter: far }), /unrecognized usage values: \["bogus"\]/);
  });
});
