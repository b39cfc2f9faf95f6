import assert from 'node:assert/strict';
import { mkNode, mkPod } from '../../test/fixtures/scheduler/objects';
import { buildNodeInfos, type Unreadable } from './node-info';
import { buildProfile, UnknownPluginError } from './registry';
import { failureMessage, findNode } from './schedule-one';

describe('findNode', () => {
  const profile = buildProfile();
  it('picks the least allocated feasible node', () => {
    const nodes = [mkNode('a'), mkNode('b'), mkNode('c', { ready: 'False' })];
    const pods = [mkPod('x', { cpu: '1', nodeName: 'a' })];
    const r = findNode(mkPod('p', { cpu: '100m' }), [...buildNodeInfos(nodes, pods).values()], profile);
    assert.equal(r.ok && r.nodeName, 'b');
  });
  it('terminal pods free their resources', () => {
    const nodes = [mkNode('a', { cpu: '1' })];
    const pods = [mkPod('x', { cpu: '1', nodeName: 'a', phase: 'Succeeded' })];
    assert.equal(findNode(mkPod('p', { cpu: '1' }), [...buildNodeInfos(nodes, pods).values()], profile).ok, true);
  });
  it('explains why no node fits', () => {
    const nodes = [mkNode('a', { cpu: '1' }), mkNode('b', { ready: 'Unknown' }), mkNode('c', { cpu: '1' })];
    const r = findNode(mkPod('p', { cpu: '2' }), [...buildNodeInfos(nodes, []).values()], profile);
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.message, '0/3 nodes are available: 2 Insufficient cpu, 1 node(s) were not ready.');
  });
  it('single-node message matches kubectl users’ expectations', () => {
    assert.equal(failureMessage(1, { 'Insufficient cpu': 1 }), '0/1 nodes are available: 1 Insufficient cpu.');
    assert.equal(failureMessage(0, {}), '0/0 nodes are available: no nodes available to schedule pods.');
  });
  it('ties are broken by the random source', () => {
    const infos = [...buildNodeInfos([mkNode('a'), mkNode('b')], []).values()];
    assert.equal((findNode(mkPod('p'), infos, profile, () => 0) as { nodeName: string }).nodeName, 'a');
    assert.equal((findNode(mkPod('p'), infos, profile, () => 0.99) as { nodeName: string }).nodeName, 'b');
  });
  it('tainted nodes are skipped unless tolerated', () => {
    const taints = [{ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }];
    const infos = [...buildNodeInfos([mkNode('a', { taints })], []).values()];
    assert.equal(findNode(mkPod('p'), infos, profile).ok, false);
    const tol = [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists' }];
    assert.equal(findNode(mkPod('p', { tolerations: tol }), infos, profile).ok, true);
  });
  it('rejects unknown plugins', () => {
    assert.throws(() => buildProfile({ schedulerName: 'x', filter: ['Nope'], score: [] }), UnknownPluginError);
    assert.throws(() => buildProfile({ schedulerName: 'x', filter: ['NodeResourcesLeastAllocated'], score: [] }), UnknownPluginError);
  });

  it('a snapshot leaves out nodes it cannot read and counts unreadable pods without requests', () => {
    const unreadable: Unreadable[] = [];
    const nodes = [mkNode('a', { cpu: '1' }), mkNode('b', { memory: '4 GiB' })];
    const pods = [mkPod('x', { nodeName: 'a', memory: '12xyz' }), mkPod('y', { nodeName: 'a', cpu: '500m' })];
    const infos = buildNodeInfos(nodes, pods, unreadable);
    assert.deepEqual([...infos.keys()], ['a']);
    assert.deepEqual(infos.get('a')!.requested, { milliCpu: 500, memory: 0, pods: 2 });
    assert.deepEqual(unreadable.map((u) => `${u.kind} ${u.name}: ${u.reason}`), ['Pod default/x: invalid quantity "12xyz"', 'Node b: invalid quantity "4 GiB"']);
    assert.equal(findNode(mkPod('p', { cpu: '500m' }), [...infos.values()], profile).ok, true);
  });
  it('a plugin that throws fails that node with its reason, not the attempt', () => {
    const infos = [...buildNodeInfos([mkNode('a'), mkNode('b')], []).values()];
    const r = findNode(mkPod('p', { cpu: 'abc' }), infos, profile);
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.message, '0/2 nodes are available: 2 NodeResourcesFit: invalid quantity "abc".');
    assert.equal(!r.ok && r.error, true);
  });
});
