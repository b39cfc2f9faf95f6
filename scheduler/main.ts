// kube-scheduler entry: flags → config, a health server, leader election on the
// kube-system/kube-scheduler Lease, and the scheduling loop while leading.
import { parseFlags } from '../lib/flags';
import { runComponentMain } from '../lib/component-main';
import { LEADER_GATED_FLAGS, clientFromFlags, gatedOptionsFromFlags, runLeaderGated } from '../lib/leader-gated';
import { componentLogger } from '../lib/log';
import type { ApiClient } from '../lib/client/api-client';
import { Metrics } from '../lib/health-server';
import { Scheduler } from './scheduler';

export const schedulerFlags = {
  ...LEADER_GATED_FLAGS,
  healthPort: 10259,
};

export type SchedulerConfig = Omit<ReturnType<typeof parseFlags<typeof schedulerFlags>>, '_'> & {
  /** Tests pass a client directly instead of a kubeconfig. */
  client?: ApiClient;
};

export async function startScheduler(config: SchedulerConfig): Promise<{ stop(): Promise<void>; port: number }> {
  const log = componentLogger('scheduler');
  const client = clientFromFlags(config);
  const metrics = new Metrics();
  const gated = await runLeaderGated({
    client,
    leaseName: 'kube-scheduler',
    ...gatedOptionsFromFlags(config),
    metrics,
    leaderMetric: 'scheduler_leader',
    create: () => new Scheduler({ client, metrics }),
  });
  log.info({ healthPort: gated.port, leaderElect: config.leaderElect, identity: gated.identity, apiserverGrpc: config.apiserverGrpc || '(from kubeconfig)' }, 'scheduler started');
  return {
    port: gated.port,
    stop: async () => {
      await gated.stop();
      if (!config.client) client.close();
      log.info('scheduler stopped');
    },
  };
}

if (require.main === module) runComponentMain('scheduler', schedulerFlags, startScheduler);
