import { strict as assert } from 'node:assert';
import { nodeIsReady, nodeReadySince } from './cluster';
import { defaultRouteDevice, firstIpv4, IPV4 } from './node-address';
import { clientIdentities, kubeletServingSans } from './pki-setup';
import { installedFromDpkg, missingPackages, REQUIRED_PACKAGES } from './preflight';

describe('cluster helpers', () => {
  it('finds the default route device and its IPv4 address from ip -j output', () => {
    assert.equal(defaultRouteDevice('[{"dst":"10.0.0.0/8","dev":"x"},{"dst":"default","gateway":"192.0.2.1","dev":"eth0"}]'), 'eth0');
    assert.equal(defaultRouteDevice('[]'), undefined);
    const addr = '[{"ifname":"eth0","addr_info":[{"family":"inet6","local":"fe80::1"},{"family":"inet","local":"192.0.2.10","prefixlen":24,"scope":"global"}]}]';
    assert.equal(firstIpv4(addr), '192.0.2.10');
    assert.equal(firstIpv4('[{"addr_info":[]}]'), undefined);
    assert.ok(IPV4.test('10.96.0.1') && !IPV4.test('10.96.0.256') && !IPV4.test('a.b.c.d'));
  });

  it('parses dpkg-query status and lists what is missing', () => {
    const installed = installedFromDpkg('etcd-server installed\ncontainerd not-installed\nrunc:amd64 installed\n\n');
    assert.deepEqual([...installed].sort(), ['etcd-server', 'runc']);
    assert.deepEqual(missingPackages(['etcd-server', 'containerd', 'runc'], installed), ['containerd']);
    assert.ok(REQUIRED_PACKAGES.includes('containernetworking-plugins'));
  });

  it('names client identities the Kubernetes way', () => {
    const ids = clientIdentities('node-a');
    assert.deepEqual(ids.find((i) => i.base === 'admin'), { base: 'admin', cn: 'admin', orgs: ['system:masters'] });
    assert.deepEqual(ids.find((i) => i.base === 'kubelet'), { base: 'kubelet', cn: 'system:node:node-a', orgs: ['system:nodes'] });
    assert.equal(ids.find((i) => i.base === 'scheduler')?.cn, 'system:kube-scheduler');
    assert.ok(kubeletServingSans('node-a', '172.31.1.1').includes('172.31.1.1'));
  });

  it('reads node readiness from kubectl JSON', () => {
    const node = (status: string) => JSON.stringify({ status: { conditions: [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status }] } });
    assert.equal(nodeIsReady(node('True')), true);
    assert.equal(nodeIsReady(node('False')), false);
    assert.equal(nodeIsReady(''), false);
  });

  it('counts a node Ready only once the kubelet it started renewed the Lease', () => {
    const started = Date.parse('2025-01-02T03:04:05Z');
    const list = (ready: string, renewTime: string) =>
      JSON.stringify({
        kind: 'List',
        items: [
          { kind: 'Node', status: { conditions: [{ type: 'Ready', status: ready }] } },
          { kind: 'Lease', spec: { holderIdentity: 'n', renewTime } },
        ],
      });
    assert.equal(nodeReadySince(list('True', '2025-01-02T03:04:06.123000Z'), started), true);
    // Ready left over from before the restart: the new kubelet has not reported yet
    assert.equal(nodeReadySince(list('True', '2025-01-02T03:03:50.000000Z'), started), false);
    assert.equal(nodeReadySince(list('False', '2025-01-02T03:04:06.000000Z'), started), false);
    assert.equal(nodeReadySince('', started), false);
  });
});
