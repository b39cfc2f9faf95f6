import assert from 'node:assert/strict';
import type { KObject } from '../../lib/api/types';
import { aggregate, applyLimitRangeDefaults, claimLimitViolations, LIMIT_RANGER_ANNOTATION, podLimitViolations, type LimitRangeLike } from './limit-ranger';
import { defaultLimitRangeItem } from '../resources/validation-quota';

const lr = (...limits: Record<string, unknown>[]): LimitRangeLike => {
  for (const it of limits) defaultLimitRangeItem(it); // as stored: the apiserver defaults them
  return { metadata: { name: 'lr', namespace: 'ns' }, spec: { limits } } as LimitRangeLike;
};
const pod = (containers: unknown[], initContainers?: unknown[]): KObject =>
  ({ metadata: { name: 'p', namespace: 'ns' }, spec: { containers, ...(initContainers ? { initContainers } : {}) } }) as KObject;
const c = (name: string, requests?: Record<string, string>, limits?: Record<string, string>) => ({ name, image: 'x', resources: { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) } });

describe('LimitRanger', () => {
  it('fills default limits and requests into containers that lack them, and says so', () => {
    const p = pod([c('app', { memory: '64Mi' }), c('side', undefined, { cpu: '1' })], [c('init')]);
    applyLimitRangeDefaults(p, [lr({ type: 'Container', default: { cpu: '500m', memory: '128Mi' }, defaultRequest: { cpu: '250m' } })]);
    const spec = (p as any).spec;
    assert.deepEqual(spec.containers[0].resources, { requests: { memory: '64Mi', cpu: '250m' }, limits: { cpu: '500m', memory: '128Mi' } });
    assert.deepEqual(spec.containers[1].resources, { requests: { cpu: '250m', memory: '128Mi' }, limits: { cpu: '1', memory: '128Mi' } });
    assert.deepEqual(spec.initContainers[0].resources, { requests: { cpu: '250m', memory: '128Mi' }, limits: { cpu: '500m', memory: '128Mi' } });
    assert.equal(
      p.metadata.annotations?.[LIMIT_RANGER_ANNOTATION],
      'LimitRanger plugin set: cpu request for container app; cpu, memory limit for container app; cpu, memory request for container side; memory limit for container side; cpu, memory request for init container init; cpu, memory limit for init container init',
    );
  });

  it('leaves a pod alone when no LimitRange has Container defaults', () => {
    const p = pod([c('app')]);
    applyLimitRangeDefaults(p, [lr({ type: 'Pod', max: { cpu: '2' } })]);
    assert.equal(p.metadata.annotations, undefined);
  });

  const cases: [string, LimitRangeLike, KObject, string[]][] = [
    ['within bounds', lr({ type: 'Container', min: { cpu: '100m' }, max: { cpu: '1' } }), pod([c('a', { cpu: '200m' }, { cpu: '500m' })]), []],
    ['over the max limit', lr({ type: 'Container', max: { cpu: '1' } }), pod([c('a', { cpu: '200m' }, { cpu: '2' })]), ['maximum cpu usage per Container is 1, but limit is 2.']],
    ['no limit under a max', lr({ type: 'Container', max: { memory: '1Gi' } }), pod([c('a', { memory: '1Mi' })]), ['maximum memory usage per Container is 1Gi.  No limit is specified.']],
    ['under the min request', lr({ type: 'Container', min: { cpu: '100m' } }), pod([c('a', { cpu: '50m' })]), ['minimum cpu usage per Container is 100m, but request is 50m.']],
    ['no request above a min', lr({ type: 'Container', min: { cpu: '100m' } }), pod([c('a')]), ['minimum cpu usage per Container is 100m.  No request is specified.']],
    ['ratio exceeded', lr({ type: 'Container', maxLimitRequestRatio: { cpu: '2' } }), pod([c('a', { cpu: '100m' }, { cpu: '500m' })]), ['cpu max limit to request ratio per Container is 2, but provided ratio is 5.000000.']],
    ['pod sums over the max', lr({ type: 'Pod', max: { cpu: '1' } }), pod([c('a', { cpu: '300m' }, { cpu: '600m' }), c('b', { cpu: '300m' }, { cpu: '600m' })]), ['maximum cpu usage per Pod is 1, but limit is 1200m.']],
    ['an init container raises the pod peak', lr({ type: 'Pod', max: { cpu: '1' } }), pod([c('a', { cpu: '100m' }, { cpu: '100m' })], [c('i', { cpu: '2' }, { cpu: '2' })]), ['maximum cpu usage per Pod is 1, but limit is 2.']],
  ];
  for (const [name, range, p, want] of cases) it(`pods: ${name}`, () => assert.deepEqual(podLimitViolations(p, [range]), want));

  it('checks claims against storage min and max on requests', () => {
    const range = lr({ type: 'PersistentVolumeClaim', min: { storage: '1Gi' }, max: { storage: '10Gi' } });
    const claim = (storage: string) => ({ metadata: { name: 'c' }, spec: { resources: { requests: { storage } } } }) as unknown as KObject;
    assert.deepEqual(claimLimitViolations(claim('5Gi'), [range]), []);
    assert.deepEqual(claimLimitViolations(claim('20Gi'), [range]), ['maximum storage usage per PersistentVolumeClaim is 10Gi, but request is 20Gi.']);
    assert.deepEqual(claimLimitViolations(claim('500Mi'), [range]), ['minimum storage usage per PersistentVolumeClaim is 1Gi, but request is 500Mi.']);
  });

  it('aggregates several messages in brackets, one alone', () => {
    assert.equal(aggregate(['a']), 'a');
    assert.equal(aggregate(['a', 'b']), '[a, b]');
  });
});
