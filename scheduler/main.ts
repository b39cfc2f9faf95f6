// kube-scheduler entry: flags → config, a health server, leader election on the
// kube-system/kube-scheduler Lease, and the scheduling loop while leading.
import * as os from 'node:os';
import { randomBytes } from 'node:crypto';
import { parseFlags } from '../lib/flags';
import { runComponentMain } from '../lib/component-main';
import { servingTls } from '../lib/serving-tls';
import { componentLogger } from '../lib/log';
import { GrpcApiClient, grpcOptionsFromKubeconfig } from '../lib/client/grpc-client';
import type { ApiClient } from '../lib/client/api-client';
import { runLeaderElection } from '../lib/leader-election';
import { Metrics, startHealthServer } from '../lib/health-server';
import { Scheduler } from './scheduler';

export const schedulerFlags = {
  kubeconfig: '',
  apiserverGrpc: '',
  healthPort: 10259,
  bindAddress: '0.0.0.0',
  tlsCertFile: '',
  tlsPrivateKeyFile: '',
  leaderElect: true,
  leaseDuration: 15,
  renewPeriod: 2,
  logLevel: 'info',
  help: false,
};

export type SchedulerConfig = Omit<ReturnType<typeof parseFlags<typeof schedulerFlags>>, '_'> & {
  /** Tests pass a client directly instead of a kubeconfig. */
  client?: ApiClient;
};

export async function startScheduler(config: SchedulerConfig): Promise<{ stop(): Promise<void>; port: number }> {
  const log = componentLogger('scheduler');
  const client = config.client ?? new GrpcApiClient(grpcOptionsFromKubeconfig(config.kubeconfig, config.apiserverGrpc || undefined));
  const metrics = new Metrics();
  metrics.define('scheduler_leader', 'Whether this instance holds the scheduler lease.', 'gauge');
  let scheduler: Scheduler | undefined;
  let chain: Promise<void> = Promise.resolve();

  const lead = () => {
    chain = chain.then(async () => {
      scheduler = new Scheduler({ client, metrics });
      metrics.set('scheduler_leader', 1);
      await scheduler.start();
    });
    return chain;
  };
  const unlead = () => {
    chain = chain.then(async () => {
      metrics.set('scheduler_leader', 0);
      await scheduler?.stop();
      scheduler = undefined;
    });
    return chain;
  };

  const health = await startHealthServer({
    port: config.healthPort,
    host: config.bindAddress,
    tls: servingTls(config.tlsCertFile, config.tlsPrivateKeyFile),
    metrics,
    // A standby is ready too: it serves health and waits for the lease.
    ready: () => !scheduler || scheduler.hasSynced(),
  });
  const identity = `${os.hostname()}_${randomBytes(4).toString('hex')}`;
  const election = config.leaderElect
    ? runLeaderElection({
        client, namespace: 'kube-system', name: 'kube-scheduler', identity,
        leaseDurationMs: config.leaseDuration * 1000, renewMs: config.renewPeriod * 1000,
        onStartedLeading: lead, onStoppedLeading: unlead,
      })
    : (void lead(), undefined);

  log.info({ healthPort: health.port, leaderElect: config.leaderElect, identity, apiserverGrpc: config.apiserverGrpc || '(from kubeconfig)' }, 'scheduler started');
  return {
    port: health.port,
    stop: async () => {
      if (election) await election.stop();
      else await unlead();
      await chain;
      await health.stop();
      if (!config.client) client.close();
      log.info('scheduler stopped');
    },
  };
}

if (require.main === module) runComponentMain('scheduler', schedulerFlags, startScheduler);
