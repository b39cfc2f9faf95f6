// A bounded cache of upstream answers for forwarded (out-of-zone) questions, so a pod resolving
// the same outside name many times a second costs the upstream one query per TTL. Pure: the clock
// is injected, no I/O; the server (udp-tcp-server.ts) asks it before forwarding and fills it after.
//
// Only forwarded answers are cached, never the cluster zone's: those come from the in-memory zone
// index in microseconds, and caching them (CoreDNS keeps kubernetes-plugin answers 30 s) would
// delay every Service/endpoint change by up to that long for no saving worth having.
//
// Decisions (cacheTtl):
// - positive (NOERROR with answers): the smallest answer TTL, capped at maxTtl (3600 s); 0 is not
//   cached;
// - negative (NXDOMAIN, or NOERROR without answers = NODATA): by RFC 2308 §5 the smaller of the
//   authority SOA's TTL and its MINIMUM field, capped at maxNegativeTtl (1800 s); without an SOA
//   not cached (RFC 2308 §5: SHOULD NOT);
// - SERVFAIL from an upstream: servfailTtl (5 s), so a broken outside zone does not get one
//   upstream query per client retry (RFC 9520 asks resolvers to remember failures ≥ 1 s). Only a
//   SERVFAIL the upstream sent: our own SERVFAIL for an upstream that timed out is never stored;
// - TC set, another rcode (REFUSED, FORMERR, NOTIMP: likely specific to the one upstream asked),
//   an extended rcode, or not exactly one question: not cached.
//
// Key: lower-cased name, type, class, and the DO and CD bits — a DO answer carries RRSIGs a plain
// client did not ask for, and a CD answer may hold data that failed validation upstream, which
// must not reach a client that did not set CD. Eviction is LRU (Map order, hit moves to the end).
import { canonicalName, Rcode, type DnsMessage, type ResourceRecord } from '../wire';

export interface CacheLimits {
  /** Cap of a positive answer's lifetime, seconds; default 3600. */
  maxTtl?: number;
  /** Cap of an NXDOMAIN/NODATA answer's lifetime, seconds; default 1800. */
  maxNegativeTtl?: number;
  /** Lifetime of an upstream SERVFAIL, seconds; 0: not cached; default 5. */
  servfailTtl?: number;
}

export interface ResponseCacheOptions extends CacheLimits {
  /** Entries at most (> 0). */
  maxEntries: number;
  /** Milliseconds; default Date.now. Injected so tests move time. */
  now?: () => number;
}

const DEFAULT_MAX_TTL = 3600;
const DEFAULT_MAX_NEGATIVE_TTL = 1800;
const DEFAULT_SERVFAIL_TTL = 5;

/** The cache key of `query`, undefined when it is not cacheable (not one question, or a bad name). */
export function cacheKey(query: DnsMessage): string | undefined {
  if (query.questions.length !== 1) return undefined;
  const q = query.questions[0];
  let name: string;
  try {
    name = canonicalName(q.name);
  } catch {
    return undefined;
  }
  const dnssecOk = query.edns?.dnssecOk ? 1 : 0;
  const checkingDisabled = query.header.cd ? 1 : 0;
  return `${name}|${q.type}|${q.class}|do=${dnssecOk}|cd=${checkingDisabled}`;
}

/** How long `reply` may be served from the cache, in whole seconds; 0: not at all. */
export function cacheTtl(reply: DnsMessage, limits: CacheLimits = {}): number {
  if (reply.header.tc || reply.questions.length !== 1) return 0;
  const { rcode } = reply.header;
  if (rcode === Rcode.ServFail) return limits.servfailTtl ?? DEFAULT_SERVFAIL_TTL;
  if (rcode === Rcode.NoError && reply.answers.length > 0) {
    return Math.min(limits.maxTtl ?? DEFAULT_MAX_TTL, ...reply.answers.map((r) => r.ttl));
  }
  if (rcode === Rcode.NXDomain || rcode === Rcode.NoError) {
    const soa = reply.authority.find((r) => r.data.kind === 'SOA');
    if (!soa || soa.data.kind !== 'SOA') return 0;
    return Math.min(limits.maxNegativeTtl ?? DEFAULT_MAX_NEGATIVE_TTL, soa.ttl, soa.data.minimum);
  }
  return 0;
}

interface Entry {
  reply: DnsMessage;
  storedAt: number;
  expiresAt: number;
}

export class ResponseCache {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;

  constructor(private readonly opts: ResponseCacheOptions) {
    if (!(Number.isInteger(opts.maxEntries) && opts.maxEntries > 0)) throw new RangeError(`maxEntries ${opts.maxEntries}: a positive whole number`);
    this.now = opts.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * The cached reply to `query`, under the query's id, with every TTL lowered by the whole
   * seconds it has spent here; undefined on a miss (an expired entry is dropped on the way).
   */
  get(query: DnsMessage): DnsMessage | undefined {
    const key = cacheKey(query);
    if (key === undefined) return undefined;
    const e = this.entries.get(key);
    if (!e) return undefined;
    const now = this.now();
    if (now >= e.expiresAt) {
      this.entries.delete(key);
      return undefined;
    }
    // LRU: a hit moves the entry to the newest end.
    this.entries.delete(key);
    this.entries.set(key, e);
    const elapsed = Math.floor((now - e.storedAt) / 1000);
    const age = (rrs: ResourceRecord[]) => rrs.map((r) => ({ ...r, ttl: Math.max(0, r.ttl - elapsed) }));
    const r = e.reply;
    return {
      ...r,
      header: { ...r.header, id: query.header.id },
      questions: r.questions.map((q) => ({ ...q })),
      answers: age(r.answers),
      authority: age(r.authority),
      additional: age(r.additional),
    };
  }

  /** Store the upstream's `reply` to `query` when cacheTtl allows; true when stored. */
  put(query: DnsMessage, reply: DnsMessage): boolean {
    const key = cacheKey(query);
    const ttl = cacheTtl(reply, this.opts);
    if (key === undefined || ttl <= 0) return false;
    const now = this.now();
    this.entries.delete(key);
    // Full: drop the least recently used (the Map's oldest) entry.
    while (this.entries.size >= this.opts.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    this.entries.set(key, { reply, storedAt: now, expiresAt: now + ttl * 1000 });
    return true;
  }
}
