// answer(question, index): what the cluster DNS says to one question, as a plain value. No I/O and
// no wire format: the server (a later session) turns this into a response message, forwarding
// `{ forward: true }` questions to the node's upstream resolvers.
//
// Decisions, each from an RFC or the Kubernetes DNS specification:
// - Names are matched case-insensitively; records owned by the question's name carry its spelling
//   (0x20-randomising resolvers check the echo), other names are served lowercase.
// - NXDOMAIN when the name does not exist, NODATA (NOERROR, no answers) when it exists with other
//   types or is an empty non-terminal (RFC 8020); both carry the zone's SOA in the authority
//   section with TTL min(SOA TTL, MINIMUM) (RFC 2308 §3, §5).
// - A CNAME (ExternalName Service) is followed while its target stays in the zone (RFC 1034 §4.3.2
//   step 3a), loop-safe; a target outside is left to the caller via `externalTarget`, and the
//   rcode is the last name's (RFC 6604 §2.1).
// - Reverse names are ours only where we hold a PTR: the Corefile kubeadm ships serves in-addr.arpa
//   and ip6.arpa with `fallthrough`, so everything else there goes upstream.
// - Other classes than IN (and ANY) in our zone are REFUSED: the zone exists only in class IN.
//   So are zone transfers (AXFR/IXFR): the zone is synthesised per question, never transferred.
import {
  RecordClass,
  RecordType,
  ResponseCode,
  rr,
  type Answer,
  type AnswerRecord,
  type DnsQuestion,
  type ZoneAnswer,
} from './answer-types';
import { formatIp, ipFromDashed } from './ip-names';
import type { ZoneIndex } from './zone-index';

/** Bound on in-zone CNAME hops: ExternalName Services may point at each other in a loop. */
const MAX_CHAIN = 8;

/** IXFR (RFC 1995) and AXFR (RFC 5936). */
const TRANSFER_TYPES = new Set([251, 252]);

function stripDot(name: string): string {
  return name.endsWith('.') ? name.slice(0, -1) : name;
}

function inZone(lower: string, zone: string): boolean {
  return lower === zone || lower.endsWith(`.${zone}`);
}

function reverseZoneOf(lower: string): string | undefined {
  if (lower === 'in-addr.arpa' || lower.endsWith('.in-addr.arpa')) return 'in-addr.arpa';
  if (lower === 'ip6.arpa' || lower.endsWith('.ip6.arpa')) return 'ip6.arpa';
  return undefined;
}

function negativeSoa(index: ZoneIndex, owner: string): AnswerRecord {
  const ttl = Math.min(index.soa.ttl, index.soa.data.minimum);
  return { ...index.soa, name: owner, ttl };
}

/**
 * The records of an in-zone name, or undefined when it does not exist (NXDOMAIN); an empty list
 * is a name that exists without data (NODATA). Pod names (§2.6) are synthesised, not stored.
 */
function lookup(index: ZoneIndex, lower: string): AnswerRecord[] | undefined {
  const stored = index.records.get(lower);
  if (stored) return stored;
  if (index.nonTerminals.has(lower)) return [];
  return podRecords(index, lower);
}

/** `<a-b-c-d>.<ns>.pod.<zone>` → its A (or AAAA, dashed IPv6) record, per the index's pod mode. */
function podRecords(index: ZoneIndex, lower: string): AnswerRecord[] | undefined {
  if (index.podMode === 'disabled') return undefined;
  const suffix = `.pod.${index.zone}`;
  if (!lower.endsWith(suffix)) return undefined;
  const labels = lower.slice(0, -suffix.length).split('.');
  if (labels.length !== 2) return undefined;
  const [label, ns] = labels;
  if (!index.namespaces.has(ns)) return undefined;
  const ip = ipFromDashed(label);
  if (!ip) return undefined;
  const address = formatIp(ip);
  if (index.podMode === 'verified' && !index.podIps.has(`${ns}/${address}`)) return undefined;
  return [rr(lower, index.ttl, ip.family === 4 ? { kind: 'A', address } : { kind: 'AAAA', address })];
}

function matching(records: AnswerRecord[], qtype: number): AnswerRecord[] {
  return qtype === RecordType.ANY ? records : records.filter((r) => r.type === qtype);
}

/** RFC 2782: the addresses of SRV targets go in the additional section, saving a round trip. */
function srvAdditionals(index: ZoneIndex, answers: AnswerRecord[]): AnswerRecord[] {
  const out: AnswerRecord[] = [];
  const seen = new Set<string>();
  for (const a of answers) {
    if (a.data.kind !== 'SRV' || seen.has(a.data.target)) continue;
    seen.add(a.data.target);
    for (const r of index.records.get(a.data.target) ?? []) {
      if (r.type === RecordType.A || r.type === RecordType.AAAA) out.push({ ...r });
    }
  }
  return out;
}

function zoneAnswer(rcode: number, answers: AnswerRecord[], authority: AnswerRecord[], additionals: AnswerRecord[] = []): ZoneAnswer {
  return { forward: false, rcode, authoritative: true, answers, authority, additionals };
}

function answerReverse(question: DnsQuestion, index: ZoneIndex, name: string, lower: string, zone: string): Answer {
  const records = index.records.get(lower);
  if (!records) return { forward: true };
  const hits = matching(records, question.type).map((r) => ({ ...r, name }));
  return hits.length
    ? zoneAnswer(ResponseCode.NoError, hits, [])
    : zoneAnswer(ResponseCode.NoError, [], [negativeSoa(index, zone)]);
}

export function answer(question: DnsQuestion, index: ZoneIndex): Answer {
  const name = stripDot(question.name);
  const lower = name.toLowerCase();
  const reverseZone = reverseZoneOf(lower);
  if (!inZone(lower, index.zone) && !reverseZone) return { forward: true };
  if ((question.class !== RecordClass.IN && question.class !== RecordClass.ANY) || TRANSFER_TYPES.has(question.type)) {
    if (reverseZone) return { forward: true };
    return { forward: false, rcode: ResponseCode.Refused, authoritative: false, answers: [], authority: [], additionals: [] };
  }
  if (reverseZone) return answerReverse(question, index, name, lower, reverseZone);

  const answers: AnswerRecord[] = [];
  const visited = new Set<string>();
  let owner = name;
  let key = lower;
  for (let hop = 0; hop < MAX_CHAIN; hop++) {
    visited.add(key);
    const records = lookup(index, key);
    if (!records) return zoneAnswer(ResponseCode.NXDomain, answers, [negativeSoa(index, index.zone)]);
    const hits = matching(records, question.type);
    if (hits.length) {
      answers.push(...hits.map((r) => ({ ...r, name: owner })));
      return zoneAnswer(ResponseCode.NoError, answers, [], srvAdditionals(index, answers));
    }
    const cname = records.find((r) => r.data.kind === 'CNAME');
    if (!cname || cname.data.kind !== 'CNAME') {
      return zoneAnswer(ResponseCode.NoError, answers, [negativeSoa(index, index.zone)]);
    }
    answers.push({ ...cname, name: owner });
    const target = cname.data.target;
    const targetKey = target.toLowerCase();
    if (!inZone(targetKey, index.zone)) return { ...zoneAnswer(ResponseCode.NoError, answers, []), externalTarget: target };
    // A loop ends the chain where it closes, as BIND answers it: the client sees no address.
    if (visited.has(targetKey)) break;
    owner = target;
    key = targetKey;
  }
  return zoneAnswer(ResponseCode.NoError, answers, []);
}
