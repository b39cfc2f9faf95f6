import assert from 'node:assert/strict';
import type { Pod } from '../../lib/api/types';
import { JOB_TRACKING_FINALIZER, type Job } from '../../lib/api/batch';
import { adoptPatch, claimJobPods, jobOwnerRef, releasePatch } from './job-pods';

const T = '2024-01-01T00:00:00Z';
const job: Job = {
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'j', namespace: 'default', uid: 'uid-j' },
  spec: { selector: { matchLabels: { app: 'batch' } }, template: { metadata: { labels: { app: 'batch' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } },
};
const pod = (name: string, o: { labels?: Record<string, string>; owner?: Job | 'other'; phase?: string; deleting?: boolean; finalizers?: string[] } = {}): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    namespace: 'default',
    uid: `uid-${name}`,
    resourceVersion: '7',
    labels: o.labels ?? { app: 'batch' },
    ...(o.owner === 'other' ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'uid-rs', controller: true }] } : {}),
    ...(o.owner && o.owner !== 'other' ? { ownerReferences: [jobOwnerRef(o.owner)] } : {}),
    ...(o.deleting ? { deletionTimestamp: T } : {}),
    ...(o.finalizers ? { finalizers: o.finalizers } : {}),
  },
  spec: { containers: [{ name: 'c', image: 'i' }] },
  status: { phase: (o.phase ?? 'Running') as 'Running' },
});
const names = (ps: Pod[]) => ps.map((p) => p.metadata.name);

describe('job pod claim (upstream getPodsForJob)', () => {
  const cases: [string, Job, Pod[], string[], string[], string[]][] = [
    ['owned and matching', job, [pod('a', { owner: job })], ['a'], [], []],
    ['a running orphan is adopted', job, [pod('o')], [], ['o'], []],
    ['a finished orphan is adopted too, so it counts', job, [pod('s', { phase: 'Succeeded' }), pod('f', { phase: 'Failed' })], [], ['s', 'f'], []],
    ['an orphan on its way out is not adopted', job, [pod('d', { deleting: true })], [], [], []],
    ['an orphan that does not match is left alone', job, [pod('x', { labels: { app: 'web' } })], [], [], []],
    ['a pod of another controller is left alone', job, [pod('r', { owner: 'other' })], [], [], []],
    ['an owned pod that stopped matching is released, even when terminating', job, [pod('m', { owner: job, labels: {} }), pod('md', { owner: job, labels: {}, deleting: true })], [], [], ['m', 'md']],
    ['a Job being deleted neither adopts nor releases', { ...job, metadata: { ...job.metadata, deletionTimestamp: T } }, [pod('o'), pod('m', { owner: job, labels: {} }), pod('a', { owner: job })], ['a'], [], []],
    ['a Job without a selector keeps what it owns and adopts nothing', { ...job, spec: { ...job.spec, selector: undefined } }, [pod('o'), pod('a', { owner: job, labels: {} })], ['a'], [], []],
  ];
  for (const [title, j, pods, owned, adopt, release] of cases) {
    it(title, () => {
      const c = claimJobPods(j, pods);
      assert.deepEqual([names(c.owned), names(c.adopt), names(c.release)], [owned, adopt, release]);
    });
  }

  it('adopting adds the controller reference and the tracking finalizer, guarded by resourceVersion', () => {
    const p = pod('o', { finalizers: ['example.com/keep'] });
    p.metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'cm', uid: 'uid-cm' }];
    assert.deepEqual(adoptPatch(job, p), {
      metadata: {
        ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'cm', uid: 'uid-cm' }, { apiVersion: 'batch/v1', kind: 'Job', name: 'j', uid: 'uid-j', controller: true, blockOwnerDeletion: true }],
        finalizers: ['example.com/keep', JOB_TRACKING_FINALIZER],
        resourceVersion: '7',
      },
    });
  });

  it('releasing removes our reference and the tracking finalizer, keeping the rest', () => {
    const p = pod('m', { owner: job, finalizers: [JOB_TRACKING_FINALIZER, 'example.com/keep'] });
    assert.deepEqual(releasePatch(job, p), { metadata: { ownerReferences: [], finalizers: ['example.com/keep'], resourceVersion: '7' } });
  });
});
