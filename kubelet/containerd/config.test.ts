import { strict as assert } from 'node:assert';
import { renderContainerdConfig, ContainerdConfigError } from './config';

const base = {
  root: '/tmp/n1/containerd/root',
  state: '/tmp/n1/containerd/state',
  socket: '/tmp/n1/containerd/containerd.sock',
  cniBinDir: '/usr/lib/cni',
  cniConfDir: '/tmp/n1/cni/net.d',
  sandboxImage: 'docker.io/k8ts/pause:1.0',
};

describe('renderContainerdConfig', () => {
  const out = renderContainerdConfig(base);
  const expectLines: [string, RegExp][] = [
    ['config version 2', /^version = 2$/m],
    ['root dir', /^root = "\/tmp\/n1\/containerd\/root"$/m],
    ['state dir', /^state = "\/tmp\/n1\/containerd\/state"$/m],
    ['grpc socket', /^\[grpc\]\n  address = "\/tmp\/n1\/containerd\/containerd.sock"$/m],
    ['restrict_oom_score_adj', /^  restrict_oom_score_adj = true$/m],
    ['sandbox image', /^  sandbox_image = "docker.io\/k8ts\/pause:1.0"$/m],
    ['overlayfs', /^  snapshotter = "overlayfs"$/m],
    ['runc v2', /^  runtime_type = "io.containerd.runc.v2"$/m],
    ['cgroupfs driver', /^  SystemdCgroup = false$/m],
    ['runc root under state', /^  Root = "\/tmp\/n1\/containerd\/state\/runc"$/m],
    ['cni bin dir', /^  bin_dir = "\/usr\/lib\/cni"$/m],
    ['cni conf dir', /^  conf_dir = "\/tmp\/n1\/cni\/net.d"$/m],
    ['disabled plugins', /^disabled_plugins = \[.*"io.containerd.internal.v1.opt".*\]$/m],
  ];
  for (const [what, re] of expectLines) {
    it(`renders ${what}`, () => assert.match(out, re));
  }

  it('never points at the host-wide containerd dirs', () => {
    assert.doesNotMatch(out, /\/var\/lib\/containerd|"\/run\/containerd/);
  });

  it('reaches only the local registry, over plain HTTP', () => {
    assert.match(out, /^\[plugins\."io\.containerd\.grpc\.v1\.cri"\.registry\.mirrors\."127\.0\.0\.1:5000"\]\n  endpoint = \["http:\/\/127\.0\.0\.1:5000"\]$/m);
    assert.equal(out.match(/mirrors/g)!.length, 1);
    assert.doesNotMatch(renderContainerdConfig({ ...base, insecureRegistries: [] }), /mirrors/);
  });

  it('escapes quotes in paths', () => {
    const o = renderContainerdConfig({ ...base, root: '/tmp/a"b' });
    assert.match(o, /^root = "\/tmp\/a\\"b"$/m);
  });

  for (const k of ['root', 'state', 'socket', 'cniBinDir', 'cniConfDir'] as const) {
    it(`rejects a relative ${k}`, () => {
      assert.throws(() => renderContainerdConfig({ ...base, [k]: 'rel/path' }), ContainerdConfigError);
    });
  }
});
