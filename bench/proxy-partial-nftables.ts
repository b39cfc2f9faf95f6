// bench:proxy's nftables partial-sync phase: after a full sync of 1,000 Services × 10 endpoints in a
// fresh network namespace, one endpoint is added to one Service per sample and the proxier's
// partial sync runs (planServices + NftablesServiceRules.apply with full=false: build, diff against
// memory, one `nft -f` of the difference). Reported beside the `nft -f` alone and the periodic full
// sync (in place from memory), so the part the partial sync saves is visible.
import { localRunner, type CommandRunner } from '../kube-proxy/exec';
import { NftablesApplier } from '../kube-proxy/nftables/applier';
import { NftablesServiceRules } from '../kube-proxy/nftables/service-rules';
import { planServices } from '../kube-proxy/plan/plan-services';
import { median } from './controllers-daemonset';
import { addedEndpointIP, benchState, withEndpoint } from './proxy-fixtures';
import { BENCH_NODE_IP, CLUSTER_CIDR, withNetns } from './proxy-sync';

const round = (n: number) => Math.round(n * 10) / 10;

export interface PartialSyncFigures {
  services: number;
  endpointsPerService: number;
  /** One endpoint added: the whole partial sync (plan, build, diff, apply). */
  partialSyncMsMedian: number;
  /** …of which the `nft -f` of the difference. */
  partialNftMsMedian: number;
  partialPayloadBytes: number;
  partialRules: number;
  /** The periodic full sync, in place from memory (no listing). */
  fullSyncMsMedian: number;
  fullPayloadBytes: number;
}

export async function benchNftablesPartialSync(o: { services: number; perService: number; samples: number }): Promise<PartialSyncFigures> {
  const state = benchState(o.services, o.perService);
  return withNetns(async (netns) => {
    const inner = localRunner({ netns });
    let last = { ms: 0, bytes: 0, payload: '' };
    const timing: CommandRunner = async (cmd, args, stdin) => {
      const t0 = performance.now();
      const r = await inner(cmd, args, stdin);
      if (cmd === 'nft' && args.includes('-f') && stdin) last = { ms: performance.now() - t0, bytes: Buffer.byteLength(stdin), payload: stdin };
      return r;
    };
    const rules = new NftablesServiceRules(new NftablesApplier(timing), { clusterCIDR: CLUSTER_CIDR, nodeIPs: [BENCH_NODE_IP] });
    const sync = async (full: boolean) => {
      const t0 = performance.now();
      await rules.apply(planServices({ ...state, nodeName: 'bench-node' }), { full });
      return performance.now() - t0;
    };
    await sync(true);
    const partial: number[] = [];
    const nft: number[] = [];
    let bytes = 0;
    let sentRules = 0;
    for (let i = 0; i < o.samples; i++) {
      const k = (i * 97) % o.services;
      state.endpointSlices[k] = withEndpoint(state.endpointSlices[k], addedEndpointIP(i));
      partial.push(await sync(false));
      nft.push(last.ms);
      bytes = last.bytes;
      sentRules = last.payload.split('\n').filter((l) => l.startsWith('add rule ')).length;
    }
    const full: number[] = [];
    for (let i = 0; i < o.samples; i++) full.push(await sync(true));
    return {
      services: o.services,
      endpointsPerService: o.perService,
      partialSyncMsMedian: round(median(partial)),
      partialNftMsMedian: round(median(nft)),
      partialPayloadBytes: bytes,
      partialRules: sentRules,
      fullSyncMsMedian: round(median(full)),
      fullPayloadBytes: last.bytes,
    };
  });
}
