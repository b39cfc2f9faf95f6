// PKCS#10 certificate signing requests: parsing (subject, SANs, public key) with signature
// verification for the apiserver and the approver, and building one for the kubelet. Pure TS on
// node's crypto: no openssl process per request.
import * as crypto from 'node:crypto';
import { OID, SIGNATURE_ALGORITHMS } from './oids';
import {
  DerError, TAG, bitStringBytes, children, ctx, decodeOid, decodeString, expectTag, int, octets, oid, parseDer, pemBlocks,
  pemEncode, seq, set, tlv, utf8, nul, type DerNode,
} from './der';

export interface ParsedCsr {
  /** Subject common name ('' when absent). */
  commonName: string;
  /** Subject organizations, in order. */
  organizations: string[];
  /** The subject Name exactly as encoded (copied into the certificate). */
  subjectDer: Buffer;
  /** Every subject attribute as OID=value, to tell "only CN and O" apart. */
  subjectAttributes: { oid: string; value: string }[];
  dnsNames: string[];
  ipAddresses: string[];
  emailAddresses: string[];
  uris: string[];
  publicKeyAlgorithm: 'ecdsa' | 'rsa' | 'ed25519' | 'other';
  /** SubjectPublicKeyInfo DER (copied into the certificate). */
  spkiDer: Buffer;
}

/** Go's crypto/x509 words for a signature that does not verify. */
const VERIFY_FAILED = { ec: 'x509: ECDSA verification failure', rsa: 'crypto/rsa: verification error', ed25519: 'x509: Ed25519 verification failure' };

export class CsrError extends Error {
  readonly code = 'CSR_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'CsrError';
  }
}

function ipFromBytes(b: Buffer): string {
  if (b.length === 4) return [...b].join('.');
  if (b.length === 16) {
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i).toString(16));
    // The canonical compressed form, as Go prints it.
    const s = groups.join(':');
    const runs = [...s.matchAll(/(^|:)0(:0)+(:|$)/g)].sort((a, b) => b[0].length - a[0].length);
    return runs.length ? s.replace(runs[0][0], '::') : s;
  }
  throw new CsrError(`an IP address SAN of ${b.length} bytes`);
}

function ipToBytes(ip: string): Buffer {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) return Buffer.from(ip.split('.').map(Number));
  const [head, tail] = ip.includes('::') ? ip.split('::') : [ip, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  if (groups.length !== 8) throw new CsrError(`${ip} is not an IP address`);
  const b = Buffer.alloc(16);
  groups.forEach((g, i) => b.writeUInt16BE(parseInt(g, 16), i * 2));
  return b;
}

/** The SAN lists from a subjectAltName extension value (GeneralNames). */
export function parseSans(value: Buffer): { dnsNames: string[]; ipAddresses: string[]; emailAddresses: string[]; uris: string[] } {
  const out = { dnsNames: [] as string[], ipAddresses: [] as string[], emailAddresses: [] as string[], uris: [] as string[] };
  for (const n of children(expectTag(parseDer(value), TAG.SEQUENCE, 'subjectAltName'))) {
    const latin = n.content.toString('latin1');
    if (n.tag === 0x82) out.dnsNames.push(latin);
    else if (n.tag === 0x87) out.ipAddresses.push(ipFromBytes(n.content));
    else if (n.tag === 0x81) out.emailAddresses.push(latin);
    else if (n.tag === 0x86) out.uris.push(latin);
  }
  return out;
}

function parseName(name: DerNode): ParsedCsr['subjectAttributes'] {
  const attrs: ParsedCsr['subjectAttributes'] = [];
  for (const rdn of children(expectTag(name, TAG.SEQUENCE, 'subject')))
    for (const atv of children(expectTag(rdn, TAG.SET, 'subject RDN'))) {
      const [type, value] = children(expectTag(atv, TAG.SEQUENCE, 'subject attribute'));
      attrs.push({ oid: decodeOid(expectTag(type, TAG.OID, 'attribute type').content), value: decodeString(value) });
    }
  return attrs;
}

function keyAlgorithm(spki: DerNode): ParsedCsr['publicKeyAlgorithm'] {
  const [alg] = children(expectTag(spki, TAG.SEQUENCE, 'subjectPublicKeyInfo'));
  const algOid = decodeOid(expectTag(children(expectTag(alg, TAG.SEQUENCE, 'key algorithm'))[0], TAG.OID, 'key algorithm').content);
  return algOid === OID.ecPublicKey ? 'ecdsa' : algOid === OID.rsaEncryption ? 'rsa' : algOid === OID.ed25519 ? 'ed25519' : 'other';
}

/** The extensions of the extensionRequest attribute, by OID. */
function requestedExtensions(attributes: DerNode | undefined): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  if (!attributes) return out;
  for (const attr of children(attributes)) {
    const [type, values] = children(expectTag(attr, TAG.SEQUENCE, 'attribute'));
    if (decodeOid(type.content) !== OID.extensionRequest) continue;
    for (const exts of children(expectTag(values, TAG.SET, 'attribute values')))
      for (const ext of children(expectTag(exts, TAG.SEQUENCE, 'extensions'))) {
        const parts = children(expectTag(ext, TAG.SEQUENCE, 'extension'));
        const value = expectTag(parts[parts.length - 1], TAG.OCTET_STRING, 'extension value');
        out.set(decodeOid(parts[0].content), Buffer.from(value.content));
      }
  }
  return out;
}

/** The single CERTIFICATE REQUEST block of a PEM text, as upstream's ParseCSR wants it. */
export function csrDerFromPem(pem: string): Buffer {
  const blocks = pemBlocks(pem);
  if (blocks.length === 0) throw new CsrError('PEM block type must be CERTIFICATE REQUEST');
  if (blocks[0].label !== 'CERTIFICATE REQUEST') throw new CsrError('PEM block type must be CERTIFICATE REQUEST');
  return blocks[0].der;
}

/** Parses a DER CSR and checks its signature with its own public key. Throws CsrError. */
export function parseCsr(der: Buffer): ParsedCsr {
  try {
    const [info, sigAlg, sig] = children(expectTag(parseDer(der), TAG.SEQUENCE, 'request'));
    const parts = children(expectTag(info, TAG.SEQUENCE, 'certificationRequestInfo'));
    const [, subject, spki, attributes] = parts;
    expectTag(spki, TAG.SEQUENCE, 'subjectPublicKeyInfo');
    const algOid = decodeOid(expectTag(children(expectTag(sigAlg, TAG.SEQUENCE, 'signature algorithm'))[0], TAG.OID, 'signature algorithm').content);
    const alg = SIGNATURE_ALGORITHMS[algOid];
    if (!alg) throw new CsrError(`x509: cannot verify signature: algorithm unimplemented (${algOid})`);
    const key = crypto.createPublicKey({ key: Buffer.from(spki.raw), format: 'der', type: 'spki' });
    const ok = crypto.verify(alg.hash, info.raw, key, bitStringBytes(sig));
    if (!ok) throw new CsrError(VERIFY_FAILED[alg.key]);
    const attrs = parseName(subject);
    const exts = requestedExtensions(attributes && attributes.tag === 0xa0 ? attributes : undefined);
    const san = exts.get(OID.subjectAltName);
    return {
      commonName: attrs.find((a) => a.oid === OID.commonName)?.value ?? '',
      organizations: attrs.filter((a) => a.oid === OID.organization).map((a) => a.value),
      subjectDer: Buffer.from(subject.raw),
      subjectAttributes: attrs,
      ...(san ? parseSans(san) : { dnsNames: [], ipAddresses: [], emailAddresses: [], uris: [] }),
      publicKeyAlgorithm: keyAlgorithm(spki),
      spkiDer: Buffer.from(spki.raw),
    };
  } catch (e) {
    if (e instanceof CsrError) throw e;
    if (e instanceof DerError) throw new CsrError(`asn1: structure error: ${e.message}`);
    throw new CsrError(`x509: ${(e as Error).message}`);
  }
}

/** PEM text → parsed and verified request. */
export function parseCsrPem(pem: string): ParsedCsr {
  return parseCsr(csrDerFromPem(pem));
}

export interface CsrTemplate {
  commonName: string;
  organizations?: string[];
  dnsNames?: string[];
  ipAddresses?: string[];
}

/** The subject Name: one RDN per organization, then the common name (openssl's order for -subj /O=../CN=..). */
export function encodeName(cn: string, orgs: string[] = []): Buffer {
  const rdn = (type: string, v: string) => set(seq(oid(type), utf8(v)));
  return seq(...orgs.map((o) => rdn(OID.organization, o)), rdn(OID.commonName, cn));
}

/** GeneralNames: e-mail [1], DNS [2], URI [6], IP [7]. */
export function encodeSans(s: { dnsNames?: string[]; ipAddresses?: string[]; emailAddresses?: string[]; uris?: string[] }): Buffer {
  const name = (tag: number, v: string) => ctx(tag, Buffer.from(v, 'latin1'), false);
  return seq(
    ...(s.emailAddresses ?? []).map((v) => name(1, v)),
    ...(s.dnsNames ?? []).map((v) => name(2, v)),
    ...(s.uris ?? []).map((v) => name(6, v)),
    ...(s.ipAddresses ?? []).map((ip) => ctx(7, ipToBytes(ip), false)),
  );
}

/** A PEM CSR for the template, signed with the private key (ECDSA P-256 with SHA-256, RSA with SHA-256, or Ed25519). */
export function createCsrPem(t: CsrTemplate, privateKey: crypto.KeyObject): string {
  const pub = crypto.createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  const sans = [...(t.dnsNames ?? []), ...(t.ipAddresses ?? [])].length ? encodeSans(t) : undefined;
  const attributes = sans
    ? ctx(0, seq(oid(OID.extensionRequest), set(seq(seq(oid(OID.subjectAltName), octets(sans))))), true)
    : ctx(0, Buffer.alloc(0), true);
  const info = seq(int(0), encodeName(t.commonName, t.organizations), pub, attributes);
  const { algOid, hash, params } = signatureAlgorithmFor(privateKey);
  const signature = crypto.sign(hash, info, privateKey);
  const der = seq(info, seq(oid(algOid), ...params), tlv(TAG.BIT_STRING, Buffer.concat([Buffer.from([0]), signature])));
  return pemEncode('CERTIFICATE REQUEST', der);
}

/** The signature algorithm a key signs with here, and its AlgorithmIdentifier parameters. */
export function signatureAlgorithmFor(key: crypto.KeyObject): { algOid: string; hash: string | null; params: Buffer[] } {
  switch (key.asymmetricKeyType) {
    case 'ec':
      return { algOid: OID.ecdsaSha256, hash: 'sha256', params: [] };
    case 'rsa':
      return { algOid: OID.rsaSha256, hash: 'sha256', params: [nul()] };
    case 'ed25519':
      return { algOid: OID.ed25519, hash: null, params: [] };
    default:
      throw new CsrError(`unsupported key type ${key.asymmetricKeyType}`);
  }
}
