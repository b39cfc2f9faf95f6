// The pod network's VXLAN applier against the real kernel, inside a network namespace this test
// creates: it creates the device as planned, follows changes to peers (forwarding entries and
// neighbours) and to settings that need a new device, removes only a device that is ours, and
// never touches one of the same name that someone else made.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { localRunner } from '../../kube-proxy/exec';
import type { VxlanDeviceSpec } from '../../kube-proxy/pod-network/plan';
import { VxlanDevice } from '../../kube-proxy/pod-network/vxlan-device';
import { ForeignDeviceError } from '../../kube-proxy/pod-network/vxlan-changes';

const NS = `k8ts-vx-${randomBytes(3).toString('hex')}`;
const inNs = (...args: string[]) => execFileSync('ip', ['netns', 'exec', NS, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const linkJson = () => JSON.parse(inNs('ip', '-j', '-d', 'link', 'show', 'dev', 'k8ts-vxlan'))[0];
const exists = () => {
  try {
    inNs('ip', 'link', 'show', 'dev', 'k8ts-vxlan');
    return true;
  } catch {
    return false;
  }
};

const spec: VxlanDeviceSpec = { name: 'k8ts-vxlan', vni: 1, port: 8472, local: '198.18.250.1', mac: '0e:6b:c6:12:fa:01', mtu: 1450, address: '10.244.1.0/32' };
const peer = (n: number) => ({ mac: `0e:6b:c6:12:fa:0${n}`, ip: `10.244.${n}.0`, node: `198.18.250.${n}` });

describe('kube-proxy VXLAN device in a network namespace', function () {
  this.timeout(60_000);
  const device = new VxlanDevice(localRunner({ netns: NS }), 'k8ts-vxlan');

  before(() => {
    execFileSync('ip', ['netns', 'add', NS]);
    inNs('ip', 'link', 'set', 'lo', 'up');
    inNs('ip', 'link', 'add', 'vx-a', 'type', 'veth', 'peer', 'name', 'vx-b');
    inNs('ip', 'addr', 'add', '198.18.250.1/24', 'dev', 'vx-a');
    inNs('ip', 'link', 'set', 'vx-a', 'up');
  });

  after(() => {
    execFileSync('ip', ['netns', 'del', NS]);
  });

  it('creates the device as planned, with its peers', async () => {
    const [p2, p3] = [peer(2), peer(3)];
    await device.sync({ device: spec, fdb: [{ mac: p2.mac, dst: p2.node }, { mac: p3.mac, dst: p3.node }], neighbours: [{ ip: p2.ip, mac: p2.mac }, { ip: p3.ip, mac: p3.mac }] });
    const l = linkJson();
    assert.deepEqual(
      { mac: l.address, mtu: l.mtu, alias: l.ifalias, up: l.flags.includes('UP'), vni: l.linkinfo.info_data.id, port: l.linkinfo.info_data.port, local: l.linkinfo.info_data.local, learning: l.linkinfo.info_data.learning },
      { mac: spec.mac, mtu: 1450, alias: 'k8ts pod network', up: true, vni: 1, port: 8472, local: '198.18.250.1', learning: false },
    );
    assert.match(inNs('ip', '-4', 'addr', 'show', 'dev', 'k8ts-vxlan'), /inet 10\.244\.1\.0\/32/);
    const fdb = inNs('bridge', 'fdb', 'show', 'dev', 'k8ts-vxlan');
    assert.match(fdb, /0e:6b:c6:12:fa:02 dst 198\.18\.250\.2 self permanent/);
    assert.match(fdb, /0e:6b:c6:12:fa:03 dst 198\.18\.250\.3 self permanent/);
    const neigh = inNs('ip', 'neigh', 'show', 'dev', 'k8ts-vxlan');
    assert.match(neigh, /10\.244\.2\.0 lladdr 0e:6b:c6:12:fa:02 (proto 107 )?PERMANENT/);
    // a second sync with the same plan changes nothing
    assert.equal(await device.sync({ device: spec, fdb: [{ mac: p2.mac, dst: p2.node }, { mac: p3.mac, dst: p3.node }], neighbours: [{ ip: p2.ip, mac: p2.mac }, { ip: p3.ip, mac: p3.mac }] }), 0);
  });

  it('follows a peer that moved and one that left', async () => {
    const p2 = peer(2);
    const moved = '198.18.250.22';
    await device.sync({ device: spec, fdb: [{ mac: p2.mac, dst: moved }], neighbours: [{ ip: p2.ip, mac: p2.mac }] });
    const fdb = inNs('bridge', 'fdb', 'show', 'dev', 'k8ts-vxlan');
    assert.match(fdb, /0e:6b:c6:12:fa:02 dst 198\.18\.250\.22 /);
    assert.doesNotMatch(fdb, /dst 198\.18\.250\.2 |0e:6b:c6:12:fa:03/);
    assert.doesNotMatch(inNs('ip', 'neigh', 'show', 'dev', 'k8ts-vxlan'), /10\.244\.3\.0/);
  });

  it('recreates the device when its VNI changes, and sets a new MTU in place', async () => {
    const before = linkJson().ifindex;
    await device.sync({ device: { ...spec, mtu: 1400 }, fdb: [], neighbours: [] });
    assert.equal(linkJson().ifindex, before);
    assert.equal(linkJson().mtu, 1400);
    await device.sync({ device: { ...spec, vni: 7 }, fdb: [], neighbours: [] });
    assert.notEqual(linkJson().ifindex, before);
    assert.equal(linkJson().linkinfo.info_data.id, 7);
    assert.equal(linkJson().mtu, 1450);
  });

  it('removes its own device, and is a no-op when there is none', async () => {
    assert.equal(await device.remove(), true);
    assert.equal(exists(), false);
    assert.equal(await device.remove(), false);
  });

  it('leaves a device of the same name that someone else made alone', async () => {
    inNs('ip', 'link', 'add', 'k8ts-vxlan', 'address', 'aa:bb:cc:dd:ee:f0', 'type', 'vxlan', 'id', '9', 'local', '198.18.250.1', 'dstport', '4789');
    await assert.rejects(device.sync({ device: spec, fdb: [], neighbours: [] }), ForeignDeviceError);
    assert.equal(await device.remove(), false);
    assert.equal(linkJson().linkinfo.info_data.id, 9);
    inNs('ip', 'link', 'del', 'k8ts-vxlan');
  });
});
