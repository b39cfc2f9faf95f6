// hollow-node entry: `node dist/hollow-node/main.js --kubeconfig F --nodes N --name-prefix hollow-`
// (flags: ./flags.ts). N kubelets without containers in one process, for scale tests (upstream's
// kubemark idea). Only the entry helper and the flag spec load here; the rest once logging is set.
import { runComponentMain } from '../lib/component-main';
import { HOLLOW_NODE_FLAGS, hollowNodeConfigFromFlags } from './flags';

if (require.main === module) {
  runComponentMain({
    name: 'hollow-node',
    flags: HOLLOW_NODE_FLAGS,
    config: hollowNodeConfigFromFlags,
    start: async (config) => (await import('./hollow-nodes')).startHollowNodes(config),
    // Deleting 1,000 Nodes and Leases on stop takes longer than the default 8 s.
    stopTimeoutMs: (c) => (c.deleteNodesOnStop ? 60_000 : 8_000),
  });
}
