import assert from 'node:assert/strict';
import type { Node, Pod } from '../../../lib/api/types';
import { fakeHandle } from '../../../test/fixtures/scheduler/fake-handle-topo';
import { affinity, HOST, lPod, term, ZONE, zNode } from '../../../test/fixtures/scheduler/topology';
import { ActionType } from '../../framework/types';
import { InterPodAffinity } from '.';

const web = { app: 'web' };
const db = { app: 'db' };
const pl = new InterPodAffinity(undefined, fakeHandle({ nodes: [] }));
const [podEvents, nodeEvents] = pl.eventsToRegister();
const withAffinity = lPod('p', web, { affinity: affinity({ req: [term(ZONE, db)] }) });
const withAnti = lPod('p', web, { affinity: affinity({ antiReq: [term(HOST, web)] }) });
const plain = lPod('p', web);
const bound = (name: string, labels: Record<string, string>, aff?: Record<string, unknown>) => lPod(name, labels, { nodeName: 'n1', affinity: aff });

describe('plugin InterPodAffinity: queueing hints', () => {
  it('registers pod add/label/delete and node add/label', () => {
    assert.deepEqual(podEvents.event, { resource: 'Pod', actionType: ActionType.Add | ActionType.UpdatePodLabel | ActionType.Delete });
    assert.deepEqual(nodeEvents.event, { resource: 'Node', actionType: ActionType.Add | ActionType.UpdateNodeLabel });
  });

  const podCases: [string, Pod, Pod | undefined, Pod | undefined, string][] = [
    ['a pod matching the affinity is added', withAffinity, undefined, bound('d', db), 'Queue'],
    ['a pod not matching the affinity is added', withAffinity, undefined, bound('d', web), 'QueueSkip'],
    ['an unscheduled pod is added', withAffinity, undefined, lPod('d', db), 'QueueSkip'],
    ['a pod relabelled into the affinity', withAffinity, bound('d', web), bound('d', db), 'Queue'],
    ['a pod matching the anti-affinity is deleted', withAnti, bound('w', web), undefined, 'Queue'],
    ['a pod relabelled out of the anti-affinity', withAnti, bound('w', web), bound('w', db), 'Queue'],
    ['an unrelated pod is deleted', withAnti, bound('d', db), undefined, 'QueueSkip'],
    ['a pod whose anti-affinity rejected the pod is deleted', plain, bound('d', db, affinity({ antiReq: [term(ZONE, web)] })), undefined, 'Queue'],
  ];
  for (const [name, pod, o, n, want] of podCases) it(`pod: ${name} → ${want}`, () => assert.equal(podEvents.hint!(pod, o, n), want));

  const node = (labels: Record<string, string>): Node => zNode('n', undefined, labels);
  const nodeCases: [string, Pod, Node | undefined, Node | undefined, string][] = [
    ['a node with the affinity key is added', withAffinity, undefined, node({ [ZONE]: 'a' }), 'Queue'],
    ['a node without the affinity key is added', withAffinity, undefined, node({}), 'QueueSkip'],
    ['any node is added (anti-affinity)', withAnti, undefined, node({}), 'Queue'],
    ['the affinity key appears', withAffinity, node({}), node({ [ZONE]: 'a' }), 'Queue'],
    ['an unrelated label changes', withAffinity, node({ [ZONE]: 'a' }), node({ [ZONE]: 'a', x: 'y' }), 'QueueSkip'],
    ['the anti-affinity key changes', withAnti, node({ [HOST]: 'a' }), node({ [HOST]: 'b' }), 'Queue'],
  ];
  for (const [name, pod, o, n, want] of nodeCases) it(`node: ${name} → ${want}`, () => assert.equal(nodeEvents.hint!(pod, o, n), want));
});
