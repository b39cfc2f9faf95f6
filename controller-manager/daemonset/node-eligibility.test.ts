import assert from 'node:assert/strict';
import type { Pod } from '../../lib/api/types';
import { mkDS, mkNode } from '../../test/fixtures/controller-manager/daemon-sets';
import { daemonPodTolerations, nodeShouldRunDaemonPod, pinToNode, targetNodeName, withDaemonTolerations } from './node-eligibility';

describe('daemonset node eligibility', () => {
  const cases: { title: string; ds: ReturnType<typeof mkDS>; node: ReturnType<typeof mkNode>; run: boolean; stay: boolean }[] = [
    { title: 'a plain node', ds: mkDS('a'), node: mkNode('n'), run: true, stay: true },
    { title: 'nodeSelector matches', ds: mkDS('a', { nodeSelector: { disk: 'ssd' } }), node: mkNode('n', { labels: { disk: 'ssd' } }), run: true, stay: true },
    { title: 'nodeSelector does not match', ds: mkDS('a', { nodeSelector: { disk: 'ssd' } }), node: mkNode('n'), run: false, stay: false },
    { title: 'control-plane NoSchedule taint keeps new pods off, lets old ones stay', ds: mkDS('a'), node: mkNode('n', { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] }), run: false, stay: true },
    { title: 'tolerated control-plane taint', ds: mkDS('a', { tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }] }), node: mkNode('n', { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] }), run: true, stay: true },
    { title: 'untolerated NoExecute taint: neither', ds: mkDS('a'), node: mkNode('n', { taints: [{ key: 'dedicated', value: 'db', effect: 'NoExecute' }] }), run: false, stay: false },
    { title: 'not-ready NoExecute is tolerated automatically', ds: mkDS('a'), node: mkNode('n', { taints: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }] }), run: true, stay: true },
    { title: 'unreachable NoExecute is tolerated automatically', ds: mkDS('a'), node: mkNode('n', { taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }] }), run: true, stay: true },
    { title: 'cordoned (unschedulable taint) is tolerated', ds: mkDS('a'), node: mkNode('n', { unschedulable: true, taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] }), run: true, stay: true },
    { title: 'memory pressure is tolerated', ds: mkDS('a'), node: mkNode('n', { taints: [{ key: 'node.kubernetes.io/memory-pressure', effect: 'NoSchedule' }] }), run: true, stay: true },
    { title: 'network-unavailable: not tolerated without hostNetwork', ds: mkDS('a'), node: mkNode('n', { taints: [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }] }), run: false, stay: true },
    { title: 'network-unavailable: tolerated with hostNetwork', ds: mkDS('a', { hostNetwork: true }), node: mkNode('n', { taints: [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }] }), run: true, stay: true },
    { title: 'PreferNoSchedule never keeps a pod off', ds: mkDS('a'), node: mkNode('n', { taints: [{ key: 'x', effect: 'PreferNoSchedule' }] }), run: true, stay: true },
  ];
  for (const c of cases) {
    it(c.title, () => assert.deepEqual(nodeShouldRunDaemonPod(c.node, c.ds), { shouldRun: c.run, shouldContinueRunning: c.stay }));
  }

  it('a template nodeName limits the set to that node', () => {
    const ds = mkDS('a');
    ds.spec.template.spec.nodeName = 'n1';
    assert.equal(nodeShouldRunDaemonPod(mkNode('n1'), ds).shouldRun, true);
    assert.deepEqual(nodeShouldRunDaemonPod(mkNode('n2'), ds), { shouldRun: false, shouldContinueRunning: false });
  });

  it('required node affinity of the template is honoured', () => {
    const ds = mkDS('a');
    ds.spec.template.spec.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }] } } };
    assert.equal(nodeShouldRunDaemonPod(mkNode('n1', { labels: { zone: 'a' } }), ds).shouldRun, true);
    assert.equal(nodeShouldRunDaemonPod(mkNode('n2', { labels: { zone: 'b' } }), ds).shouldRun, false);
  });

  it('adds the daemon tolerations in upstream order, replacing a matching one in place', () => {
    const keys = (t: { key?: string }[]) => t.map((x) => x.key);
    assert.deepEqual(keys(daemonPodTolerations(false)), [
      'node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable', 'node.kubernetes.io/disk-pressure', 'node.kubernetes.io/memory-pressure',
      'node.kubernetes.io/pid-pressure', 'node.kubernetes.io/unschedulable',
    ]);
    assert.equal(keys(daemonPodTolerations(true)).at(-1), 'node.kubernetes.io/network-unavailable');
    const mine = [{ key: 'x', operator: 'Exists' }, { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }];
    const got = withDaemonTolerations({ containers: [], tolerations: mine });
    assert.equal(got.length, 7);
    assert.deepEqual(got[0], { key: 'x', operator: 'Exists' });
    assert.deepEqual(got[1], { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' }, 'tolerationSeconds dropped: forever');
  });

  it('pins a pod to its node through required affinity, keeping the rest of its affinity', () => {
    const aff = pinToNode({ nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1 }], requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [] }] } }, podAntiAffinity: { x: 1 } }, 'n1');
    assert.deepEqual(aff, {
      nodeAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1 }],
        requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }] },
      },
      podAntiAffinity: { x: 1 },
    });
    const pod = { metadata: { name: 'p' }, spec: { containers: [], affinity: aff } } as unknown as Pod;
    assert.equal(targetNodeName(pod), 'n1');
    assert.equal(targetNodeName({ ...pod, spec: { ...pod.spec, nodeName: 'n2' } }), 'n2');
    assert.equal(targetNodeName({ metadata: {}, spec: { containers: [] } } as unknown as Pod), undefined);
  });
});
