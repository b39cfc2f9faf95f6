// kube-scheduler: a health server, leader election on the kube-system/kube-scheduler Lease, and
// the scheduling loop while leading. main.ts loads this after logging is configured; tests call
// startScheduler in-process.
import { clientFromFlags, gatedOptionsFromFlags, runLeaderGated } from '../lib/leader-gated';
import { componentLogger } from '../lib/log';
import type { SchedulerConfig } from './flags';
import { defaultConfiguration } from './config/defaults';
import { loadConfigurationFile } from './config/load';
import { validateProfiles } from './framework/profile';
import { registry } from './framework/registry';
import { SchedulerMetrics } from './metrics';
import { Scheduler } from './scheduler';

export type { SchedulerConfig } from './flags';

export async function startScheduler(config: SchedulerConfig): Promise<{ stop(): Promise<void>; port: number }> {
  const log = componentLogger('scheduler');
  // Read and check the configuration (and build its profiles once) before anything starts, so a
  // bad file fails start-up with its message instead of a crash loop after leader election.
  const schedulerConfig = config.config ? loadConfigurationFile(config.config) : defaultConfiguration();
  validateProfiles(schedulerConfig.profiles, registry);
  const client = clientFromFlags(config);
  const metrics = new SchedulerMetrics();
  const gated = await runLeaderGated({
    client,
    leaseName: 'kube-scheduler',
    ...gatedOptionsFromFlags(config),
    metrics: metrics.registry,
    leaderMetric: 'scheduler_leader',
    create: () => new Scheduler({ client, metrics, config: schedulerConfig }),
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
