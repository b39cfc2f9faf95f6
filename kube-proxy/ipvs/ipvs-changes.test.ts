import assert from 'node:assert/strict';
import type { VirtualServer } from './build-ipvs';
import { addressChanges, ipvsadmChanges, IpvsParseError, parseIpvsadmSave } from './ipvs-changes';

const saved = [
  '-A -t 10.96.0.1:443 -s rr',
  '-a -t 10.96.0.1:443 -r 192.168.1.10:6443 -m -w 1',
  '-A -u 10.96.0.10:53 -s rr -p 10800',
  '-a -u 10.96.0.10:53 -r 10.244.0.2:53 -m -w 1',
  '-a -u 10.96.0.10:53 -r 10.244.1.3:53 -m -w 1',
  '-A -t 10.96.0.99:80 -s wlc',
  '-A -f 7 -s rr',
  '-a -f 7 -r 10.0.0.9:0 -g -w 1',
  '-A -t [fd00::1]:80 -s rr',
  '',
].join('\n');

const vs = (protocol: VirtualServer['protocol'], address: string, port: number, rs: string[], persistenceSeconds?: number): VirtualServer => ({
  service: 'x',
  frontEnd: 'cluster-ip',
  protocol,
  address,
  port,
  scheduler: 'rr',
  ...(persistenceSeconds ? { persistenceSeconds } : {}),
  realServers: rs.map((r) => ({ address: r.split(':')[0], port: Number(r.split(':')[1]), weight: 1 })),
});

describe('kube-proxy/ipvs changes', () => {
  it('parses ipvsadm-save, skipping firewall-mark and IPv6 services', () => {
    assert.deepEqual(parseIpvsadmSave(saved), [
      { protocol: 'tcp', address: '10.96.0.1', port: 443, scheduler: 'rr', realServers: [{ address: '192.168.1.10', port: 6443, weight: 1, method: '-m' }] },
      {
        protocol: 'udp',
        address: '10.96.0.10',
        port: 53,
        scheduler: 'rr',
        persistenceSeconds: 10800,
        realServers: [
          { address: '10.244.0.2', port: 53, weight: 1, method: '-m' },
          { address: '10.244.1.3', port: 53, weight: 1, method: '-m' },
        ],
      },
      { protocol: 'tcp', address: '10.96.0.99', port: 80, scheduler: 'wlc', realServers: [] },
    ]);
  });

  it('rejects what it cannot read with a clear error', () => {
    assert.throws(() => parseIpvsadmSave('-A -t nonsense -s rr'), (e: unknown) => e instanceof IpvsParseError && /not an IPv4 address:port "nonsense"/.test(e.message));
    assert.throws(() => parseIpvsadmSave('-a -t 10.96.0.1:443 -r 10.0.0.1:1 -m -w 1'), /real server before its virtual server/);
  });

  it('deletes the stale, edits the changed, adds the new, and leaves the rest', () => {
    const desired = [
      vs('tcp', '10.96.0.1', 443, ['192.168.1.10:6443']), // unchanged
      vs('udp', '10.96.0.10', 53, ['10.244.1.3:53', '10.244.2.4:53']), // affinity dropped, one endpoint replaced
      vs('tcp', '10.96.5.5', 80, ['10.244.0.7:8080'], 600), // new
    ];
    assert.deepEqual(ipvsadmChanges(parseIpvsadmSave(saved), desired), [
      '-D -t 10.96.0.99:80',
      '-d -u 10.96.0.10:53 -r 10.244.0.2:53',
      '-E -u 10.96.0.10:53 -s rr',
      '-a -u 10.96.0.10:53 -r 10.244.2.4:53 -m -w 1',
      '-A -t 10.96.5.5:80 -s rr -p 600',
      '-a -t 10.96.5.5:80 -r 10.244.0.7:8080 -m -w 1',
    ]);
  });

  it('changes nothing when the kernel already matches', () => {
    const s = parseIpvsadmSave(saved);
    const desired = [vs('tcp', '10.96.0.1', 443, ['192.168.1.10:6443']), vs('udp', '10.96.0.10', 53, ['10.244.0.2:53', '10.244.1.3:53'], 10800), vs('tcp', '10.96.0.99', 80, [])];
    desired[2].scheduler = 'rr';
    assert.deepEqual(ipvsadmChanges(s, desired), ['-E -t 10.96.0.99:80 -s rr']);
    assert.deepEqual(ipvsadmChanges(s.slice(0, 2), desired.slice(0, 2)), []);
  });

  it('re-edits a real server with another weight or forwarding method', () => {
    const s = parseIpvsadmSave('-A -t 10.96.0.1:443 -s rr\n-a -t 10.96.0.1:443 -r 10.0.0.1:6443 -g -w 3\n');
    assert.deepEqual(ipvsadmChanges(s, [vs('tcp', '10.96.0.1', 443, ['10.0.0.1:6443'])]), ['-e -t 10.96.0.1:443 -r 10.0.0.1:6443 -m -w 1']);
  });

  it('computes the device address changes', () => {
    assert.deepEqual(addressChanges(['10.96.0.1', '10.96.0.99', '10.96.0.10'], ['10.96.0.1', '10.96.0.10', '10.96.5.5']), { add: ['10.96.5.5'], del: ['10.96.0.99'] });
  });
});
