// Ingress controller entry: `node dist/ingress/main.js --kubeconfig F [--http-port 80]
// [--https-port 443] [--controller-name k8ts.io/ingress] ...` (flags: ./config.ts). Only the entry
// helper and the flag spec load here; the controller loads once logging is configured.
import { runComponentMain } from '../lib/component-main';
import { INGRESS_FLAGS, ingressConfigFromFlags } from './config';

if (require.main === module) {
  runComponentMain({
    name: 'ingress',
    flags: INGRESS_FLAGS,
    config: ingressConfigFromFlags,
    start: async (config) => (await import('./start')).startIngress(config),
  });
}
