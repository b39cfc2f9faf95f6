// The pod network's VXLAN device, the doing half: reads what the device holds, runs the commands
// vxlan-changes.ts derives, and removes the device when the plan no longer wants it (or on
// --cleanup). Only a device that is ours is ever changed or deleted.
import type { Logger } from '../../lib/log';
import { CommandError, mustRun, type CommandRunner } from '../exec';
import { validInterfaceName, InterfaceNameError } from '../node-routes';
import { parseFdb, parseNeighbours, parseVxlanLink, type FdbSpec, type NeighbourSpec, type VxlanLinkState } from './host-state';
import type { VxlanDeviceSpec } from './plan';
import { deviceCommands, fdbCommands, ForeignDeviceError, isOurDevice, neighbourCommands, type HostCommand } from './vxlan-changes';

export class VxlanSyncError extends Error {
  readonly code = 'VXLAN_SYNC_FAILED';
  constructor(readonly failures: string[]) {
    super(`vxlan sync failed: ${failures.join('; ')}`);
    this.name = 'VxlanSyncError';
  }
}

export interface VxlanWant {
  device: VxlanDeviceSpec;
  neighbours: NeighbourSpec[];
  fdb: FdbSpec[];
}

export class VxlanDevice {
  constructor(
    private readonly run: CommandRunner,
    readonly name: string,
    private readonly log?: Logger,
  ) {
    if (!validInterfaceName(name)) throw new InterfaceNameError(name);
  }

  async state(): Promise<VxlanLinkState | undefined> {
    const link = await this.run('ip', ['-j', '-d', 'link', 'show', 'dev', this.name]);
    if (link.code !== 0) return undefined; // no such device
    const addr = await mustRun(this.run, 'ip', ['-j', '-4', 'addr', 'show', 'dev', this.name]);
    return parseVxlanLink(link.stdout, addr);
  }

  private async runAll(cmds: HostCommand[], failures: string[]): Promise<void> {
    for (const [cmd, ...args] of cmds) {
      try {
        await mustRun(this.run, cmd, args);
      } catch (err) {
        failures.push(err instanceof CommandError ? err.message : String(err));
      }
    }
  }

  /** Brings the device, its forwarding entries and its neighbours to want; returns the commands run. */
  async sync(want: VxlanWant): Promise<number> {
    const before = await this.state();
    const cmds = deviceCommands(before, want.device);
    const failures: string[] = [];
    // The device first: nothing else can exist without it.
    await this.runAll(cmds, failures);
    if (failures.length) throw new VxlanSyncError(failures);
    if (cmds.some((c) => c[1] === 'link' && c[2] === 'add')) {
      this.log?.info({ device: this.name, vni: want.device.vni, port: want.device.port, local: want.device.local, mac: want.device.mac, mtu: want.device.mtu }, 'created vxlan device');
    }
    // Forwarding entries before neighbours: a neighbour is only usable once its MAC can be tunnelled.
    const fdb = fdbCommands(this.name, parseFdb(await mustRun(this.run, 'bridge', ['-j', 'fdb', 'show', 'dev', this.name])), want.fdb);
    await this.runAll(fdb, failures);
    const neigh = neighbourCommands(this.name, parseNeighbours(await mustRun(this.run, 'ip', ['-j', 'neigh', 'show', 'dev', this.name])), want.neighbours);
    await this.runAll(neigh, failures);
    const changed = cmds.length + fdb.length + neigh.length;
    if (fdb.length + neigh.length) this.log?.info({ device: this.name, fdb: fdb.length, neighbours: neigh.length }, 'vxlan peers changed');
    if (failures.length) throw new VxlanSyncError(failures);
    return changed;
  }

  /** Deletes the device if it exists and is ours; one of another owner is left and reported. */
  async remove(): Promise<boolean> {
    const s = await this.state();
    if (!s) return false;
    if (!isOurDevice(s)) {
      this.log?.warn({ device: this.name, kind: s.kind, err: new ForeignDeviceError(this.name, s.kind).message }, 'vxlan device name taken by another owner; left alone');
      return false;
    }
    await mustRun(this.run, 'ip', ['link', 'del', 'dev', this.name]);
    this.log?.info({ device: this.name }, 'removed vxlan device');
    return true;
  }
}
