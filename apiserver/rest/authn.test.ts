import assert from 'node:assert/strict';
import type { TLSSocket } from 'node:tls';
import { authenticate } from './authn';

/** A socket as authenticate() sees it, counting how often the certificate is decoded. */
function fakeSocket(authorized: boolean, subject: Record<string, unknown> | undefined) {
  const s = { authorized, reads: 0, getPeerCertificate: () => (s.reads++, subject ? { subject } : {}) };
  return s;
}

describe('rest authn: client certificates', () => {
  const cases: { name: string; authorized: boolean; subject?: Record<string, unknown>; want: unknown }[] = [
    { name: 'a verified certificate: CN is the user, O the groups', authorized: true, subject: { CN: 'admin', O: ['system:masters'] }, want: { name: 'admin', groups: ['system:masters', 'system:authenticated'] } },
    { name: 'a single O', authorized: true, subject: { CN: 'system:node:n1', O: 'system:nodes' }, want: { name: 'system:node:n1', groups: ['system:nodes', 'system:authenticated'] } },
    { name: 'no certificate', authorized: true, subject: undefined, want: undefined },
    { name: 'a certificate the CA did not sign', authorized: false, subject: { CN: 'mallory' }, want: undefined },
  ];
  for (const c of cases) {
    it(`${c.name}; decoded once per connection`, () => {
      const socket = fakeSocket(c.authorized, c.subject);
      const first = authenticate(socket as unknown as TLSSocket);
      const second = authenticate(socket as unknown as TLSSocket);
      assert.deepEqual(first, c.want);
      assert.deepEqual(second, c.want);
      assert.ok(socket.reads <= 1, `certificate decoded ${socket.reads} times`);
      if (first) {
        assert.notEqual(first, second, 'each request gets its own UserInfo');
        first.groups.push('changed');
        assert.deepEqual(authenticate(socket as unknown as TLSSocket), c.want, "one request's changes do not leak into the next");
      }
    });
  }

  it('reads each connection\'s own certificate', () => {
    const a = fakeSocket(true, { CN: 'a' });
    const b = fakeSocket(true, { CN: 'b' });
    assert.equal(authenticate(a as unknown as TLSSocket)?.name, 'a');
    assert.equal(authenticate(b as unknown as TLSSocket)?.name, 'b');
    assert.equal(authenticate(a as unknown as TLSSocket)?.name, 'a');
  });
});
