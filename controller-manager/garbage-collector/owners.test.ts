import assert from 'node:assert/strict';
import type { KObject, OwnerReference } from '../../lib/api/types';
import { collectableResources, invalidNamespaceMessage, planDeletingOwner, planDependent, unblocked, type OwnerState } from './owners';

const ref = (uid: string, o: Partial<OwnerReference> = {}): OwnerReference => ({ apiVersion: 'v1', kind: 'K', name: `n${uid}`, uid, ...o });
const obj = (refs: OwnerReference[], finalizers?: string[]): KObject => ({ metadata: { name: 'x', namespace: 'default', ownerReferences: refs, ...(finalizers ? { finalizers } : {}) } });

describe('garbage collector decisions', () => {
  const cases: { name: string; refs: OwnerReference[]; states: OwnerState[]; finalizers?: string[]; hasDependents?: boolean; cycle?: boolean; expect: unknown }[] = [
    { name: 'no owners: nothing', refs: [], states: [], expect: { action: 'none' } },
    { name: 'every owner solid: nothing', refs: [ref('1'), ref('2')], states: ['solid', 'solid'], expect: { action: 'none' } },
    { name: 'every owner gone: background delete', refs: [ref('1'), ref('2')], states: ['dangling', 'dangling'], expect: { action: 'delete', policy: 'Background' } },
    { name: 'one owner gone, one solid: drop the dangling reference', refs: [ref('1'), ref('2')], states: ['dangling', 'solid'], expect: { action: 'dropRefs', ownerReferences: [ref('2')] } },
    { name: 'a solid and a waiting owner: drop the waiting one', refs: [ref('1'), ref('2')], states: ['waiting', 'solid'], expect: { action: 'dropRefs', ownerReferences: [ref('2')] } },
    { name: 'owner waiting in foreground, no dependents: background delete', refs: [ref('1')], states: ['waiting'], expect: { action: 'delete', policy: 'Background' } },
    { name: 'owner waiting in foreground, has dependents: foreground delete', refs: [ref('1')], states: ['waiting'], hasDependents: true, expect: { action: 'delete', policy: 'Foreground' } },
    { name: 'foreground with a dependent deleting its own: unblock first (cycle guard)', refs: [ref('1')], states: ['waiting'], hasDependents: true, cycle: true, expect: { action: 'delete', policy: 'Foreground', unblock: true } },
    { name: 'gone owners, orphan finalizer already on it: orphan delete', refs: [ref('1')], states: ['dangling'], finalizers: ['orphan'], expect: { action: 'delete', policy: 'Orphan' } },
    { name: 'gone owners, foreground finalizer already on it: foreground delete', refs: [ref('1')], states: ['dangling'], finalizers: ['foregroundDeletion'], expect: { action: 'delete', policy: 'Foreground' } },
    { name: 'an unresolvable kind: retry, nothing decided', refs: [ref('1'), ref('2')], states: ['unresolvable', 'dangling'], expect: { action: 'retry', refs: [ref('1')] } },
    { name: 'cluster-scoped dependent of a namespaced kind: left alone', refs: [ref('1')], states: ['invalidNamespace'], expect: { action: 'invalidNamespace', refs: [ref('1')] } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const owners = new Map(c.refs.map((r, i) => [r.uid, c.states[i]]));
      assert.deepEqual(planDependent({ obj: obj(c.refs, c.finalizers), owners, hasDependents: !!c.hasDependents, dependentDeletingDependents: c.cycle }), c.expect);
    });
  }

  it('an object being deleted is not planned as a dependent', () => {
    const o = obj([ref('1')]);
    o.metadata.deletionTimestamp = '2024-01-01T00:00:00Z';
    assert.deepEqual(planDependent({ obj: o, owners: new Map([['1', 'dangling']]), hasDependents: false }), { action: 'none' });
  });

  it('deleting owners: orphan, foreground with and without blocking dependents, plain', () => {
    const owner = (finalizers: string[]): KObject => ({ metadata: { name: 'o', uid: 'o1', deletionTimestamp: '2024-01-01T00:00:00Z', finalizers } });
    const dep = (block?: boolean) => obj([ref('o1', { blockOwnerDeletion: block })]);
    assert.deepEqual(planDeletingOwner(owner(['orphan']), [dep(true)]), { action: 'orphan' });
    assert.deepEqual(planDeletingOwner(owner(['foregroundDeletion']), [dep(true), dep(false), dep()]), { action: 'foreground', blocking: 1 });
    assert.deepEqual(planDeletingOwner(owner(['foregroundDeletion']), [dep(false)]), { action: 'foreground', blocking: 0 });
    assert.deepEqual(planDeletingOwner(owner(['example.com/other']), [dep(true)]), { action: 'none' });
    assert.deepEqual(planDeletingOwner({ metadata: { name: 'o', uid: 'o1', finalizers: ['orphan'] } }, []), { action: 'none' });
  });

  it('collectable resources: listable, watchable, deletable, events aside', () => {
    const r = (apiVersion: string, resource: string, verbs: string[]) => ({ apiVersion, kind: 'K', resource, namespaced: true, verbs, subresources: [] });
    const all = [
      r('v1', 'pods', ['create', 'delete', 'get', 'list', 'watch']),
      r('apps/v1', 'controllerrevisions', ['delete', 'list', 'watch']),
      r('v1', 'events', ['delete', 'list', 'watch']),
      r('events.k8s.io/v1', 'events', ['delete', 'list', 'watch']),
      r('authentication.k8s.io/v1', 'tokenreviews', ['create']),
      r('v1', 'componentstatuses', ['get', 'list']),
    ];
    assert.deepEqual(collectableResources(all).map((x) => `${x.apiVersion}/${x.resource}`), ['v1/pods', 'apps/v1/controllerrevisions']);
  });

  it('unblocked clears blockOwnerDeletion only', () => {
    assert.deepEqual(unblocked(obj([ref('1', { blockOwnerDeletion: true, controller: true }), ref('2')])), [ref('1', { blockOwnerDeletion: false, controller: true }), ref('2')]);
  });

  it('the OwnerRefInvalidNamespace message names the reference and the namespace', () => {
    assert.equal(invalidNamespaceMessage(ref('u1', { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web' }), 'team-a'), 'ownerRef [apps/v1/ReplicaSet, namespace: team-a, name: web, uid: u1] does not exist in namespace "team-a"');
  });
});
