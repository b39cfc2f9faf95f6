import assert from 'node:assert/strict';
import type { Node, Pod } from '../../../lib/api/types';
import { fakeHandle } from '../../../test/fixtures/scheduler/fake-handle-topo';
import { lPod, spread, ZONE, zNode } from '../../../test/fixtures/scheduler/topology';
import { ActionType } from '../../framework/types';
import { PodTopologySpread } from '.';

const web = { app: 'web' };
const pl = new PodTopologySpread(undefined, fakeHandle({ nodes: [] }));
const pod = lPod('p', web, { spread: [spread(ZONE, 1, web, { nodeTaintsPolicy: 'Honor' })], nodeSelector: { disk: 'ssd' } });
const [podEvents, nodeEvents] = pl.eventsToRegister();

describe('plugin PodTopologySpread: queueing hints', () => {
  it('registers pod add/label/delete and node add/delete/label/taint', () => {
    assert.deepEqual(podEvents.event, { resource: 'Pod', actionType: ActionType.Add | ActionType.UpdatePodLabel | ActionType.Delete });
    assert.deepEqual(nodeEvents.event, { resource: 'Node', actionType: ActionType.Add | ActionType.Delete | ActionType.UpdateNodeLabel | ActionType.UpdateNodeTaint });
  });

  const bound = (labels: Record<string, string>, ns?: string) => lPod('e', labels, { nodeName: 'n1', ns });
  const podCases: [string, Pod | undefined, Pod | undefined, string][] = [
    ['a matching pod is added', undefined, bound(web), 'Queue'],
    ['a matching pod is deleted', bound(web), undefined, 'Queue'],
    ['a pod the selector does not match is added', undefined, bound({ app: 'db' }), 'QueueSkip'],
    ['a matching pod of another namespace', undefined, bound(web, 'other'), 'QueueSkip'],
    ['an unscheduled matching pod', undefined, lPod('e', web), 'QueueSkip'],
    ['labels changed into the selector', bound({ app: 'db' }), bound(web), 'Queue'],
    ['labels changed, selector verdict unchanged', bound({ ...web, x: '1' }), bound({ ...web, x: '2' }), 'QueueSkip'],
  ];
  for (const [name, o, n, want] of podCases) it(`pod: ${name} → ${want}`, () => assert.equal(podEvents.hint!(pod, o, n), want));

  const node = (labels: Record<string, string>, taints?: unknown[]): Node => zNode('n', undefined, labels, { taints });
  const nodeCases: [string, Node | undefined, Node | undefined, string][] = [
    ['a node with the zone key is added', undefined, node({ [ZONE]: 'a' }), 'Queue'],
    ['a node without the zone key is added', undefined, node({}), 'QueueSkip'],
    ['a node with the key is deleted', node({ [ZONE]: 'a' }), undefined, 'Queue'],
    ['the zone value changed', node({ [ZONE]: 'a' }), node({ [ZONE]: 'b' }), 'Queue'],
    ['taints changed (Honor)', node({ [ZONE]: 'a' }), node({ [ZONE]: 'a' }, [{ key: 'k', effect: 'NoSchedule' }]), 'Queue'],
    ['another label changed (the pod has a nodeSelector)', node({ [ZONE]: 'a' }), node({ [ZONE]: 'a', disk: 'ssd' }), 'Queue'],
    ['nothing relevant changed', node({ [ZONE]: 'a' }), node({ [ZONE]: 'a' }), 'QueueSkip'],
  ];
  for (const [name, o, n, want] of nodeCases) it(`node: ${name} → ${want}`, () => assert.equal(nodeEvents.hint!(pod, o, n), want));
});
