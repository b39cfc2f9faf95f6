// The kubelet's client certificate on disk: <cert-dir>/kubelet-client.crt and .key, and the
// kubeconfig that points at them (written once the first certificate arrives, as the kubelet's
// --kubeconfig is after TLS bootstrapping). Rotation rewrites the two files atomically.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import YAML from 'yaml';
import { loadKubeconfig } from '../../lib/client/kubeconfig';

export interface ClientCertPaths {
  certFile: string;
  keyFile: string;
}

export function clientCertPaths(certDir: string): ClientCertPaths {
  return { certFile: path.join(certDir, 'kubelet-client.crt'), keyFile: path.join(certDir, 'kubelet-client.key') };
}

function writeAtomic(file: string, data: string, mode: number): void {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, data, { mode });
  fs.renameSync(tmp, file);
}

export function writeClientCert(p: ClientCertPaths, certPem: string, keyPem: string): void {
  fs.mkdirSync(path.dirname(p.certFile), { recursive: true });
  // The key first: a reader that sees the new certificate must find its key.
  writeAtomic(p.keyFile, keyPem, 0o600);
  writeAtomic(p.certFile, certPem, 0o644);
}

/** The kubeconfig for the bootstrapped identity: the bootstrap kubeconfig's server and CA, the cert files. */
export function writeKubeconfig(file: string, server: string, caPem: Buffer, p: ClientCertPaths, user: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'default-cluster', cluster: { server, 'certificate-authority-data': caPem.toString('base64') } }],
    users: [{ name: user, user: { 'client-certificate': p.certFile, 'client-key': p.keyFile } }],
    contexts: [{ name: 'default-context', context: { cluster: 'default-cluster', user } }],
    'current-context': 'default-context',
    preferences: {},
  };
  writeAtomic(file, YAML.stringify(doc), 0o600);
}

export interface CertFacts {
  notBefore: Date;
  notAfter: Date;
  serial: string;
  subject: string;
}

export function certFacts(pem: string | Buffer): CertFacts {
  const x = new crypto.X509Certificate(pem);
  return { notBefore: new Date(x.validFrom), notAfter: new Date(x.validTo), serial: x.serialNumber, subject: x.subject };
}

/**
 * The kubeconfig's client certificate when it can be used now: present, readable, its key
 * matching, and not expired. Undefined otherwise (then the kubelet bootstraps).
 */
export function usableClientCert(kubeconfig: string, now: Date): (CertFacts & { cert: Buffer; key: Buffer }) | undefined {
  try {
    if (!fs.existsSync(kubeconfig)) return undefined;
    const c = loadKubeconfig(kubeconfig);
    if (!c.cert || !c.key) return undefined;
    const x = new crypto.X509Certificate(c.cert);
    if (!x.checkPrivateKey(crypto.createPrivateKey(c.key))) return undefined;
    const facts = certFacts(c.cert);
    if (facts.notAfter <= now || facts.notBefore > now) return undefined;
    return { ...facts, cert: c.cert, key: c.key };
  } catch {
    return undefined;
  }
}

/** A certificate and key on disk that can be used now (matching, not expired), else undefined. */
export function usableCertFiles(certFile: string, keyFile: string, now: Date): (CertFacts & { cert: Buffer; key: Buffer; sans: string }) | undefined {
  try {
    if (!fs.existsSync(certFile) || !fs.existsSync(keyFile)) return undefined;
    const cert = fs.readFileSync(certFile);
    const key = fs.readFileSync(keyFile);
    const x = new crypto.X509Certificate(cert);
    if (!x.checkPrivateKey(crypto.createPrivateKey(key))) return undefined;
    const facts = certFacts(cert);
    if (facts.notAfter <= now || facts.notBefore > now) return undefined;
    return { ...facts, cert, key, sans: x.subjectAltName ?? '' };
  } catch {
    return undefined;
  }
}

/** When to renew: at 70–90 % of the certificate's lifetime, jittered (the kubelet's certificate manager). */
export function rotationDeadline(f: Pick<CertFacts, 'notBefore' | 'notAfter'>, random: number): Date {
  const total = f.notAfter.getTime() - f.notBefore.getTime();
  return new Date(f.notBefore.getTime() + total * (0.7 + 0.2 * random));
}
