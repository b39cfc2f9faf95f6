import assert from 'node:assert/strict';
import { mkNode, mkPod } from '../../../test/fixtures/scheduler/objects';
import { newNodeInfo } from '../../framework/node-info';
import { NodeResourcesFit } from '.';
import type { Pod } from '../../../lib/api/types';

describe('plugin NodeResourcesFit', () => {
  const cases: { title: string; node: { cpu?: string; memory?: string; pods?: string }; existing: Pod[]; pod: Pod; want: string[] }[] = [
    { title: 'empty pod fits anywhere', node: { cpu: '1' }, existing: [], pod: mkPod('p'), want: [] },
    { title: 'fits exactly', node: { cpu: '1', memory: '1Gi' }, existing: [mkPod('a', { cpu: '500m', memory: '512Mi' })], pod: mkPod('p', { cpu: '0.5', memory: '512Mi' }), want: [] },
    { title: 'cpu exhausted by existing pods', node: { cpu: '1' }, existing: [mkPod('a', { cpu: '800m' })], pod: mkPod('p', { cpu: '300m' }), want: ['Insufficient cpu'] },
    { title: 'memory too large', node: { memory: '128Mi' }, existing: [], pod: mkPod('p', { memory: '256Mi' }), want: ['Insufficient memory'] },
    { title: 'both short', node: { cpu: '100m', memory: '1Mi' }, existing: [], pod: mkPod('p', { cpu: '1', memory: '1Gi' }), want: ['Insufficient cpu', 'Insufficient memory'] },
    { title: 'pod count limit', node: { pods: '1' }, existing: [mkPod('a')], pod: mkPod('p'), want: ['Too many pods'] },
    { title: 'init container dominates', node: { cpu: '1' }, existing: [], pod: mkPod('p', { cpu: '100m', init: { cpu: '2' } }), want: ['Insufficient cpu'] },
  ];
  for (const c of cases) {
    it(c.title, () => {
      const st = new NodeResourcesFit().filter(c.pod, newNodeInfo(mkNode('n', c.node), c.existing));
      assert.deepEqual(st.reasons, c.want);
      assert.equal(st.code, c.want.length ? 'Unschedulable' : 'Success');
    });
  }
});
