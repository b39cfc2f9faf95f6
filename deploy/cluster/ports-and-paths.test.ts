import { strict as assert } from 'node:assert';
import {
  describeFinding,
  describeOccupation,
  duplicatePorts,
  foreignDaemons,
  foreignListeners,
  foreignPodProcesses,
  parseNetTcp,
  parseNetUnix,
  portNeeds,
  programOf,
  socketInode,
  wrongListeners,
  type NetSnapshot,
} from './ports-and-paths';
import { resolvePorts } from './layout';

// captured from a cluster's network namespace (trailing spaces and all)
const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:0947 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1001 1 000000003d8aede0 100 0 0 10 0
   1: 00000000:192B 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1002 1 00000000447b4887 100 0 0 10 0
   2: 0100007F:0947 0100007F:D2A4 01 00000000:00000000 00:00000000 00000000     0        0 1003 1 0000000000000000 20 4 30 10 -1
  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000001000000:1388 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1004 1 0000000000000000 100 0 0 10 0
`;

const UNIX = `Num       RefCount Protocol Flags    Type St Inode Path
0000000012243f74: 00000003 00000000 00000000 0001 03 235632
00000000bb381cd1: 00000002 00000000 00010000 0001 01 2001 /s/containerd/containerd.sock.ttrpc
00000000895284af: 00000002 00000000 00010000 0001 01 2002 /s/containerd/containerd.sock
000000007421430c: 00000003 00000000 00000000 0001 03 2003 /s/containerd/containerd.sock
00000000aaaaaaaa: 00000002 00000000 00010000 0001 01 2004 @abstract
`;

const etcd = { pid: 50, argv: ['etcd', '--data-dir=/other/etcd'] };
const apiserver = { pid: 60, argv: ['/usr/bin/node', '/other/dist/apiserver/main.js'] };

function snapshot(): NetSnapshot {
  return {
    tcp: parseNetTcp(TCP),
    unix: parseNetUnix(UNIX),
    holders: new Map([
      [1001, [etcd]],
      [1002, [apiserver]],
      [1004, [{ pid: 70, argv: ['docker-registry', 'serve', '/other/registry/config.yml'] }]],
      [2002, [{ pid: 80, argv: ['containerd', '--config', '/s/containerd/config.toml'] }]],
    ]),
  };
}

describe('ports and paths', () => {
  it('parses listening sockets of /proc/net/tcp and tcp6, skipping connections', () => {
    assert.deepEqual(parseNetTcp(TCP), [
      { address: '127.0.0.1', port: 2375, inode: 1001 },
      { address: '0.0.0.0', port: 6443, inode: 1002 },
      { address: '[::1]', port: 5000, inode: 1004 },
    ]);
    assert.deepEqual(parseNetTcp(''), []);
  });

  it('parses listening unix sockets with a path', () => {
    assert.deepEqual(parseNetUnix(UNIX), [
      { path: '/s/containerd/containerd.sock.ttrpc', inode: 2001 },
      { path: '/s/containerd/containerd.sock', inode: 2002 },
    ]);
    assert.equal(socketInode('socket:[2002]'), 2002);
    assert.equal(socketInode('/dev/null'), undefined);
    assert.equal(socketInode('anon_inode:[eventfd]'), undefined);
  });

  it('lists every port of a cluster and refuses one port given twice', () => {
    const needs = portNeeds(resolvePorts());
    assert.equal(needs.length, 14);
    assert.deepEqual(needs.find((n) => n.port === 2380), { port: 2380, what: 'etcd peer', unit: 'etcd' });
    assert.deepEqual(needs.find((n) => n.port === 8181), { port: 8181, what: 'cluster DNS health', unit: 'dns' });
    assert.equal(needs.find((n) => n.port === 53), undefined, 'the DNS port is bound on one address only');
    assert.deepEqual(needs.find((n) => n.port === 10254), { port: 10254, what: 'ingress health', unit: 'ingress' });
    assert.deepEqual(
      needs.filter((n) => n.port === 80 || n.port === 443),
      [],
      'the ingress’ HTTP and HTTPS are bound on one address only',
    );
    assert.deepEqual(duplicatePorts(portNeeds(resolvePorts({ registry: 6443 }))), ['port 6443 is given to both apiserver and registry']);
    assert.deepEqual(duplicatePorts(needs), []);
  });

  it('finds ports and socket paths held by processes that are not ours', () => {
    const needs = portNeeds(resolvePorts({ etcdClient: 2375 }));
    const sock = [{ path: '/s/containerd/containerd.sock', what: 'containerd socket' }];
    const found = foreignListeners(needs, sock, snapshot(), new Set([60]));
    assert.deepEqual(found.map((f) => [f.subject, f.holders.map((h) => h.pid)]), [
      ['port 2375 (etcd client)', [50]],
      ['port 5000 (registry)', [70]],
      ['containerd socket /s/containerd/containerd.sock', [80]],
    ]);
    assert.deepEqual(foreignListeners(needs, sock, snapshot(), new Set([50, 60, 70, 80])), []);
    assert.equal(
      describeFinding(found[0], ' in netns n1'),
      'port 2375 (etcd client) in netns n1 is held by pid 50 (etcd --data-dir=/other/etcd)',
    );
  });

  it('after start, names every port that does not answer from the process we started', () => {
    const needs = portNeeds(resolvePorts({ etcdClient: 2375 })).filter((n) => n.unit === 'etcd' || n.unit === 'apiserver');
    const pids: Record<string, number> = { etcd: 51, apiserver: 60 };
    const wrong = wrongListeners(needs, snapshot(), (u) => pids[u]);
    assert.deepEqual(
      wrong.map((f) => describeFinding(f, '')),
      [
        "port 2375 (etcd client) answers from pid 50 (etcd --data-dir=/other/etcd), not from this cluster's etcd (pid 51)",
        "nothing listens on port 2380 (etcd peer): expected this cluster's etcd (pid 51)",
        "nothing listens on port 6444 (apiserver gRPC): expected this cluster's apiserver (pid 60)",
      ],
    );
  });

  it('describes an occupied cluster in one line per kind, naming each holder once', () => {
    const needs = portNeeds(resolvePorts({ etcdClient: 2375, apiserver: 6443 }));
    const listeners = foreignListeners(needs, [], snapshot(), new Set());
    const daemons = foreignDaemons(
      [etcd, { pid: 80, argv: ['containerd', '--config', '/other/config.toml'] }, { pid: 90, argv: ['bash'] }, { pid: 91, argv: ['containerd', '--config', 'mine'] }],
      [['nsenter', '--net=/run/netns/n1', '--', 'etcd', '--data-dir=/mine'], ['containerd', '--config', 'mine']].map(programOf),
      new Set([91]),
    );
    assert.deepEqual(daemons.map((d) => d.pid), [50, 80]);
    const text = describeOccupation({ listeners, daemons, netns: 'n1', cgroup: { root: '/k8ts-n1', holders: [{ pid: 99, argv: ['/web'] }] } });
    assert.equal(
      text,
      [
        'port 2375 (etcd client) in netns n1 is held by pid 50 (etcd --data-dir=/other/etcd), not by this cluster',
        '  also in use: 6443 (apiserver, pid 60), 5000 (registry, pid 70)',
        '  cgroup /k8ts-n1 holds pods of another cluster: pid 99 (/web)',
        "  netns n1 already runs another cluster's containerd: pid 80 (containerd --config /other/config.toml)",
      ].join('\n'),
    );
    assert.equal(describeOccupation({ listeners: [], daemons: [] }), undefined);
  });

  it('tells pods of another cluster from leftovers of ours in the cgroup root', () => {
    const procs = [
      { pid: 10, ppid: 1, argv: ['containerd-shim-runc-v2', '-namespace', 'k8s.io', '-id', 'a', '-address', '/other/containerd.sock'] },
      { pid: 11, ppid: 10, argv: ['/pause'] },
      { pid: 12, ppid: 11, argv: ['/web'] },
      { pid: 20, ppid: 1, argv: ['containerd-shim-runc-v2', '-address', '/mine/containerd.sock'] },
      { pid: 21, ppid: 20, argv: ['/pause'] },
      // an orphaned runc init of a shim down already killed
      { pid: 30, ppid: 1, argv: ['runc', 'init'] },
    ];
    assert.deepEqual(foreignPodProcesses([11, 12, 21, 30, 99], procs, '/mine/containerd.sock'), [
      { holder: { pid: 11, argv: ['/pause'] }, socket: '/other/containerd.sock' },
      { holder: { pid: 12, argv: ['/web'] }, socket: '/other/containerd.sock' },
    ]);
  });

  it('knows which program an argv runs', () => {
    assert.equal(programOf(['nsenter', '--net=/run/netns/x', '--', '/usr/bin/node', '/r/dist/kubelet/main.js', '--x']), 'kubelet/main.js');
    assert.equal(programOf(['/usr/bin/etcd', '--name=k8ts']), 'etcd');
    assert.equal(programOf(['docker-registry', 'serve']), 'docker-registry');
  });
});
