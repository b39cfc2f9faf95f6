import assert from 'node:assert/strict';
import { mkNode, mkPod } from '../../../test/fixtures/scheduler/objects';
import { newNodeInfo } from '../../framework/node-info';
import { NodeResourcesLeastAllocated } from '.';

describe('plugin NodeResourcesLeastAllocated', () => {
  const plugin = new NodeResourcesLeastAllocated();
  const cases: { title: string; node: { cpu: string; memory: string }; existing: string[]; pod: { cpu?: string; memory?: string }; want: number }[] = [
    { title: 'empty node, half-sized pod', node: { cpu: '2', memory: '2Gi' }, existing: [], pod: { cpu: '1', memory: '1Gi' }, want: 50 },
    { title: 'existing usage lowers score', node: { cpu: '2', memory: '2Gi' }, existing: ['1'], pod: { cpu: '500m', memory: '1Gi' }, want: 37 },
    { title: 'over-committed node scores 0', node: { cpu: '1', memory: '1Gi' }, existing: [], pod: { cpu: '2', memory: '2Gi' }, want: 0 },
    { title: 'pod without requests uses defaults (100m, 200Mi)', node: { cpu: '1', memory: '2000Mi' }, existing: [], pod: {}, want: 90 },
  ];
  for (const c of cases) {
    it(c.title, () => {
      const existing = c.existing.map((cpu, i) => mkPod(`e${i}`, { cpu, memory: '0' }));
      assert.equal(plugin.score(mkPod('p', c.pod), newNodeInfo(mkNode('n', c.node), existing)), c.want);
    });
  }
  it('prefers the emptier node', () => {
    const busy = newNodeInfo(mkNode('busy'), [mkPod('a', { cpu: '1500m', memory: '3Gi' })]);
    const idle = newNodeInfo(mkNode('idle'));
    assert.ok(plugin.score(mkPod('p'), idle) > plugin.score(mkPod('p'), busy));
  });
});
