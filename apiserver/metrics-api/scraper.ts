// Scrapes every Ready node's kubelet /stats/summary once per resolution, over TLS with the
// apiserver's kubelet-client certificate (the identity the node proxy uses), and keeps the last
// two scrapes of each node in a SampleStore. One node failing is logged and skipped: its metrics
// age out at the next successful round, as metrics-server's do.
import * as https from 'node:https';
import type { KObject } from '../../lib/api/types';
import { componentLogger } from '../../lib/log';
import type { Registry, ResourceDef } from '../registry/types';
import { SampleStore, type SummaryDoc } from './samples';

export interface ScraperOptions {
  /** Reads Nodes (the core registry). */
  registry: Registry;
  ca: Buffer;
  clientCert: { cert: Buffer; key: Buffer };
  resolutionMs: number;
  /** Per-kubelet request timeout. */
  timeoutMs?: number;
}

type NodeObj = KObject & {
  status?: { addresses?: { type: string; address: string }[]; daemonEndpoints?: { kubeletEndpoint?: { Port?: number } }; conditions?: { type: string; status: string }[] };
};

const log = componentLogger('apiserver', { part: 'metrics-scraper' });

/** Pure: the kubelet a Ready node serves on, or undefined when it is not Ready or not reachable. */
export function kubeletEndpointOf(node: NodeObj): { host: string; port: number } | undefined {
  const ready = node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
  const addrs = node.status?.addresses ?? [];
  const host = addrs.find((a) => a.type === 'InternalIP')?.address ?? addrs.find((a) => a.type === 'Hostname')?.address;
  const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port;
  return ready && host && port ? { host, port } : undefined;
}

export class MetricsScraper {
  readonly store = new SampleStore();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(private readonly o: ScraperOptions) {}

  start(): void {
    const tick = () => {
      if (this.stopped) return;
      this.running = this.scrapeOnce()
        .catch((e) => log.warn({ err: (e as Error).message }, 'scrape round failed'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.o.resolutionMs);
        });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private nodesDef(): ResourceDef {
    const d = this.o.registry.resolve('v1', 'nodes');
    if (!d) throw new Error('nodes are not served');
    return d;
  }

  async scrapeOnce(): Promise<void> {
    const nodes = (await this.o.registry.list(this.nodesDef(), undefined, {})).items as NodeObj[];
    const seen = new Set<string>();
    await Promise.all(
      nodes.map(async (n) => {
        const name = n.metadata.name!;
        const ep = kubeletEndpointOf(n);
        if (!ep) return;
        try {
          const doc = await this.fetchSummary(ep.host, ep.port);
          this.store.record(name, doc);
          seen.add(name);
        } catch (e) {
          log.info({ node: name, err: (e as Error).message }, 'kubelet summary not scraped');
        }
      }),
    );
    this.store.retain(seen);
  }

  private fetchSummary(host: string, port: number): Promise<SummaryDoc> {
    return new Promise((resolve, reject) => {
      const req = https.get(
        { host, port, path: '/stats/summary', ca: this.o.ca, cert: this.o.clientCert.cert, key: this.o.clientCert.key, agent: false, timeout: this.o.timeoutMs ?? 10_000 },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            if (res.statusCode !== 200) return reject(new Error(`kubelet answered ${res.statusCode}`));
            try {
              resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as SummaryDoc);
            } catch (e) {
              reject(new Error(`kubelet summary is not JSON: ${(e as Error).message}`));
            }
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', reject);
    });
  }
}
