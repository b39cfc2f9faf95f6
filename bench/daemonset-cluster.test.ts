import assert from 'node:assert/strict';
import { parseBenchArgs, type BenchArgs } from './daemonset-cluster';

describe('bench controllers-daemonset: command line', () => {
  const ok: { argv: string[]; want: BenchArgs }[] = [
    { argv: [], want: { nodes: 1, samples: 7 } },
    { argv: ['--nodes', '3'], want: { nodes: 3, samples: 7 } },
    { argv: ['--samples', '9', '--nodes', '2'], want: { nodes: 2, samples: 9 } },
    { argv: ['--worker', '/k/admin.kubeconfig', '--nodes', '3'], want: { nodes: 3, samples: 7, worker: '/k/admin.kubeconfig' } },
  ];
  for (const c of ok) {
    it(`reads ${JSON.stringify(c.argv)}`, () => assert.deepEqual(parseBenchArgs(c.argv), c.want));
  }

  const bad: { argv: string[]; error: RegExp }[] = [
    { argv: ['--nodes', '0'], error: /--nodes must be an integer ≥ 1, not "0"/ },
    { argv: ['--samples', '2.5'], error: /--samples must be an integer ≥ 1, not "2.5"/ },
    { argv: ['--nodes'], error: /--nodes needs a value/ },
    { argv: ['--fast'], error: /unknown argument "--fast"/ },
  ];
  for (const c of bad) {
    it(`refuses ${JSON.stringify(c.argv)}`, () => assert.throws(() => parseBenchArgs(c.argv), c.error));
  }
});
