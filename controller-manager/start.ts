// kube-controller-manager: a health server, leader election on the
// kube-system/kube-controller-manager Lease, and every controller while leading. main.ts loads this
// after logging is configured; tests call startControllerManager in-process.
import * as fs from 'node:fs';
import { loadKubeconfig } from '../lib/client/kubeconfig';
import { clientFromFlags, gatedOptionsFromFlags, runLeaderGated } from '../lib/leader-gated';
import { componentLogger } from '../lib/log';
import { MetricsRegistry } from '../lib/metrics/prometheus';
import { Controllers } from './controller-manager';
import { ALL_CONTROLLERS, checkControllerManagerConfig, type ControllerManagerConfig } from './flags';
import { parseGoDuration } from './certificates/signing';

export type { ControllerManagerConfig } from './flags';

/** --root-ca-file, else the CA the kubeconfig trusts the apiserver with; undefined: the publisher idles. */
function rootCaPem(config: ControllerManagerConfig): string | undefined {
  if (config.rootCaFile) return fs.readFileSync(config.rootCaFile, 'utf8');
  if (!config.kubeconfig) return undefined;
  return loadKubeconfig(config.kubeconfig).ca?.toString('utf8');
}

export async function startControllerManager(config: ControllerManagerConfig): Promise<{ stop(): Promise<void>; port: number }> {
  const log = componentLogger('controller-manager');
  checkControllerManagerConfig(config); // in-process callers skip main.ts's check
  const client = clientFromFlags(config);
  // Per-controller reconcile counts and durations are the work queues' (workqueue_* in the
  // process-wide registry, labelled by controller name); this registry holds the leader gauge.
  const metrics = new MetricsRegistry();
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
        nodeEviction: {
          evictionQps: config.nodeEvictionRate,
          secondaryEvictionQps: config.secondaryNodeEvictionRate,
          largeClusterThreshold: config.largeClusterSizeThreshold,
          unhealthyZoneThreshold: config.unhealthyZoneThreshold,
        },
        controllers: config.controllers.length ? config.controllers : undefined,
        jobBackoffBaseMs: parseGoDuration(config.jobBackoffBase),
        hpa: { syncPeriodMs: config.horizontalPodAutoscalerSyncPeriod * 1000, downscaleStabilizationMs: config.horizontalPodAutoscalerDownscaleStabilization * 1000, calc: { tolerance: config.horizontalPodAutoscalerTolerance } },
        rootCaPem: rootCaPem(config),
        resourceQuotaSyncMs: parseGoDuration(config.resourceQuotaSyncPeriod)!,
        terminatedPodGcThreshold: config.terminatedPodGcThreshold,
        podGc: { periodMs: parseGoDuration(config.podGcPeriod)!, quarantineMs: parseGoDuration(config.podGcQuarantine)! },
        loadBalancerIpPool: config.loadBalancerIpPool,
        signing: config.clusterSigningCertFile
          ? { certFile: config.clusterSigningCertFile, keyFile: config.clusterSigningKeyFile, durationMs: parseGoDuration(config.clusterSigningDuration)! }
          : undefined,
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
