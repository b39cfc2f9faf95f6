import assert from 'node:assert/strict';
import { mkNode, mkPod } from '../../../test/fixtures/scheduler/objects';
import { newNodeInfo } from '../../framework/node-info';
import { NodeSelector } from '.';

describe('plugin NodeSelector', () => {
  const labels = { disk: 'ssd', zone: 'a' };
  const cases: [Record<string, string> | undefined, string][] = [
    [undefined, 'Success'],
    [{}, 'Success'],
    [{ disk: 'ssd' }, 'Success'],
    [{ disk: 'ssd', zone: 'a' }, 'Success'],
    [{ disk: 'hdd' }, 'Unschedulable'],
    [{ gpu: 'yes' }, 'Unschedulable'],
  ];
  for (const [sel, want] of cases) {
    it(`${JSON.stringify(sel)} → ${want}`, () => {
      assert.equal(new NodeSelector().filter(mkPod('p', { nodeSelector: sel }), newNodeInfo(mkNode('n', { labels }))).code, want);
    });
  }
});

describe('plugin NodeSelector: required node affinity', () => {
  it('keeps a pod pinned by metadata.name to its node', () => {
    const pod = mkPod('p');
    (pod.spec as Record<string, unknown>).affinity = {
      nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['a'] }] }] } },
    };
    assert.equal(new NodeSelector().filter(pod, newNodeInfo(mkNode('a'))).code, 'Success');
    assert.equal(new NodeSelector().filter(pod, newNodeInfo(mkNode('b'))).code, 'Unschedulable');
  });
});
