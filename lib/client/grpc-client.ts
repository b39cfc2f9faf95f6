// The gRPC implementation of ApiClient: the cluster's own components reach the apiserver here.
import * as grpc from '@grpc/grpc-js';
import type { KList, KObject } from '../api/types';
import type { ResourceType } from '../api/resources';
import type {
  ApiClient,
  DeleteOptions,
  ListOptions,
  ServedResource,
  WatchCallbacks,
  WatchHandle,
  WatchOptions,
} from './api-client';
import { apiErrorFromGrpc, loadApiPackage } from './proto';
import { loadKubeconfig, type Credentials } from './kubeconfig';

export interface GrpcClientOptions {
  /** host:port of the apiserver's gRPC door. */
  address: string;
  ca: Buffer;
  /** The client certificate and key; a bootstrap client has a token instead. */
  cert?: Buffer;
  key?: Buffer;
  /** A bearer token (a bootstrap token), sent as `authorization` metadata on every call. */
  token?: string;
  /** Per-call deadline for unary calls, ms. */
  timeoutMs?: number;
}

/** Derives gRPC options from a kubeconfig: same host as its server, port grpcPort. */
export function grpcOptionsFromKubeconfig(file: string, grpcAddress?: string, grpcPort = 6444, allowToken = false): GrpcClientOptions {
  const c: Credentials = loadKubeconfig(file);
  const hasCert = !!(c.cert && c.key);
  if (!c.ca || (!hasCert && !(allowToken && c.token))) throw new Error(`kubeconfig ${file} lacks CA or client ${allowToken ? 'certificate or token' : 'certificate'}`);
  const url = new URL(c.server);
  const host = url.hostname.includes(':') ? `[${url.hostname}]` : url.hostname;
  const address = grpcAddress ?? `${host}:${grpcPort}`;
  return hasCert ? { address, ca: c.ca, cert: c.cert, key: c.key } : { address, ca: c.ca, token: c.token };
}

const CHANNEL_OPTIONS = {
  'grpc.keepalive_time_ms': 20_000,
  'grpc.keepalive_timeout_ms': 10_000,
  'grpc.keepalive_permit_without_calls': 1,
  'grpc.max_receive_message_length': 256 * 1024 * 1024,
  'grpc.initial_reconnect_backoff_ms': 200,
  'grpc.max_reconnect_backoff_ms': 2000,
};

function channelCredentials(o: GrpcClientOptions): grpc.ChannelCredentials {
  const tls = grpc.credentials.createSsl(o.ca, o.key ?? null, o.cert ?? null);
  if (!o.token) return tls;
  const token = o.token;
  return grpc.credentials.combineChannelCredentials(
    tls,
    grpc.credentials.createFromMetadataGenerator((_params, cb) => {
      const md = new grpc.Metadata();
      md.add('authorization', `Bearer ${token}`);
      cb(null, md);
    }),
  );
}

function refOf(rt: ResourceType, namespace: string | undefined, name = '', subresource = '') {
  return {
    apiVersion: rt.apiVersion,
    resource: rt.resource,
    namespace: rt.namespaced ? namespace ?? '' : '',
    name,
    subresource,
  };
}

const toJson = (v: unknown) => Buffer.from(JSON.stringify(v));
const fromJson = <T>(b: Buffer | Uint8Array): T => JSON.parse(Buffer.from(b).toString('utf8')) as T;

export class GrpcApiClient implements ApiClient {
  private stub: any;
  private readonly timeoutMs: number;
  /** The watches running on the current channel, ended when the credentials change. */
  private watches = new Set<grpc.ClientReadableStream<unknown>>();

  constructor(private opts: GrpcClientOptions) {
    this.stub = GrpcApiClient.newStub(opts);
    this.timeoutMs = opts.timeoutMs ?? 30_000;
  }

  private static newStub(opts: GrpcClientOptions): any {
    const pkg = loadApiPackage() as any;
    return new pkg.k8ts.v1.Api(opts.address, channelCredentials(opts), CHANNEL_OPTIONS);
  }

  /**
   * Switches to a new client certificate without a restart (the kubelet's certificate rotation):
   * new calls use a new channel at once; running watches are ended so that their informers
   * re-watch on it (they resume from their resourceVersion); the old channel closes once its
   * unary calls had time to finish.
   */
  rotateCredentials(cert: Buffer, key: Buffer): void {
    this.opts = { ...this.opts, cert, key, token: undefined };
    const old = this.stub;
    const oldWatches = this.watches;
    this.stub = GrpcApiClient.newStub(this.opts);
    this.watches = new Set();
    for (const w of oldWatches) w.cancel();
    setTimeout(() => old.close(), this.timeoutMs).unref();
  }

  private unary<R>(method: string, req: unknown): Promise<R> {
    return new Promise((resolve, reject) => {
      const deadline = new Date(Date.now() + this.timeoutMs);
      this.stub[method](req, { deadline }, (err: grpc.ServiceError | null, res: R) => {
        if (err) reject(apiErrorFromGrpc(err));
        else resolve(res);
      });
    });
  }

  async discover(): Promise<ServedResource[]> {
    const res = await this.unary<{ resources: Buffer }>('discover', {});
    return JSON.parse(Buffer.from(res.resources).toString('utf8')) as ServedResource[];
  }

  async get<T extends KObject>(rt: ResourceType, namespace: string | undefined, name: string, subresource = ''): Promise<T> {
    const res = await this.unary<{ object: Buffer }>('get', { ref: refOf(rt, namespace, name, subresource) });
    return fromJson<T>(res.object);
  }

  async list<T extends KObject>(rt: ResourceType, namespace?: string, opts: ListOptions = {}): Promise<KList<T>> {
    const res = await this.unary<{ list: Buffer }>('list', {
      ref: refOf(rt, namespace),
      labelSelector: opts.labelSelector ?? '',
      fieldSelector: opts.fieldSelector ?? '',
      resourceVersion: opts.resourceVersion ?? '',
      resourceVersionMatch: opts.resourceVersionMatch ?? '',
      limit: opts.limit ?? 0,
      continueToken: opts.continueToken ?? '',
    });
    return fromJson<KList<T>>(res.list);
  }

  async create<T extends KObject>(rt: ResourceType, obj: T, subresource = ''): Promise<T> {
    const name = subresource ? obj.metadata.name ?? '' : '';
    const res = await this.unary<{ object: Buffer }>('create', {
      ref: refOf(rt, obj.metadata.namespace, name, subresource),
      object: toJson(obj),
    });
    return fromJson<T>(res.object);
  }

  async update<T extends KObject>(rt: ResourceType, obj: T): Promise<T> {
    const res = await this.unary<{ object: Buffer }>('update', {
      ref: refOf(rt, obj.metadata.namespace, obj.metadata.name),
      object: toJson(obj),
    });
    return fromJson<T>(res.object);
  }

  async updateStatus<T extends KObject>(rt: ResourceType, obj: T): Promise<T> {
    const res = await this.unary<{ object: Buffer }>('update', {
      ref: refOf(rt, obj.metadata.namespace, obj.metadata.name, 'status'),
      object: toJson(obj),
    });
    return fromJson<T>(res.object);
  }

  async patch<T extends KObject>(
    rt: ResourceType,
    namespace: string | undefined,
    name: string,
    patchType: 'merge' | 'json' | 'strategic',
    patch: unknown,
    subresource = '',
  ): Promise<T> {
    const res = await this.unary<{ object: Buffer }>('patch', {
      ref: refOf(rt, namespace, name, subresource),
      patchType,
      patch: toJson(patch),
    });
    return fromJson<T>(res.object);
  }

  async delete(rt: ResourceType, namespace: string | undefined, name: string, opts?: DeleteOptions): Promise<void> {
    await this.unary('delete', { ref: refOf(rt, namespace, name), options: opts ? toJson(opts) : Buffer.alloc(0) });
  }

  watch<T extends KObject>(
    rt: ResourceType,
    namespace: string | undefined,
    opts: WatchOptions,
    cb: WatchCallbacks<T>,
  ): WatchHandle {
    const call: grpc.ClientReadableStream<{ type: string; object: Buffer }> = this.stub.watch({
      ref: refOf(rt, namespace),
      labelSelector: opts.labelSelector ?? '',
      fieldSelector: opts.fieldSelector ?? '',
      resourceVersion: opts.resourceVersion ?? '',
      allowBookmarks: opts.allowBookmarks ?? false,
      // Left out when unset, so the server tells "not sent" from false.
      ...(opts.sendInitialEvents !== undefined ? { sendInitialEvents: opts.sendInitialEvents } : {}),
      resourceVersionMatch: opts.resourceVersionMatch ?? '',
    });
    let closed = false;
    let stopped = false;
    const watches = this.watches;
    watches.add(call);
    const close = (err?: Error) => {
      if (closed) return;
      closed = true;
      watches.delete(call);
      cb.onClose(stopped ? undefined : err);
    };
    call.on('data', (ev) => {
      if (closed) return;
      try {
        cb.onEvent({ type: ev.type as any, object: fromJson<T>(ev.object) });
      } catch (e) {
        close(e as Error);
        call.cancel();
      }
    });
    call.on('error', (err: grpc.ServiceError) => close(err.code === grpc.status.CANCELLED ? undefined : apiErrorFromGrpc(err)));
    call.on('end', () => close());
    return {
      stop: () => {
        stopped = true;
        call.cancel();
        close();
      },
    };
  }

  close(): void {
    this.stub.close();
  }
}
