import assert from 'node:assert/strict';
import type { Node, Pod } from '../lib/api/types';
import type { StorageClass } from '../lib/api/storage';
import { checkPodVolumes, nodeMatchesTerms, type ClaimLike, type VolumeLike } from './volume-binding';

const node = (name: string, labels: Record<string, string> = {}): Node => ({ metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } }, spec: {} }) as Node;
const nodes = [node('n1', { zone: 'a' }), node('n2', { zone: 'b' })];
const pod = (...claims: string[]): Pod => ({ metadata: { name: 'p', namespace: 'ns' }, spec: { containers: [], volumes: claims.map((c) => ({ name: c, persistentVolumeClaim: { claimName: c } })) } }) as Pod;
const claims: Record<string, ClaimLike> = {
  bound: { metadata: { name: 'bound', namespace: 'ns' }, spec: { volumeName: 'pv-n2' } },
  wffc: { metadata: { name: 'wffc', namespace: 'ns' }, spec: { storageClassName: 'local-path' } },
  selected: { metadata: { name: 'selected', namespace: 'ns', annotations: { 'volume.kubernetes.io/selected-node': 'n1' } }, spec: { storageClassName: 'local-path' } },
  immediate: { metadata: { name: 'immediate', namespace: 'ns' }, spec: { storageClassName: 'fast' } },
  dying: { metadata: { name: 'dying', namespace: 'ns', deletionTimestamp: 'x' }, spec: {} },
};
const volumes: Record<string, VolumeLike> = {
  'pv-n2': { metadata: { name: 'pv-n2' }, spec: { nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['n2'] }] }] } } } },
};
const classes: Record<string, StorageClass> = {
  'local-path': { metadata: { name: 'local-path' }, provisioner: 'k8ts.io/local-path', volumeBindingMode: 'WaitForFirstConsumer' },
  fast: { metadata: { name: 'fast' }, provisioner: 'x', volumeBindingMode: 'Immediate' },
};
const look = { claim: (_ns: string, n: string) => claims[n], volume: (n: string) => volumes[n], storageClass: (n: string) => classes[n] };
const show = (r: ReturnType<typeof checkPodVolumes>) =>
  r.ok ? { nodes: r.nodes ? [...r.nodes] : 'any', provision: r.provision.map((c) => c.metadata.name) } : r.message;

describe('scheduler volume step', () => {
  const cases: [string, Pod, unknown][] = [
    ['no claims: any node', pod(), { nodes: 'any', provision: [] }],
    ['a bound claim follows its volume', pod('bound'), { nodes: ['n2'], provision: [] }],
    ['a WaitForFirstConsumer claim is provisioned where the pod goes', pod('wffc'), { nodes: 'any', provision: ['wffc'] }],
    ['a claim already selected for a node keeps the pod there', pod('selected'), { nodes: ['n1'], provision: ['selected'] }],
    ['an Immediate claim is left to the binder', pod('immediate'), { nodes: 'any', provision: [] }],
    ['conflicting claims leave no node', pod('bound', 'selected'), { nodes: [], provision: ['selected'] }],
    ['a missing claim', pod('nope'), 'persistentvolumeclaim "nope" not found'],
    ['a deleting claim', pod('dying'), 'persistentvolumeclaim "dying" is being deleted'],
  ];
  for (const [title, p, want] of cases) it(title, () => assert.deepEqual(show(checkPodVolumes(p, nodes, look)), want));

  it('matches node selector terms as upstream (terms ORed, expressions ANDed)', () => {
    const t = (key: string, operator: string, values?: string[]) => ({ matchExpressions: [{ key, operator, values }] });
    assert.equal(nodeMatchesTerms(nodes[0], [t('zone', 'In', ['a'])]), true);
    assert.equal(nodeMatchesTerms(nodes[0], [t('zone', 'NotIn', ['a'])]), false);
    assert.equal(nodeMatchesTerms(nodes[0], [t('zone', 'NotIn', ['b']), t('x', 'Exists')]), true);
    assert.equal(nodeMatchesTerms(nodes[0], [t('x', 'DoesNotExist')]), true);
    assert.equal(nodeMatchesTerms(nodes[0], [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }]), true);
    assert.equal(nodeMatchesTerms(nodes[0], [{}]), false);
  });
});
