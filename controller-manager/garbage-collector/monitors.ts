// The collector's view of the cluster: one informer per collectable kind the apiserver serves,
// learnt from discovery (the apiserver's kind registry) at start and again every period, so a
// kind added later (a new built-in, a kind another controller brings) is covered without a line
// here. Each informer indexes its objects by their owners' uids and by their own uid. In the
// controller-manager the informers are the ones every other controller shares (InformerSource),
// so a kind is listed and watched once per process; alone (tests) the collector makes its own.
import type { KObject } from '../../lib/api/types';
import type { ServedResource } from '../../lib/client/api-client';
import type { ApiClient } from '../../lib/client/api-client';
import { Informer, type InformerHandlers } from '../../lib/client/informer';
import { componentLogger } from '../../lib/log';
import { collectableResources } from './owners';

export const OWNER_INDEX = 'gc-owner-uid';
export const UID_INDEX = 'gc-uid';

export interface Monitor {
  rt: ServedResource;
  informer: Informer<KObject>;
}

/** Where the collector's informers come from. */
export interface InformerSource {
  /** The informer of a served resource: made on the first ask, the same one afterwards. */
  informer(rt: ServedResource): Informer<KObject>;
  /** Resolves once the informer has listed (starting it if it is not yet). */
  synced(informer: Informer<KObject>): Promise<void>;
  /** Stops what the source made for the collector alone (a shared source stops nothing). */
  stop?(): void;
}

/** A source of informers the collector owns (it stops them): used when nothing is shared. */
export function ownInformers(client: ApiClient): InformerSource {
  const made: Informer<KObject>[] = [];
  const started = new Map<Informer<KObject>, Promise<void>>();
  return {
    // Only metadata matters here: every object is seen, whatever its kind's own checks say.
    informer: (rt) => {
      const i = new Informer<KObject>(client, rt, { name: `garbage-collector-${rt.resource}`, check: false });
      made.push(i);
      return i;
    },
    synced: (i) => {
      if (!started.has(i)) started.set(i, i.start());
      return started.get(i)!;
    },
    stop: () => made.forEach((i) => i.stop()),
  };
}

export const resourceKey = (r: { apiVersion: string; resource: string }) => `${r.apiVersion}|${r.resource}`;
export const kindKey = (apiVersion: string, kind: string) => `${apiVersion}|${kind}`;

export class Monitors {
  private readonly log = componentLogger('garbage-collector', { part: 'monitors' });
  private readonly byResource = new Map<string, Monitor>();
  private readonly byKind = new Map<string, ServedResource>();
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly source: InformerSource,
    private readonly discover: () => Promise<ServedResource[]>,
    /** Handlers each new informer gets, given its monitor. */
    private readonly handlers: (m: Monitor) => InformerHandlers<KObject>,
    private readonly periodMs = 30_000,
  ) {}

  /** Discovers and starts the informers; resolves once the first set has listed (or failed to discover). */
  async start(): Promise<void> {
    await this.resync().catch((e) => this.log.warn({ err: (e as Error).message }, 'discovery failed, retrying'));
    const loop = () => {
      if (this.stopped) return;
      this.timer = setTimeout(() => void this.resync().catch((e) => this.log.warn({ err: (e as Error).message }, 'discovery failed, retrying')).finally(loop), this.periodMs);
      this.timer.unref?.();
    };
    loop();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.source.stop?.();
  }

  /** Starts informers for collectable kinds not watched yet. */
  async resync(): Promise<void> {
    const fresh: Monitor[] = [];
    for (const rt of collectableResources(await this.discover())) {
      this.byKind.set(kindKey(rt.apiVersion, rt.kind), rt);
      if (this.stopped || this.byResource.has(resourceKey(rt))) continue;
      const informer = this.source.informer(rt);
      informer.addIndex(OWNER_INDEX, (o) => (o.metadata.ownerReferences ?? []).map((r) => r.uid));
      informer.addIndex(UID_INDEX, (o) => (o.metadata.uid ? [o.metadata.uid] : []));
      const m = { rt, informer };
      informer.addHandler(this.handlers(m));
      this.byResource.set(resourceKey(rt), m);
      fresh.push(m);
    }
    if (fresh.length) {
      await Promise.all(fresh.map((m) => this.source.synced(m.informer)));
      this.log.info({ resources: fresh.map((m) => resourceKey(m.rt)) }, 'watching resources');
    }
  }

  get(key: string): Monitor | undefined {
    return this.byResource.get(key);
  }

  /** The served resource of an owner reference's apiVersion and kind, if any. */
  kind(apiVersion: string, kind: string): ServedResource | undefined {
    return this.byKind.get(kindKey(apiVersion, kind));
  }

  all(): Monitor[] {
    return [...this.byResource.values()];
  }

  /** Objects of every watched kind that name this uid among their owners. */
  dependentsOf(uid: string): { m: Monitor; obj: KObject }[] {
    const out: { m: Monitor; obj: KObject }[] = [];
    for (const m of this.byResource.values()) for (const obj of m.informer.byIndex(OWNER_INDEX, uid)) out.push({ m, obj });
    return out;
  }

  /** Objects of one kind with this uid (in any namespace). */
  withUid(rt: ServedResource, uid: string): KObject[] {
    return this.byResource.get(resourceKey(rt))?.informer.byIndex(UID_INDEX, uid) ?? [];
  }
}
