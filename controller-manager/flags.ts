// kube-controller-manager's flags: the shared client, election and health flags plus its own, and
// the checks that turn them into its config (a bad CIDR or controller name is a usage error, not a
// failure at the first node). Loaded by main.ts before logging is configured: import nothing that
// creates a logger.
import type { Parsed } from '../lib/flags';
import type { ApiClient } from '../lib/client/api-client';
import { LEADER_GATED_FLAGS, requireKubeconfig } from '../lib/leader-gated-flags';
import { parseCidr } from './node-ipam/cidr';
import { parseGoDuration } from '../lib/go-duration';

/** csrapproving, csrsigning (needs --cluster-signing-cert-file/-key-file), csrcleaner and tokencleaner. */
export const CERTIFICATE_CONTROLLERS = ['csrapproving', 'csrsigning', 'csrcleaner', 'tokencleaner'];

/** Every controller this controller-manager runs, in start order. */
export const ALL_CONTROLLERS = ['replicaset', 'deployment', 'endpoints', 'node-ipam', 'node-lifecycle', 'garbage-collector', 'pv-binder', 'invalid-pods'];
// Node failure: taint-based eviction and PodDisruptionBudgets.
ALL_CONTROLLERS.push('taint-eviction', 'disruption');
// TLS bootstrapping (added apart so that the list above stays one line others may edit).
ALL_CONTROLLERS.push(...CERTIFICATE_CONTROLLERS);
// Pod garbage collection (upstream's name for it in --controllers).
ALL_CONTROLLERS.push('podgc');

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
  /** Terminated pods kept before the oldest are deleted by podgc; 0 or less: never. */
  terminatedPodGcThreshold: 12500,
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
  if (!config.clusterSigningCertFile !== !config.clusterSigningKeyFile)
    throw new ControllerManagerConfigError('--cluster-signing-cert-file and --cluster-signing-key-file go together');
  if (!Number.isInteger(config.terminatedPodGcThreshold))
    throw new ControllerManagerConfigError(`--terminated-pod-gc-threshold ${config.terminatedPodGcThreshold} must be a whole number of pods`);
  const unknown = config.controllers.filter((c) => !ALL_CONTROLLERS.includes(c));
  if (unknown.length) throw new ControllerManagerConfigError(`unknown controllers: ${unknown.join(', ')} (known: ${ALL_CONTROLLERS.join(', ')})`);
  return config;
}

/** Parsed flags → the config (the entry point's path: the kubeconfig is required there). */
export function controllerManagerConfigFromFlags<O extends ControllerManagerConfig>(options: O): O {
  return checkControllerManagerConfig(requireKubeconfig(options));
}
