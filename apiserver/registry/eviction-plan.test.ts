import assert from 'node:assert/strict';
import type { Pod } from '../../lib/api/types';
import type { PodDisruptionBudget } from '../../lib/api/pdb';
import { ApiError } from '../../lib/errors';
import { budgetsCovering, canIgnorePdb, decrementBudget, readEviction, unhealthyPodSkipsBudget } from './eviction-plan';

const pod = (o: { phase?: string; ready?: boolean; deleting?: boolean; labels?: Record<string, string> } = {}): Pod => ({
  metadata: { name: 'p', namespace: 'ns', labels: o.labels ?? { app: 'a' }, ...(o.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
  spec: { containers: [] },
  status: { phase: (o.phase ?? 'Running') as 'Running', conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }] },
});

const pdb = (name: string, st: Partial<PodDisruptionBudget['status']> = {}, spec: PodDisruptionBudget['spec'] = { minAvailable: 1, selector: { matchLabels: { app: 'a' } } }, generation = 1): PodDisruptionBudget => ({
  metadata: { name, namespace: 'ns', generation },
  spec,
  status: { disruptionsAllowed: 1, currentHealthy: 2, desiredHealthy: 1, expectedPods: 2, observedGeneration: 1, ...st },
});

const statusOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof ApiError, String(e));
    return { code: e.code, reason: e.reason, message: e.message, causes: e.status.details?.causes, retry: e.status.details?.retryAfterSeconds };
  }
  return undefined;
};

describe('eviction plan', () => {
  describe('which pods skip the budget (canIgnorePDB)', () => {
    const cases: [string, Pod, boolean][] = [
      ['running', pod(), false],
      ['running but not ready', pod({ ready: false }), false],
      ['pending', pod({ phase: 'Pending' }), true],
      ['succeeded', pod({ phase: 'Succeeded' }), true],
      ['failed', pod({ phase: 'Failed' }), true],
      ['terminating', pod({ deleting: true }), true],
    ];
    for (const [title, p, want] of cases) it(title, () => assert.equal(canIgnorePdb(p), want));
  });

  describe('which budgets cover a pod', () => {
    const cases: [string, PodDisruptionBudget['spec'], boolean][] = [
      ['matching labels', { selector: { matchLabels: { app: 'a' } } }, true],
      ['other labels', { selector: { matchLabels: { app: 'b' } } }, false],
      ['empty selector: every pod (policy/v1)', { selector: {} }, true],
      ['no selector: no pod', {}, false],
      ['invalid selector: no pod', { selector: { matchExpressions: [{ key: 'app', operator: 'Like' as 'In' }] } }, false],
    ];
    for (const [title, spec, want] of cases) it(title, () => assert.equal(budgetsCovering([pdb('b', {}, spec)], pod()).length, want ? 1 : 0));
    it('another namespace never covers', () => assert.equal(budgetsCovering([{ ...pdb('b'), metadata: { name: 'b', namespace: 'other' } }], pod()).length, 0));
  });

  describe('unhealthy pods', () => {
    const cases: [string, Pod, PodDisruptionBudget, boolean][] = [
      ['ready pod: the budget decides', pod(), pdb('b'), false],
      ['unready, budget met (IfHealthyBudget default): deleted without taking from it', pod({ ready: false }), pdb('b', { currentHealthy: 2, desiredHealthy: 2 }), true],
      ['unready, budget not met: the budget decides', pod({ ready: false }), pdb('b', { currentHealthy: 1, desiredHealthy: 2 }), false],
      ['unready, nothing desired: the budget decides', pod({ ready: false }), pdb('b', { currentHealthy: 0, desiredHealthy: 0 }), false],
      ['unready, AlwaysAllow', pod({ ready: false }), pdb('b', { currentHealthy: 0, desiredHealthy: 3 }, { unhealthyPodEvictionPolicy: 'AlwaysAllow', selector: {} }), true],
    ];
    for (const [title, p, b, want] of cases) it(title, () => assert.equal(unhealthyPodSkipsBudget(p, b), want));
  });

  describe('checkAndDecrement', () => {
    const now = Date.parse('2026-03-01T10:00:00Z');
    it('takes one disruption and records the pod', () => {
      const st = decrementBudget(pdb('b', { disruptionsAllowed: 2 }), 'p', now, false);
      assert.equal(st.disruptionsAllowed, 1);
      assert.deepEqual(st.disruptedPods, { p: '2026-03-01T10:00:00Z' });
      assert.equal(st.conditions, undefined, 'the condition only changes when nothing is left');
    });
    it('the last disruption turns the condition False/InsufficientPods', () => {
      const st = decrementBudget(pdb('b'), 'p', now, false);
      assert.equal(st.disruptionsAllowed, 0);
      assert.deepEqual(st.conditions?.map((c) => [c.type, c.status, c.reason]), [['DisruptionAllowed', 'False', 'InsufficientPods']]);
    });
    it('a dry run records no pod', () => assert.equal(decrementBudget(pdb('b'), 'p', now, true).disruptedPods, undefined));
    it('nothing allowed: 429 with the DisruptionBudget cause', () => {
      assert.deepEqual(statusOf(() => decrementBudget(pdb('b', { disruptionsAllowed: 0, desiredHealthy: 5, currentHealthy: 5 }), 'p', now, false)), {
        code: 429,
        reason: 'TooManyRequests',
        message: "Cannot evict pod as it would violate the pod's disruption budget.",
        causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget b needs 5 healthy pods and has 5 currently' }],
        retry: undefined,
      });
    });
    it('a budget changed since the controller saw it: 429, retry in 10 s', () => {
      const s = statusOf(() => decrementBudget(pdb('b', { observedGeneration: 1 }, undefined, 2), 'p', now, false));
      assert.equal(s?.code, 429);
      assert.equal(s?.retry, 10);
      assert.deepEqual(s?.causes, [{ reason: 'DisruptionBudget', message: 'The disruption budget b is still being processed by the server.' }]);
    });
    it('negative allowance: 403', () => {
      const s = statusOf(() => decrementBudget(pdb('b', { disruptionsAllowed: -1 }), 'p', now, false));
      assert.deepEqual([s?.code, s?.message], [403, 'poddisruptionbudget.policy "b" is forbidden: pdb disruptions allowed is negative']);
    });
    it('too many unconfirmed evictions: 403', () => {
      const disruptedPods = Object.fromEntries(Array.from({ length: 2001 }, (_, i) => [`p${i}`, '2026-01-01T00:00:00Z']));
      assert.equal(statusOf(() => decrementBudget(pdb('b', { disruptedPods }), 'p', now, false))?.code, 403);
    });
  });

  describe('reading the Eviction', () => {
    const ev = (o: Record<string, unknown> = {}) => ({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'p', namespace: 'ns' }, ...o });
    it('policy/v1 and v1beta1 with delete options', () => {
      for (const apiVersion of ['policy/v1', 'policy/v1beta1']) {
        const r = readEviction(ev({ apiVersion, deleteOptions: { gracePeriodSeconds: 5, preconditions: { uid: 'u' } } }), 'p', 'ns', false);
        assert.deepEqual(r, { name: 'p', delete: { gracePeriodSeconds: 5, preconditions: { uid: 'u' } }, pinnedResourceVersion: false });
      }
    });
    it('dryRun from the request or the body', () => {
      assert.equal(readEviction(ev(), 'p', 'ns', true).delete.dryRun, true);
      assert.equal(readEviction(ev({ deleteOptions: { dryRun: ['All'] } }), 'p', 'ns', false).delete.dryRun, true);
      assert.equal(readEviction(ev(), 'p', 'ns', false).delete.dryRun, undefined);
    });
    it('orphanDependents=true is the Orphan policy; a resourceVersion precondition pins', () => {
      const r = readEviction(ev({ deleteOptions: { orphanDependents: true, preconditions: { resourceVersion: '7' } } }), 'p', 'ns', false);
      assert.equal(r.delete.propagationPolicy, 'Orphan');
      assert.equal(r.pinnedResourceVersion, true);
    });
    const bad: [string, unknown, number, string][] = [
      ['name mismatch', ev({ metadata: { name: 'q' } }), 400, 'name in URL does not match name in Eviction object'],
      ['no name', ev({ metadata: {} }), 400, 'name in URL does not match name in Eviction object'],
      ['wrong apiVersion', ev({ apiVersion: 'v1' }), 400, 'the API version in the data (v1) does not match the expected API version (policy/v1)'],
      ['wrong kind', ev({ kind: 'Pod' }), 400, 'not a Eviction object: Pod'],
      ['other namespace', ev({ metadata: { name: 'p', namespace: 'x' } }), 400, 'the namespace of the provided object does not match the namespace sent on the request'],
      ['bad dryRun', ev({ deleteOptions: { dryRun: ['Some'] } }), 422, 'DeleteOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: ["Some"]: supported values: "All"'],
      ['both policies', ev({ deleteOptions: { orphanDependents: false, propagationPolicy: 'Background' } }), 422, 'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Invalid value: "Background": orphanDependents and deletionPropagation cannot be both set'],
      ['unknown policy', ev({ deleteOptions: { propagationPolicy: 'Later' } }), 422, 'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "Later": supported values: "Foreground", "Background", "Orphan", "nil"'],
      ['not an object', 'x', 400, 'the request body must be a JSON object'],
    ];
    for (const [title, body, code, message] of bad) {
      it(`refuses: ${title}`, () => assert.deepEqual(((s) => [s?.code, s?.message])(statusOf(() => readEviction(body, 'p', 'ns', false))), [code, message]));
    }
  });
});
