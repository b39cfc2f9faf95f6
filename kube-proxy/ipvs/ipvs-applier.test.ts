// The applier's command sequence, with a recording runner: this kernel has no ip_vs (see
// ipvs-support.ts), so the real tools cannot run here.
import assert from 'node:assert/strict';
import { componentLogger } from '../../lib/log';
import type { CommandResult, CommandRunner } from '../exec';
import type { ProxyPlan } from '../plan/types';
import { buildIpvsState } from './build-ipvs';
import { IpvsApplier, IPVS_JUMPS } from './ipvs-applier';

const plan: ProxyPlan = {
  skipped: [],
  servicePorts: [
    {
      name: 'default/web',
      namespace: 'default',
      service: 'web',
      protocol: 'tcp',
      clusterIP: '10.96.12.34',
      port: 80,
      nodePort: 0,
      externalIPs: [],
      loadBalancerIPs: [],
      externalPolicyLocal: false,
      internalPolicyLocal: false,
      healthCheckNodePort: 0,
      clusterEndpoints: [{ ip: '10.244.0.7', port: 8080, endpoint: '10.244.0.7:8080', local: true, ready: true, serving: true, terminating: false }],
      localEndpoints: [],
      allEndpoints: [],
    },
  ],
};

function recording(answer: (cmd: string, args: string[]) => Partial<CommandResult> | undefined) {
  const calls: { cmd: string; stdin?: string }[] = [];
  const run: CommandRunner = async (cmd, args, stdin) => {
    calls.push({ cmd: [cmd, ...args].join(' '), ...(stdin !== undefined ? { stdin } : {}) });
    return { code: 0, stdout: '', stderr: '', ...answer(cmd, args) };
  };
  return { run, calls };
}

describe('kube-proxy/ipvs IpvsApplier (recording runner)', () => {
  const log = componentLogger('kube-proxy-test');
  const state = buildIpvsState(plan, { clusterCIDR: '10.244.0.0/16', nodeIPs: ['192.168.1.10'] });

  it('creates the device, fills the sets, diffs IPVS, binds addresses, then restores iptables and its jumps', async () => {
    const { run, calls } = recording((cmd, args) => {
      if (cmd === 'ip' && args[0] === 'link' && args[1] === 'show') return { code: 1, stderr: 'Device "kube-ipvs0" does not exist.' };
      if (cmd === 'ipvsadm-save') return { stdout: '-A -t 10.96.0.99:80 -s rr\n' };
      if (cmd === 'ip' && args[0] === '-j') return { stdout: '[{"ifname":"kube-ipvs0","addr_info":[{"local":"10.96.0.99","prefixlen":32}]}]' };
      if (cmd === 'iptables' && args[2] === '-C') return { code: 1 };
      return undefined;
    });
    const r = await new IpvsApplier(run, log).apply(state);
    assert.deepEqual(r, { ipvsChanges: 3, addressesAdded: 1, addressesRemoved: 1 });
    assert.deepEqual(
      calls.map((c) => c.cmd),
      [
        'ip link show dev kube-ipvs0',
        'ip link add kube-ipvs0 type dummy',
        'ipset -exist restore',
        'ipvsadm-save -n',
        'ipvsadm-restore',
        'ip -j -4 addr show dev kube-ipvs0',
        'ip addr add 10.96.12.34/32 dev kube-ipvs0',
        'ip addr del 10.96.0.99/32 dev kube-ipvs0',
        'iptables-restore --noflush',
        ...IPVS_JUMPS.flatMap((j) => [`iptables -t ${j.table} -C ${j.chain} ${j.args.join(' ')}`, `iptables -t ${j.table} -I ${j.chain} 1 ${j.args.join(' ')}`]),
      ],
    );
    assert.equal(calls[2].stdin, state.ipsetRestore);
    assert.equal(calls[4].stdin, '-D -t 10.96.0.99:80\n-A -t 10.96.12.34:80 -s rr\n-a -t 10.96.12.34:80 -r 10.244.0.7:8080 -m -w 1\n');
    assert.equal(calls[8].stdin, state.iptablesRestore);
  });

  it('touches neither IPVS nor addresses nor jumps when all is in place', async () => {
    const { run, calls } = recording((cmd, args) => {
      if (cmd === 'ipvsadm-save') return { stdout: state.ipvsadmRestore };
      if (cmd === 'ip' && args[0] === '-j') return { stdout: '[{"addr_info":[{"local":"10.96.12.34"}]}]' };
      return undefined;
    });
    assert.deepEqual(await new IpvsApplier(run, log).apply(state), { ipvsChanges: 0, addressesAdded: 0, addressesRemoved: 0 });
    assert.ok(!calls.some((c) => /ipvsadm-restore|ip addr|-I /.test(c.cmd)), JSON.stringify(calls));
  });

  it('fails with the tool and its message when a step fails', async () => {
    const { run } = recording((cmd) => (cmd === 'ipset' ? { code: 127, stderr: 'spawn ipset ENOENT' } : undefined));
    await assert.rejects(new IpvsApplier(run, log).apply(state), (e: unknown) => (e as Error).message === 'ipset -exist restore exited 127: spawn ipset ENOENT');
  });
});
