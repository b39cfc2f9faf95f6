// kubelet entry: `node dist/kubelet/main.js --kubeconfig F --node-name N --node-ip IP ...` (flags:
// ./flags.ts). Only the entry helper and the flag spec load here; the kubelet loads once logging is
// configured.
import { runComponentMain } from '../lib/component-main';
import { KUBELET_FLAGS, kubeletConfigFromFlags } from './flags';

if (require.main === module) {
  runComponentMain({
    name: 'kubelet',
    flags: KUBELET_FLAGS,
    config: kubeletConfigFromFlags,
    start: async (config) => (await import('./kubelet')).startKubelet(config),
  });
}
