import { strict as assert } from 'node:assert';
import { authorize, authorizePath, proxyAttributes } from './authorize';
import { bearerToken } from './token-authenticator';

const boot = { name: 'system:bootstrap:abcdef', groups: ['system:bootstrappers', 'system:authenticated'] };
const admin = { name: 'admin', groups: ['system:masters', 'system:authenticated'] };
const csr = { group: 'certificates.k8s.io', resource: 'certificatesigningrequests' };

describe('apiserver/auth authorize', () => {
  it('lets bootstrappers create CSRs and read their own, nothing else', () => {
    const cases: [string, Parameters<typeof authorize>[1], ReturnType<typeof authorize>][] = [
      ['create csr', { verb: 'create', ...csr }, { allowed: true }],
      ['get csr', { verb: 'get', ...csr, name: 'x' }, { allowed: true, ownOnly: true }],
      ['list csr', { verb: 'list', ...csr }, { allowed: true, ownOnly: true }],
      ['watch csr', { verb: 'watch', ...csr }, { allowed: true, ownOnly: true }],
      ['delete csr', { verb: 'delete', ...csr, name: 'x' }, { allowed: false, message: 'certificatesigningrequests.certificates.k8s.io "x" is forbidden: User "system:bootstrap:abcdef" cannot delete resource "certificatesigningrequests" in API group "certificates.k8s.io" at the cluster scope' }],
      ['approve csr', { verb: 'update', ...csr, name: 'x', subresource: 'approval' }, { allowed: false, message: 'certificatesigningrequests.certificates.k8s.io "x" is forbidden: User "system:bootstrap:abcdef" cannot update resource "certificatesigningrequests/approval" in API group "certificates.k8s.io" at the cluster scope' }],
      ['list pods', { verb: 'list', group: '', resource: 'pods', namespace: 'default' }, { allowed: false, message: 'pods is forbidden: User "system:bootstrap:abcdef" cannot list resource "pods" in API group "" in the namespace "default"' }],
      ['create nodes', { verb: 'create', group: '', resource: 'nodes' }, { allowed: false, message: 'nodes is forbidden: User "system:bootstrap:abcdef" cannot create resource "nodes" in API group "" at the cluster scope' }],
    ];
    for (const [name, attrs, want] of cases) assert.deepEqual(authorize(boot, attrs), want, name);
  });

  it('keeps certificate identities as they were', () => {
    assert.deepEqual(authorize(admin, { verb: 'delete', group: '', resource: 'nodes', name: 'n' }), { allowed: true });
    assert.deepEqual(authorizePath(admin, 'GET', '/metrics'), { allowed: true });
  });

  it('gives bootstrappers discovery but not metrics', () => {
    for (const p of ['/api', '/apis', '/apis/certificates.k8s.io/v1', '/version', '/openapi/v3']) assert.deepEqual(authorizePath(boot, 'GET', p), { allowed: true }, p);
    assert.deepEqual(authorizePath(boot, 'GET', '/metrics'), { allowed: false, message: 'forbidden: User "system:bootstrap:abcdef" cannot get path "/metrics"' });
  });

  it('refuses bootstrappers the kubelet-proxied paths, worded as upstream', () => {
    const cases: [string, Parameters<typeof proxyAttributes>[1], string][] = [
      ['GET', { kind: 'pod', sub: 'log', namespace: 'default', name: 'web' }, 'pods "web" is forbidden: User "system:bootstrap:abcdef" cannot get resource "pods/log" in API group "" in the namespace "default"'],
      ['POST', { kind: 'pod', sub: 'exec', namespace: 'ns1', name: 'p' }, 'pods "p" is forbidden: User "system:bootstrap:abcdef" cannot create resource "pods/exec" in API group "" in the namespace "ns1"'],
      ['GET', { kind: 'node', name: 'n1' }, 'nodes "n1" is forbidden: User "system:bootstrap:abcdef" cannot get resource "nodes/proxy" in API group "" at the cluster scope'],
    ];
    for (const [method, t, want] of cases) assert.deepEqual(authorize(boot, proxyAttributes(method, t)), { allowed: false, message: want });
  });

  it('reads bearer tokens', () => {
    const cases: [string | undefined, string | undefined][] = [
      ['Bearer abcdef.0123456789abcdef', 'abcdef.0123456789abcdef'],
      ['bearer  abc', 'abc'],
      ['Basic Zm9v', undefined],
      ['Bearer', undefined],
      [undefined, undefined],
    ];
    for (const [h, want] of cases) assert.equal(bearerToken(h), want, String(h));
  });
});
