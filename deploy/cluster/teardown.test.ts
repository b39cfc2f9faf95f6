import { strict as assert } from 'node:assert';
import { cniResources, descendantsOf, mountsUnder, shimsOf, type ProcInfo } from './teardown';

describe('teardown', () => {
  const procs: ProcInfo[] = [
    { pid: 10, ppid: 1, argv: ['/usr/bin/containerd-shim-runc-v2', '-namespace', 'k8s.io', '-id', 'a', '-address', '/s/containerd.sock'] },
    { pid: 11, ppid: 10, argv: ['/pause'] },
    { pid: 12, ppid: 10, argv: ['/bin/sh', '/usr/local/bin/web-start'] },
    { pid: 13, ppid: 12, argv: ['httpd', '-f'] },
    { pid: 20, ppid: 1, argv: ['/usr/bin/containerd-shim-runc-v2', '-namespace', 'k8s.io', '-id', 'b', '-address', '/other/containerd.sock'] },
    { pid: 21, ppid: 20, argv: ['/pause'] },
    { pid: 30, ppid: 1, argv: ['containerd', '--config', '/s/config.toml'] },
  ];

  it('finds only the shims of this node containerd, and their descendants', () => {
    assert.deepEqual(shimsOf(procs, '/s/containerd.sock'), [10]);
    assert.deepEqual(descendantsOf(procs, [10]).sort(), [11, 12, 13]);
    assert.deepEqual(descendantsOf(procs, []), []);
  });

  it('lists mounts under the state dir deepest first, decoding escapes', () => {
    const mi = [
      '22 1 0:21 / / rw - ext4 /dev/sda1 rw',
      '40 22 0:50 / /s/containerd/state/io.containerd.runtime.v2.task/k8s.io/a/rootfs rw - overlay overlay rw',
      '41 22 0:4 net:[4026532] /s/containerd/state/netns/cni-1 rw - nsfs nsfs rw',
      '42 22 0:51 / /s/kubelet/pods/x/volumes/my\\040vol rw - tmpfs tmpfs rw',
      '43 22 0:52 / /sx/other rw - tmpfs tmpfs rw',
    ].join('\n');
    const got = mountsUnder(mi, '/s/');
    assert.deepEqual(got, [
      '/s/containerd/state/io.containerd.runtime.v2.task/k8s.io/a/rootfs',
      '/s/kubelet/pods/x/volumes/my vol',
      '/s/containerd/state/netns/cni-1',
    ]);
  });

  it('reads bridge names and lease dirs from CNI conflists', () => {
    const conf = JSON.stringify({
      name: 'k8ts',
      plugins: [{ type: 'bridge', bridge: 'k8ts0', ipam: { type: 'host-local', dataDir: '/s/kubelet/ipam' } }, { type: 'portmap' }],
    });
    assert.deepEqual(cniResources([conf, 'not json', JSON.stringify({ type: 'bridge' })]), {
      bridges: ['k8ts0', 'cni0'],
      ipamDirs: ['/s/kubelet/ipam'],
    });
  });
});
