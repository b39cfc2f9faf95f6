// Cluster DNS entry: `node dist/dns/main.js --kubeconfig F [--port 53] [--upstream ip[:port],...]`
// (flags: ./config.ts). Only the entry helper and the flag spec load here; the server loads once
// logging is configured.
import { runComponentMain } from '../lib/component-main';
import { DNS_FLAGS, dnsConfigFromFlags } from './config';

if (require.main === module) {
  runComponentMain({
    name: 'dns',
    flags: DNS_FLAGS,
    config: dnsConfigFromFlags,
    start: async (config) => (await import('./start')).startDns(config),
  });
}
