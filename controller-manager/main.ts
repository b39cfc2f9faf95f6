// kube-controller-manager entry: `node dist/controller-manager/main.js --kubeconfig F ...` (flags:
// ./flags.ts). Only the entry helper and the flag spec load here; the controllers load once
// logging is configured.
import { runComponentMain } from '../lib/component-main';
import { controllerManagerConfigFromFlags, controllerManagerFlags } from './flags';

if (require.main === module) {
  runComponentMain({
    name: 'controller-manager',
    flags: controllerManagerFlags,
    config: (options) => controllerManagerConfigFromFlags(options),
    start: async (config) => (await import('./start')).startControllerManager(config),
  });
}
