import { strict as assert } from 'node:assert';
import { parseArgs, parseTypeArgs } from './args';
import { UsageError } from './errors';

describe('cli args', () => {
  const cases: { argv: string[]; command?: string; args: string[]; flags: Record<string, unknown> }[] = [
    { argv: ['get', 'pods'], command: 'get', args: ['pods'], flags: {} },
    { argv: ['get', 'po', '-n', 'kube-system'], command: 'get', args: ['po'], flags: { namespace: 'kube-system' } },
    { argv: ['get', 'po', '-nkube-system'], command: 'get', args: ['po'], flags: { namespace: 'kube-system' } },
    { argv: ['get', 'po', '-n=x'], command: 'get', args: ['po'], flags: { namespace: 'x' } },
    { argv: ['-n', 'x', 'get', 'po', 'a', 'b'], command: 'get', args: ['po', 'a', 'b'], flags: { namespace: 'x' } },
    { argv: ['get', 'po', '--namespace=y', '-o', 'wide'], command: 'get', args: ['po'], flags: { namespace: 'y', output: 'wide' } },
    { argv: ['get', 'po', '-A', '-w'], command: 'get', args: ['po'], flags: { allNamespaces: true, watch: true } },
    { argv: ['get', 'po', '-Aw'], command: 'get', args: ['po'], flags: { allNamespaces: true, watch: true } },
    { argv: ['get', 'po', '-l', 'app=web,tier in (a,b)'], command: 'get', args: ['po'], flags: { selector: 'app=web,tier in (a,b)' } },
    { argv: ['apply', '-f', 'a.yaml', '-f', '-', '--filename=dir'], command: 'apply', args: [], flags: { filename: ['a.yaml', '-', 'dir'] } },
    { argv: ['delete', 'po', 'x', '--wait=false'], command: 'delete', args: ['po', 'x'], flags: { wait: false } },
    { argv: ['delete', 'deploy', 'x', '--cascade', 'foreground'], command: 'delete', args: ['deploy', 'x'], flags: { cascade: 'foreground' } },
    { argv: ['scale', 'deploy/web', '--replicas=5'], command: 'scale', args: ['deploy/web'], flags: { replicas: 5 } },
    { argv: ['scale', 'deploy/web', '--replicas', '0'], command: 'scale', args: ['deploy/web'], flags: { replicas: 0 } },
    { argv: ['get', '--kubeconfig', '/k', '--context=c', 'po', '--show-labels'], command: 'get', args: ['po'], flags: { kubeconfig: '/k', context: 'c', showLabels: true } },
    { argv: ['get', '--', '-weird-name'], command: 'get', args: ['-weird-name'], flags: {} },
    { argv: [], command: undefined, args: [], flags: {} },
  ];
  for (const c of cases)
    it(`parses ${JSON.stringify(c.argv)}`, () => {
      const p = parseArgs(c.argv);
      assert.equal(p.command, c.command);
      assert.deepEqual(p.args, c.args);
      for (const [k, v] of Object.entries(c.flags)) assert.deepEqual((p.flags as any)[k], v, k);
    });

  it('has kubectl defaults', () => {
    const f = parseArgs(['get']).flags;
    assert.equal(f.wait, true);
    assert.equal(f.cascade, 'background');
    assert.equal(f.allNamespaces, false);
    assert.deepEqual(f.filename, []);
  });

  const bad: [string[], RegExp][] = [
    [['get', '--nope'], /unknown flag: --nope/],
    [['get', '-x'], /unknown shorthand flag: 'x'/],
    [['get', '-n'], /flag needs an argument: --namespace/],
    [['scale', 'x', '--replicas=two'], /expected an integer/],
    [['delete', '--wait=maybe'], /expected true or false/],
    [['delete', '--cascade=sideways'], /invalid --cascade/],
    [['get', '-Ax'], /unknown shorthand flag: 'x'/],
  ];
  for (const [argv, re] of bad)
    it(`rejects ${JSON.stringify(argv)}`, () => assert.throws(() => parseArgs(argv), (e: Error) => e instanceof UsageError && re.test(e.message)));

  it('splits type arguments', () => {
    assert.deepEqual(parseTypeArgs(['pods,svc', 'a', 'b']), { types: ['pods', 'svc'], names: ['a', 'b'] });
    assert.deepEqual(parseTypeArgs(['pod/a', 'svc/b']), { pairs: [{ type: 'pod', name: 'a' }, { type: 'svc', name: 'b' }] });
    assert.throws(() => parseTypeArgs([]), UsageError);
    assert.throws(() => parseTypeArgs(['pods', 'svc/b']), UsageError);
    assert.throws(() => parseTypeArgs(['pod/']), UsageError);
  });
});
