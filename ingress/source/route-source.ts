// The route table kept current: informers on Ingresses, IngressClasses, Services, EndpointSlices
// and Secrets (one watch each), and the table rebuilt from their caches after changes. A burst of
// events (a Deployment rolling, several Ingresses applied at once) is coalesced into one rebuild
// `coalesceMs` after the first of them. Requests in flight keep the table they started with; the
// next request reads the new one, so a reload drops no connection.
import { Resources } from '../../lib/api/resources';
import type { EndpointSlice } from '../../lib/api/endpoint-slice';
import type { KObject, Service } from '../../lib/api/types';
import type { ApiClient } from '../../lib/client/api-client';
import { Informer } from '../../lib/client/informer';
import type { Logger } from '../../lib/log';
import type { Ingress, IngressClass, Secret } from '../routes/api-types';
import { buildRouteTable, EMPTY_TABLE, type RouteTable } from '../routes/route-table';

export interface RouteSourceOptions {
  client: ApiClient;
  controllerName: string;
  coalesceMs: number;
  log: Logger;
  /** Called after each rebuild with the new table and the claimed Ingress objects. */
  onRebuild?: (table: RouteTable, claimed: Ingress[]) => void;
}

export class RouteSource {
  readonly ingresses: Informer<Ingress>;
  private readonly classes: Informer<IngressClass>;
  private readonly services: Informer<Service>;
  private readonly slices: Informer<EndpointSlice>;
  private readonly secrets: Informer<Secret>;
  private current?: RouteTable;
  private timer?: NodeJS.Timeout;
  private started = false;
  private lastProblems = '';

  constructor(private readonly opts: RouteSourceOptions) {
    const name = (r: string) => ({ name: `ingress-${r}` });
    this.ingresses = new Informer<Ingress>(opts.client, Resources.ingresses, name('ingresses'));
    this.classes = new Informer<IngressClass>(opts.client, Resources.ingressclasses, name('ingressclasses'));
    this.services = new Informer<Service>(opts.client, Resources.services, name('services'));
    this.slices = new Informer<EndpointSlice>(opts.client, Resources.endpointslices, name('endpointslices'));
    this.secrets = new Informer<Secret>(opts.client, Resources.secrets, name('secrets'));
    const poke = { onAdd: () => this.changed(), onUpdate: () => this.changed(), onDelete: () => this.changed() };
    for (const i of this.informers()) i.addHandler(poke);
  }

  /** The current table; the empty table (everything 404) before the first sync. */
  table(): RouteTable {
    return this.current ?? EMPTY_TABLE;
  }

  get synced(): boolean {
    return this.current !== undefined;
  }

  /** The cached Ingress, for status writes. */
  ingress(key: string): Ingress | undefined {
    const [ns, name] = key.split('/');
    return this.ingresses.get(ns, name);
  }

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
    return [this.ingresses, this.classes, this.services, this.slices, this.secrets] as unknown as Informer<KObject>[];
  }

  private changed(): void {
    if (!this.started || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.rebuild();
    }, this.opts.coalesceMs);
  }

  private rebuild(): void {
    try {
      const table = buildRouteTable(
        { ingresses: this.ingresses.list(), classes: this.classes.list(), services: this.services.list(), slices: this.slices.list(), secrets: this.secrets.list() },
        this.opts.controllerName,
      );
      this.current = table;
      // Problems are logged when they change, not on every endpoint flap.
      const problems = JSON.stringify(table.problems);
      if (problems !== this.lastProblems) {
        this.lastProblems = problems;
        for (const p of table.problems) this.opts.log.warn({ ingress: p.ingress, problem: p.message }, 'ingress configuration problem');
      }
      const claimed = table.ingresses.map((k) => this.ingress(k)).filter((i): i is Ingress => !!i);
      this.opts.onRebuild?.(table, claimed);
    } catch (err) {
      // buildRouteTable skips what it cannot use; a throw is a bug: keep serving the last table.
      this.opts.log.error({ err: (err as Error).message }, 'route table rebuild failed; serving the previous table');
    }
  }
}
