import { strict as assert } from 'node:assert';
import { parseTokenArgs } from './token';

describe('k8ts token create arguments', () => {
  it('parses the flags and refuses the rest', () => {
    assert.deepEqual(parseTokenArgs(['create']), { ttlMs: 24 * 3600_000 });
    assert.deepEqual(parseTokenArgs(['create', '--ttl', '1h', '--bootstrap-kubeconfig=/tmp/b', '--description', 'x']), { ttlMs: 3600_000, bootstrapKubeconfig: '/tmp/b', description: 'x' });
    const bad: [string[], RegExp][] = [
      [['list'], /usage: k8ts token create/],
      [['create', '--ttl', 'soon'], /--ttl "soon" is not a duration/],
      [['create', '--ttl'], /--ttl needs a value/],
      [['create', '--bogus'], /unknown argument --bogus/],
    ];
    for (const [argv, want] of bad) assert.throws(() => parseTokenArgs(argv), want, argv.join(' '));
  });
});
