// The cluster PKI, generated with the openssl CLI: one CA, serving certificates with SANs and
// client certificates whose CN/O are the Kubernetes user and groups. Every function is idempotent:
// existing files are reused as long as they still satisfy the request (a serving cert that lacks a
// requested SAN, or any cert not issued by the given CA, is reissued).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import * as crypto from 'node:crypto';
import { execFile } from 'node:child_process';

export interface CertPair {
  cert: string;
  key: string;
  certFile: string;
  keyFile: string;
}

export class PkiError extends Error {
  readonly code = 'PKI_OPENSSL_FAILED';
  constructor(message: string) {
    super(message);
    this.name = 'PkiError';
  }
}

const CA_DAYS = 3650;
const LEAF_DAYS = 365;

function openssl(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('openssl', args, { timeout: 30_000 }, (err, _stdout, stderr) => {
      if (err) reject(new PkiError(`openssl ${args[0]} failed: ${String(stderr).trim() || err.message}`));
      else resolve();
    });
  });
}

function readPair(certFile: string, keyFile: string): CertPair | undefined {
  if (!fs.existsSync(certFile) || !fs.existsSync(keyFile)) return undefined;
  return { cert: fs.readFileSync(certFile, 'utf8'), key: fs.readFileSync(keyFile, 'utf8'), certFile, keyFile };
}

/** Parses an X509 subjectAltName string ("DNS:a, IP Address:1.2.3.4") into plain names. */
export function parseSans(subjectAltName: string | undefined): string[] {
  if (!subjectAltName) return [];
  return subjectAltName
    .split(',')
    .map((s) => s.trim())
    .map((s) => s.replace(/^(DNS|IP Address):/, ''))
    .filter(Boolean);
}

const isIp = (s: string): boolean => /^\d{1,3}(\.\d{1,3}){3}$/.test(s) || s.includes(':');

/** The SAN extension value for openssl: IPs and DNS names, de-duplicated. */
export function sanExtension(sans: string[]): string {
  const uniq = [...new Set(sans.filter(Boolean))];
  return uniq.map((s) => (isIp(s) ? `IP:${s}` : `DNS:${s}`)).join(',');
}

/** Subject line in openssl's "/O=a/O=b/CN=x" form; '/' and '=' inside values are escaped. */
export function subjectOf(cn: string, orgs: string[] = []): string {
  const esc = (v: string) => v.replace(/([/=\\])/g, '\\$1');
  return [...orgs.map((o) => `/O=${esc(o)}`), `/CN=${esc(cn)}`].join('');
}

function issuedBy(certPem: string, ca: CertPair): boolean {
  try {
    const c = new crypto.X509Certificate(certPem);
    const caCert = new crypto.X509Certificate(ca.cert);
    return c.checkIssued(caCert) && c.verify(caCert.publicKey) && new Date(c.validTo).getTime() > Date.now() + 86_400_000;
  } catch {
    return false;
  }
}

function writeAtomic(file: string, data: string, mode: number): void {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, data, { mode });
  fs.renameSync(tmp, file);
}

async function genKey(file: string): Promise<void> {
  await openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file]);
  fs.chmodSync(file, 0o600);
}

export async function ensureCa(dir: string): Promise<CertPair> {
  fs.mkdirSync(dir, { recursive: true });
  const certFile = path.join(dir, 'ca.crt');
  const keyFile = path.join(dir, 'ca.key');
  const existing = readPair(certFile, keyFile);
  if (existing) return existing;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-pki-'));
  try {
    const k = path.join(work, 'ca.key');
    const c = path.join(work, 'ca.crt');
    await genKey(k);
    await openssl([
      'req', '-x509', '-new', '-key', k, '-sha256', '-days', String(CA_DAYS), '-subj', subjectOf('k8ts-ca'),
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature',
      '-out', c,
    ]);
    writeAtomic(keyFile, fs.readFileSync(k, 'utf8'), 0o600);
    writeAtomic(certFile, fs.readFileSync(c, 'utf8'), 0o644);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  return readPair(certFile, keyFile)!;
}

async function issue(
  dir: string,
  ca: CertPair,
  base: string,
  subject: string,
  extensions: string[],
): Promise<CertPair> {
  fs.mkdirSync(dir, { recursive: true });
  const certFile = path.join(dir, `${base}.crt`);
  const keyFile = path.join(dir, `${base}.key`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-pki-'));
  try {
    const k = path.join(work, 'leaf.key');
    const csr = path.join(work, 'leaf.csr');
    const crt = path.join(work, 'leaf.crt');
    const ext = path.join(work, 'ext.cnf');
    // Keep an existing key so that a reissue (new SAN) does not invalidate pinned keys.
    if (fs.existsSync(keyFile)) fs.copyFileSync(keyFile, k);
    else await genKey(k);
    fs.writeFileSync(ext, extensions.join('\n') + '\n');
    await openssl(['req', '-new', '-key', k, '-subj', subject, '-out', csr]);
    await openssl([
      'x509', '-req', '-in', csr, '-CA', ca.certFile, '-CAkey', ca.keyFile, '-set_serial',
      '0x' + crypto.randomBytes(16).toString('hex').replace(/^[89a-f]/, '1'),
      '-days', String(LEAF_DAYS), '-sha256', '-extfile', ext, '-out', crt,
    ]);
    writeAtomic(keyFile, fs.readFileSync(k, 'utf8'), 0o600);
    writeAtomic(certFile, fs.readFileSync(crt, 'utf8'), 0o644);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  return readPair(certFile, keyFile)!;
}

export async function ensureServingCert(
  dir: string,
  ca: CertPair,
  base: string,
  cn: string,
  sans: string[],
): Promise<CertPair> {
  const existing = readPair(path.join(dir, `${base}.crt`), path.join(dir, `${base}.key`));
  if (existing && issuedBy(existing.cert, ca)) {
    const have = new Set(parseSans(new crypto.X509Certificate(existing.cert).subjectAltName));
    if (sans.filter(Boolean).every((s) => have.has(s))) return existing;
  }
  return issue(dir, ca, base, subjectOf(cn), [
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    'extendedKeyUsage=serverAuth',
    `subjectAltName=${sanExtension(sans)}`,
  ]);
}

export async function ensureClientCert(
  dir: string,
  ca: CertPair,
  base: string,
  cn: string,
  orgs: string[],
): Promise<CertPair> {
  const existing = readPair(path.join(dir, `${base}.crt`), path.join(dir, `${base}.key`));
  if (existing && issuedBy(existing.cert, ca)) {
    const subj = new crypto.X509Certificate(existing.cert).subject.split('\n');
    const wantSubj = [...orgs.map((o) => `O=${o}`), `CN=${cn}`];
    if (subj.length === wantSubj.length && wantSubj.every((s) => subj.includes(s))) return existing;
  }
  return issue(dir, ca, base, subjectOf(cn, orgs), [
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    'extendedKeyUsage=clientAuth',
  ]);
}

/** The SANs the apiserver serving certificate must carry, plus the node addresses given. */
export function apiserverSans(extra: string[] = [], serviceIp = '10.96.0.1'): string[] {
  return [
    'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local',
    'localhost', '127.0.0.1', serviceIp, ...extra,
  ];
}
