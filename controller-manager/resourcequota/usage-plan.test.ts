import assert from 'node:assert/strict';
import type { KObject } from '../../lib/api/types';
import type { ResourceQuotaLike } from '../../lib/api/quota-usage';
import { desiredQuotaStatus, grKey, quotaStatusDiffers, trackedKinds } from './usage-plan';

const KNOWN = [{ group: '', resource: 'pods' }, { group: '', resource: 'services' }, { group: '', resource: 'configmaps' }, { group: 'apps', resource: 'deployments' }];
const now = new Date('2026-01-01T00:00:00Z');
const quota = (hard: Record<string, string>, status?: Record<string, unknown>): ResourceQuotaLike =>
  ({ metadata: { name: 'q', namespace: 'ns' }, spec: { hard }, ...(status ? { status } : {}) }) as ResourceQuotaLike;
const pod = (cpu?: string, phase = 'Running') =>
  ({ metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'x', resources: cpu ? { requests: { cpu } } : {} }] }, status: { phase } }) as KObject;

describe('resource quota controller plan', () => {
  it('tracks the kinds its names count', () => {
    assert.deepEqual(trackedKinds(['pods', 'count/deployments.apps'], KNOWN), [{ group: '', resource: 'pods' }, { group: 'apps', resource: 'deployments' }]);
  });

  it('copies hard from spec and recalculates used, zero for names nothing counts', () => {
    const q = quota({ pods: '5', 'requests.cpu': '2', configmaps: '3', 'count/widgets.example.com': '1' });
    const objects = new Map([
      [grKey({ group: '', resource: 'pods' }), [pod('500m'), pod('250m'), pod('1', 'Succeeded')]],
      [grKey({ group: '', resource: 'configmaps' }), [{ metadata: { name: 'a' } } as KObject]],
    ]);
    assert.deepEqual(desiredQuotaStatus(q, objects, KNOWN, now), {
      hard: { pods: '5', 'requests.cpu': '2', configmaps: '3', 'count/widgets.example.com': '1' },
      used: { configmaps: '1', 'count/widgets.example.com': '0', pods: '2', 'requests.cpu': '750m' },
    });
  });

  it('writes only when the values differ', () => {
    const next = { hard: { pods: '5' }, used: { pods: '2' } };
    assert.equal(quotaStatusDiffers(quota({ pods: '5' }), next), true);
    assert.equal(quotaStatusDiffers(quota({ pods: '5' }, { hard: { pods: '5' }, used: { pods: '2' } }), next), false);
    assert.equal(quotaStatusDiffers(quota({ pods: '5' }, { hard: { pods: '5' }, used: { pods: '3' } }), next), true);
  });
});
