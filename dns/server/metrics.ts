// The cluster DNS's own metrics: queries by transport and type, responses by rcode, latency, and
// forwarding outcomes, and the response cache's hits, misses and size. Types and rcodes are named (A, SRV, NXDOMAIN) so a dashboard reads them.
import { MetricsRegistry, type Counter, type Gauge, type Histogram } from '../../lib/metrics/prometheus';
import { Rcode, RRType } from '../wire';

const TYPE_NAMES = new Map<number, string>(Object.entries(RRType).map(([k, v]) => [v, k]));
const RCODE_NAMES = new Map<number, string>(Object.entries(Rcode).map(([k, v]) => [v, k.toUpperCase()]));

/** Known types by name, the rest as TYPE<n> (RFC 3597 style); 'none' when the query did not decode. */
export function typeLabel(qtype: number | undefined): string {
  if (qtype === undefined) return 'none';
  return TYPE_NAMES.get(qtype) ?? `TYPE${qtype}`;
}

export function rcodeLabel(rcode: number): string {
  return RCODE_NAMES.get(rcode) ?? `RCODE${rcode}`;
}

/** Sub-millisecond answers from memory up to the seconds a dead upstream takes. */
const LATENCY_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export class DnsMetrics {
  readonly registry = new MetricsRegistry();
  readonly requests: Counter = this.registry.counter('k8ts_dns_requests_total', 'DNS queries received, by transport and query type.');
  readonly responses: Counter = this.registry.counter('k8ts_dns_responses_total', 'DNS responses sent, by transport and rcode.');
  readonly truncated: Counter = this.registry.counter('k8ts_dns_truncated_responses_total', 'UDP responses sent with TC set.');
  readonly dropped: Counter = this.registry.counter('k8ts_dns_dropped_packets_total', 'Packets not answered, by reason.');
  readonly forwards: Counter = this.registry.counter('k8ts_dns_forward_requests_total', 'Queries forwarded upstream, by result (ok, or the failure code).');
  readonly duration: Histogram = this.registry.histogram('k8ts_dns_request_duration_seconds', 'Time from receiving a query to sending its response.', LATENCY_BUCKETS);
  readonly zoneRebuilds: Counter = this.registry.counter('k8ts_dns_zone_rebuilds_total', 'Zone index rebuilds after cluster changes.');
  readonly cacheHits: Counter = this.registry.counter('k8ts_dns_cache_hits_total', 'Forwarded questions answered from the response cache.');
  readonly cacheMisses: Counter = this.registry.counter('k8ts_dns_cache_misses_total', 'Forwarded questions not in the response cache (sent upstream).');
  readonly cacheEntries: Gauge = this.registry.gauge('k8ts_dns_cache_entries', 'Upstream answers held in the response cache.');

  answered(proto: string, qtype: number | undefined, rcode: number, truncated: boolean, start: bigint): void {
    this.requests.inc({ proto, type: typeLabel(qtype) });
    this.responses.inc({ proto, rcode: rcodeLabel(rcode) });
    if (truncated) this.truncated.inc({ proto });
    this.duration.observeSince({ proto }, start);
  }
}
