// kube-scheduler's flags: the shared client, election and health flags plus its health port. The
// parsed flags are its config (nothing to compile). Loaded by main.ts before logging is configured:
// import nothing that creates a logger.
import type { Parsed } from '../lib/flags';
import type { ApiClient } from '../lib/client/api-client';
import { LEADER_GATED_FLAGS, requireKubeconfig } from '../lib/leader-gated-flags';

export const schedulerFlags = {
  ...LEADER_GATED_FLAGS,
  healthPort: 10259,
  /** A KubeSchedulerConfiguration file (profiles, plugins, plugin arguments); empty: the defaults. */
  config: '',
};

export type SchedulerConfig = Parsed<typeof schedulerFlags> & {
  /** Tests pass a client directly instead of a kubeconfig. */
  client?: ApiClient;
};

/** Parsed flags → the config: the flags as given, with the kubeconfig required. */
export function schedulerConfigFromFlags<O extends SchedulerConfig>(options: O): O {
  return requireKubeconfig(options);
}
