// bench:proxy — issue 11's benchmark, one JSON line:
// 1. full sync, iptables: the kube-proxy sync path for 1,000 Services × 10 endpoints beside a bare
//    `iptables-restore --noflush` of the same payload, in a fresh network namespace (ratio goal ≤ 1.2);
// 2. the same in nftables mode beside a bare `nft -f` (bench/proxy-sync.ts), then its partial
//    sync of one endpoint change (bench/proxy-partial-nftables.ts);
// 3. change → rule in the kernel: EndpointSlice updates through a real apiserver to a real
//    kube-proxy, one update every 250 ms, p50/p99 from the update call to the end of the transaction holding the new
//    address, then 5 single changes each landing before the next (goal p99 ≤ 1 s at the cluster's default min-sync-period 1s; bench/proxy-change.ts);
// 4. cluster DNS beside a trivial responder (bench/proxy-dns.ts).
// Needs root (network namespaces), iptables, nft, conntrack and etcd.
import { startTestApiserver } from '../test/helpers/apiserver';
import { benchDns } from './proxy-dns';
import { benchChange, loadState, type ChangeFigures } from './proxy-change';
import { benchNftablesPartialSync } from './proxy-partial-nftables';
import { benchFullSync } from './proxy-sync';

const SERVICES = Number(process.env.BENCH_PROXY_SERVICES ?? 1000);
const PER_SERVICE = Number(process.env.BENCH_PROXY_ENDPOINTS ?? 10);
const SAMPLES = Number(process.env.BENCH_PROXY_SAMPLES ?? 5);
const UPDATES = Number(process.env.BENCH_PROXY_UPDATES ?? 200);
const SINGLES = Number(process.env.BENCH_PROXY_SINGLES ?? 5);
const PACE_MS = Number(process.env.BENCH_PROXY_PACE_MS ?? 250);
/** mode:min-sync-period runs of the change phase; the first is the cluster's default. */
const CHANGE_RUNS = (process.env.BENCH_PROXY_CHANGE ?? 'iptables:1s,iptables:100ms,nftables:1s').split(',').map((s) => s.split(':') as ['iptables' | 'nftables', string]);

async function main(): Promise<void> {
  const iptables = await benchFullSync({ mode: 'iptables', services: SERVICES, perService: PER_SERVICE, samples: SAMPLES });
  const nftables = await benchFullSync({ mode: 'nftables', services: SERVICES, perService: PER_SERVICE, samples: SAMPLES });
  const nftablesPartial = await benchNftablesPartialSync({ services: SERVICES, perService: PER_SERVICE, samples: SAMPLES });

  const change: Record<string, ChangeFigures> = {};
  const api = await startTestApiserver({ name: 'bench-proxy', ownProcess: true });
  try {
    const slices = await loadState(api, SERVICES, PER_SERVICE);
    const added = { next: 0 };
    for (const [mode, minSyncPeriod] of CHANGE_RUNS) {
      change[`${mode}_${minSyncPeriod}`] = await benchChange({ api, slices, mode, minSyncPeriod, updates: UPDATES, paceMs: PACE_MS, singles: SINGLES, added, services: SERVICES, perService: PER_SERVICE });
    }
  } finally {
    await api.stop();
  }

  const dns = await benchDns({ services: SERVICES, queries: 20000, concurrency: 16 });
  console.log(
    JSON.stringify({
      bench: 'proxy',
      full_sync_iptables: iptables,
      full_sync_nftables: nftables,
      iptables_resync_ratio_to_raw_restore: iptables.resyncRatioToRaw,
      nftables_resync_ratio_to_raw_nft: nftables.resyncRatioToRaw,
      partial_sync_nftables: nftablesPartial,
      change_to_kernel: change,
      dns,
      dns_qps_ratio_to_trivial: dns.qpsRatio,
    }),
  );
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
