// Issues an X.509 v3 certificate for a verified CSR with a CA's key, as kube-controller-manager's
// local signer does: the request's subject, public key and SANs; key usages from the CSR's
// spec.usages; CA:FALSE; the CA's key id as authority key id; the lifetime asked, never past the
// CA's own expiry. Pure TS on node's crypto (exact lifetimes in seconds, no temp files).
import * as crypto from 'node:crypto';
import { EXT_KEY_USAGES, KEY_USAGE_BITS, OID } from './oids';
import { TAG, bitStringBytes, bool, children, ctx, decodeOid, expectTag, oid, octets, parseDer, pemBlocks, pemEncode, seq, time, tlv, uint, type DerNode } from './der';
import { encodeSans, signatureAlgorithmFor, type ParsedCsr } from './csr';

export class SigningError extends Error {
  readonly code = 'CERT_SIGNING_FAILED';
  constructor(message: string) {
    super(message);
    this.name = 'SigningError';
  }
}

export interface SigningCa {
  /** The CA certificate (PEM) and its private key (PEM). */
  certPem: string;
  keyPem: string;
}

export interface IssueRequest {
  csr: ParsedCsr;
  usages: string[];
  notBefore: Date;
  notAfter: Date;
  /** Random when absent (128 bits, positive). */
  serial?: Buffer;
}

interface CaFacts {
  subjectDer: Buffer;
  keyId: Buffer;
  notAfter: Date;
  key: crypto.KeyObject;
}

function tbsOf(certDer: Buffer): DerNode[] {
  const [tbs] = children(expectTag(parseDer(certDer), TAG.SEQUENCE, 'certificate'));
  const parts = children(expectTag(tbs, TAG.SEQUENCE, 'tbsCertificate'));
  // version is optional ([0]); the rest are positional after it
  return parts[0].tag === 0xa0 ? parts.slice(1) : parts;
}

/** The CA facts the signer needs: subject, key id (its SKI, else SHA-1 of its key), expiry, key. */
export function loadCa(ca: SigningCa): CaFacts {
  const block = pemBlocks(ca.certPem).find((b) => b.label === 'CERTIFICATE');
  if (!block) throw new SigningError('the CA file holds no CERTIFICATE block');
  const [, , , , subject, spki, ...rest] = tbsOf(block.der);
  let keyId: Buffer | undefined;
  const extsNode = rest.find((n) => n.tag === 0xa3);
  if (extsNode)
    for (const ext of children(children(extsNode)[0])) {
      const parts = children(ext);
      if (decodeOid(parts[0].content) !== OID.subjectKeyId) continue;
      keyId = Buffer.from(parseDer(parts[parts.length - 1].content).content);
    }
  keyId ??= crypto.createHash('sha1').update(bitStringBytes(children(spki)[1])).digest();
  const x = new crypto.X509Certificate(ca.certPem);
  const key = crypto.createPrivateKey(ca.keyPem);
  if (!x.checkPrivateKey(key)) throw new SigningError('the CA key does not match the CA certificate');
  return { subjectDer: Buffer.from(subject.raw), keyId, notAfter: new Date(x.validTo), key };
}

const ext = (id: string, critical: boolean, value: Buffer): Buffer => seq(oid(id), ...(critical ? [bool(true)] : []), octets(value));

/** The KeyUsage BIT STRING for a set of bit numbers (DER: trailing zero bits dropped). */
export function keyUsageBits(bitsSet: number[]): Buffer {
  if (bitsSet.length === 0) return tlv(TAG.BIT_STRING, Buffer.from([0]));
  const max = Math.max(...bitsSet);
  const bytes = Buffer.alloc(Math.floor(max / 8) + 1);
  for (const b of bitsSet) bytes[Math.floor(b / 8)] |= 0x80 >> (b % 8);
  const last = bytes[bytes.length - 1];
  let unused = 0;
  while (unused < 7 && !(last & (1 << unused))) unused++;
  return tlv(TAG.BIT_STRING, Buffer.concat([Buffer.from([unused]), bytes]));
}

/** Signs the request; returns the certificate PEM and its serial (hex). */
export function issueCertificate(ca: SigningCa | CaFacts, req: IssueRequest): { pem: string; serialHex: string } {
  const facts = 'certPem' in ca ? loadCa(ca) : ca;
  const unknown = req.usages.filter((u) => KEY_USAGE_BITS[u] === undefined && EXT_KEY_USAGES[u] === undefined);
  if (unknown.length) throw new SigningError(`unrecognized usage values: ${JSON.stringify(unknown)}`);
  const kuBits = [...new Set(req.usages.map((u) => KEY_USAGE_BITS[u]).filter((b) => b !== undefined))];
  const ekus = [...new Set(req.usages.map((u) => EXT_KEY_USAGES[u]).filter(Boolean))];
  const notAfter = req.notAfter > facts.notAfter ? facts.notAfter : req.notAfter;
  const serial = req.serial ?? crypto.randomBytes(16);
  serial[0] &= 0x7f;
  if (serial.every((b) => b === 0)) serial[serial.length - 1] = 1;
  const { algOid, hash, params } = signatureAlgorithmFor(facts.key);
  const sigAlg = seq(oid(algOid), ...params);
  const c = req.csr;
  const extensions = [
    ...(kuBits.length ? [ext(OID.keyUsage, true, keyUsageBits(kuBits))] : []),
    ...(ekus.length ? [ext(OID.extKeyUsage, false, seq(...ekus.map(oid)))] : []),
    ext(OID.basicConstraints, true, seq()),
    ext(OID.authorityKeyId, false, seq(ctx(0, facts.keyId, false))),
  ];
  if (c.dnsNames.length + c.ipAddresses.length + c.emailAddresses.length + c.uris.length)
    extensions.push(ext(OID.subjectAltName, false, encodeSans(c)));
  const tbs = seq(
    ctx(0, uint(Buffer.from([2])), true),
    uint(serial),
    sigAlg,
    facts.subjectDer,
    seq(time(req.notBefore), time(notAfter)),
    c.subjectDer,
    c.spkiDer,
    ctx(3, seq(...extensions), true),
  );
  const signature = crypto.sign(hash, tbs, facts.key);
  const der = seq(tbs, sigAlg, tlv(TAG.BIT_STRING, Buffer.concat([Buffer.from([0]), signature])));
  return { pem: pemEncode('CERTIFICATE', der), serialHex: serial.toString('hex').replace(/^0+(?=.)/, '').toUpperCase() };
}
