// The apiserver's metrics, named as Kubernetes names them so existing dashboards read them. One
// process-wide instance (apiserverMetrics): the registry, storage and watch cache record into it
// and the REST door serves render() at /metrics.
import { Counter, Gauge, Histogram, MetricsRegistry } from '../../lib/metrics/prometheus';

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 2, 5, 10, 30, 60];
const ETCD_BUCKETS = [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export class ApiserverMetrics {
  readonly requests = new Counter('apiserver_request_total', 'Counter of apiserver requests broken out by verb, group, resource, subresource and HTTP response code.');
  readonly requestDuration = new Histogram('apiserver_request_duration_seconds', 'Response latency distribution in seconds for each verb, group, resource and subresource.', LATENCY_BUCKETS);
  readonly watches = new Gauge('apiserver_registered_watchers', 'Number of currently registered watchers for a given resource.');
  readonly etcdDuration = new Histogram('etcd_request_duration_seconds', 'Etcd request latency in seconds for each operation and object type.', ETCD_BUCKETS);
  readonly watchCacheSize = new Gauge('apiserver_watch_cache_capacity', 'Number of objects held by the watch cache of a resource.');
  /** The families above, rendered together (the REST door adds the process-wide registry). */
  readonly registry = new MetricsRegistry();

  constructor() {
    for (const f of [this.requests, this.requestDuration, this.watches, this.etcdDuration, this.watchCacheSize]) this.registry.register(f);
  }

  /** One finished API request (code is the HTTP status the client saw). */
  observeRequest(verb: string, group: string, resource: string, subresource: string, code: number, seconds: number): void {
    this.requests.inc({ verb, group, resource, subresource, code: String(code) });
    this.requestDuration.observe({ verb, group, resource, subresource }, seconds);
  }

  watchStarted(group: string, resource: string): void {
    this.watches.inc({ group, resource });
  }

  watchEnded(group: string, resource: string): void {
    this.watches.dec({ group, resource });
  }

  observeEtcd(operation: string, type: string, seconds: number): void {
    this.etcdDuration.observe({ operation, type }, seconds);
  }

  setWatchCacheSize(resource: string, size: number): void {
    this.watchCacheSize.set({ resource }, size);
  }

  /** Prometheus text format; serve with Content-Type `text/plain; version=0.0.4`. */
  render(): string {
    return this.registry.render();
  }
}

export const apiserverMetrics = new ApiserverMetrics();
