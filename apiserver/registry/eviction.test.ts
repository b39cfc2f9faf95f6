import assert from 'node:assert/strict';
import type { Pod } from '../../lib/api/types';
import type { PodDisruptionBudget } from '../../lib/api/pdb';
import { ApiError, apiError } from '../../lib/errors';
import { evictPod, type EvictionStore } from './eviction';
import type { DeleteQuery } from './types';

/** An in-memory store with resourceVersions and compare-and-swap, recording deletes. */
class MemStore implements EvictionStore {
  rv = 10;
  pods = new Map<string, Pod>();
  budgets = new Map<string, PodDisruptionBudget>();
  deletes: { name: string; q: DeleteQuery }[] = [];
  budgetWrites = 0;
  /** Budget writes that lose a race before succeeding (someone else's write lands first). */
  racesToLose = 0;
  onRace?: (b: PodDisruptionBudget) => void;

  addPod(p: Pod) {
    this.pods.set(p.metadata.name!, { ...p, metadata: { ...p.metadata, resourceVersion: String(++this.rv) } });
  }
  addBudget(b: PodDisruptionBudget) {
    this.budgets.set(b.metadata.name!, { ...b, metadata: { ...b.metadata, resourceVersion: String(++this.rv) } });
  }
  async getPod(_ns: string, name: string) {
    const p = this.pods.get(name);
    if (!p) throw apiError(404, 'NotFound', `pods "${name}" not found`);
    return structuredClone(p);
  }
  async listBudgets() {
    return [...this.budgets.values()].map((b) => structuredClone(b));
  }
  async getBudget(_ns: string, name: string) {
    return structuredClone(this.budgets.get(name)!);
  }
  async updateBudgetStatus(b: PodDisruptionBudget) {
    const cur = this.budgets.get(b.metadata.name!)!;
    if (this.racesToLose > 0) {
      this.racesToLose--;
      this.onRace?.(cur);
      cur.metadata.resourceVersion = String(++this.rv);
    }
    if (cur.metadata.resourceVersion !== b.metadata.resourceVersion) throw apiError(409, 'Conflict', 'conflict');
    this.budgetWrites++;
    this.budgets.set(b.metadata.name!, { ...cur, status: b.status, metadata: { ...cur.metadata, resourceVersion: String(++this.rv) } });
  }
  async updatePodStatus(p: Pod) {
    const cur = this.pods.get(p.metadata.name!)!;
    if (cur.metadata.resourceVersion !== p.metadata.resourceVersion) throw apiError(409, 'Conflict', 'conflict');
    const next = { ...cur, status: p.status, metadata: { ...cur.metadata, resourceVersion: String(++this.rv) } };
    this.pods.set(p.metadata.name!, next);
    return structuredClone(next);
  }
  async deletePod(_ns: string, name: string, q: DeleteQuery) {
    const cur = this.pods.get(name)!;
    if (q.preconditions?.resourceVersion && q.preconditions.resourceVersion !== cur.metadata.resourceVersion) throw apiError(409, 'Conflict', 'conflict');
    this.deletes.push({ name, q });
    if (!q.dryRun) this.pods.delete(name);
  }
  now = () => Date.parse('2026-03-01T10:00:00Z');
  sleep = async () => undefined;
}

const mkPod = (name: string, o: { phase?: string; ready?: boolean; deleting?: boolean } = {}): Pod => ({
  metadata: { name, namespace: 'ns', uid: `uid-${name}`, labels: { app: 'web' }, ...(o.deleting ? { deletionTimestamp: '2026-03-01T09:00:00Z' } : {}) },
  spec: { containers: [] },
  status: { phase: (o.phase ?? 'Running') as 'Running', conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }] },
});
const mkBudget = (name: string, allowed: number, o: Partial<NonNullable<PodDisruptionBudget['status']>> = {}): PodDisruptionBudget => ({
  metadata: { name, namespace: 'ns', generation: 1 },
  spec: { minAvailable: 5, selector: { matchLabels: { app: 'web' } } },
  status: { disruptionsAllowed: allowed, currentHealthy: 5 + allowed, desiredHealthy: 5, expectedPods: 5 + allowed, observedGeneration: 1, ...o },
});
const eviction = (name: string, deleteOptions?: Record<string, unknown>) => ({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: 'ns' }, deleteOptions });

async function refusal(p: Promise<unknown>): Promise<{ code: number; reason?: string; message: string }> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ApiError, String(e));
    return { code: e.code, reason: e.reason, message: e.message };
  }
  assert.fail('expected the eviction to be refused');
}

const disruption = (s: MemStore, name: string) => s.pods.get(name)?.status?.conditions?.find((c) => c.type === 'DisruptionTarget');

describe('eviction', () => {
  it('a running pod within its budget: the budget takes it, the pod is marked and deleted', async () => {
    const s = new MemStore();
    s.addPod(mkPod('a'));
    s.addBudget(mkBudget('web', 1));
    const seen: unknown[] = [];
    const orig = s.deletePod.bind(s);
    s.deletePod = async (ns, name, q) => {
      seen.push(disruption(s, name));
      return orig(ns, name, q);
    };
    const out = await evictPod(s, 'ns', 'a', eviction('a'), false);
    assert.deepEqual(out, { apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Success', code: 201 });
    const st = s.budgets.get('web')!.status!;
    assert.equal(st.disruptionsAllowed, 0);
    assert.deepEqual(Object.keys(st.disruptedPods ?? {}), ['a']);
    assert.equal(st.conditions?.[0].reason, 'InsufficientPods');
    assert.deepEqual(seen, [{ type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting', lastProbeTime: null, lastTransitionTime: '2026-03-01T10:00:00Z' }]);
    assert.deepEqual(s.deletes, [{ name: 'a', q: {} }]);
  });

  it('a budget with nothing left: 429 and the pod stays untouched', async () => {
    const s = new MemStore();
    s.addPod(mkPod('a'));
    s.addBudget(mkBudget('web', 0));
    const r = await refusal(evictPod(s, 'ns', 'a', eviction('a'), false));
    assert.deepEqual([r.code, r.reason, r.message], [429, 'TooManyRequests', "Cannot evict pod as it would violate the pod's disruption budget."]);
    assert.equal(s.deletes.length, 0);
    assert.equal(disruption(s, 'a'), undefined);
  });

  for (const [title, p] of [['pending', mkPod('a', { phase: 'Pending' })], ['succeeded', mkPod('a', { phase: 'Succeeded' })], ['terminating', mkPod('a', { deleting: true })]] as const) {
    it(`a ${title} pod is deleted without looking at the budget`, async () => {
      const s = new MemStore();
      s.addPod(p);
      s.addBudget(mkBudget('web', 0));
      await evictPod(s, 'ns', 'a', eviction('a'), false);
      assert.equal(s.deletes.length, 1);
      assert.equal(s.budgetWrites, 0);
      // A pending pod's delete is pinned to the version judged (after our own condition write).
      assert.equal(!!s.deletes[0].q.preconditions?.resourceVersion, title === 'pending');
    });
  }

  it('no budget: deleted', async () => {
    const s = new MemStore();
    s.addPod(mkPod('a'));
    await evictPod(s, 'ns', 'a', eviction('a'), false);
    assert.deepEqual(s.deletes.map((d) => d.name), ['a']);
  });

  it('two budgets: 500 with upstream\'s message, nothing deleted', async () => {
    const s = new MemStore();
    s.addPod(mkPod('a'));
    s.addBudget(mkBudget('one', 1));
    s.addBudget(mkBudget('two', 1));
    const r = await refusal(evictPod(s, 'ns', 'a', eviction('a'), false));
    assert.deepEqual([r.code, r.reason, r.message], [500, undefined, 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.']);
    assert.equal(s.deletes.length, 0);
  });

  it('dry run: neither the budget nor the pod is written', async () => {
    const s = new MemStore();
    s.addPod(mkPod('a'));
    s.addBudget(mkBudget('web', 1));
    await evictPod(s, 'ns', 'a', eviction('a'), true);
    assert.equal(s.budgetWrites, 0);
    assert.equal(disruption(s, 'a'), undefined);
    assert.deepEqual(s.deletes, [{ name: 'a', q: { dryRun: true } }]);
    assert.ok(s.pods.has('a'));
  });

  it('a lost race on the budget is judged again on the fresh budget', async () => {
    const s = new MemStore();
    s.addPod(mkPod('a'));
    s.addBudget(mkBudget('web', 2));
    s.racesToLose = 1;
    await evictPod(s, 'ns', 'a', eviction('a'), false);
    assert.equal(s.budgets.get('web')!.status!.disruptionsAllowed, 1);
    assert.equal(s.deletes.length, 1);
  });

  it('a lost race that used up the budget: 429', async () => {
    const s = new MemStore();
    s.addPod(mkPod('a'));
    s.addBudget(mkBudget('web', 1));
    s.racesToLose = 1;
    s.onRace = (b) => (b.status = { ...b.status!, disruptionsAllowed: 0 });
    assert.equal((await refusal(evictPod(s, 'ns', 'a', eviction('a'), false))).code, 429);
    assert.equal(s.deletes.length, 0);
  });

  it('an unready pod while the budget is met: deleted without taking from it, pinned to its version', async () => {
    const s = new MemStore();
    s.addPod(mkPod('a', { ready: false }));
    s.addBudget(mkBudget('web', 0, { currentHealthy: 5, desiredHealthy: 5 }));
    await evictPod(s, 'ns', 'a', eviction('a'), false);
    assert.equal(s.budgetWrites, 0);
    assert.equal(s.deletes.length, 1);
    assert.ok(s.deletes[0].q.preconditions?.resourceVersion);
  });

  it('an unready pod that changes before it is deleted: 429, budget still being processed', async () => {
    const s = new MemStore();
    s.addPod(mkPod('a', { ready: false }));
    s.addBudget(mkBudget('web', 0, { currentHealthy: 5, desiredHealthy: 5 }));
    const get = s.getPod.bind(s);
    let reads = 0;
    s.getPod = async (ns, name) => {
      // The kubelet reports the pod again between the judgement and the delete.
      if (++reads === 2) s.pods.get(name)!.metadata.resourceVersion = String(++s.rv);
      return get(ns, name);
    };
    const r = await refusal(evictPod(s, 'ns', 'a', eviction('a'), false));
    assert.equal(r.code, 429);
    assert.equal(s.deletes.length, 0);
  });

  it('a uid precondition that does not match: 409 and nothing written', async () => {
    const s = new MemStore();
    s.addPod(mkPod('a'));
    const r = await refusal(evictPod(s, 'ns', 'a', eviction('a', { preconditions: { uid: 'other' } }), false));
    assert.equal(r.code, 409);
    assert.match(r.message, /the UID in the precondition \(other\) does not match the UID in record \(uid-a\)/);
    assert.equal(disruption(s, 'a'), undefined);
  });

  it('a missing pod: 404', async () => {
    assert.equal((await refusal(evictPod(new MemStore(), 'ns', 'a', eviction('a'), false))).code, 404);
  });
});
