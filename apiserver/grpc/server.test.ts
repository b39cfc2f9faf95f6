import assert from 'node:assert/strict';
import { certSubject } from './server';

type Call = Parameters<typeof certSubject>[0];

/** A grpc-js call as certSubject sees it: its auth context, and its connection where 1.14 keeps it. */
function fakeCall(socket: object | undefined, subject: Record<string, unknown> | undefined, counter: { reads: number }): Call {
  return {
    call: socket ? { stream: { session: { socket } } } : undefined,
    getAuthContext: () => {
      counter.reads++;
      return subject ? { transportSecurityType: 'ssl', sslPeerCertificate: { subject } } : {};
    },
  } as unknown as Call;
}

describe('grpc door: client certificate subjects', () => {
  it('reads the certificate once per connection', () => {
    const socket = {};
    const counter = { reads: 0 };
    for (let i = 0; i < 3; i++) assert.deepEqual(certSubject(fakeCall(socket, { CN: 'admin' }, counter)), { CN: 'admin' });
    assert.equal(counter.reads, 1);
  });

  it('remembers a connection without a verified certificate as such', () => {
    const socket = {};
    const counter = { reads: 0 };
    assert.equal(certSubject(fakeCall(socket, undefined, counter)), undefined);
    assert.equal(certSubject(fakeCall(socket, undefined, counter)), undefined);
    assert.equal(counter.reads, 1);
  });

  it("keeps each connection's own subject", () => {
    const counter = { reads: 0 };
    const a = {};
    const b = {};
    assert.deepEqual(certSubject(fakeCall(a, { CN: 'a' }, counter)), { CN: 'a' });
    assert.deepEqual(certSubject(fakeCall(b, { CN: 'b' }, counter)), { CN: 'b' });
    assert.deepEqual(certSubject(fakeCall(a, { CN: 'ignored' }, counter)), { CN: 'a' });
  });

  it('reads the auth context on every call when the connection is not where it is expected', () => {
    const counter = { reads: 0 };
    assert.deepEqual(certSubject(fakeCall(undefined, { CN: 'x' }, counter)), { CN: 'x' });
    assert.deepEqual(certSubject(fakeCall(undefined, { CN: 'y' }, counter)), { CN: 'y' });
    assert.equal(counter.reads, 2);
  });
});

describe('grpc door: the certificate is read once per connection over real TLS', function () {
  it('answers every call as the certificate user while decoding the certificate once', async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const tls = await import('node:tls');
    const { makeTestCerts } = await import('../../test/helpers/certs');
    const { GrpcApiClient } = await import('../../lib/client/grpc-client');
    const { Resources } = await import('../../lib/api/resources');
    const { startGrpcServer } = await import('./server');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-grpc-cert-'));
    // Only what Create needs: the resolved kind, and the object back with the user it was created as.
    const registry = {
      resolve: (apiVersion: string, resource: string) => ({ apiVersion, resource, kind: 'ConfigMap', namespaced: true }),
      create: async (_def: unknown, _ns: string, obj: { metadata: object }, o: { user?: string }) => ({ ...obj, metadata: { ...obj.metadata, annotations: { user: String(o.user) } } }),
    };
    const original = tls.TLSSocket.prototype.getPeerCertificate;
    let decodes = 0;
    tls.TLSSocket.prototype.getPeerCertificate = function (this: import('node:tls').TLSSocket, detailed?: boolean) {
      // The client's sockets live in this process too: only the server side's reads count.
      if ((this as unknown as { server?: unknown }).server) decodes++;
      return original.call(this, detailed as never);
    } as typeof original;
    let server: { close(): Promise<void> } | undefined;
    let client: InstanceType<typeof GrpcApiClient> | undefined;
    try {
      const certs = await makeTestCerts(dir);
      server = await startGrpcServer({ registry: registry as never, host: '127.0.0.1', port: 0, tls: { cert: Buffer.from(certs.serverCert), key: Buffer.from(certs.serverKey), ca: Buffer.from(certs.ca) } }).then((s) => {
        client = new GrpcApiClient({ address: `127.0.0.1:${s.port}`, ca: Buffer.from(certs.ca), cert: Buffer.from(certs.clientCert), key: Buffer.from(certs.clientKey) });
        return s;
      });
      const users: string[] = [];
      for (let i = 0; i < 5; i++) {
        const made = await client!.create(Resources.configmaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `c${i}`, namespace: 'default' } } as import('../../lib/api/types').KObject);
        users.push(made.metadata.annotations?.user ?? '');
      }
      assert.deepEqual(users, ['admin', 'admin', 'admin', 'admin', 'admin']);
      assert.equal(decodes, 1, `certificate decoded ${decodes} times for 5 calls on one connection`);
    } finally {
      tls.TLSSocket.prototype.getPeerCertificate = original;
      client?.close();
      await server?.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
