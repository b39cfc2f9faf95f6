// The cluster zone kept current: informers on Services, EndpointSlices, Pods and Namespaces (one
// watch each, through the project's gRPC client), and the zone index rebuilt from their caches
// after changes. A burst of events (a Deployment rolling, a namespace deleted) is coalesced into
// one rebuild `coalesceMs` after the first of them: buildZoneIndex is a full, pure rebuild by
// design (dns/records/zone-index.ts), so there is no incremental state to get wrong.
//
// Until every informer has listed once, index() is undefined and the server answers SERVFAIL: an
// answer from a partial cache would be a wrong NXDOMAIN that clients cache for the SOA minimum.
import { Resources } from '../../lib/api/resources';
import type { KObject, Pod, Service } from '../../lib/api/types';
import type { ApiClient } from '../../lib/client/api-client';
import { Informer } from '../../lib/client/informer';
import type { Logger } from '../../lib/log';
import type { EndpointSlice } from '../../lib/api/endpoint-slice';
import { buildZoneIndex, type ZoneIndex, type ZoneOptions } from '../records/zone-index';

/**
 * The SOA serial after a change at `nowMs`: unix seconds (what CoreDNS serves), but always above
 * the previous serial so secondaries and caches comparing serials (RFC 1982) see every change,
 * even two in one second. Wraps within 32 bits.
 */
export function nextSerial(previous: number | undefined, nowMs: number): number {
  const seconds = Math.floor(nowMs / 1000) >>> 0;
  if (previous === undefined) return seconds;
  // RFC 1982 comparison: seconds is "greater" when (seconds - previous) mod 2^32 is in (0, 2^31).
  const diff = (seconds - previous) >>> 0;
  return diff > 0 && diff < 0x80000000 ? seconds : (previous + 1) >>> 0;
}

export interface ZoneSourceOptions {
  client: ApiClient;
  zone: Omit<ZoneOptions, 'serial'>;
  /** Delay between the first change of a burst and the rebuild; default 50 ms. */
  coalesceMs?: number;
  log: Logger;
  /** Called after each rebuild (metrics). */
  onRebuild?: (index: ZoneIndex) => void;
}

export class ZoneSource {
  private readonly services: Informer<Service>;
  private readonly slices: Informer<EndpointSlice>;
  private readonly pods: Informer<Pod>;
  private readonly namespaces: Informer<KObject>;
  private current?: ZoneIndex;
  private serial?: number;
  private timer?: NodeJS.Timeout;
  private started = false;

  constructor(private readonly opts: ZoneSourceOptions) {
    this.services = new Informer<Service>(opts.client, Resources.services, { name: 'dns-services' });
    this.slices = new Informer<EndpointSlice>(opts.client, Resources.endpointslices, { name: 'dns-endpointslices' });
    this.pods = new Informer<Pod>(opts.client, Resources.pods, { name: 'dns-pods' });
    this.namespaces = new Informer<KObject>(opts.client, Resources.namespaces, { name: 'dns-namespaces' });
    const poke = { onAdd: () => this.changed(), onUpdate: () => this.changed(), onDelete: () => this.changed() };
    for (const i of this.informers()) i.addHandler(poke);
  }

  /** The current index; undefined before the first full sync. */
  index(): ZoneIndex | undefined {
    return this.current;
  }

  get synced(): boolean {
    return this.current !== undefined;
  }

  /** Resolves once every informer has listed and the first index is built. */
  async start(): Promise<void> {
    await Promise.all(this.informers().map((i) => i.start()));
    this.started = true;
    this.rebuild();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const i of this.informers()) i.stop();
  }

  private informers(): Informer<KObject>[] {
    return [this.services, this.slices, this.pods, this.namespaces] as unknown as Informer<KObject>[];
  }

  private changed(): void {
    // Changes during the initial lists are covered by the build start() makes.
    if (!this.started || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.rebuild();
    }, this.opts.coalesceMs ?? 50);
  }

  private rebuild(): void {
    this.serial = nextSerial(this.serial, Date.now());
    try {
      this.current = buildZoneIndex(
        {
          services: this.services.list(),
          endpointSlices: this.slices.list(),
          pods: this.pods.list(),
          namespaces: this.namespaces.list().flatMap((n) => (n.metadata.name ? [n.metadata.name] : [])),
        },
        { ...this.opts.zone, serial: this.serial },
      );
      this.opts.onRebuild?.(this.current);
    } catch (err) {
      // buildZoneIndex skips what it cannot use; a throw here is a bug: keep serving the last zone.
      this.opts.log.error({ err: (err as Error).message }, 'zone rebuild failed; serving the previous zone');
    }
  }
}
