import assert from 'node:assert/strict';
import { container, nodeWith, podWith } from '../../../test/fixtures/scheduler/basic';
import { fakeHandle } from '../../../test/fixtures/scheduler/fake-handle-basic';
import { mkPod } from '../../../test/fixtures/scheduler/objects';
import type { Pod } from '../../../lib/api/types';
import { CycleState } from '../../framework/cycle-state';
import { NodeInfo } from '../../framework/node-info';
import { PluginArgsError } from '../../framework/types';
import { balancedScore, NodeResourcesBalancedAllocation, plugin } from '.';

const req = (name: string, requests: Record<string, string>, nodeName?: string): Pod => podWith(name, { nodeName, containers: [container('c', { requests })] });

describe('plugin NodeResourcesBalancedAllocation', () => {
  const build = (args?: unknown) => plugin.factory(args, fakeHandle()) as NodeResourcesBalancedAllocation;
  const run = (args: unknown, pod: Pod, alloc: Record<string, string>, existing: Pod[] = []) => {
    const pl = build(args);
    const state = new CycleState();
    const info = new NodeInfo(nodeWith('n', { allocatable: alloc }), existing);
    const pre = pl.preScore(state, pod, [info]);
    return pre.code === 'Skip' ? 'Skip' : pl.score(state, pod, info);
  };
  const cases: { title: string; args?: unknown; pod: Pod; alloc: Record<string, string>; existing?: Pod[]; want: number | 'Skip' }[] = [
    { title: 'a pod requesting nothing is skipped', pod: mkPod('p'), alloc: { cpu: '4', memory: '10000' }, want: 'Skip' },
    // cpu 3000/4000 = 0.75, memory 5000/10000 = 0.5: std 0.125 → 87.
    { title: 'cpu 75%, memory 50%', pod: req('p', { cpu: '3', memory: '5000' }), alloc: { cpu: '4', memory: '10000' }, want: 87 },
    { title: 'equal shares score 100', pod: req('p', { cpu: '2', memory: '5000' }), alloc: { cpu: '4', memory: '10000' }, want: 100 },
    { title: 'existing pods count (actual requests)', pod: req('p', { cpu: '1', memory: '1000' }), alloc: { cpu: '4', memory: '10000' }, existing: [req('e', { cpu: '2', memory: '4000' }, 'n')], want: 87 },
    { title: 'existing pods without requests count as nothing', pod: req('p', { cpu: '2', memory: '5000' }), alloc: { cpu: '4', memory: '10000' }, existing: [mkPod('e', { nodeName: 'n' })], want: 100 },
    { title: 'fractions are capped at 1', pod: req('p', { cpu: '8', memory: '10000' }), alloc: { cpu: '4', memory: '10000' }, want: 100 },
    { title: 'all cpu, no memory: 50', pod: req('p', { cpu: '4' }), alloc: { cpu: '4', memory: '10000' }, want: 50 },
    {
      title: 'three resources: population std',
      args: { resources: [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }, { name: 'example.com/gpu', weight: 1 }] },
      pod: req('p', { cpu: '1', memory: '5000', 'example.com/gpu': '4' }),
      alloc: { cpu: '4', memory: '10000', 'example.com/gpu': '4' },
      want: 68, // fractions .25, .5, 1: mean .5833, std .3118 → 68.8, truncated
    },
    {
      title: 'an extended resource the pod does not ask for is left out',
      args: { resources: [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }, { name: 'example.com/gpu', weight: 1 }] },
      pod: req('p', { cpu: '3', memory: '5000' }),
      alloc: { cpu: '4', memory: '10000', 'example.com/gpu': '4' },
      want: 87,
    },
  ];
  for (const c of cases) it(c.title, () => assert.equal(run(c.args, c.pod, c.alloc, c.existing), c.want));

  it('balancedScore: one resource has no deviation', () => assert.equal(balancedScore([1], [4]), 100));
  it('balancedScore: nothing to compare', () => assert.equal(balancedScore([0, 0], [0, 0]), 100));

  it('args: defaults to cpu and memory', () => {
    assert.deepEqual(build().resources, [
      { name: 'cpu', weight: 1 },
      { name: 'memory', weight: 1 },
    ]);
    assert.deepEqual(build(plugin.defaultArgs!()).resources, build().resources);
  });
  it('args: weight other than 1 is rejected', () => {
    assert.throws(
      () => build({ resources: [{ name: 'cpu', weight: 2 }] }),
      (e: unknown) => e instanceof PluginArgsError && /must be 1/.test((e as Error).message),
    );
  });
  it('args: duplicate resource is rejected', () => {
    assert.throws(() => build({ resources: [{ name: 'cpu' }, { name: 'cpu' }] }), PluginArgsError);
  });
});
