// A minimal gRPC unary client for etcd over one HTTP/2 connection (h2c, as the etcd endpoints of
// this project are plain http://). The store sends its per-create and per-update Txn through it:
// grpc-js with the etcd3 library's pool, circuit breaker and protobufjs objects in front spent
// about as much CPU per write as the whole registry, and a write needs none of it — one stream,
// one framed message, the grpc-status trailer. Reads, watches and leases stay on the etcd3 client.
//
// Failures read as grpc-js reports them ("14 UNAVAILABLE: …"), so storage/etcd-calls.ts wrap()
// turns them into the same Status errors. A broken connection is dropped and the next call dials
// the next endpoint; there is no retry here (a write that may have happened is never repeated).
import * as http2 from 'node:http2';

const GRPC_CODE_NAMES = [
  'OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS', 'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED',
];
const UNAVAILABLE = 14;

export class EtcdCallError extends Error {
  constructor(
    readonly grpcCode: number,
    details: string,
  ) {
    super(`${grpcCode} ${GRPC_CODE_NAMES[grpcCode] ?? 'UNKNOWN'}: ${details}`);
    this.name = 'EtcdCallError';
  }
}

/** The endpoints this client can dial: plain http:// ones (TLS endpoints keep the etcd3 client). */
export function plainEndpoints(hosts: string | string[]): string[] | undefined {
  const list = (Array.isArray(hosts) ? hosts : [hosts]).map((h) => (h.includes('://') ? h : `http://${h}`));
  return list.length && list.every((h) => h.startsWith('http://')) ? list : undefined;
}

/** The 5-byte gRPC message prefix (uncompressed) followed by the message. */
function frame(message: Buffer): Buffer {
  const out = Buffer.allocUnsafe(5 + message.length);
  out[0] = 0;
  out.writeUInt32BE(message.length, 1);
  message.copy(out, 5);
  return out;
}

export class EtcdUnaryClient {
  private session: http2.ClientHttp2Session | undefined;
  private endpoint = 0;
  /** Calls under way per connection: a connection is referenced only while it has some. */
  private inFlight = new WeakMap<http2.ClientHttp2Session, number>();
  private closed = false;

  constructor(private readonly endpoints: string[]) {
    if (!endpoints.length) throw new Error('EtcdUnaryClient needs an endpoint');
  }

  /** One unary call, e.g. call('/etcdserverpb.KV/Txn', encodedRequest); resolves with the encoded answer. */
  call(path: string, message: Buffer): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      if (this.closed) return reject(new EtcdCallError(UNAVAILABLE, 'etcd client closed'));
      let session: http2.ClientHttp2Session;
      let stream: http2.ClientHttp2Stream;
      const headers = { ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers' };
      try {
        session = this.connect();
        stream = session.request(headers);
      } catch {
        // Nothing was sent (a connection closing under us, or one out of stream ids after 2^30
        // calls): a fresh connection takes the call.
        this.drop(this.session);
        try {
          session = this.connect();
          stream = session.request(headers);
        } catch (e) {
          this.drop(this.session);
          return reject(new EtcdCallError(UNAVAILABLE, (e as Error).message));
        }
      }
      this.started(session);
      const chunks: Buffer[] = [];
      let status: number | undefined;
      let details = '';
      let failure: Error | undefined;
      const readStatus = (h: http2.IncomingHttpHeaders) => {
        if (h['grpc-status'] === undefined) return;
        status = Number(h['grpc-status']);
        details = h['grpc-message'] ? decodeURIComponent(String(h['grpc-message'])) : '';
      };
      // A trailers-only answer (an error) carries its status in the response headers.
      stream.on('response', readStatus);
      stream.on('trailers', readStatus);
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', (e) => (failure = e));
      stream.on('close', () => {
        this.finished(session);
        if (status === undefined) {
          this.drop(session);
          return reject(new EtcdCallError(UNAVAILABLE, `connection to etcd closed: ${failure?.message ?? `stream reset (code ${stream.rstCode})`}`));
        }
        if (status !== 0) return reject(new EtcdCallError(status, details));
        const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
        if (body.length < 5 || body[0] !== 0) return reject(new EtcdCallError(13, 'etcd answer is not one uncompressed gRPC message'));
        const len = body.readUInt32BE(1);
        if (body.length < 5 + len) return reject(new EtcdCallError(13, 'etcd answer truncated'));
        resolve(body.subarray(5, 5 + len));
      });
      stream.end(frame(message));
    });
  }

  close(): void {
    this.closed = true;
    this.session?.close();
    this.session = undefined;
  }

  private connect(): http2.ClientHttp2Session {
    const open = this.session;
    if (open && !open.closed && !open.destroyed) return open;
    const s = http2.connect(this.endpoints[this.endpoint % this.endpoints.length]);
    // Session errors reach the calls as stream errors; the session itself is only dropped. A
    // refused connection moves on to the next endpoint.
    s.on('error', () => {
      this.endpoint++;
      this.drop(s);
    });
    s.on('goaway', () => this.drop(s));
    s.on('close', () => this.drop(s));
    // Idle, the connection must not keep the process alive; in use, it is referenced.
    s.unref();
    this.session = s;
    return s;
  }

  private drop(s: http2.ClientHttp2Session | undefined): void {
    if (s && this.session === s) this.session = undefined;
  }

  private started(s: http2.ClientHttp2Session): void {
    const n = this.inFlight.get(s) ?? 0;
    this.inFlight.set(s, n + 1);
    if (n === 0) s.ref();
  }

  private finished(s: http2.ClientHttp2Session): void {
    const n = (this.inFlight.get(s) ?? 1) - 1;
    this.inFlight.set(s, n);
    if (n === 0 && !s.destroyed) s.unref();
  }
}
