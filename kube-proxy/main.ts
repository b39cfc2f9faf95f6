// kube-proxy entry: `node dist/kube-proxy/main.js --kubeconfig F --node-ip IP ...` (flags:
// ./config.ts), or `--cleanup` to remove everything it installed and exit. Only the entry helper
// and the flag spec load here; the proxier loads once logging is configured.
import { runComponentMain } from '../lib/component-main';
import { KUBE_PROXY_FLAGS, kubeProxyConfigFromFlags } from './config';

if (require.main === module) {
  runComponentMain({
    name: 'kube-proxy',
    flags: KUBE_PROXY_FLAGS,
    config: kubeProxyConfigFromFlags,
    start: async (config) => {
      const proxy = await import('./start');
      if (!config.cleanup) return proxy.startKubeProxy(config);
      await proxy.cleanupKubeProxy(config);
      return undefined;
    },
  });
}
