// status.loadBalancer.ingress of the claimed Ingresses: the addresses clients reach the
// controller on. Every node runs a controller, so the addresses are the InternalIPs of the Ready
// nodes (or --publish-address). Only the instance holding the election Lease writes, through the
// status subresource, and only Ingresses whose status differs, after each route table rebuild,
// each node change and every resync (which also retries failed writes).
import { Resources } from '../../lib/api/resources';
import type { Node } from '../../lib/api/types';
import type { ApiClient } from '../../lib/client/api-client';
import { Informer } from '../../lib/client/informer';
import { runLeaderElection, type LeaderElection } from '../../lib/leader-election';
import type { Logger } from '../../lib/log';
import { isIP } from 'node:net';
import type { Ingress, LoadBalancerIngress } from '../routes/api-types';
import { ingressKey } from '../routes/claims';
import type { IngressMetrics } from '../metrics';

/** The InternalIPs of Ready nodes, or the given addresses when there are any; sorted, unique. */
export function publishedAddresses(nodes: readonly Node[], publish: readonly string[]): string[] {
  if (publish.length) return [...new Set(publish)].sort();
  const out = new Set<string>();
  for (const n of nodes) {
    const ready = (n.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
    if (!ready) continue;
    for (const a of n.status?.addresses ?? []) if (a.type === 'InternalIP' && a.address) out.add(a.address);
  }
  return [...out].sort();
}

export function loadBalancerIngress(addresses: readonly string[]): LoadBalancerIngress[] {
  return addresses.map((a) => (isIP(a) ? { ip: a } : { hostname: a }));
}

function same(a: readonly LoadBalancerIngress[], b: readonly LoadBalancerIngress[]): boolean {
  const norm = (l: readonly LoadBalancerIngress[]) => JSON.stringify(l.map((x) => [x.ip ?? '', x.hostname ?? '']).sort());
  return norm(a) === norm(b);
}

/** The claimed Ingresses whose status must change to `desired`, each with its new status. */
export function statusUpdates(claimed: readonly Ingress[], desired: readonly LoadBalancerIngress[]): Ingress[] {
  return claimed
    .filter((i) => !same(i.status?.loadBalancer?.ingress ?? [], desired))
    .map((i) => ({ ...i, status: { ...(i.status ?? {}), loadBalancer: { ingress: desired.map((x) => ({ ...x })) } } }));
}

export interface StatusWriterOptions {
  client: ApiClient;
  publishAddresses: string[];
  election: { namespace: string; name: string; identity: string; leaseDurationMs: number; renewMs: number };
  /** The claimed Ingresses as last seen (the route source's cache). */
  claimed(): Ingress[];
  metrics: IngressMetrics;
  log: Logger;
  resyncMs?: number;
}

export class StatusWriter {
  private readonly nodes?: Informer<Node>;
  private election?: LeaderElection;
  private leading = false;
  private running: Promise<void> = Promise.resolve();
  private pending = false;
  private resync?: NodeJS.Timeout;
  private stopped = false;

  constructor(private readonly o: StatusWriterOptions) {
    if (!o.publishAddresses.length) {
      this.nodes = new Informer<Node>(o.client, Resources.nodes, { name: 'ingress-nodes' });
      this.nodes.addHandler({ onAdd: () => this.sync(), onUpdate: (a, b) => this.nodeChanged(a, b), onDelete: () => this.sync() });
    }
  }

  async start(): Promise<void> {
    await this.nodes?.start();
    this.election = runLeaderElection({
      client: this.o.client,
      ...this.o.election,
      onStartedLeading: () => {
        this.leading = true;
        this.sync();
      },
      onStoppedLeading: () => {
        this.leading = false;
      },
    });
    this.resync = setInterval(() => this.sync(), this.o.resyncMs ?? 30_000);
  }

  async stop(): Promise<void> {
    if (this.stopped) return this.running;
    this.stopped = true;
    clearInterval(this.resync);
    this.nodes?.stop();
    await this.election?.stop();
    await this.running;
  }

  /** Writes what differs; runs one at a time, a request during a run schedules one more run. */
  sync(): void {
    if (!this.leading) return;
    if (this.pending) return;
    this.pending = true;
    this.running = this.running.then(async () => {
      this.pending = false;
      if (this.leading) await this.writeAll();
    });
  }

  private nodeChanged(a: Node, b: Node): void {
    // Heartbeats update nodes every few seconds; only a change of addresses or readiness matters.
    if (publishedAddresses([a], []).join() !== publishedAddresses([b], []).join()) this.sync();
  }

  private async writeAll(): Promise<void> {
    const desired = loadBalancerIngress(publishedAddresses(this.nodes?.list() ?? [], this.o.publishAddresses));
    for (const next of statusUpdates(this.o.claimed(), desired)) {
      try {
        await this.o.client.updateStatus(Resources.ingresses, next);
        this.o.metrics.statusWrites.inc({ result: 'ok' });
        this.o.log.info({ ingress: ingressKey(next), addresses: desired.map((d) => d.ip ?? d.hostname) }, 'ingress status updated');
      } catch (err) {
        // A conflict means the cache is behind: the watch brings the new version and a rebuild.
        this.o.metrics.statusWrites.inc({ result: 'error' });
        this.o.log.warn({ ingress: ingressKey(next), err: (err as Error).message }, 'ingress status update failed');
      }
    }
  }
}
