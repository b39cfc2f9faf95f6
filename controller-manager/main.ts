// kube-controller-manager entry: flags → config, a health server, leader election on the
// kube-system/kube-controller-manager Lease, and every controller while leading.
import { parseFlags } from '../lib/flags';
import { runComponentMain } from '../lib/component-main';
import { LEADER_GATED_FLAGS, clientFromFlags, gatedOptionsFromFlags, runLeaderGated } from '../lib/leader-gated';
import { componentLogger } from '../lib/log';
import type { ApiClient } from '../lib/client/api-client';
import { Metrics } from '../lib/health-server';
import { ALL_CONTROLLERS, Controllers } from './controller-manager';
import { parseCidr } from './node-ipam/cidr';

export const controllerManagerFlags = {
  ...LEADER_GATED_FLAGS,
  clusterCidr: '10.244.0.0/16',
  nodeCidrMaskSize: 24,
  nodeMonitorGracePeriod: 40,
  nodeMonitorPeriod: 5,
  controllers: [] as string[],
  healthPort: 10257,
};

export type ControllerManagerConfig = Omit<ReturnType<typeof parseFlags<typeof controllerManagerFlags>>, '_'> & {
  /** Tests pass a client directly instead of a kubeconfig. */
  client?: ApiClient;
};

export async function startControllerManager(config: ControllerManagerConfig): Promise<{ stop(): Promise<void>; port: number }> {
  const log = componentLogger('controller-manager');
  parseCidr(config.clusterCidr); // fail at start-up, not at the first node
  const unknown = config.controllers.filter((c) => !ALL_CONTROLLERS.includes(c));
  if (unknown.length) throw new Error(`unknown controllers: ${unknown.join(', ')} (known: ${ALL_CONTROLLERS.join(', ')})`);
  const client = clientFromFlags(config);
  const metrics = new Metrics();
  const gated = await runLeaderGated({
    client,
    leaseName: 'kube-controller-manager',
    ...gatedOptionsFromFlags(config),
    metrics,
    leaderMetric: 'controller_manager_leader',
    create: () =>
      new Controllers({
        client,
        clusterCidr: config.clusterCidr,
        nodeCidrMaskSize: config.nodeCidrMaskSize,
        nodeMonitorGracePeriodSeconds: config.nodeMonitorGracePeriod,
        nodeMonitorPeriodMs: config.nodeMonitorPeriod * 1000,
        controllers: config.controllers.length ? config.controllers : undefined,
      }),
  });
  log.info(
    {
      healthPort: gated.port, identity: gated.identity, leaderElect: config.leaderElect, clusterCidr: config.clusterCidr,
      nodeCidrMaskSize: config.nodeCidrMaskSize, nodeMonitorGracePeriod: config.nodeMonitorGracePeriod,
      controllers: config.controllers.length ? config.controllers : ALL_CONTROLLERS,
      apiserverGrpc: config.apiserverGrpc || '(from kubeconfig)',
    },
    'controller-manager started',
  );
  return {
    port: gated.port,
    stop: async () => {
      await gated.stop();
      if (!config.client) client.close();
      log.info('controller-manager stopped');
    },
  };
}

if (require.main === module) runComponentMain('controller-manager', controllerManagerFlags, startControllerManager);
