// bench:proxy's full-sync phases: the kube-proxy sync path for 1,000 Services × 10 endpoints
// (planServices + the mode's ServiceRules.apply, which reads what the kernel holds, builds, applies
// and — in iptables mode — ensures the jumps) beside the bare tool applying the very same payload
// text, both in one fresh network namespace in the same run. The payload is captured from the
// sync's own transaction, so the raw figure is the floor the sync can approach.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { IptablesApplier } from '../kube-proxy/applier';
import { localRunner, mustRun, type CommandRunner } from '../kube-proxy/exec';
import { NftablesApplier } from '../kube-proxy/nftables/applier';
import { NftablesServiceRules } from '../kube-proxy/nftables/service-rules';
import { planServices } from '../kube-proxy/plan/plan-services';
import { IptablesServiceRules, type ServiceRules } from '../kube-proxy/service-rules';
import { median } from './controllers-daemonset';
import { isRulesTransaction } from './payload-watch';
import { benchState } from './proxy-fixtures';

export const BENCH_NODE_IP = '192.0.2.10';
export const CLUSTER_CIDR = '10.244.0.0/16';
const round = (n: number) => Math.round(n * 10) / 10;

/** Runs fn with a fresh network namespace (loopback up) that is deleted afterwards, also on failure. */
export async function withNetns<T>(fn: (netns: string) => Promise<T>): Promise<T> {
  const netns = `k8ts-bench-${randomBytes(3).toString('hex')}`;
  execFileSync('ip', ['netns', 'add', netns]);
  try {
    execFileSync('ip', ['netns', 'exec', netns, 'ip', 'link', 'set', 'lo', 'up']);
    return await fn(netns);
  } finally {
    execFileSync('ip', ['netns', 'del', netns]);
  }
}

export interface SyncFigures {
  services: number;
  endpointsPerService: number;
  rules: Record<string, number>;
  payloadBytes: number;
  firstSyncMs: number;
  resyncMsMedian: number;
  rawMsMedian: number;
  /** resync / raw (goal ≤ 1.2). */
  resyncRatioToRaw: number;
  firstSyncRatioToRaw: number;
}

/** Records the stdin of the last successful rules transaction. */
function capturing(inner: CommandRunner): { run: CommandRunner; last: () => string } {
  let last = '';
  return {
    run: async (cmd, args, stdin) => {
      const r = await inner(cmd, args, stdin);
      if (r.code === 0 && stdin && isRulesTransaction(cmd, args)) last = stdin;
      return r;
    },
    last: () => last,
  };
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

export async function benchFullSync(o: { mode: 'iptables' | 'nftables'; services: number; perService: number; samples: number }): Promise<SyncFigures> {
  const state = benchState(o.services, o.perService);
  return withNetns(async (netns) => {
    const inner = localRunner({ netns });
    const cap = capturing(inner);
    const rules: ServiceRules =
      o.mode === 'iptables'
        ? new IptablesServiceRules(new IptablesApplier(cap.run), { clusterCIDR: CLUSTER_CIDR, nodeIPs: [BENCH_NODE_IP] })
        : new NftablesServiceRules(new NftablesApplier(cap.run), { clusterCIDR: CLUSTER_CIDR, nodeIPs: [BENCH_NODE_IP] });
    let counted: Record<string, number> = {};
    // the sync path as the proxier runs it: plan from the state, then the mode's apply
    const sync = async () => {
      const plan = planServices({ ...state, nodeName: 'bench-node' });
      counted = (await rules.apply(plan, { full: true })).rules;
    };
    const firstSyncMs = await timed(sync);
    const resyncs: number[] = [];
    for (let i = 0; i < o.samples; i++) resyncs.push(await timed(sync));
    // the re-sync's payload (same state: what every later sync sends), applied by hand
    const payload = cap.last();
    const [cmd, args] = o.mode === 'iptables' ? ['iptables-restore', ['--noflush', '-w']] : ['nft', ['-f', '-']];
    const raws: number[] = [];
    for (let i = 0; i < o.samples; i++) raws.push(await timed(() => mustRun(inner, cmd, args, payload)));
    const [resync, raw] = [median(resyncs), median(raws)];
    return {
      services: o.services,
      endpointsPerService: o.perService,
      rules: counted,
      payloadBytes: Buffer.byteLength(payload),
      firstSyncMs: round(firstSyncMs),
      resyncMsMedian: round(resync),
      rawMsMedian: round(raw),
      resyncRatioToRaw: +(resync / raw).toFixed(2),
      firstSyncRatioToRaw: +(firstSyncMs / raw).toFixed(2),
    };
  });
}
