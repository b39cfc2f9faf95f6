// kube-controller-manager's flags: the shared client, election and health flags plus its own, and
// the checks that turn them into its config (a bad CIDR or controller name is a usage error, not a
// failure at the first node). Loaded by main.ts before logging is configured: import nothing that
// creates a logger.
import type { Parsed } from '../lib/flags';
import type { ApiClient } from '../lib/client/api-client';
import { LEADER_GATED_FLAGS, requireKubeconfig } from '../lib/leader-gated-flags';
import { parseCidr } from './node-ipam/cidr';
import { parseGoDuration } from '../lib/go-duration';
import { DEFAULT_LB_POOL, LbPoolError, parseLbPool } from './service-lb/pool';

/** csrapproving, csrsigning (needs --cluster-signing-cert-file/-key-file), csrcleaner and tokencleaner. */
export const CERTIFICATE_CONTROLLERS = ['csrapproving', 'csrsigning', 'csrcleaner', 'tokencleaner'];

/** Every controller this controller-manager runs, in start order. */
export const ALL_CONTROLLERS = ['replicaset', 'deployment', 'endpoints', 'node-ipam', 'node-lifecycle', 'garbage-collector', 'pv-binder', 'invalid-pods'];
// Node failure: taint-based eviction and PodDisruptionBudgets.
ALL_CONTROLLERS.push('taint-eviction', 'disruption');
// Batch: Jobs, CronJobs and the TTL of finished Jobs.
ALL_CONTROLLERS.push('job', 'cronjob', 'ttl-after-finished');
// The HorizontalPodAutoscaler (issue 10).
ALL_CONTROLLERS.push('horizontalpodautoscaling');
// Workloads of issue 10.
ALL_CONTROLLERS.push('daemonset');
// TLS bootstrapping (added apart so that the list above stays one line others may edit).
ALL_CONTROLLERS.push(...CERTIFICATE_CONTROLLERS);
ALL_CONTROLLERS.push('statefulset');
// Namespaces' ServiceAccounts and root CA, and ResourceQuota usage (issue 10).
ALL_CONTROLLERS.push('serviceaccount', 'root-ca-cert-publisher', 'resourcequota');
// Pod garbage collection (upstream's name for it in --controllers).
ALL_CONTROLLERS.push('podgc');
// core/v1 ReplicationControllers, kept by the ReplicaSet controller through a kind adapter.
ALL_CONTROLLERS.push('replicationcontroller');
// LoadBalancer addresses from --load-balancer-ip-pool (issue 11).
ALL_CONTROLLERS.push('service-lb-controller');
// Hand-written Endpoints of selector-less Services mirrored into EndpointSlices (issue 11).
ALL_CONTROLLERS.push('endpointslice-mirroring-controller');

export const controllerManagerFlags = {
  ...LEADER_GATED_FLAGS,
  clusterCidr: '10.244.0.0/16',
  nodeCidrMaskSize: 24,
  /** Seconds. */
  nodeMonitorGracePeriod: 40,
  /** Seconds. */
  nodeMonitorPeriod: 5,
  /** Nodes per second whose pods may be evicted (NoExecute-tainted) in a healthy zone. */
  nodeEvictionRate: 0.1,
  /** The rate in a partially disrupted zone of a large cluster (0 in a small one). */
  secondaryNodeEvictionRate: 0.01,
  /** Zones with more nodes than this are large. */
  largeClusterSizeThreshold: 50,
  /** The fraction of not-Ready nodes (at least 3) that makes a zone partially disrupted. */
  unhealthyZoneThreshold: 0.55,
  /** Names of controllers to run; empty: all. */
  controllers: [] as string[],
  healthPort: 10257,
  /** The CA that csrsigning signs with (PEM files); csrsigning is idle without them. */
  clusterSigningCertFile: '',
  clusterSigningKeyFile: '',
  /** Lifetime of issued certificates (a Go duration); requests may ask for less. */
  clusterSigningDuration: '8760h',
  /**
   * The Job controller's first pod-failure backoff (a Go duration), doubled per failure up to 6
   * minutes. Upstream fixes it at 10s; k8ts makes it a flag so tests need not wait.
   */
  jobBackoffBase: '10s',
  /** Seconds between two looks at each HorizontalPodAutoscaler (upstream 15 s). */
  horizontalPodAutoscalerSyncPeriod: 15,
  /** Seconds of recommendations a scale-down looks back on, for HPAs without spec.behavior (upstream 5 min). */
  horizontalPodAutoscalerDownscaleStabilization: 300,
  /** The usage ratio's distance from 1 within which the HPA does not scale. */
  horizontalPodAutoscalerTolerance: 0.1,
  /** The CA bundle published in every namespace's kube-root-ca.crt (PEM); empty: the kubeconfig's CA. */
  rootCaFile: '',
  /** Full recalculation interval of every ResourceQuota's usage (a Go duration). */
  resourceQuotaSyncPeriod: '5m',
  /** Terminated pods kept before the oldest are deleted by podgc; 0 or less: never. */
  terminatedPodGcThreshold: 12500,
  /**
   * podgc's pass interval and how long a node must be missing before its pods are collected (Go
   * durations). Upstream fixes them at 20s and 40s; k8ts makes them flags so tests need not wait.
   */
  podGcPeriod: '20s',
  podGcQuarantine: '40s',
  /**
   * Addresses for LoadBalancer Services: a comma list of IPv4 CIDRs and a.b.c.d-a.b.c.e ranges;
   * empty: no addresses are handed out (the service-lb-controller idles).
   */
  loadBalancerIpPool: DEFAULT_LB_POOL,
};

export type ControllerManagerConfig = Parsed<typeof controllerManagerFlags> & {
  /** Tests pass a client directly instead of a kubeconfig. */
  client?: ApiClient;
};

const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());

export class ControllerManagerConfigError extends Error {
  readonly code = 'CONTROLLER_MANAGER_CONFIG_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'ControllerManagerConfigError';
  }
}

/** Checks the options that would otherwise fail later; returns them as the config. */
export function checkControllerManagerConfig<C extends ControllerManagerConfig>(config: C): C {
  let prefix: number;
  try {
    prefix = parseCidr(config.clusterCidr).prefix;
  } catch (e) {
    throw new ControllerManagerConfigError(`--cluster-cidr: ${(e as Error).message}`);
  }
  const mask = config.nodeCidrMaskSize;
  if (!Number.isInteger(mask) || mask < prefix || mask > 32) {
    throw new ControllerManagerConfigError(`--node-cidr-mask-size ${mask} must be an integer from ${prefix} (the cluster CIDR's prefix) to 32`);
  }
  for (const k of ['nodeEvictionRate', 'secondaryNodeEvictionRate'] as const)
    if (!(config[k] >= 0)) throw new ControllerManagerConfigError(`--${kebab(k)} ${config[k]} must be a number of nodes per second, 0 or more`);
  if (!Number.isInteger(config.largeClusterSizeThreshold) || config.largeClusterSizeThreshold < 0)
    throw new ControllerManagerConfigError(`--large-cluster-size-threshold ${config.largeClusterSizeThreshold} must be a whole number of nodes`);
  if (!(config.unhealthyZoneThreshold > 0 && config.unhealthyZoneThreshold <= 1))
    throw new ControllerManagerConfigError(`--unhealthy-zone-threshold ${config.unhealthyZoneThreshold} must be a fraction greater than 0 and at most 1`);
  if (!parseGoDuration(config.clusterSigningDuration))
    throw new ControllerManagerConfigError(`--cluster-signing-duration ${JSON.stringify(config.clusterSigningDuration)} is not a positive duration such as 8760h or 2m`);
  if (!parseGoDuration(config.jobBackoffBase))
    throw new ControllerManagerConfigError(`--job-backoff-base ${JSON.stringify(config.jobBackoffBase)} is not a positive duration such as 10s or 500ms`);
  if (!parseGoDuration(config.resourceQuotaSyncPeriod))
    throw new ControllerManagerConfigError(`--resource-quota-sync-period ${JSON.stringify(config.resourceQuotaSyncPeriod)} is not a positive duration such as 5m or 30s`);
  for (const k of ['podGcPeriod', 'podGcQuarantine'] as const)
    if (!parseGoDuration(config[k])) throw new ControllerManagerConfigError(`--${kebab(k)} ${JSON.stringify(config[k])} is not a positive duration such as 20s or 500ms`);
  if (!config.clusterSigningCertFile !== !config.clusterSigningKeyFile)
    throw new ControllerManagerConfigError('--cluster-signing-cert-file and --cluster-signing-key-file go together');
  if (!(config.horizontalPodAutoscalerSyncPeriod > 0)) throw new ControllerManagerConfigError(`--horizontal-pod-autoscaler-sync-period ${config.horizontalPodAutoscalerSyncPeriod} must be a number of seconds greater than 0`);
  if (!(config.horizontalPodAutoscalerDownscaleStabilization >= 0)) throw new ControllerManagerConfigError(`--horizontal-pod-autoscaler-downscale-stabilization ${config.horizontalPodAutoscalerDownscaleStabilization} must be a number of seconds, 0 or more`);
  if (!(config.horizontalPodAutoscalerTolerance >= 0)) throw new ControllerManagerConfigError(`--horizontal-pod-autoscaler-tolerance ${config.horizontalPodAutoscalerTolerance} must be 0 or more`);
  if (!Number.isInteger(config.terminatedPodGcThreshold))
    throw new ControllerManagerConfigError(`--terminated-pod-gc-threshold ${config.terminatedPodGcThreshold} must be a whole number of pods`);
  try {
    parseLbPool(config.loadBalancerIpPool);
  } catch (e) {
    if (!(e instanceof LbPoolError)) throw e;
    throw new ControllerManagerConfigError(`--load-balancer-ip-pool: ${e.message}`);
  }
  const unknown = config.controllers.filter((c) => !ALL_CONTROLLERS.includes(c));
  if (unknown.length) throw new ControllerManagerConfigError(`unknown controllers: ${unknown.join(', ')} (known: ${ALL_CONTROLLERS.join(', ')})`);
  return config;
}

/** Parsed flags → the config (the entry point's path: the kubeconfig is required there). */
export function controllerManagerConfigFromFlags<O extends ControllerManagerConfig>(options: O): O {
  return checkControllerManagerConfig(requireKubeconfig(options));
}
