import assert from 'node:assert/strict';
import type { KObject } from '../../lib/api/types';
import { ApiError } from '../../lib/errors';
import { pods, deployments, services } from '../resources';
import { parseFieldSelector, matchesFields } from './field-selector';
import { filterEvent } from './watch-filter';
import { generatedName, mergeForUpdate, bumpGeneration, createMeta } from './object-meta';
import { planDelete } from './deletion';
import { bindPod, scaleOf, applyScale } from './subresources';
import { parseCidr, intToIp, ipToInt } from './service-allocator';
import { fieldPath } from './schema-check';

const pod = (name: string, nodeName?: string, phase = 'Pending'): KObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', uid: 'u1', resourceVersion: '5', labels: { app: 'web' } },
  spec: { containers: [{ name: 'c', image: 'x:1' }], nodeName },
  status: { phase },
});

describe('field selectors', () => {
  const table: [string, KObject, boolean][] = [
    ['spec.nodeName=n1', pod('a', 'n1'), true],
    ['spec.nodeName=n1', pod('a', 'n2'), false],
    ['spec.nodeName=', pod('a'), true],
    ['spec.nodeName!=,status.phase=Pending', pod('a', 'n1'), true],
    ['metadata.name==a,metadata.namespace=default', pod('a'), true],
    ['status.phase!=Pending', pod('a'), false],
  ];
  for (const [sel, obj, want] of table) it(`${sel} → ${want}`, () => assert.equal(matchesFields(pods, parseFieldSelector(pods, sel), obj), want));
  it('rejects unknown fields and bad syntax with 400', () => {
    for (const bad of ['spec.color=red', 'nooperator'])
      assert.throws(() => parseFieldSelector(pods, bad), (e: unknown) => e instanceof ApiError && e.code === 400);
  });
});

describe('watch filtering', () => {
  const m = (o: KObject) => o.metadata.labels?.app === 'web';
  const other = { ...pod('a'), metadata: { ...pod('a').metadata, labels: { app: 'db' } } };
  const table: [string, Parameters<typeof filterEvent>[0], string | null][] = [
    ['added in selector', { type: 'ADDED', object: pod('a'), revision: '1' }, 'ADDED'],
    ['added outside', { type: 'ADDED', object: other, revision: '1' }, null],
    ['modified staying in', { type: 'MODIFIED', object: pod('a'), previous: pod('a'), revision: '2' }, 'MODIFIED'],
    ['entering', { type: 'MODIFIED', object: pod('a'), previous: other, revision: '2' }, 'ADDED'],
    ['leaving', { type: 'MODIFIED', object: other, previous: pod('a'), revision: '2' }, 'DELETED'],
    ['modified outside', { type: 'MODIFIED', object: other, previous: other, revision: '2' }, null],
    ['deleted in selector', { type: 'DELETED', object: pod('a'), revision: '3' }, 'DELETED'],
  ];
  for (const [name, ev, want] of table) it(name, () => assert.equal(filterEvent(ev, m)?.type ?? null, want));
});

describe('object metadata', () => {
  it('generates 5-character suffixes', () => assert.match(generatedName('web-'), /^web-[a-z0-9]{5}$/));
  it('sets uid, timestamp and generation on create', () => {
    const meta = createMeta(deployments, { metadata: { name: 'd', resourceVersion: '9' }, spec: {} }, new Date('2026-01-02T03:04:05.678Z'), 'uid-1');
    assert.deepEqual(meta, { name: 'd', uid: 'uid-1', creationTimestamp: '2026-01-02T03:04:05Z', generation: 1 });
  });
  it('keeps stored status on a main update and stored spec on a status update', () => {
    const stored = { ...pod('a'), status: { phase: 'Running' } };
    const incoming = { ...pod('a'), metadata: { name: 'a', labels: { x: 'y' } }, status: { phase: 'Failed' } };
    const main = mergeForUpdate(pods, incoming, stored) as any;
    assert.equal(main.status.phase, 'Running');
    assert.deepEqual(main.metadata.labels, { x: 'y' });
    assert.equal(main.metadata.uid, 'u1');
    const st = mergeForUpdate(pods, { ...incoming, spec: { containers: [] } }, stored, 'status') as any;
    assert.equal(st.status.phase, 'Failed');
    assert.equal(st.spec.containers.length, 1);
    assert.deepEqual(st.metadata.labels, { app: 'web' });
  });
  it('bumps generation only when the spec changes', () => {
    const stored = { metadata: { name: 'd', generation: 4 }, spec: { replicas: 1 } };
    const same: KObject = { metadata: { name: 'd', labels: { a: 'b' } }, spec: { replicas: 1 } };
    bumpGeneration(deployments, same, stored);
    assert.equal(same.metadata.generation, 4);
    const changed = { metadata: { name: 'd' }, spec: { replicas: 2 } } as KObject;
    bumpGeneration(deployments, changed, stored);
    assert.equal(changed.metadata.generation, 5);
  });
});

describe('delete planning', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  const table: [string, string, KObject, Parameters<typeof planDelete>[2], string][] = [
    ['unbound pod goes at once', 'pods', pod('a'), {}, 'remove'],
    ['bound pod is marked', 'pods', pod('a', 'n1', 'Running'), {}, 'mark'],
    ['bound pod with grace 0 goes at once', 'pods', pod('a', 'n1', 'Running'), { gracePeriodSeconds: 0 }, 'remove'],
    ['finished pod goes at once', 'pods', pod('a', 'n1', 'Succeeded'), {}, 'remove'],
    ['marked pod confirmed by kubelet', 'pods', { ...pod('a', 'n1'), metadata: { ...pod('a').metadata, deletionTimestamp: 'x' } }, { gracePeriodSeconds: 0 }, 'remove'],
    ['marked pod deleted again', 'pods', { ...pod('a', 'n1'), metadata: { ...pod('a').metadata, deletionTimestamp: 'x' } }, {}, 'none'],
    ['foreground adds a finalizer', 'deployments', { metadata: { name: 'd' } }, { propagationPolicy: 'Foreground' }, 'mark'],
    ['orphan adds a finalizer', 'replicasets', { metadata: { name: 'r' } }, { propagationPolicy: 'Orphan' }, 'mark'],
    ['background removes', 'replicasets', { metadata: { name: 'r' } }, { propagationPolicy: 'Background' }, 'remove'],
    ['existing finalizer keeps it', 'configmaps', { metadata: { name: 'c', finalizers: ['x'] } }, {}, 'mark'],
  ];
  for (const [name, res, obj, q, want] of table) it(name, () => assert.equal(planDelete(res, obj, q, now).action, want));
  it('marks a bound pod with its grace period', () => {
    const plan = planDelete('pods', pod('a', 'n1', 'Running'), {}, now);
    assert.equal(plan.action, 'mark');
    if (plan.action === 'mark') {
      assert.equal(plan.object.metadata.deletionGracePeriodSeconds, 30);
      assert.equal(plan.object.metadata.deletionTimestamp, '2026-01-01T00:00:30Z');
    }
  });
});

describe('subresources', () => {
  it('binds an unbound pod and refuses a bound one', () => {
    const b = bindPod(pod('a') as any, { metadata: { name: 'a' }, target: { kind: 'Node', name: 'n1' } }, new Date());
    assert.equal(b.spec.nodeName, 'n1');
    assert.equal(b.status?.conditions?.[0].type, 'PodScheduled');
    assert.throws(() => bindPod(b, { metadata: { name: 'a' }, target: { name: 'n2' } }, new Date()), (e: unknown) => e instanceof ApiError && e.code === 409);
  });
  it('maps workloads to Scale and back', () => {
    const d = { metadata: { name: 'd', namespace: 'ns', resourceVersion: '7' }, spec: { replicas: 3, selector: { matchLabels: { app: 'web' } } }, status: { replicas: 2 } };
    assert.deepEqual(scaleOf(d), {
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      metadata: { name: 'd', namespace: 'ns', uid: undefined, resourceVersion: '7', creationTimestamp: undefined },
      spec: { replicas: 3 },
      status: { replicas: 2, selector: 'app=web' },
    });
    assert.equal((applyScale(d, { metadata: {}, spec: { replicas: 5 } }) as any).spec.replicas, 5);
    assert.throws(() => applyScale(d, { metadata: {}, spec: { replicas: -1 } }), (e: unknown) => e instanceof ApiError && e.code === 422);
  });
});

describe('helpers', () => {
  it('parses CIDRs and converts IPs', () => {
    assert.deepEqual(parseCidr('10.96.0.0/16'), { base: ipToInt('10.96.0.0'), size: 65536, cidr: '10.96.0.0/16' });
    assert.equal(intToIp(ipToInt('10.96.0.10')), '10.96.0.10');
  });
  it('turns JSON pointers into field paths', () => assert.equal(fieldPath('/spec/containers/0/ports/1/name'), 'spec.containers[0].ports[1].name'));
  it('services keep no generation source besides spec', () => assert.ok(services.generationSource === undefined));
});
