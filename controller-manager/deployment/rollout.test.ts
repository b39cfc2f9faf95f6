import assert from 'node:assert/strict';
import type { Deployment, ReplicaSet } from '../../lib/api/types';
import { mkDeployment } from '../../test/fixtures/controller-manager/objects';
import {
  annotationsToCopy, computeDeploymentStatus, fenceposts, findNewRS, planPausedScale, planReplicas, resolveIntOrPercent, rsToCleanup, templateHash, REVISION_ANNOTATION, DESIRED_ANNOTATION,
} from './rollout';

function rs(name: string, replicas: number, available: number, revision: number, o: { desired?: number; statusReplicas?: number } = {}): ReplicaSet {
  return {
    metadata: { name, namespace: 'default', annotations: { [REVISION_ANNOTATION]: String(revision), ...(o.desired !== undefined ? { [DESIRED_ANNOTATION]: String(o.desired) } : {}) } },
    spec: { replicas, selector: {}, template: { spec: { containers: [] } } },
    status: { replicas: o.statusReplicas ?? replicas, availableReplicas: available, readyReplicas: available },
  };
}

describe('deployment rollout math', () => {
  const ioP: [number | string | undefined, number, boolean, number][] = [
    [2, 10, true, 2], ['25%', 10, true, 3], ['25%', 10, false, 2], ['25%', 3, true, 1], ['25%', 3, false, 0], [undefined, 4, true, 1], ['100%', 3, false, 3],
  ];
  for (const [v, total, up, want] of ioP) it(`intOrPercent ${v} of ${total} (${up ? 'up' : 'down'}) = ${want}`, () => assert.equal(resolveIntOrPercent(v, total, up, '25%'), want));

  it('fenceposts never both zero', () => {
    const d = mkDeployment('web', 3, 'x', { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: '25%' } });
    assert.deepEqual(fenceposts(d), { maxSurge: 0, maxUnavailable: 1 });
  });

  it('template hash is stable, ignores key order and the hash label, changes with the template', () => {
    const a = mkDeployment('web', 3).spec.template;
    const b = JSON.parse(JSON.stringify({ spec: a.spec, metadata: { labels: { ...a.metadata!.labels, 'pod-template-hash': 'zzz' } } }));
    assert.equal(templateHash(a), templateHash(b));
    assert.match(templateHash(a), /^[bcdfghjklmnpqrstvwxz2456789]+$/);
    assert.notEqual(templateHash(a), templateHash(mkDeployment('web', 3, 'k8ts/web:2.0').spec.template));
  });

  it('finds the new ReplicaSet by template', () => {
    const d = mkDeployment('web', 3);
    const match = rs('web-a', 3, 3, 1);
    match.spec.template = { metadata: { labels: { app: 'web', 'pod-template-hash': 'x' } }, spec: d.spec.template.spec };
    assert.equal(findNewRS(d, [rs('web-old', 0, 0, 1), match]), match);
  });

  const plan = (d: Deployment, n: ReplicaSet, olds: ReplicaSet[]) => Object.fromEntries(planReplicas(d, n, olds));
  const cases: { title: string; d: Deployment; newRS: ReplicaSet; olds: ReplicaSet[]; want: Record<string, number> }[] = [
    { title: 'fresh deployment scales the new RS to replicas', d: mkDeployment('web', 3), newRS: rs('new', 0, 0, 1), olds: [], want: { new: 3 } },
    { title: 'rollout step 1: surge 1 new, remove 0 old (3 replicas, 25%/25%)', d: mkDeployment('web', 3), newRS: rs('new', 0, 0, 2), olds: [rs('old', 3, 3, 1)], want: { new: 1, old: 3 } },
    { title: 'rollout waits while the new pod is unavailable', d: mkDeployment('web', 3), newRS: rs('new', 1, 0, 2, { desired: 3 }), olds: [rs('old', 3, 3, 1)], want: { new: 1, old: 3 } },
    { title: 'rollout step 2: new pod available → one old goes', d: mkDeployment('web', 3), newRS: rs('new', 1, 1, 2, { desired: 3 }), olds: [rs('old', 3, 3, 1)], want: { new: 1, old: 2 } },
    { title: 'unavailable old pods are removed first', d: mkDeployment('web', 4), newRS: rs('new', 1, 0, 2, { desired: 4 }), olds: [rs('old', 4, 2, 1)], want: { new: 1, old: 3 } },
    { title: 'rollout finishes', d: mkDeployment('web', 3), newRS: rs('new', 3, 3, 2, { desired: 3 }), olds: [rs('old', 1, 1, 1)], want: { new: 3, old: 0 } },
    { title: 'recreate scales old to zero first', d: mkDeployment('web', 3, 'x', { type: 'Recreate' }), newRS: rs('new', 0, 0, 2), olds: [rs('old', 3, 3, 1)], want: { new: 0, old: 0 } },
    { title: 'recreate waits for old pods to terminate', d: mkDeployment('web', 3, 'x', { type: 'Recreate' }), newRS: rs('new', 0, 0, 2), olds: [rs('old', 0, 0, 1, { statusReplicas: 2 })], want: { new: 0, old: 0 } },
    { title: 'recreate then starts the new pods', d: mkDeployment('web', 3, 'x', { type: 'Recreate' }), newRS: rs('new', 0, 0, 2), olds: [rs('old', 0, 0, 1)], want: { new: 3, old: 0 } },
    { title: 'scaling without a rollout', d: mkDeployment('web', 5), newRS: rs('new', 3, 3, 1, { desired: 3 }), olds: [rs('old', 0, 0, 1)], want: { new: 5, old: 0 } },
    { title: 'proportional scaling mid-rollout', d: mkDeployment('web', 20), newRS: rs('new', 5, 0, 2, { desired: 10 }), olds: [rs('old', 5, 5, 1, { desired: 10 })], want: { new: 10, old: 10 } },
  ];
  for (const c of cases) it(c.title, () => assert.deepEqual(plan(c.d, c.newRS, c.olds), c.want));

  it('cleans old ReplicaSets beyond revisionHistoryLimit, oldest first', () => {
    const d = mkDeployment('web', 3);
    d.spec.revisionHistoryLimit = 1;
    const olds = [rs('r3', 0, 0, 3), rs('r1', 0, 0, 1), rs('r2', 0, 0, 2), rs('busy', 1, 1, 0)];
    assert.deepEqual(rsToCleanup(d, olds).map((r) => r.metadata.name), ['r1', 'r2']);
  });

  it('status: counts and Available (Progressing is progress.ts\'s)', () => {
    const d = mkDeployment('web', 3);
    d.metadata.generation = 2;
    const n = rs('web-new', 3, 3, 2);
    const done = computeDeploymentStatus(d, n, [n], 't');
    assert.equal(done.observedGeneration, 2);
    assert.deepEqual([done.replicas, done.updatedReplicas, done.availableReplicas, done.unavailableReplicas], [3, 3, 3, 0]);
    assert.equal(done.conditions!.find((c) => c.type === 'Available')!.status, 'True');
    const half = computeDeploymentStatus(d, rs('web-new', 1, 0, 2), [rs('web-new', 1, 0, 2), rs('old', 3, 1, 1)], 't');
    assert.equal(half.conditions!.find((c) => c.type === 'Available')!.status, 'False');
    assert.equal(half.unavailableReplicas, 2);
  });

  it('copies the change-cause (not the controller and kubectl bookkeeping) onto the new ReplicaSet', () => {
    const d = mkDeployment('web', 1);
    d.metadata.annotations = {
      'kubernetes.io/change-cause': 'v2', [REVISION_ANNOTATION]: '3', 'kubectl.kubernetes.io/last-applied-configuration': '{}',
    };
    assert.deepEqual(annotationsToCopy(d, { metadata: {} }), { 'kubernetes.io/change-cause': 'v2' });
    assert.equal(annotationsToCopy(d, { metadata: { annotations: { 'kubernetes.io/change-cause': 'v2', [REVISION_ANNOTATION]: '1' } } }), undefined);
    assert.deepEqual(annotationsToCopy(d, { metadata: { annotations: { 'kubernetes.io/change-cause': 'v1', other: 'x' } } }), { 'kubernetes.io/change-cause': 'v2' });
  });

  describe('paused: scaling without rolling out', () => {
    const paused = (replicas: number) => ({ ...mkDeployment('web', replicas), spec: { ...mkDeployment('web', replicas).spec, paused: true } });
    const cases: { title: string; d: Deployment; newRS?: ReplicaSet; olds: ReplicaSet[]; want: Record<string, number> }[] = [
      { title: 'template changed while paused: no new set, the active old one scales', d: paused(5), olds: [rs('old', 3, 3, 1)], want: { old: 5 } },
      { title: 'one active (the new one): it takes the count', d: paused(2), newRS: rs('new', 4, 4, 2), olds: [rs('old', 0, 0, 1)], want: { new: 2, old: 0 } },
      { title: 'none active: the new one gets the count', d: paused(3), newRS: rs('new', 0, 0, 2), olds: [rs('old', 0, 0, 1)], want: { new: 3, old: 0 } },
      { title: 'none active, no new one: the newest old one', d: paused(3), olds: [rs('a', 0, 0, 1), rs('b', 0, 0, 2)], want: { a: 0, b: 3 } },
      { title: 'mid-rollout, saturated new: old ones go to zero', d: paused(4), newRS: rs('new', 4, 4, 2, { desired: 4 }), olds: [rs('old', 1, 1, 1)], want: { new: 4, old: 0 } },
      { title: 'mid-rollout resize: spread proportionally', d: paused(8), newRS: rs('new', 2, 2, 2, { desired: 4 }), olds: [rs('old', 3, 3, 1, { desired: 4 })], want: { new: 4, old: 5 } },
      { title: 'mid-rollout, same size: nothing moves', d: paused(4), newRS: rs('new', 2, 2, 2, { desired: 4 }), olds: [rs('old', 3, 3, 1, { desired: 4 })], want: { new: 2, old: 3 } },
    ];
    for (const c of cases) it(c.title, () => assert.deepEqual(Object.fromEntries(planPausedScale(c.d, c.newRS, c.olds)), c.want));
  });
});
