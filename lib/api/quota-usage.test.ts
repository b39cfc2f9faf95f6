import assert from 'node:assert/strict';
import { addLists, exceeded, formatResourceList, maskList, parseResourceList, prettyPrint, removeZeros, subtractLists } from './quota-math';
import { matchingResources, podConstraintError, quotaMatches, totalUsage, usageOf, type ResourceQuotaLike } from './quota-usage';
import type { KObject } from './types';

const now = new Date('2026-01-01T00:00:00Z');
const PODS = { group: '', resource: 'pods' };
const pod = (spec: Record<string, unknown>, extra: Record<string, unknown> = {}): KObject =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec, ...extra }) as KObject;
const c = (name: string, requests?: Record<string, string>, limits?: Record<string, string>, restartPolicy?: string) => ({
  name, image: 'x', resources: { requests, limits }, ...(restartPolicy ? { restartPolicy } : {}),
});
const show = (l: ReturnType<typeof usageOf>) => formatResourceList(l);
const quota = (hard: Record<string, string>, spec: Record<string, unknown> = {}): ResourceQuotaLike =>
  ({ metadata: { name: 'q', namespace: 'ns' }, spec: { hard, ...spec }, status: { hard, used: {} } }) as ResourceQuotaLike;

describe('quota math', () => {
  it('adds, subtracts and prints exactly across formats', () => {
    const a = parseResourceList({ cpu: '500m', memory: '128Mi', pods: '1' });
    const b = parseResourceList({ cpu: '1', memory: '128Mi', services: '2' });
    assert.deepEqual(formatResourceList(addLists(a, b)), { cpu: '1500m', memory: '256Mi', pods: '1', services: '2' });
    assert.deepEqual(formatResourceList(subtractLists(a, b)), { cpu: '-500m', memory: '0', pods: '1', services: '-2' });
    assert.deepEqual(Object.keys(removeZeros(subtractLists(a, b))).sort(), ['cpu', 'pods', 'services']);
  });

  it('finds what exceeds a limit and prints it as upstream does', () => {
    const used = parseResourceList({ pods: '3', 'requests.cpu': '1' });
    const hard = parseResourceList({ pods: '2', 'requests.cpu': '2' });
    assert.deepEqual(exceeded(used, hard), ['pods']);
    assert.equal(prettyPrint(maskList(used, ['pods', 'requests.cpu'])), 'pods=3,requests.cpu=1');
  });
});

describe('quota usage', () => {
  it('charges a pod its summed requests and limits, count and pods', () => {
    const p = pod({ containers: [c('a', { cpu: '100m', memory: '64Mi' }, { cpu: '200m', memory: '64Mi' }), c('b', { cpu: '300m' }, { cpu: '1' })] });
    assert.deepEqual(show(usageOf(PODS, p, now)), {
      'count/pods': '1', cpu: '400m', 'limits.cpu': '1200m', 'limits.memory': '64Mi', memory: '64Mi', pods: '1', 'requests.cpu': '400m', 'requests.memory': '64Mi',
    });
  });

  it('takes the larger of the app containers and an init container, with sidecars added to both', () => {
    const p = pod({ initContainers: [c('side', { cpu: '100m' }, undefined, 'Always'), c('init', { cpu: '1' })], containers: [c('app', { cpu: '200m' })] });
    // app + sidecar = 300m; init + sidecar = 1100m
    assert.equal(show(usageOf(PODS, p, now))['requests.cpu'], '1100m');
  });

  it('a finished or expired pod only counts as an object', () => {
    const done = pod({ containers: [c('a', { cpu: '1' })] }, { status: { phase: 'Succeeded' } });
    assert.deepEqual(show(usageOf(PODS, done, now)), { 'count/pods': '1' });
    const gone = pod({ containers: [c('a', { cpu: '1' })] });
    gone.metadata.deletionTimestamp = '2025-12-31T23:59:00Z';
    gone.metadata.deletionGracePeriodSeconds = 30;
    assert.deepEqual(show(usageOf(PODS, gone, now)), { 'count/pods': '1' });
  });

  it('counts services with node ports and load balancers, claims with storage per class, other kinds by count', () => {
    const svc = { metadata: { name: 's' }, spec: { type: 'LoadBalancer', ports: [{ port: 80 }, { port: 443 }] } } as unknown as KObject;
    assert.deepEqual(show(usageOf({ group: '', resource: 'services' }, svc, now)), { 'count/services': '1', services: '1', 'services.loadbalancers': '1', 'services.nodeports': '2' });
    const pvc = { metadata: { name: 'c' }, spec: { storageClassName: 'fast', resources: { requests: { storage: '1Gi' } } } } as unknown as KObject;
    assert.deepEqual(show(usageOf({ group: '', resource: 'persistentvolumeclaims' }, pvc, now)), {
      'count/persistentvolumeclaims': '1', 'fast.storageclass.storage.k8s.io/persistentvolumeclaims': '1', 'fast.storageclass.storage.k8s.io/requests.storage': '1Gi',
      persistentvolumeclaims: '1', 'requests.storage': '1Gi',
    });
    assert.deepEqual(show(usageOf({ group: '', resource: 'configmaps' }, svc, now)), { 'count/configmaps': '1', configmaps: '1' });
    assert.deepEqual(show(usageOf({ group: 'apps', resource: 'deployments' }, svc, now)), { 'count/deployments.apps': '1' });
  });

  it('matches the names each kind consumes', () => {
    const names = ['pods', 'count/pods', 'requests.cpu', 'services', 'configmaps', 'count/deployments.apps', 'requests.nvidia.com/gpu'];
    assert.deepEqual(matchingResources(PODS, names), ['pods', 'count/pods', 'requests.cpu', 'requests.nvidia.com/gpu']);
    assert.deepEqual(matchingResources({ group: '', resource: 'configmaps' }, names), ['configmaps']);
    assert.deepEqual(matchingResources({ group: 'apps', resource: 'deployments' }, names), ['count/deployments.apps']);
    assert.deepEqual(matchingResources({ group: '', resource: 'secrets' }, names), []);
  });

  const scopes: [string, string[], KObject, boolean][] = [
    ['BestEffort matches a pod without resources', ['BestEffort'], pod({ containers: [c('a')] }), true],
    ['BestEffort skips a pod with requests', ['BestEffort'], pod({ containers: [c('a', { cpu: '1' })] }), false],
    ['NotBestEffort matches a pod with requests', ['NotBestEffort'], pod({ containers: [c('a', { cpu: '1' })] }), true],
    ['Terminating matches activeDeadlineSeconds', ['Terminating'], pod({ activeDeadlineSeconds: 10, containers: [c('a')] }), true],
    ['NotTerminating skips activeDeadlineSeconds', ['NotTerminating'], pod({ activeDeadlineSeconds: 10, containers: [c('a')] }), false],
    ['every scope must match', ['NotTerminating', 'BestEffort'], pod({ containers: [c('a', { cpu: '1' })] }), false],
  ];
  for (const [name, sc, p, want] of scopes) it(`scope: ${name}`, () => assert.equal(quotaMatches(quota({ pods: '5' }, { scopes: sc }), PODS, p), want));

  it('scoped quotas never match other kinds', () => {
    assert.equal(quotaMatches(quota({ pods: '5', services: '1' }, { scopes: ['NotBestEffort'] }), { group: '', resource: 'services' }, pod({})), false);
  });

  it('requires every container to state cpu and memory the quota tracks, in upstream words', () => {
    const p = pod({ containers: [c('b', { cpu: '1' }), c('a')], initContainers: [c('i', { memory: '1Mi' })] });
    assert.equal(podConstraintError(['limits.cpu', 'requests.memory', 'pods'], p), 'must specify limits.cpu for: a,b,i; requests.memory for: a,b');
    assert.equal(podConstraintError(['pods', 'count/pods'], p), undefined);
  });

  it('totals the usage of matching objects for the given names', () => {
    const q = quota({ pods: '5', 'requests.cpu': '2' });
    const pods = [pod({ containers: [c('a', { cpu: '500m' })] }), pod({ containers: [c('a', { cpu: '250m' })] }), pod({ containers: [c('a')] }, { status: { phase: 'Failed' } })];
    assert.deepEqual(formatResourceList(totalUsage(PODS, pods, q, ['pods', 'requests.cpu'], now)), { pods: '2', 'requests.cpu': '750m' });
  });
});
