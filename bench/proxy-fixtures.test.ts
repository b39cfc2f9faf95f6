import assert from 'node:assert/strict';
import { planServices } from '../kube-proxy/plan/plan-services';
import { addedEndpointIP, benchState, endpointIP, serviceIP, withEndpoint } from './proxy-fixtures';
import { isRulesTransaction, PayloadWatch } from './payload-watch';

describe('bench proxy: fixtures', () => {
  it('gives 1,000 distinct service IPs and 10,000 distinct endpoint IPs', () => {
    assert.equal(new Set(Array.from({ length: 1000 }, (_, i) => serviceIP(i))).size, 1000);
    assert.equal(new Set(Array.from({ length: 10_000 }, (_, k) => endpointIP(k))).size, 10_000);
    assert.equal(serviceIP(0), '10.96.100.1');
    assert.equal(serviceIP(999), '10.96.103.250');
    assert.equal(endpointIP(9999), '10.244.39.250');
  });

  it('keeps added endpoints apart from the fixture and from each other as text', () => {
    const added = Array.from({ length: 600 }, (_, n) => addedEndpointIP(n));
    assert.equal(new Set(added).size, 600);
    for (const a of added) {
      assert.match(a, /^10\.244\.2\d\d\.\d{3}$/);
      for (const b of added.slice(0, 40)) if (a !== b) assert.ok(!b.startsWith(a), `${a} prefixes ${b}`);
    }
    assert.throws(() => addedEndpointIP(7500), RangeError);
    assert.throws(() => endpointIP(50_000), RangeError);
  });

  it('plans every service port with its endpoints, and an added one', () => {
    const state = benchState(20, 10);
    const plan = planServices({ ...state, nodeName: 'bench-node' });
    assert.equal(plan.servicePorts.length, 20);
    assert.deepEqual(plan.skipped, []);
    for (const sp of plan.servicePorts) assert.equal(sp.clusterEndpoints.length, 10);
    const svc3 = plan.servicePorts.find((sp) => sp.service === 'svc-3')!;
    assert.equal(svc3.clusterIP, '10.96.100.4');
    assert.deepEqual(svc3.clusterEndpoints.map((e) => e.endpoint).slice(0, 2), ['10.244.0.31:8080', '10.244.0.32:8080']);

    const grown = { ...state, endpointSlices: state.endpointSlices.map((s, i) => (i === 3 ? withEndpoint(s, addedEndpointIP(0)) : s)) };
    const after = planServices({ ...grown, nodeName: 'bench-node' }).servicePorts.find((sp) => sp.service === 'svc-3')!;
    assert.equal(after.clusterEndpoints.length, 11);
    assert.ok(after.clusterEndpoints.some((e) => e.endpoint === '10.244.200.100:8080'));
    assert.equal(state.endpointSlices[3].endpoints!.length, 10, 'withEndpoint copies');
  });
});

describe('bench proxy: payload watch', () => {
  it('knows the rules transactions', () => {
    assert.ok(isRulesTransaction('iptables-restore', ['--noflush', '-w']));
    assert.ok(isRulesTransaction('nft', ['-f', '-']));
    assert.ok(!isRulesTransaction('nft', ['-j', 'list', 'table', 'ip', 'x']));
    assert.ok(!isRulesTransaction('iptables-save', ['-t', 'nat']));
  });

  it('settles a waiter at the end of the first successful transaction containing its text', async () => {
    const codes = [1, 0, 0];
    const calls: string[] = [];
    let clock = 100;
    const watch = new PayloadWatch(async (cmd, args, stdin) => {
      calls.push(`${cmd} ${stdin ?? ''}`);
      clock += 10;
      return { code: cmd === 'iptables-restore' ? codes.shift()! : 0, stdout: '', stderr: '' };
    }, () => clock);
    const got = watch.next('10.244.200.100');
    const other = watch.next('10.244.200.101');
    await watch.runner('iptables-restore', ['--noflush'], '-A X -j DNAT --to-destination 10.244.200.100:8080\n'); // fails: code 1
    await watch.runner('iptables-save', ['-t', 'nat'], '10.244.200.100'); // not a transaction
    assert.equal(watch.pending, 2);
    await watch.runner('iptables-restore', ['--noflush'], '-A X -j DNAT --to-destination 10.244.200.100:8080\n');
    assert.equal(await got, 130);
    assert.equal(watch.pending, 1);
    assert.equal(watch.transactions, 1);
    await watch.runner('nft', ['-f', '-'], 'add element ip t m { 10.244.200.101 }\n');
    assert.equal(await other, 140);
    assert.equal(watch.pending, 0);
    assert.equal(calls.length, 4);
  });
});
