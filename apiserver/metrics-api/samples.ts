// Pure: the Metrics API's numbers from two scrapes of a kubelet's /stats/summary, as metrics-server
// computes them. CPU is the rate between the two cumulative counters (the window is the time
// between them), memory the newer working set. A pod is reported only when every one of its
// containers has two usable points (a restarted container, whose counter went back or whose start
// time changed, has none until the next scrape), so a pod never shows a partial sum.

export interface CpuPoint {
  time?: string;
  usageCoreNanoSeconds?: number;
}

export interface MemoryPoint {
  time?: string;
  workingSetBytes?: number;
}

export interface SummaryDoc {
  node?: { nodeName?: string; cpu?: CpuPoint; memory?: MemoryPoint };
  pods?: {
    podRef?: { name?: string; namespace?: string; uid?: string };
    containers?: { name?: string; startTime?: string; cpu?: CpuPoint; memory?: MemoryPoint }[];
  }[];
}

export interface Usage {
  /** Nano-cores. */
  cpu: number;
  /** Bytes. */
  memory: number;
}

export interface NodeUsage {
  name: string;
  timestampMs: number;
  windowMs: number;
  usage: Usage;
}

export interface PodUsage {
  namespace: string;
  name: string;
  uid?: string;
  timestampMs: number;
  windowMs: number;
  containers: { name: string; usage: Usage }[];
}

const ms = (t: string | undefined): number | undefined => {
  const v = t ? Date.parse(t) : NaN;
  return Number.isFinite(v) ? v : undefined;
};

/** The rate and window between two CPU points, or undefined when they do not make one. */
export function cpuRate(prev: CpuPoint | undefined, cur: CpuPoint | undefined): { nanoCores: number; timestampMs: number; windowMs: number } | undefined {
  const t0 = ms(prev?.time);
  const t1 = ms(cur?.time);
  const u0 = prev?.usageCoreNanoSeconds;
  const u1 = cur?.usageCoreNanoSeconds;
  if (t0 === undefined || t1 === undefined || u0 === undefined || u1 === undefined) return undefined;
  if (t1 <= t0 || u1 < u0) return undefined;
  return { nanoCores: ((u1 - u0) * 1000) / (t1 - t0), timestampMs: t1, windowMs: t1 - t0 };
}

export function nodeUsage(name: string, prev: SummaryDoc | undefined, cur: SummaryDoc): NodeUsage | undefined {
  const rate = cpuRate(prev?.node?.cpu, cur.node?.cpu);
  const mem = cur.node?.memory?.workingSetBytes;
  if (!rate || mem === undefined) return undefined;
  return { name, timestampMs: rate.timestampMs, windowMs: rate.windowMs, usage: { cpu: rate.nanoCores, memory: mem } };
}

export function podUsages(prev: SummaryDoc | undefined, cur: SummaryDoc): PodUsage[] {
  const before = new Map<string, NonNullable<SummaryDoc['pods']>[number]>();
  for (const p of prev?.pods ?? []) if (p.podRef?.uid) before.set(p.podRef.uid, p);
  const out: PodUsage[] = [];
  for (const p of cur.pods ?? []) {
    const ref = p.podRef;
    if (!ref?.name || !ref.namespace || !ref.uid) continue;
    const old = before.get(ref.uid);
    const containers: PodUsage['containers'] = [];
    let timestampMs = 0;
    let windowMs = 0;
    let complete = (p.containers ?? []).length > 0;
    for (const c of p.containers ?? []) {
      const o = old?.containers?.find((x) => x.name === c.name && x.startTime === c.startTime);
      const rate = cpuRate(o?.cpu, c.cpu);
      const mem = c.memory?.workingSetBytes;
      if (!c.name || !rate || mem === undefined) {
        complete = false;
        break;
      }
      timestampMs = Math.max(timestampMs, rate.timestampMs);
      windowMs = Math.max(windowMs, rate.windowMs);
      containers.push({ name: c.name, usage: { cpu: rate.nanoCores, memory: mem } });
    }
    if (complete) out.push({ namespace: ref.namespace, name: ref.name, uid: ref.uid, timestampMs, windowMs, containers });
  }
  return out;
}

/** The last two scrapes of each node: what the Metrics API serves from. */
export class SampleStore {
  private readonly nodes = new Map<string, { prev?: SummaryDoc; cur: SummaryDoc }>();

  record(node: string, doc: SummaryDoc): void {
    const had = this.nodes.get(node);
    this.nodes.set(node, { prev: had?.cur, cur: doc });
  }

  /** Nodes not scraped this round (gone, or no longer Ready) are dropped. */
  retain(nodes: Set<string>): void {
    for (const n of [...this.nodes.keys()]) if (!nodes.has(n)) this.nodes.delete(n);
  }

  node(name: string): NodeUsage | undefined {
    const s = this.nodes.get(name);
    return s ? nodeUsage(name, s.prev, s.cur) : undefined;
  }

  nodeNames(): string[] {
    return [...this.nodes.keys()];
  }

  /** Every pod with complete usage, by namespace/name (a pod is on one node at a time). */
  pods(): Map<string, PodUsage> {
    const out = new Map<string, PodUsage>();
    for (const s of this.nodes.values()) for (const p of podUsages(s.prev, s.cur)) out.set(`${p.namespace}/${p.name}`, p);
    return out;
  }
}
