import { strict as assert } from 'node:assert';
import { candidateHosts, dockerContainerdConfig, dockerDaemonPaths, dockerdArgs } from './docker-daemon';
import { isStale } from './host-lock';

describe('machines: the project dockerd', () => {
  const p = dockerDaemonPaths({ root: '/var/lib/x', run: '/run/x' });

  it('keeps all state under the project root and sockets under the run dir', () => {
    assert.deepEqual(p, {
      dataRoot: '/var/lib/x/docker',
      containerdRoot: '/var/lib/x/containerd',
      logDir: '/var/lib/x/logs',
      socket: '/run/x/docker.sock',
      pidFile: '/run/x/dockerd.pid',
      execRoot: '/run/x/exec',
      containerdSocket: '/run/x/containerd/containerd.sock',
      containerdState: '/run/x/containerd/state',
      containerdConfig: '/run/x/containerd.toml',
      containerdPidFile: '/run/x/containerd.pid',
      lock: '/run/x/start.lock',
    });
  });

  it('starts dockerd on its own containerd, without docker0, forwarding or NAT changes', () => {
    const args = dockerdArgs(p);
    for (const a of [
      '--data-root=/var/lib/x/docker',
      '--exec-root=/run/x/exec',
      '--host=unix:///run/x/docker.sock',
      '--containerd=/run/x/containerd/containerd.sock',
      '--bridge=none',
      '--ip-forward=false',
      '--ip-masq=false',
      '--iptables=true',
      '--storage-driver=overlay2',
      '--exec-opt=native.cgroupdriver=cgroupfs',
    ]) {
      assert.ok(args.includes(a), a);
    }
  });

  it("gives dockerd's containerd its own root, state and socket, without CRI", () => {
    const toml = dockerContainerdConfig(p);
    assert.match(toml, /^root = "\/var\/lib\/x\/containerd"$/m);
    assert.match(toml, /^state = "\/run\/x\/containerd\/state"$/m);
    assert.match(toml, /^ {2}address = "\/run\/x\/containerd\/containerd.sock"$/m);
    assert.match(toml, /"io\.containerd\.grpc\.v1\.cri"/);
  });

  it('tries DOCKER_HOST first, then the project socket, then the system one', () => {
    assert.deepEqual(candidateHosts({}, '/run/x/docker.sock'), ['unix:///run/x/docker.sock', 'unix:///var/run/docker.sock']);
    assert.deepEqual(candidateHosts({ DOCKER_HOST: 'unix:///tmp/d.sock' }, '/run/x/docker.sock'), ['unix:///tmp/d.sock', 'unix:///run/x/docker.sock', 'unix:///var/run/docker.sock']);
    assert.deepEqual(candidateHosts({ DOCKER_HOST: 'unix:///var/run/docker.sock' }, '/run/x/docker.sock'), ['unix:///var/run/docker.sock', 'unix:///run/x/docker.sock']);
  });

  it('takes over a host lock only from an owner that is gone', () => {
    const alive = (pid: number) => pid === 42;
    assert.equal(isStale('42\n', alive), false);
    assert.equal(isStale('43\n', alive), true);
    assert.equal(isStale('', alive), true);
    assert.equal(isStale('garbage', alive), true);
  });
});
