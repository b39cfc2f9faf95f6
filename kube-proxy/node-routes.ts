// Routing safety, the doing half: ensures the service sink interface and applies the route plan
// from route-plan.ts with `ip`. Only routes marked `proto 107` are ever replaced or deleted, and
// only the interface this proxier creates (by its configured name) is ever removed.
import type { Logger } from '../lib/log';
import { CommandError, mustRun, type CommandRunner } from './exec';
import { parseRoutes, planRouteChanges, routeArgv, type RouteChanges, type RouteSpec } from './route-plan';

export class RouteSyncError extends Error {
  readonly code = 'ROUTE_SYNC_FAILED';
  constructor(readonly failures: string[]) {
    super(`route sync failed: ${failures.join('; ')}`);
    this.name = 'RouteSyncError';
  }
}

export class InterfaceNameError extends Error {
  readonly code = 'INTERFACE_NAME_INVALID';
  constructor(name: string) {
    super(`interface name "${name}" must be 1-15 characters of [A-Za-z0-9_.-]`);
    this.name = 'InterfaceNameError';
  }
}

export function validInterfaceName(name: string): boolean {
  return /^[A-Za-z0-9_.-]{1,15}$/.test(name);
}

export class NodeRoutes {
  constructor(
    private readonly run: CommandRunner,
    private readonly serviceDevice: string,
    private readonly log?: Logger,
  ) {
    if (!validInterfaceName(serviceDevice)) throw new InterfaceNameError(serviceDevice);
  }

  private async deviceExists(): Promise<boolean> {
    return (await this.run('ip', ['link', 'show', 'dev', this.serviceDevice])).code === 0;
  }

  /** Creates the sink interface if missing and brings it up. A dummy interface is preferred; where
   *  the kernel lacks the dummy driver (as on these machines) a bridge with no ports sinks packets
   *  just as well. Returns what was done. */
  async ensureDevice(): Promise<'existing' | 'dummy' | 'bridge'> {
    let kind: 'existing' | 'dummy' | 'bridge' = 'existing';
    if (!(await this.deviceExists())) {
      const dummy = await this.run('ip', ['link', 'add', this.serviceDevice, 'type', 'dummy']);
      if (dummy.code === 0) kind = 'dummy';
      else {
        await mustRun(this.run, 'ip', ['link', 'add', this.serviceDevice, 'type', 'bridge']);
        kind = 'bridge';
      }
      this.log?.info({ device: this.serviceDevice, kind }, 'created service sink interface');
    }
    await mustRun(this.run, 'ip', ['link', 'set', this.serviceDevice, 'up']);
    return kind;
  }

  async currentRoutes(): Promise<ReturnType<typeof parseRoutes>> {
    return parseRoutes(await mustRun(this.run, 'ip', ['-j', 'route', 'show', 'table', 'main']));
  }

  /** Moves our routes to exactly `desired`; other routes are never touched. Every change is tried;
   *  failures are collected and thrown together so the caller retries. */
  async sync(desired: RouteSpec[]): Promise<RouteChanges> {
    const { ours, foreignDsts } = await this.currentRoutes();
    const changes = planRouteChanges(ours, foreignDsts, desired);
    const failures: string[] = [];
    const apply = async (op: 'replace' | 'del', r: RouteSpec) => {
      try {
        await mustRun(this.run, 'ip', routeArgv(op, r));
        this.log?.info({ op, dst: r.dst, via: r.via, dev: r.dev, type: r.type }, 'route changed');
      } catch (err) {
        failures.push(err instanceof CommandError ? err.message : String(err));
      }
    };
    for (const r of changes.remove) await apply('del', r);
    for (const r of changes.replace) await apply('replace', r);
    for (const r of changes.conflicts) this.log?.warn({ dst: r.dst }, 'route destination owned by someone else; left alone');
    if (failures.length) throw new RouteSyncError(failures);
    return changes;
  }

  /** Removes every route we created and the sink interface. */
  async cleanup(): Promise<{ routes: number; device: boolean }> {
    const changes = await this.sync([]);
    let device = false;
    if (await this.deviceExists()) {
      await mustRun(this.run, 'ip', ['link', 'del', this.serviceDevice]);
      device = true;
    }
    return { routes: changes.remove.length, device };
  }
}
