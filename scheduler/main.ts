// kube-scheduler entry: `node dist/scheduler/main.js --kubeconfig F ...` (flags: ./flags.ts). Only the
// entry helper and the flag spec load here; the scheduler itself loads once logging is configured.
import { runComponentMain } from '../lib/component-main';
import { schedulerConfigFromFlags, schedulerFlags } from './flags';

if (require.main === module) {
  runComponentMain({
    name: 'scheduler',
    flags: schedulerFlags,
    config: (options) => schedulerConfigFromFlags(options),
    start: async (config) => (await import('./start')).startScheduler(config),
  });
}
