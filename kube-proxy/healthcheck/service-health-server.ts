// The service health-check listeners: one HTTP server per health-check node port, opened and
// closed on each sync to match desiredHealthChecks(plan). A port that cannot be opened (someone
// else holds it) is logged and tried again on the next sync; nothing a Service says can crash
// kube-proxy. Counts change without reopening: handlers read the latest sync's numbers.
import * as http from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from '../../lib/log';
import type { ProxyPlan } from '../plan/types';
import { desiredHealthChecks, healthCheckBody, healthCheckStatus, type HealthCheck } from './desired';

export interface ServiceHealthServerOptions {
  log: Logger;
  /** Addresses to listen on for every port (upstream: the node-port addresses); default all IPv4. */
  addresses?: string[];
  /** The proxier's own health (its /healthz verdict): an unhealthy proxier fails every check. */
  proxyHealthy?: () => boolean;
}

export interface HealthSyncResult {
  /** Ports served after this sync, sorted. */
  serving: number[];
  /** Ports that should be served but could not be opened this time ("port ns/name: error"). */
  failed: string[];
  conflicts: string[];
}

interface Instance {
  check: HealthCheck;
  servers: http.Server[];
  sockets: Set<Socket>;
}

export class ServiceHealthServer {
  private readonly instances = new Map<number, Instance>();
  private readonly addresses: string[];
  private readonly proxyHealthy: () => boolean;
  private readonly log: Logger;
  private syncing: Promise<unknown> = Promise.resolve();

  constructor(opts: ServiceHealthServerOptions) {
    this.log = opts.log.child({ part: 'service-health' });
    this.addresses = opts.addresses?.length ? [...new Set(opts.addresses)] : ['0.0.0.0'];
    this.proxyHealthy = opts.proxyHealthy ?? (() => true);
  }

  /** Opens, closes and updates listeners to match the plan. Syncs run one at a time. */
  sync(plan: ProxyPlan): Promise<HealthSyncResult> {
    const run = this.syncing.then(() => this.doSync(plan));
    this.syncing = run.catch(() => undefined);
    return run;
  }

  /** Closes every listener (kube-proxy stopping). */
  async close(): Promise<void> {
    await this.syncing;
    await Promise.all([...this.instances.keys()].map((p) => this.closeInstance(p)));
  }

  /** Ports listened on now, sorted. */
  ports(): number[] {
    return [...this.instances.keys()].sort((a, b) => a - b);
  }

  private async doSync(plan: ProxyPlan): Promise<HealthSyncResult> {
    const { checks, conflicts } = desiredHealthChecks(plan);
    for (const c of conflicts) this.log.warn({ conflict: c }, 'health check not served');
    const want = new Map(checks.map((c) => [c.port, c]));
    for (const [port, inst] of this.instances) {
      const next = want.get(port);
      if (!next || next.namespace !== inst.check.namespace || next.name !== inst.check.name) {
        await this.closeInstance(port);
        this.log.info({ port, service: `${inst.check.namespace}/${inst.check.name}` }, 'closed health check');
      }
    }
    const failed: string[] = [];
    for (const check of checks) {
      const inst = this.instances.get(check.port);
      if (inst) {
        inst.check = check;
        continue;
      }
      const service = `${check.namespace}/${check.name}`;
      try {
        this.instances.set(check.port, await this.open(check));
        this.log.info({ port: check.port, service }, 'opened health check');
      } catch (err) {
        failed.push(`${check.port} ${service}: ${(err as Error).message}`);
        this.log.warn({ port: check.port, service, err: (err as Error).message }, 'health check port not opened; retrying next sync');
      }
    }
    return { serving: this.ports(), failed, conflicts };
  }

  private async open(check: HealthCheck): Promise<Instance> {
    const inst: Instance = { check, servers: [], sockets: new Set() };
    try {
      for (const host of this.addresses) inst.servers.push(await this.listen(inst, host, check.port));
    } catch (err) {
      // All or nothing, so the next sync retries the whole port.
      await closeServers(inst);
      throw err;
    }
    return inst;
  }

  private listen(inst: Instance, host: string, port: number): Promise<http.Server> {
    const server = http.createServer((req, res) => {
      const healthy = this.safeProxyHealthy();
      const { check } = inst;
      res.writeHead(healthCheckStatus(check.localEndpoints, healthy), {
        'Content-Type': 'application/json',
        'X-Content-Type-Options': 'nosniff',
      });
      res.end(req.method === 'HEAD' ? undefined : healthCheckBody(check, healthy));
    });
    server.on('connection', (s: Socket) => {
      inst.sockets.add(s);
      s.on('close', () => inst.sockets.delete(s));
    });
    server.on('clientError', (_err, socket) => socket.destroy());
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      server.once('error', onError);
      server.listen({ host, port, exclusive: true }, () => {
        server.off('error', onError);
        server.on('error', (err) => this.log.warn({ port, err: err.message }, 'health check server error'));
        resolve(server);
      });
    });
  }

  private safeProxyHealthy(): boolean {
    try {
      return this.proxyHealthy();
    } catch {
      return false;
    }
  }

  private async closeInstance(port: number): Promise<void> {
    const inst = this.instances.get(port);
    if (!inst) return;
    this.instances.delete(port);
    await closeServers(inst);
  }
}

async function closeServers(inst: Instance): Promise<void> {
  // Load balancers keep connections alive; drop them so the port is free at once.
  for (const s of inst.sockets) s.destroy();
  await Promise.all(inst.servers.map((srv) => new Promise<void>((resolve) => srv.close(() => resolve()))));
  inst.servers = [];
}
