import assert from 'node:assert/strict';
import { mkNode, mkPod } from '../../test/fixtures/scheduler/objects';
import { SchedulerCache } from './cache';
import { interleaveZones, Snapshot } from './snapshot';

const zoned = (name: string, zone: string) => mkNode(name, { labels: { 'kubernetes.io/hostname': name, 'topology.kubernetes.io/zone': zone } });

describe('SchedulerCache', () => {
  it('counts bound and assumed pods; confirms, forgets and expires assumptions', () => {
    let now = 0;
    const c = new SchedulerCache(30_000, () => now);
    c.addNode(mkNode('a'));
    c.addPod(mkPod('bound', { cpu: '1', nodeName: 'a' }));
    const assumed = mkPod('x', { cpu: '500m', nodeName: 'a' });
    c.assumePod(assumed);
    const snap = new Snapshot();
    c.updateSnapshot(snap);
    assert.equal(snap.get('a')!.requested.milliCpu, 1500);
    assert.equal(c.isAssumed(assumed), true);
    // Confirmation by the informer keeps the count, no longer assumed.
    c.addPod(assumed);
    assert.equal(c.isAssumed(assumed), false);
    c.updateSnapshot(snap);
    assert.equal(snap.get('a')!.requested.milliCpu, 1500);
    // A failed binding is forgotten.
    const y = mkPod('y', { cpu: '250m', nodeName: 'a' });
    c.assumePod(y);
    c.forgetPod(y);
    c.updateSnapshot(snap);
    assert.equal(snap.get('a')!.requested.milliCpu, 1500);
    // An assumption whose Binding was written but never confirmed expires after the TTL.
    const z = mkPod('z', { cpu: '100m', nodeName: 'a' });
    c.assumePod(z);
    now = 100_000; // no expiry while binding is in flight
    c.updateSnapshot(snap);
    assert.equal(snap.get('a')!.requested.milliCpu, 1600);
    c.finishBinding(z);
    now += 30_001;
    c.updateSnapshot(snap);
    assert.equal(snap.get('a')!.requested.milliCpu, 1500);
  });

  it('terminal pods free their node; deleted pods leave', () => {
    const c = new SchedulerCache();
    c.addNode(mkNode('a'));
    const p = mkPod('p', { cpu: '1', nodeName: 'a' });
    c.addPod(p);
    c.updatePod(p, { ...p, status: { phase: 'Succeeded' } });
    const snap = new Snapshot();
    c.updateSnapshot(snap);
    assert.equal(snap.get('a')!.requested.milliCpu, 0);
    const q = mkPod('q', { cpu: '1', nodeName: 'a' });
    c.addPod(q);
    c.removePod(q);
    c.updateSnapshot(snap);
    assert.equal(snap.get('a')!.pods.length, 0);
  });

  it('copies only the NodeInfos that changed since the last snapshot', () => {
    const c = new SchedulerCache();
    for (const n of ['a', 'b', 'c']) c.addNode(mkNode(n));
    const snap = new Snapshot();
    c.updateSnapshot(snap);
    const [a, b] = [snap.get('a'), snap.get('b')];
    c.addPod(mkPod('p', { nodeName: 'b' }));
    c.updateSnapshot(snap);
    assert.equal(snap.get('a'), a, 'unchanged node kept');
    assert.notEqual(snap.get('b'), b, 'changed node copied');
    assert.equal(b!.pods.length, 0, 'the old copy was not mutated');
    assert.equal(snap.list().length, 3);
  });

  it('pods that arrive before their node are kept; a removed node leaves the snapshot', () => {
    const c = new SchedulerCache();
    c.addPod(mkPod('early', { cpu: '1', nodeName: 'late' }));
    const snap = new Snapshot();
    c.updateSnapshot(snap);
    assert.equal(snap.get('late'), undefined);
    c.addNode(mkNode('late'));
    c.updateSnapshot(snap);
    assert.equal(snap.get('late')!.requested.milliCpu, 1000);
    c.removeNode(mkNode('late'));
    c.updateSnapshot(snap);
    assert.equal(snap.list().length, 0);
  });

  it('lists nodes with zones interleaved and keeps affinity lists', () => {
    const c = new SchedulerCache();
    for (const [n, z] of [['a1', 'a'], ['a2', 'a'], ['a3', 'a'], ['b1', 'b'], ['c1', 'c']]) c.addNode(zoned(n, z));
    const p = mkPod('aff', { nodeName: 'b1' });
    (p.spec as Record<string, unknown>).affinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'x' } }, topologyKey: 'kubernetes.io/hostname' }] } };
    c.addPod(p);
    const snap = new Snapshot();
    c.updateSnapshot(snap);
    assert.deepEqual(snap.list().map((i) => i.name), ['a1', 'b1', 'c1', 'a2', 'a3']);
    assert.deepEqual(snap.havePodsWithRequiredAntiAffinityList().map((i) => i.name), ['b1']);
    assert.deepEqual(snap.havePodsWithAffinityList().map((i) => i.name), ['b1']);
  });

  it('interleaveZones leaves a single zone in order', () => {
    assert.deepEqual(interleaveZones(['x', 'y'], () => ''), ['x', 'y']);
  });

  it('a node whose allocatable cannot be read is left out and reported', () => {
    const c = new SchedulerCache();
    c.addNode(mkNode('bad', { cpu: 'lots' }));
    const snap = new Snapshot();
    c.updateSnapshot(snap);
    assert.equal(snap.list().length, 0);
    assert.equal(c.unreadable[0].name, 'bad');
  });
});
