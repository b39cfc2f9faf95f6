import assert from 'node:assert/strict';
import { parseFlags } from '../lib/flags';
import { HOLLOW_NODE_FLAGS, hollowNodeConfigFromFlags } from './flags';

describe('hollow-node flags', () => {
  const parse = (argv: string[]) => hollowNodeConfigFromFlags(parseFlags(argv, HOLLOW_NODE_FLAGS));

  it('the documented command line, defaults filled', () => {
    const c = parse(['--kubeconfig', '/k.conf', '--nodes', '1000', '--name-prefix', 'hollow-', '--cpu', '8', '--memory=64Gi', '--max-pods=250']);
    assert.deepEqual(
      [c.kubeconfig, c.nodes, c.namePrefix, c.firstIndex, c.cpu, c.memory, c.maxPods, c.apiserverGrpc],
      ['/k.conf', 1000, 'hollow-', 0, '8', '64Gi', 250, undefined],
    );
    assert.deepEqual([c.leaseRenewMs, c.statusCheckMs, c.deleteNodesOnStop], [10_000, 10_000, false]);
    const d = parse(['--kubeconfig=/k.conf']);
    assert.deepEqual([d.nodes, d.cpu, d.memory, d.maxPods, d.registerConcurrency, d.writeConcurrency], [1, '4', '32Gi', 110, 32, 16]);
    assert.equal(parse(['--kubeconfig=/k.conf', '--delete-nodes-on-stop']).deleteNodesOnStop, true);
  });

  it('refuses what cannot work, table', () => {
    const cases: [string[], RegExp][] = [
      [[], /--kubeconfig is required/],
      [['--nodes=0'], /--nodes must be an integer ≥ 1/],
      [['--nodes=2.5'], /--nodes must be an integer/],
      [['--cpu=four'], /--cpu: quantities must match/],
      [['--memory=1Qi'], /--memory:/],
      [['--name-prefix=Hollow_'], /--name-prefix/],
      [['--max-pods=0'], /--max-pods/],
      [['--first-index=-1'], /--first-index/],
    ];
    for (const [argv, msg] of cases) {
      const full = argv.length ? ['--kubeconfig=/k.conf', ...argv] : argv;
      assert.throws(() => parse(full), msg, argv.join(' '));
    }
  });
});
