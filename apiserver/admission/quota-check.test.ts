import assert from 'node:assert/strict';
import type { KObject } from '../../lib/api/types';
import type { ResourceQuotaLike } from '../../lib/api/quota-usage';
import { checkQuotas } from './quota-check';

const now = new Date('2026-01-01T00:00:00Z');
const PODS = { group: '', resource: 'pods' };
const q = (name: string, hard: Record<string, string>, used: Record<string, string> | undefined, spec: Record<string, unknown> = {}): ResourceQuotaLike =>
  ({ metadata: { name, namespace: 'ns', resourceVersion: '1' }, spec: { hard, ...spec }, status: { hard, ...(used ? { used } : {}) } }) as ResourceQuotaLike;
const pod = (containers: unknown[]): KObject => ({ metadata: { name: 'p', namespace: 'ns' }, spec: { containers } }) as KObject;
const c = (name: string, requests?: Record<string, string>, limits?: Record<string, string>) => ({ name, image: 'x', resources: { requests, limits } });

describe('ResourceQuota admission decision', () => {
  it('admits and charges every matching quota', () => {
    const d = checkQuotas([q('a', { pods: '2' }, { pods: '1' }), q('b', { 'requests.cpu': '1' }, { 'requests.cpu': '200m' }), q('c', { services: '1' }, { services: '0' })], PODS, pod([c('x', { cpu: '300m' })]), now);
    assert.ok(d.allowed);
    assert.deepEqual(d.updates.map((u) => [u.quota.metadata.name, u.used]), [['a', { pods: '2' }], ['b', { 'requests.cpu': '500m' }]]);
  });

  it('refuses with upstream\'s exceeded message', () => {
    const d = checkQuotas([q('q', { pods: '2', 'requests.cpu': '1' }, { pods: '2', 'requests.cpu': '0' })], PODS, pod([c('x', { cpu: '100m' }, { cpu: '100m' })]), now);
    assert.deepEqual(d, { allowed: false, message: 'exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2' });
  });

  it('names every exceeded resource, sorted', () => {
    const d = checkQuotas([q('q', { pods: '1', 'requests.memory': '100Mi' }, { pods: '1', 'requests.memory': '64Mi' })], PODS, pod([c('x', { memory: '64Mi' })]), now);
    assert.deepEqual(d, { allowed: false, message: 'exceeded quota: q, requested: pods=1,requests.memory=64Mi, used: pods=1,requests.memory=64Mi, limited: pods=1,requests.memory=100Mi' });
  });

  it('requires containers to state what a compute quota tracks', () => {
    const d = checkQuotas([q('compute', { 'limits.cpu': '2', 'limits.memory': '1Gi' }, { 'limits.cpu': '0', 'limits.memory': '0' })], PODS, pod([c('web', { cpu: '1' })]), now);
    assert.deepEqual(d, { allowed: false, message: 'failed quota: compute: must specify limits.cpu for: web; limits.memory for: web' });
  });

  it('waits for the controller to have measured a new quota', () => {
    const d = checkQuotas([q('fresh', { pods: '2', 'count/pods': '3' }, undefined)], PODS, pod([c('x')]), now);
    assert.deepEqual(d, { allowed: false, message: 'status unknown for quota: fresh, resources: count/pods,pods' });
  });

  it('skips quotas whose scopes the pod does not match', () => {
    const d = checkQuotas([q('be', { pods: '0' }, { pods: '0' }, { scopes: ['BestEffort'] })], PODS, pod([c('x', { cpu: '1' })]), now);
    assert.deepEqual(d, { allowed: true, updates: [] });
    const e = checkQuotas([q('be', { pods: '0' }, { pods: '0' }, { scopes: ['BestEffort'] })], PODS, pod([c('x')]), now);
    assert.deepEqual(e, { allowed: false, message: 'exceeded quota: be, requested: pods=1, used: pods=0, limited: pods=0' });
  });

  it('counts other kinds by their count/ and legacy names', () => {
    const cm = { metadata: { name: 'cm', namespace: 'ns' } } as KObject;
    const d = checkQuotas([q('q', { configmaps: '1', 'count/configmaps': '5' }, { configmaps: '1', 'count/configmaps': '1' })], { group: '', resource: 'configmaps' }, cm, now);
    assert.deepEqual(d, { allowed: false, message: 'exceeded quota: q, requested: configmaps=1, used: configmaps=1, limited: configmaps=1' });
    const dep = checkQuotas([q('q', { 'count/deployments.apps': '2' }, { 'count/deployments.apps': '1' })], { group: 'apps', resource: 'deployments' }, cm, now);
    assert.ok(dep.allowed && dep.updates[0].used['count/deployments.apps'] === '2');
  });
});

describe('ResourceQuota admission decision on updates', () => {
  const SVC = { group: '', resource: 'services' };
  const svc = (type: string, ports = 1) => ({ metadata: { name: 's', namespace: 'ns' }, spec: { type, ports: Array.from({ length: ports }, (_, i) => ({ port: 80 + i })) } }) as unknown as KObject;

  it('charges only what grew: a Service retyped to NodePort', () => {
    const d = checkQuotas([q('q', { services: '5', 'services.nodeports': '1' }, { services: '1', 'services.nodeports': '0' })], SVC, svc('NodePort'), now, svc('ClusterIP'));
    assert.ok(d.allowed);
    assert.deepEqual(d.updates.map((u) => u.used), [{ services: '1', 'services.nodeports': '1' }]);
    const over = checkQuotas([q('q', { 'services.nodeports': '1' }, { 'services.nodeports': '1' })], SVC, svc('NodePort', 2), now, svc('NodePort', 1));
    assert.deepEqual(over, { allowed: false, message: 'exceeded quota: q, requested: services.nodeports=1, used: services.nodeports=1, limited: services.nodeports=1' });
  });

  it('charges nothing when nothing grew', () => {
    assert.deepEqual(checkQuotas([q('q', { services: '1' }, { services: '1' })], SVC, svc('ClusterIP'), now, svc('ClusterIP')), { allowed: true, updates: [] });
  });
});
