import assert from 'node:assert/strict';
import type { KObject } from '../../lib/api/types';
import { apiError } from '../../lib/errors';
import { ObjectAdmission } from './object-admission';

/** An in-memory quota store with compare-and-swap on resourceVersion; the "cache" lags until refreshed. */
function fakeStore(quota: KObject) {
  let stored = structuredClone(quota);
  let rv = 1;
  stored.metadata.resourceVersion = String(rv);
  const cached = structuredClone(stored);
  const writes: string[] = [];
  return {
    writes,
    stored: () => stored,
    deps: {
      listCached: async (resource: string) => (resource === 'resourcequotas' ? [structuredClone(cached)] : []),
      listFresh: async () => [structuredClone(stored)],
      writeQuota: async (q: KObject) => {
        // Let the other request read before this one writes (an interleaving, not a timing).
        await Promise.resolve();
        if (q.metadata.resourceVersion !== stored.metadata.resourceVersion) throw apiError(409, 'Conflict', 'the object has been modified');
        stored = structuredClone(q);
        stored.metadata.resourceVersion = String(++rv);
        writes.push(JSON.stringify((q as any).status.used));
      },
      priorityClasses: async () => [],
      priorityClass: async () => undefined,
      now: () => new Date('2026-01-01T00:00:00Z'),
    },
  };
}

const PODS = { group: '', resource: 'pods', kind: 'Pod' };
const quota = { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'one', namespace: 'ns', uid: 'u1' }, spec: { hard: { pods: '1' } }, status: { hard: { pods: '1' }, used: { pods: '0' } } } as KObject;
const pod = (name: string) => ({ metadata: { name, namespace: 'ns' }, spec: { containers: [{ name: 'c', image: 'x' }] } }) as KObject;

describe('ObjectAdmission', () => {
  it('admits exactly one of two parallel creates against a limit of 1', async () => {
    const s = fakeStore(quota);
    const adm = new ObjectAdmission(s.deps);
    const results = await Promise.allSettled([adm.validate(PODS, pod('a'), false), adm.validate(PODS, pod('b'), false)]);
    assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
    const err = (results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason;
    assert.equal(err.code, 403);
    assert.match(err.message, /^pods "[ab]" is forbidden: exceeded quota: one, requested: pods=1, used: pods=1, limited: pods=1$/);
    assert.deepEqual(s.writes, ['{"pods":"1"}']);
  });

  it('does not charge on a dry run', async () => {
    const s = fakeStore(quota);
    await new ObjectAdmission(s.deps).validate(PODS, pod('a'), true);
    assert.deepEqual(s.writes, []);
  });

  it('refuses a pod over a LimitRange maximum as Forbidden', async () => {
    const adm = new ObjectAdmission({
      listCached: async (r) => (r === 'limitranges' ? [{ metadata: { name: 'lr' }, spec: { limits: [{ type: 'Container', max: { cpu: '1' } }] } } as KObject] : []),
      listFresh: async () => [],
      writeQuota: async () => undefined,
      priorityClasses: async () => [],
      priorityClass: async () => undefined,
      now: () => new Date(),
    });
    const p = { metadata: { name: 'big', namespace: 'ns' }, spec: { containers: [{ name: 'c', image: 'x', resources: { limits: { cpu: '2' } } }] } } as KObject;
    await assert.rejects(adm.validate(PODS, p, false), (e: any) => e.code === 403 && e.message === 'pods "big" is forbidden: maximum cpu usage per Container is 1, but limit is 2.');
  });
});
