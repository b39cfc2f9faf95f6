import assert from 'node:assert/strict';
import type { Node, Pod } from './types';
import { podFitsNodeAffinity, type NodeSelectorRequirement } from './node-affinity';

const node = (name: string, labels: Record<string, string>): Node => ({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels }, spec: {} });
const pod = (o: { nodeSelector?: Record<string, string>; exprs?: NodeSelectorRequirement[]; fields?: NodeSelectorRequirement[]; terms?: unknown[] } = {}): Pod =>
  ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default' },
    spec: {
      containers: [{ name: 'c', image: 'x:1' }],
      ...(o.nodeSelector ? { nodeSelector: o.nodeSelector } : {}),
      ...(o.exprs || o.fields || o.terms
        ? { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: o.terms ?? [{ matchExpressions: o.exprs, matchFields: o.fields }] } } } }
        : {}),
    },
  }) as Pod;

describe('required node affinity', () => {
  const n = node('n1', { disk: 'ssd', cores: '8' });
  const cases: [string, Pod, boolean][] = [
    ['no constraints', pod(), true],
    ['nodeSelector match', pod({ nodeSelector: { disk: 'ssd' } }), true],
    ['nodeSelector mismatch', pod({ nodeSelector: { disk: 'hdd' } }), false],
    ['In', pod({ exprs: [{ key: 'disk', operator: 'In', values: ['hdd', 'ssd'] }] }), true],
    ['In, missing label', pod({ exprs: [{ key: 'gpu', operator: 'In', values: ['a'] }] }), false],
    ['NotIn, missing label matches', pod({ exprs: [{ key: 'gpu', operator: 'NotIn', values: ['a'] }] }), true],
    ['NotIn', pod({ exprs: [{ key: 'disk', operator: 'NotIn', values: ['ssd'] }] }), false],
    ['Exists', pod({ exprs: [{ key: 'disk', operator: 'Exists' }] }), true],
    ['DoesNotExist', pod({ exprs: [{ key: 'disk', operator: 'DoesNotExist' }] }), false],
    ['Gt', pod({ exprs: [{ key: 'cores', operator: 'Gt', values: ['4'] }] }), true],
    ['Lt', pod({ exprs: [{ key: 'cores', operator: 'Lt', values: ['4'] }] }), false],
    ['Gt with a non-number', pod({ exprs: [{ key: 'disk', operator: 'Gt', values: ['4'] }] }), false],
    ['metadata.name In (how DaemonSet pods are pinned)', pod({ fields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }), true],
    ['metadata.name In another node', pod({ fields: [{ key: 'metadata.name', operator: 'In', values: ['n2'] }] }), false],
    ['metadata.name NotIn', pod({ fields: [{ key: 'metadata.name', operator: 'NotIn', values: ['n2'] }] }), true],
    ['an unknown field matches nothing', pod({ fields: [{ key: 'spec.x', operator: 'In', values: ['n1'] }] }), false],
    ['terms are ORed', pod({ terms: [{ matchExpressions: [{ key: 'disk', operator: 'In', values: ['hdd'] }] }, { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }] }), true],
    ['an empty term matches nothing', pod({ terms: [{}] }), false],
    ['no terms match nothing', pod({ terms: [] }), false],
    ['nodeSelector and affinity both apply', pod({ nodeSelector: { disk: 'hdd' }, fields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }), false],
  ];
  for (const [title, p, want] of cases) it(title, () => assert.equal(podFitsNodeAffinity(p, n), want));
});
