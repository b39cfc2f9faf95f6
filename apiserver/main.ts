// apiserver entry: `node dist/apiserver/main.js --etcd-servers ... --tls-cert-file ...` (flags:
// ./config.ts). Only the entry helper and the flag spec load here; the apiserver loads once logging
// is configured.
import { runComponentMain } from '../lib/component-main';
import { APISERVER_FLAGS, apiserverConfigFromFlags } from './config';

if (require.main === module) {
  runComponentMain({
    name: 'apiserver',
    flags: APISERVER_FLAGS,
    config: apiserverConfigFromFlags,
    start: async (config) => (await import('./server')).startApiserver(config),
  });
}
