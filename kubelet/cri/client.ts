// A typed promise client for the CRI runtime.v1 RuntimeService and ImageService over a unix
// socket. Everything the kubelet does to pods and containers goes through here.
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { repoRoot } from '../../lib/repo-root';
import type {
  Container,
  ContainerConfig,
  ContainerFilter,
  ContainerStatus,
  ExecSyncResponse,
  Image,
  PodSandbox,
  PodSandboxConfig,
  PodSandboxStatus,
  SandboxFilter,
  StatusResponse,
  VersionResponse,
} from './types';

/** A failed CRI call; grpcCode is the gRPC status (5 = NOT_FOUND, 14 = UNAVAILABLE, ...). */
export class CriError extends Error {
  readonly code = 'CRI_CALL_FAILED';
  constructor(readonly method: string, readonly grpcCode: number, message: string) {
    super(`CRI ${method}: ${message}`);
    this.name = 'CriError';
  }
}

export const isCriNotFound = (e: unknown): boolean => e instanceof CriError && e.grpcCode === grpc.status.NOT_FOUND;

let cachedPkg: any;
function criPackage(): any {
  if (!cachedPkg) {
    const def = protoLoader.loadSync(path.join(repoRoot(), 'proto', 'cri', 'api.proto'), {
      keepCase: false,
      longs: Number,
      enums: String,
      defaults: true,
      oneofs: true,
    });
    cachedPkg = grpc.loadPackageDefinition(def);
  }
  return cachedPkg;
}

/** Accepts "unix:///path", "unix:/path" or a bare "/path". */
export function normalizeCriEndpoint(endpoint: string): string {
  if (endpoint.startsWith('unix://')) return endpoint;
  if (endpoint.startsWith('unix:')) return 'unix://' + endpoint.slice('unix:'.length);
  return 'unix://' + endpoint;
}

export class CriClient {
  private readonly runtime: any;
  private readonly images: any;
  private readonly timeoutMs: number;

  constructor(endpoint: string, opts: { timeoutMs?: number } = {}) {
    const pkg = criPackage();
    const address = normalizeCriEndpoint(endpoint);
    const creds = grpc.credentials.createInsecure();
    const chan = { 'grpc.max_receive_message_length': 16 * 1024 * 1024 };
    this.runtime = new pkg.runtime.v1.RuntimeService(address, creds, chan);
    this.images = new pkg.runtime.v1.ImageService(address, creds, chan);
    this.timeoutMs = opts.timeoutMs ?? 120_000;
  }

  /** `signal` cancels the call (the runtime sees its context cancelled; the promise rejects CANCELLED). */
  private call<R>(stub: any, method: string, req: unknown, timeoutMs = this.timeoutMs, signal?: AbortSignal): Promise<R> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new CriError(method, grpc.status.CANCELLED, 'cancelled before it was sent'));
      const fn = method.charAt(0).toLowerCase() + method.slice(1);
      const onAbort = () => call.cancel();
      const call = stub[fn](req, { deadline: new Date(Date.now() + timeoutMs) }, (err: grpc.ServiceError | null, res: R) => {
        signal?.removeEventListener('abort', onAbort);
        if (err) reject(new CriError(method, err.code ?? grpc.status.UNKNOWN, err.details || err.message));
        else resolve(res);
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  version(timeoutMs?: number): Promise<VersionResponse> {
    return this.call(this.runtime, 'Version', { version: 'v1' }, timeoutMs);
  }

  status(): Promise<StatusResponse> {
    return this.call(this.runtime, 'Status', { verbose: false });
  }

  async runPodSandbox(config: PodSandboxConfig, runtimeHandler = ''): Promise<string> {
    const r = await this.call<{ podSandboxId: string }>(this.runtime, 'RunPodSandbox', { config, runtimeHandler });
    return r.podSandboxId;
  }

  async stopPodSandbox(id: string): Promise<void> {
    await this.call(this.runtime, 'StopPodSandbox', { podSandboxId: id });
  }

  async removePodSandbox(id: string): Promise<void> {
    await this.call(this.runtime, 'RemovePodSandbox', { podSandboxId: id });
  }

  async podSandboxStatus(id: string): Promise<PodSandboxStatus> {
    const r = await this.call<{ status: PodSandboxStatus }>(this.runtime, 'PodSandboxStatus', { podSandboxId: id });
    return r.status;
  }

  async listPodSandbox(filter: SandboxFilter = {}): Promise<PodSandbox[]> {
    const f: Record<string, unknown> = { id: filter.id ?? '', labelSelector: filter.labelSelector ?? {} };
    if (filter.state) f.state = { state: filter.state };
    const r = await this.call<{ items: PodSandbox[] }>(this.runtime, 'ListPodSandbox', { filter: f });
    return r.items ?? [];
  }

  async createContainer(podSandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string> {
    const r = await this.call<{ containerId: string }>(this.runtime, 'CreateContainer', { podSandboxId, config, sandboxConfig });
    return r.containerId;
  }

  async startContainer(id: string): Promise<void> {
    await this.call(this.runtime, 'StartContainer', { containerId: id });
  }

  /** timeoutSec: grace period before SIGKILL; the call deadline allows for it. */
  async stopContainer(id: string, timeoutSec: number): Promise<void> {
    await this.call(this.runtime, 'StopContainer', { containerId: id, timeout: timeoutSec }, this.timeoutMs + timeoutSec * 1000);
  }

  async removeContainer(id: string): Promise<void> {
    await this.call(this.runtime, 'RemoveContainer', { containerId: id });
  }

  async listContainers(filter: ContainerFilter = {}): Promise<Container[]> {
    const f: Record<string, unknown> = {
      id: filter.id ?? '',
      podSandboxId: filter.podSandboxId ?? '',
      labelSelector: filter.labelSelector ?? {},
    };
    if (filter.state) f.state = { state: filter.state };
    const r = await this.call<{ containers: Container[] }>(this.runtime, 'ListContainers', { filter: f });
    return r.containers ?? [];
  }

  async containerStatus(id: string): Promise<ContainerStatus> {
    const r = await this.call<{ status: ContainerStatus }>(this.runtime, 'ContainerStatus', { containerId: id });
    return r.status;
  }

  /** Runs cmd in a running container and waits for it; timeoutSec 0 means no limit. */
  async execSync(id: string, cmd: string[], timeoutSec: number): Promise<ExecSyncResponse> {
    const r = await this.call<ExecSyncResponse>(this.runtime, 'ExecSync', { containerId: id, cmd, timeout: timeoutSec }, (timeoutSec || 60) * 1000 + 5000);
    return { stdout: Buffer.from(r.stdout ?? []), stderr: Buffer.from(r.stderr ?? []), exitCode: r.exitCode ?? 0 };
  }

  async updateContainerResources(id: string, linux: NonNullable<NonNullable<ContainerConfig['linux']>['resources']>): Promise<void> {
    await this.call(this.runtime, 'UpdateContainerResources', { containerId: id, linux });
  }

  async listImages(): Promise<Image[]> {
    const r = await this.call<{ images: Image[] }>(this.images, 'ListImages', {});
    return r.images ?? [];
  }

  /** The image if present, undefined if not (CRI answers an empty image rather than an error). */
  async imageStatus(image: string): Promise<Image | undefined> {
    const r = await this.call<{ image: Image | null }>(this.images, 'ImageStatus', { image: { image } });
    return r.image && r.image.id ? r.image : undefined;
  }

  /** `signal` cancels a pull in flight (the pod it was for is terminating). */
  async pullImage(image: string, sandboxConfig?: PodSandboxConfig, signal?: AbortSignal): Promise<string> {
    const r = await this.call<{ imageRef: string }>(this.images, 'PullImage', { image: { image }, sandboxConfig }, this.timeoutMs, signal);
    return r.imageRef;
  }

  async removeImage(image: string): Promise<void> {
    await this.call(this.images, 'RemoveImage', { image: { image } });
  }

  close(): void {
    this.runtime.close();
    this.images.close();
  }
}
