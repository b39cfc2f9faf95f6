// Runs a component's work only while it leads: a Lease election (or none, with leader election
// off) starts and stops the work in strict order, while the health server answers throughout —
// a standby is live and ready, it just waits for the lease.
import * as os from 'node:os';
import { randomBytes } from 'node:crypto';
import type { ApiClient } from './client/api-client';
import { GrpcApiClient, grpcOptionsFromKubeconfig } from './client/grpc-client';
import { servingTls } from './serving-tls';
import { runLeaderElection } from './leader-election';
import { standardProbes, startHealthServer } from './health-server';
import type { MetricsRegistry } from './metrics/prometheus';
import type { LEADER_GATED_FLAGS } from './leader-gated-flags';

type LeaderGatedFlags = typeof LEADER_GATED_FLAGS & { healthPort: number };

/** The election and health-port options the shared flags give (seconds to ms, certificate read). */
export function gatedOptionsFromFlags(f: LeaderGatedFlags): Pick<LeaderGatedOptions, 'leaderElect' | 'leaseDurationMs' | 'renewMs' | 'health'> {
  return {
    leaderElect: f.leaderElect,
    leaseDurationMs: f.leaseDuration * 1000,
    renewMs: f.renewPeriod * 1000,
    health: { port: f.healthPort, host: f.bindAddress, tls: servingTls(f.tlsCertFile, f.tlsPrivateKeyFile) },
  };
}

/** The component's API client: the one a test passes in, else one from the kubeconfig (and --apiserver-grpc). */
export function clientFromFlags(f: { client?: ApiClient; kubeconfig: string; apiserverGrpc: string }): ApiClient {
  return f.client ?? new GrpcApiClient(grpcOptionsFromKubeconfig(f.kubeconfig, f.apiserverGrpc || undefined));
}

export interface LeaderWork {
  start(): Promise<void>;
  stop(): Promise<void>;
  hasSynced(): boolean;
}

export interface LeaderGatedOptions {
  client: ApiClient;
  /** The Lease in kube-system, e.g. kube-scheduler. */
  leaseName: string;
  leaderElect: boolean;
  leaseDurationMs: number;
  renewMs: number;
  /** The component's registry: served at /metrics (with the process-wide one). */
  metrics: MetricsRegistry;
  /** Gauge set to 1 while leading. */
  leaderMetric: string;
  health: { port: number; host: string; tls?: { cert: Buffer; key: Buffer } };
  create(): LeaderWork;
}

export async function runLeaderGated(o: LeaderGatedOptions): Promise<{ port: number; identity: string; stop(): Promise<void> }> {
  const leading = o.metrics.gauge(o.leaderMetric, `Whether this instance holds the ${o.leaseName} lease.`);
  let work: LeaderWork | undefined;
  // Leading and unleading are serialized: a stop never overtakes the start before it.
  let chain: Promise<void> = Promise.resolve();
  const lead = () => {
    chain = chain.then(async () => {
      work = o.create();
      leading.set({}, 1);
      await work.start();
    });
    return chain;
  };
  const unlead = () => {
    chain = chain.then(async () => {
      leading.set({}, 0);
      await work?.stop();
      work = undefined;
    });
    return chain;
  };

  const health = await startHealthServer({
    ...o.health,
    metrics: o.metrics,
    probes: standardProbes(() => !work || work.hasSynced()),
  });
  const identity = `${os.hostname()}_${randomBytes(4).toString('hex')}`;
  const election = o.leaderElect
    ? runLeaderElection({
        client: o.client,
        namespace: 'kube-system',
        name: o.leaseName,
        identity,
        leaseDurationMs: o.leaseDurationMs,
        renewMs: o.renewMs,
        onStartedLeading: lead,
        onStoppedLeading: unlead,
      })
    : (void lead(), undefined);

  return {
    port: health.port,
    identity,
    stop: async () => {
      if (election) await election.stop();
      else await unlead();
      await chain;
      await health.stop();
    },
  };
}
