// The gRPC door: proto/k8ts.proto's Api service over TLS. Callers authenticate with a client
// certificate signed by the cluster CA or, without one, a bootstrap token in the `authorization`
// metadata (Bearer); every method resolves the resource and calls the Registry as that caller may
// use it (auth/guarded-registry.ts); errors travel as Status metadata.
import * as grpc from '@grpc/grpc-js';
import type { KObject } from '../../lib/api/types';
import { ApiError, apiError } from '../../lib/errors';
import { componentLogger } from '../../lib/log';
import { apiServiceDefinition, grpcErrorFromStatus } from '../../lib/client/proto';
import type { DeleteQuery, PatchType, Registry, ResourceDef, UserInfo } from '../registry/types';
import { userFromSubject } from '../rest/authn';
import { bearerToken, type TokenAuthenticator } from '../auth/token-authenticator';
import { guardRegistry } from '../auth/guarded-registry';

const log = componentLogger('apiserver', { part: 'grpc' });

export interface GrpcServerOptions {
  registry: Registry;
  host: string;
  port: number;
  tls: { cert: Buffer; key: Buffer; ca: Buffer };
  /** Bearer tokens (bootstrap tokens); without it only client certificates authenticate. */
  tokens?: TokenAuthenticator;
}

interface Ref {
  apiVersion: string;
  resource: string;
  namespace: string;
  name: string;
  subresource: string;
}

/** The decoded WatchRequest (proto3 defaults filled in, except the optional send_initial_events). */
interface WatchRequest {
  ref: Ref;
  labelSelector: string;
  fieldSelector: string;
  resourceVersion: string;
  allowBookmarks: boolean;
  sendInitialEvents?: boolean | null;
  resourceVersionMatch: string;
}

function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  log.error({ err: String((e as Error)?.stack ?? e) }, 'unexpected error in grpc handler');
  return apiError(500, 'InternalError', `Internal error occurred: ${(e as Error)?.message ?? String(e)}`);
}

function parseJson(buf: Buffer | Uint8Array | undefined, what: string): any {
  if (!buf || buf.length === 0) return undefined;
  try {
    // grpc-js hands over a Buffer already; only a plain Uint8Array needs a Buffer view (not a copy).
    const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
    return JSON.parse(b.toString('utf8'));
  } catch (e) {
    throw apiError(400, 'BadRequest', `invalid JSON in ${what}: ${(e as Error).message}`);
  }
}

const json = (v: unknown) => Buffer.from(JSON.stringify(v));

type AnyCall = grpc.ServerUnaryCall<unknown, unknown> | grpc.ServerWritableStream<unknown, unknown>;

type Subject = Record<string, unknown> | undefined;

/**
 * Subjects by TLS connection. getAuthContext() asks the socket for the peer certificate, which
 * Node decodes into a fresh object each time (the largest single cost of a small unary call); the
 * certificate cannot change within a connection, so it is read once per connection.
 */
const subjectsBySocket = new WeakMap<object, { subject: Subject }>();

/**
 * The call's TLS socket, when grpc-js exposes it where 1.14 keeps it (call.call.stream.session);
 * undefined for any other shape, which only costs the uncached read.
 */
function socketOf(call: AnyCall): object | undefined {
  const socket = (call as unknown as { call?: { stream?: { session?: { socket?: unknown } } } }).call?.stream?.session?.socket;
  return socket && typeof socket === 'object' ? socket : undefined;
}

/** The verified client certificate's subject; undefined without one (or one the CA did not sign). */
export function certSubject(call: AnyCall): Subject {
  const socket = socketOf(call);
  const known = socket && subjectsBySocket.get(socket);
  if (known) return known.subject;
  let subject: Subject;
  try {
    const cert = (call.getAuthContext?.() as { sslPeerCertificate?: { subject?: Record<string, unknown> } } | undefined)?.sslPeerCertificate;
    subject = cert?.subject;
  } catch {
    return undefined;
  }
  if (socket) subjectsBySocket.set(socket, { subject });
  return subject;
}

type UserOf = () => string | undefined;

interface Caller {
  registry: Registry;
  user: UserOf;
  info: () => UserInfo | undefined;
}

const unauthorized = () => apiError(401, 'Unauthorized', 'Unauthorized');

/**
 * Who calls: the certificate first (as kube-apiserver's x509 authenticator runs before the token
 * ones), else the bearer token; 401 for neither or a token that does not authenticate.
 */
async function identify(call: AnyCall, registry: Registry, tokens: TokenAuthenticator | undefined): Promise<Caller> {
  const subject = certSubject(call);
  if (subject) {
    let cached: { v: UserInfo | undefined } | undefined;
    const info = () => (cached ??= { v: userFromSubject(subject) }).v;
    // Certificate identities are not restricted (until RBAC): the registry itself.
    return { registry, user: () => info()?.name, info };
  }
  const token = bearerToken(call.metadata.get('authorization').map(String));
  if (token === undefined || !tokens) throw unauthorized();
  const user = await tokens.authenticate(token);
  if (user === 'invalid') throw unauthorized();
  return { registry: guardRegistry(registry, user), user: () => user.name, info: () => user };
}

/**
 * Write options whose `user` and `userInfo` are computed only when something reads them (the
 * certificate's subject is turned into a user once per call, on demand). Accessors in a literal
 * keep the object's shape fast (Object.defineProperty would turn it into a dictionary).
 */
function writeOptions<T extends object>(o: T, caller: Caller): T & { user?: string; userInfo?: UserInfo } {
  return {
    ...o,
    get user() {
      return caller.user();
    },
    get userInfo() {
      return caller.info();
    },
  };
}

export function buildHandlers(registry: Registry, tokens?: TokenAuthenticator): grpc.UntypedServiceImplementation {
  const resolve = (ref: Ref | undefined): { def: ResourceDef; ns: string | undefined; ref: Ref } => {
    if (!ref?.resource) throw apiError(400, 'BadRequest', 'request has no resource');
    const def = registry.resolve(ref.apiVersion || 'v1', ref.resource);
    if (!def) throw apiError(404, 'NotFound', `the server could not find the requested resource (${ref.apiVersion}/${ref.resource})`);
    return { def, ns: def.namespaced ? ref.namespace || undefined : undefined, ref };
  };
  const needName = (ref: Ref) => {
    if (!ref.name) throw apiError(400, 'BadRequest', 'resource name may not be empty');
    return ref.name;
  };

  const unary =
    <Req>(fn: (req: Req, caller: Caller) => Promise<Record<string, unknown>>) =>
    (call: grpc.ServerUnaryCall<Req, unknown>, cb: grpc.sendUnaryData<unknown>) => {
      identify(call as AnyCall, registry, tokens)
        .then((caller) => fn(call.request, caller))
        .then((res) => cb(null, res))
        .catch((e) => cb(grpcErrorFromStatus(toApiError(e).status)));
    };

  return {
    Get: unary<{ ref: Ref }>(async (req, caller) => {
      const { def, ns, ref } = resolve(req.ref);
      return { object: json(await caller.registry.get(def, ns, needName(ref), ref.subresource || undefined)) };
    }),
    List: unary<{ ref: Ref; labelSelector: string; fieldSelector: string; resourceVersion: string; resourceVersionMatch: string; limit: number; continueToken: string }>(
      async (req, caller) => {
        const { def, ns } = resolve(req.ref);
        const list = await caller.registry.list(def, ns, {
          labelSelector: req.labelSelector || undefined,
          fieldSelector: req.fieldSelector || undefined,
          resourceVersion: req.resourceVersion || undefined,
          resourceVersionMatch: req.resourceVersionMatch || undefined,
          limit: Number(req.limit) || undefined,
          continueToken: req.continueToken || undefined,
        });
        return { list: json(list) };
      },
    ),
    Create: unary<{ ref: Ref; object: Buffer; dryRun: boolean }>(async (req, caller) => {
      const { def, ns, ref } = resolve(req.ref);
      const obj = parseJson(req.object, 'object') as KObject;
      if (!obj) throw apiError(400, 'BadRequest', 'request body is empty');
      const out = await caller.registry.create(def, ns, obj, writeOptions({ dryRun: req.dryRun, subresource: ref.subresource || undefined, name: ref.name || undefined }, caller));
      return { object: json(out) };
    }),
    Update: unary<{ ref: Ref; object: Buffer; dryRun: boolean }>(async (req, caller) => {
      const { def, ns, ref } = resolve(req.ref);
      const obj = parseJson(req.object, 'object') as KObject;
      if (!obj) throw apiError(400, 'BadRequest', 'request body is empty');
      const out = await caller.registry.update(def, ns, needName(ref), obj, writeOptions({ dryRun: req.dryRun, subresource: ref.subresource || undefined }, caller));
      return { object: json(out) };
    }),
    Patch: unary<{ ref: Ref; patchType: string; patch: Buffer }>(async (req, caller) => {
      const { def, ns, ref } = resolve(req.ref);
      const body = parseJson(req.patch, 'patch');
      const out = await caller.registry.patch(def, ns, needName(ref), (req.patchType || 'merge') as PatchType, body, writeOptions({ subresource: ref.subresource || undefined }, caller));
      return { object: json(out) };
    }),
    Delete: unary<{ ref: Ref; options: Buffer }>(async (req, caller) => {
      const { def, ns, ref } = resolve(req.ref);
      const q = (parseJson(req.options, 'options') ?? {}) as DeleteQuery;
      return { object: json(await caller.registry.delete(def, ns, needName(ref), q)) };
    }),
    // The kind registry as discovery serves it: controllers that act on every kind (the garbage
    // collector) learn the kinds from here instead of a list compiled into them. One version per
    // kind (the stored one), as upstream's collector reads the preferred versions.
    Discover: unary<Record<string, never>>(async () => ({
      resources: json(registry.all().filter((d) => !d.storedAs).map((d) => ({ apiVersion: d.apiVersion, kind: d.kind, resource: d.resource, namespaced: d.namespaced, verbs: d.verbs, subresources: d.subresources }))),
    })),
    Watch: (call: grpc.ServerWritableStream<WatchRequest, unknown>) => {
      let stop: (() => void) | undefined;
      let done = false;
      const end = () => {
        if (done) return;
        done = true;
        stop?.();
        call.end();
      };
      // A client cancel (or a dropped connection) must release the etcd watch.
      call.on('cancelled', () => {
        done = true;
        stop?.();
      });
      call.on('error', () => {
        done = true;
        stop?.();
      });
      const req = call.request;
      identify(call as AnyCall, registry, tokens)
        .then((caller) => {
          const { def, ns } = resolve(req.ref);
          return caller.registry.watch(
            def,
            ns,
            {
              labelSelector: req.labelSelector || undefined,
              fieldSelector: req.fieldSelector || undefined,
              resourceVersion: req.resourceVersion || undefined,
              allowBookmarks: req.allowBookmarks,
              // Unset stays undefined (proto3 optional), as an absent query parameter does.
              sendInitialEvents: req.sendInitialEvents ?? undefined,
              resourceVersionMatch: req.resourceVersionMatch || undefined,
            },
            {
              send: (type, object) => {
                if (!done && !call.cancelled) call.write({ type, object: json(object) });
              },
              end,
            },
          );
        })
        .then((w) => {
          stop = () => w.stop();
          if (done) w.stop();
        })
        .catch((e) => {
          if (done) return;
          done = true;
          // 'error' makes grpc-js end the stream with this status; destroy() would drop the
          // status and leave the client waiting.
          call.emit('error', grpcErrorFromStatus(toApiError(e).status));
        });
    },
  };
}

export async function startGrpcServer(o: GrpcServerOptions): Promise<{ port: number; close(): Promise<void> }> {
  const server = new grpc.Server({
    'grpc.max_receive_message_length': 64 * 1024 * 1024,
    'grpc.max_send_message_length': 256 * 1024 * 1024,
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.http2.min_ping_interval_without_data_ms': 5_000,
    // Nothing reads channelz; its per-call and per-stream bookkeeping is pure overhead here.
    'grpc.enable_channelz': 0,
  });
  server.addService(apiServiceDefinition(), buildHandlers(o.registry, o.tokens));
  // A client certificate is asked for but not required: a joining kubelet has only its bootstrap
  // token. One without a verified certificate gets no certificate identity (getAuthContext is
  // empty for an unauthorized socket) and must bring a token, else every call answers 401.
  // The listeners are called after subscribing returns: grpc-js registers its watcher of the
  // credentials only then, and an update delivered before would leave the server without them.
  const identity = { certificate: o.tls.cert, privateKey: o.tls.key };
  const provider: grpc.experimental.CertificateProvider = {
    addCaCertificateListener: (l) => queueMicrotask(() => l({ caCertificate: o.tls.ca })),
    removeCaCertificateListener: () => undefined,
    addIdentityCertificateListener: (l) => queueMicrotask(() => l(identity)),
    removeIdentityCertificateListener: () => undefined,
  };
  const creds = grpc.experimental.createCertificateProviderServerCredentials(provider, provider, false);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${o.host.includes(':') ? `[${o.host}]` : o.host}:${o.port}`, creds, (err, p) => (err ? reject(err) : resolve(p))),
  );
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 2000);
        server.tryShutdown(() => {
          clearTimeout(t);
          resolve();
        });
      }),
  };
}
