// The flags every leader-gated component (scheduler, controller-manager) takes besides its own,
// merged into its flag spec. Apart from lib/leader-gated so an entry point can read them without
// loading the client and election code before logging is configured.
import { FlagError } from './flags';

export const LEADER_GATED_FLAGS = {
  kubeconfig: '',
  apiserverGrpc: '',
  bindAddress: '0.0.0.0',
  tlsCertFile: '',
  tlsPrivateKeyFile: '',
  leaderElect: true,
  /** Seconds. */
  leaseDuration: 15,
  /** Seconds. */
  renewPeriod: 2,
};

/** --kubeconfig is how a leader-gated component reaches the apiserver: required on the command line. */
export function requireKubeconfig<C extends { kubeconfig: string }>(config: C): C {
  if (!config.kubeconfig) throw new FlagError('--kubeconfig is required');
  return config;
}
