import assert from 'node:assert/strict';
import { container, podWith } from '../../../test/fixtures/scheduler/basic';
import { fakeHandle } from '../../../test/fixtures/scheduler/fake-handle-basic';
import { mkNode } from '../../../test/fixtures/scheduler/objects';
import type { Pod } from '../../../lib/api/types';
import { CycleState } from '../../framework/cycle-state';
import { NodeInfo } from '../../framework/node-info';
import { conflicts, isSchedulableAfterPodDeleted, NodePorts, plugin } from '.';

type P = { port: number; ip?: string; protocol?: string };
const podPorts = (name: string, ports: P[], nodeName?: string): Pod =>
  podWith(name, { nodeName, containers: [container('c', { ports: ports.map((p) => ({ containerPort: 8080, hostPort: p.port, hostIP: p.ip, protocol: p.protocol })) })] });

describe('plugin NodePorts', () => {
  const pl = new NodePorts();
  const REASON = "node(s) didn't have free ports for the requested pod ports";
  const cases: { title: string; want: P[]; used: P[]; fits: boolean }[] = [
    { title: 'no ports wanted', want: [], used: [{ port: 80 }], fits: true },
    { title: 'other port', want: [{ port: 8080 }], used: [{ port: 80 }], fits: true },
    { title: 'same port, same ip', want: [{ port: 80, ip: '127.0.0.1' }], used: [{ port: 80, ip: '127.0.0.1' }], fits: false },
    { title: 'same port, other ip', want: [{ port: 80, ip: '127.0.0.1' }], used: [{ port: 80, ip: '127.0.0.2' }], fits: true },
    { title: 'same port, other protocol', want: [{ port: 80, protocol: 'UDP' }], used: [{ port: 80, protocol: 'TCP' }], fits: true },
    { title: 'same port and protocol UDP', want: [{ port: 80, protocol: 'UDP' }], used: [{ port: 80, protocol: 'UDP' }], fits: false },
    { title: 'wanted 0.0.0.0 clashes with a specific ip', want: [{ port: 80 }], used: [{ port: 80, ip: '10.0.0.1' }], fits: false },
    { title: 'wanted specific ip clashes with used 0.0.0.0', want: [{ port: 80, ip: '10.0.0.1' }], used: [{ port: 80, ip: '0.0.0.0' }], fits: false },
    { title: 'wildcard, different protocol', want: [{ port: 80, ip: '0.0.0.0', protocol: 'UDP' }], used: [{ port: 80, ip: '10.0.0.1', protocol: 'TCP' }], fits: true },
    { title: 'one of several clashes', want: [{ port: 81 }, { port: 82 }], used: [{ port: 82 }], fits: false },
  ];
  for (const c of cases) {
    it(c.title, () => {
      const pod = podPorts('p', c.want);
      const info = new NodeInfo(mkNode('n'), [podPorts('existing', c.used, 'n')]);
      const state = new CycleState();
      const pre = pl.preFilter(state, pod, [info]);
      if (c.want.length === 0) {
        assert.equal(pre.status.code, 'Skip');
        return;
      }
      assert.equal(pre.status.code, 'Success');
      const st = pl.filter(state, pod, info);
      assert.equal(st.code, c.fits ? 'Success' : 'Unschedulable');
      assert.deepEqual(st.reasons, c.fits ? [] : [REASON]);
    });
  }

  it('hostNetwork pods want their container ports', () => {
    const pod = podWith('p', { hostNetwork: true, containers: [container('c', { ports: [{ containerPort: 9100 }] })] });
    const info = new NodeInfo(mkNode('n'), [podPorts('e', [{ port: 9100 }], 'n')]);
    const state = new CycleState();
    assert.equal(pl.preFilter(state, pod, [info]).status.code, 'Success');
    assert.equal(pl.filter(state, pod, info).code, 'Unschedulable');
  });

  it('conflicts ignores port 0', () => {
    assert.equal(conflicts([{ ip: '0.0.0.0', protocol: 'TCP', port: 0 }], { ip: '0.0.0.0', protocol: 'TCP', port: 0 }), false);
  });

  it('pod-deleted hint', () => {
    const pod = podPorts('p', [{ port: 80 }]);
    assert.equal(isSchedulableAfterPodDeleted(pod, podPorts('d', [{ port: 80 }], 'n')), 'Queue');
    assert.equal(isSchedulableAfterPodDeleted(pod, podPorts('d', [{ port: 81 }], 'n')), 'QueueSkip');
    assert.equal(isSchedulableAfterPodDeleted(pod, podPorts('d', [{ port: 80 }])), 'QueueSkip', 'an unbound pod held no port');
  });

  it('factory and events', () => {
    const p = plugin.factory(undefined, fakeHandle()) as NodePorts;
    assert.equal(p.name, 'NodePorts');
    assert.deepEqual(
      p.eventsToRegister().map((e) => e.event.resource),
      ['Pod', 'Node'],
    );
  });
});
