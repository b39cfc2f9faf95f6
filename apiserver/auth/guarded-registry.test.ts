import { strict as assert } from 'node:assert';
import type { KObject } from '../../lib/api/types';
import { ApiError } from '../../lib/errors';
import type { Registry, ResourceDef, WatchSink } from '../registry/types';
import { guardRegistry } from './guarded-registry';

const csrDef = { group: 'certificates.k8s.io', resource: 'certificatesigningrequests', namespaced: false } as ResourceDef;
const podDef = { group: '', resource: 'pods', namespaced: true } as ResourceDef;
const csr = (name: string, username: string): KObject => ({ apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest', metadata: { name }, spec: { username } } as KObject);
const OBJECTS = [csr('mine', 'system:bootstrap:abcdef'), csr('theirs', 'system:bootstrap:zzzzzz')];

/** A registry that answers from OBJECTS and records what reached it. */
function fakeRegistry(calls: string[]): Registry {
  return {
    all: () => [],
    resolve: () => undefined,
    get: async (_d, _ns, name) => (calls.push(`get ${name}`), OBJECTS.find((o) => o.metadata.name === name)!),
    list: async () => (calls.push('list'), { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '5' }, items: [...OBJECTS] }),
    create: async (_d, _ns, o) => (calls.push('create'), o),
    update: async (_d, _ns, _n, o) => (calls.push('update'), o),
    patch: async () => (calls.push('patch'), OBJECTS[0]),
    delete: async () => (calls.push('delete'), OBJECTS[0]),
    watch: async (_d, _ns, _q, sink) => {
      calls.push('watch');
      for (const o of OBJECTS) sink.send('ADDED', o);
      sink.send('BOOKMARK', { metadata: { resourceVersion: '9' } });
      return { stop: () => undefined };
    },
  };
}

const boot = { name: 'system:bootstrap:abcdef', groups: ['system:bootstrappers', 'system:authenticated'] };
const forbidden = (e: unknown) => e instanceof ApiError && e.code === 403 && e.reason === 'Forbidden';

describe('apiserver/auth guardRegistry', () => {
  it('gives certificate identities the registry itself', () => {
    const r = fakeRegistry([]);
    assert.equal(guardRegistry(r, { name: 'admin', groups: ['system:masters'] }), r);
  });

  it('shows a bootstrapper only its own requests and refuses everything else before it runs', async () => {
    const calls: string[] = [];
    const g = guardRegistry(fakeRegistry(calls), boot);
    assert.deepEqual((await g.list(csrDef, undefined, {})).items.map((o) => o.metadata.name), ['mine']);
    assert.equal((await g.get(csrDef, undefined, 'mine')).metadata.name, 'mine');
    await assert.rejects(g.get(csrDef, undefined, 'theirs'), forbidden);
    const seen: string[] = [];
    const sink: WatchSink = { send: (t, o) => seen.push(`${t} ${(o as KObject).metadata?.name ?? ''}`), end: () => undefined };
    await g.watch(csrDef, undefined, {}, sink);
    assert.deepEqual(seen, ['ADDED mine', 'BOOKMARK ']);
    await g.create(csrDef, undefined, csr('new', ''), {});
    await assert.rejects(g.delete(csrDef, undefined, 'mine', {}), forbidden);
    await assert.rejects(g.update(csrDef, undefined, 'mine', OBJECTS[0], { subresource: 'approval' }), forbidden);
    await assert.rejects(g.patch(csrDef, undefined, 'mine', 'merge', {}, { subresource: 'status' }), forbidden);
    await assert.rejects(g.list(podDef, 'default', {}), (e: unknown) => forbidden(e) && /pods is forbidden: User "system:bootstrap:abcdef" cannot list resource "pods" in API group "" in the namespace "default"/.test((e as Error).message));
    // refused calls never reached the registry; the get of another's request did (it had to be read to be judged)
    assert.deepEqual(calls, ['list', 'get mine', 'get theirs', 'watch', 'create']);
  });
});
