// The controller-manager's informers, one per (resource, namespace, field selector): every
// controller that asks for the same view gets the same informer, so each view is listed and
// watched once per process however many controllers (and the garbage collector) use it.
// Informers asked for before start() start with the rest; those asked for later (the garbage
// collector learns kinds by discovery while running) start on the first ask.
import type { ResourceType } from '../../lib/api/resources';
import type { KObject } from '../../lib/api/types';
import type { ApiClient } from '../../lib/client/api-client';
import { Informer } from '../../lib/client/informer';

export interface InformerView {
  namespace?: string;
  fieldSelector?: string;
  /** The informer's name (its logs and metrics); not part of the view. */
  name?: string;
}

/** The key of a view: its apiVersion too, since one plural may be served by several groups. */
export const viewKey = (rt: ResourceType, v: InformerView = {}) => `${rt.apiVersion}|${rt.resource}|${v.namespace ?? ''}|${v.fieldSelector ?? ''}`;

interface Entry {
  informer: Informer<KObject>;
  synced?: Promise<void>;
}

export class SharedInformers {
  private readonly entries = new Map<string, Entry>();
  private running = false;
  private stopped = false;

  constructor(private readonly client: ApiClient) {}

  /** The informer of a view: made on the first ask, the same one afterwards. */
  get<T extends KObject>(rt: ResourceType, view: InformerView = {}): Informer<T> {
    const key = viewKey(rt, view);
    let e = this.entries.get(key);
    if (!e) {
      e = { informer: new Informer<KObject>(this.client, rt, { namespace: view.namespace, fieldSelector: view.fieldSelector, name: view.name ?? `controller-manager-${rt.resource}` }) };
      this.entries.set(key, e);
      if (this.running) void this.startOne(e);
    }
    return e.informer as unknown as Informer<T>;
  }

  /** Starts every informer made so far (and from now on every new one); resolves once all have listed. */
  async start(): Promise<void> {
    this.running = true;
    await Promise.all([...this.entries.values()].map((e) => this.startOne(e)));
  }

  /** Resolves once this informer has listed; starts it when the set is running and it is not yet. */
  async synced(informer: Informer<KObject>): Promise<void> {
    const e = [...this.entries.values()].find((x) => x.informer === informer);
    if (!e) throw new Error('not an informer of this set');
    if (!this.running) throw new Error('the shared informers have not been started');
    await this.startOne(e);
  }

  /** How many informers (list + watch each) the set holds. */
  get size(): number {
    return this.entries.size;
  }

  stop(): void {
    this.stopped = true;
    for (const e of this.entries.values()) e.informer.stop();
  }

  private startOne(e: Entry): Promise<void> {
    if (this.stopped) return Promise.resolve();
    e.synced ??= e.informer.start();
    return e.synced;
  }
}
