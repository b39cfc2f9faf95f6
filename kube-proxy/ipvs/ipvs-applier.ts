// Makes an IpvsState true on the node: the kube-ipvs0 device, the ipsets, the virtual servers
// (diffed against `ipvsadm-save -n`), the addresses bound to the device and the iptables payload
// with its jumps. Order matters: the sets exist before iptables rules name them, and virtual
// servers exist before their addresses become local. UNTESTED ON A REAL KERNEL: the machines this
// was written on have no ip_vs module (and no dummy link type); it is unit-tested with a recording
// runner only, and checkIpvsSupport keeps `--proxy-mode ipvs` from starting until it is wired.
import type { Logger } from '../../lib/log';
import { mustRun, type CommandRunner } from '../exec';
import { IPVS_DEVICE, type IpvsState } from './build-ipvs';
import { addressChanges, ipvsadmChanges, parseIpvsadmSave } from './ipvs-changes';

/** The jumps from built-in chains into the mode's chains (ensured one by one, never restored). */
export const IPVS_JUMPS: readonly { table: 'nat' | 'filter'; chain: string; args: string[] }[] = [
  { table: 'nat', chain: 'PREROUTING', args: ['-m', 'comment', '--comment', 'kubernetes service portals', '-j', 'KUBE-SERVICES'] },
  { table: 'nat', chain: 'OUTPUT', args: ['-m', 'comment', '--comment', 'kubernetes service portals', '-j', 'KUBE-SERVICES'] },
  { table: 'nat', chain: 'POSTROUTING', args: ['-m', 'comment', '--comment', 'kubernetes postrouting rules', '-j', 'KUBE-POSTROUTING'] },
  { table: 'filter', chain: 'INPUT', args: ['-m', 'comment', '--comment', 'kubernetes health check rules', '-j', 'KUBE-NODE-PORT'] },
  { table: 'filter', chain: 'FORWARD', args: ['-m', 'comment', '--comment', 'kubernetes forwarding rules', '-j', 'KUBE-FORWARD'] },
];

export interface IpvsApplyResult {
  ipvsChanges: number;
  addressesAdded: number;
  addressesRemoved: number;
}

export class IpvsApplier {
  private readonly log: Logger;

  constructor(
    private readonly run: CommandRunner,
    log: Logger,
  ) {
    this.log = log.child({ part: 'ipvs-applier' });
  }

  async apply(state: IpvsState): Promise<IpvsApplyResult> {
    await this.ensureDevice();
    await mustRun(this.run, 'ipset', ['-exist', 'restore'], state.ipsetRestore);

    const changes = ipvsadmChanges(parseIpvsadmSave(await mustRun(this.run, 'ipvsadm-save', ['-n'])), state.virtualServers);
    if (changes.length > 0) await mustRun(this.run, 'ipvsadm-restore', [], changes.join('\n') + '\n');

    const addrs = addressChanges(await this.boundAddresses(), state.boundAddresses);
    for (const a of addrs.add) await mustRun(this.run, 'ip', ['addr', 'add', `${a}/32`, 'dev', IPVS_DEVICE]);
    for (const a of addrs.del) await mustRun(this.run, 'ip', ['addr', 'del', `${a}/32`, 'dev', IPVS_DEVICE]);

    await mustRun(this.run, 'iptables-restore', ['--noflush'], state.iptablesRestore);
    for (const j of IPVS_JUMPS) {
      const check = await this.run('iptables', ['-t', j.table, '-C', j.chain, ...j.args]);
      if (check.code !== 0) await mustRun(this.run, 'iptables', ['-t', j.table, '-I', j.chain, '1', ...j.args]);
    }
    const result = { ipvsChanges: changes.length, addressesAdded: addrs.add.length, addressesRemoved: addrs.del.length };
    this.log.debug(result, 'ipvs state applied');
    return result;
  }

  private async ensureDevice(): Promise<void> {
    const shown = await this.run('ip', ['link', 'show', 'dev', IPVS_DEVICE]);
    if (shown.code === 0) return;
    // Left down, as upstream does: addresses on it are local all the same, and it answers no ARP.
    await mustRun(this.run, 'ip', ['link', 'add', IPVS_DEVICE, 'type', 'dummy']);
  }

  private async boundAddresses(): Promise<string[]> {
    const out = await mustRun(this.run, 'ip', ['-j', '-4', 'addr', 'show', 'dev', IPVS_DEVICE]);
    const links = JSON.parse(out || '[]') as { addr_info?: { local?: string }[] }[];
    return links.flatMap((l) => (l.addr_info ?? []).map((a) => a.local).filter((a): a is string => !!a));
  }
}
