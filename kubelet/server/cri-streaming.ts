// CRI streaming calls (Exec, Attach, PortForward): the runtime answers with a URL on its own streaming
// server. Kept apart from the pod engineer's CriClient; loads the same proto.
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { repoRoot } from '../../lib/repo-root';
import { normalizeCriEndpoint, CriError } from '../cri/client';

export interface AttachRequest {
  containerId: string;
  tty: boolean;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
}

export interface ExecRequest extends AttachRequest {
  cmd: string[];
}

export class CriStreaming {
  private readonly stub: any;

  constructor(endpoint: string) {
    const def = protoLoader.loadSync(path.join(repoRoot(), 'proto', 'cri', 'api.proto'), { keepCase: false, longs: Number, enums: String, defaults: true });
    const pkg = grpc.loadPackageDefinition(def) as any;
    this.stub = new pkg.runtime.v1.RuntimeService(normalizeCriEndpoint(endpoint), grpc.credentials.createInsecure());
  }

  private call<R>(method: string, req: unknown): Promise<R> {
    return new Promise((resolve, reject) => {
      const fn = method.charAt(0).toLowerCase() + method.slice(1);
      this.stub[fn](req, { deadline: new Date(Date.now() + 30_000) }, (err: grpc.ServiceError | null, res: R) => {
        if (err) reject(new CriError(method, err.code ?? grpc.status.UNKNOWN, err.details || err.message));
        else resolve(res);
      });
    });
  }

  async exec(r: ExecRequest): Promise<string> {
    return (await this.call<{ url: string }>('Exec', r)).url;
  }

  async attach(r: AttachRequest): Promise<string> {
    return (await this.call<{ url: string }>('Attach', r)).url;
  }

  async portForward(podSandboxId: string, ports: number[]): Promise<string> {
    return (await this.call<{ url: string }>('PortForward', { podSandboxId, port: ports })).url;
  }

  /**
   * The network namespace of a pod sandbox, from containerd's verbose PodSandboxStatus: the OCI
   * spec's network namespace path, else the sandbox process's /proc/<pid>/ns/net.
   */
  async sandboxNetns(podSandboxId: string): Promise<string> {
    const r = await this.call<{ info?: Record<string, string> }>('PodSandboxStatus', { podSandboxId, verbose: true });
    return netnsFromInfo(r.info?.info);
  }

  close(): void {
    this.stub.close();
  }
}

export class SandboxNetnsError extends Error {
  readonly code = 'SANDBOX_NETNS_UNKNOWN';
  constructor(message: string) {
    super(message);
    this.name = 'SandboxNetnsError';
  }
}

/** Pure: the netns path out of containerd's verbose sandbox info JSON. */
export function netnsFromInfo(info: string | undefined): string {
  let v: { pid?: number; runtimeSpec?: { linux?: { namespaces?: { type: string; path?: string }[] } } } = {};
  try {
    v = JSON.parse(info ?? '{}');
  } catch {
    throw new SandboxNetnsError('the runtime returned unreadable sandbox info');
  }
  const ns = v.runtimeSpec?.linux?.namespaces?.find((n) => n.type === 'network')?.path;
  if (ns) return ns;
  if (v.pid) return `/proc/${v.pid}/ns/net`;
  throw new SandboxNetnsError('the runtime does not report the sandbox network namespace');
}
