import { strict as assert } from 'node:assert';
import { startOrder, validateUnits } from '../supervisor/unit';
import type { CommandContext } from './component-commands';
import { clusterLayout, COMPONENTS, resolvePorts } from './layout';
import { clusterUnits, unitEnv } from './units';

const ctx = (over: Partial<CommandContext> = {}): CommandContext => ({
  layout: clusterLayout('/state'),
  ports: resolvePorts(),
  nodeName: 'node-a',
  nodeIp: '172.31.5.1',
  nodeBin: '/usr/bin/node',
  distDir: '/repo/dist',
  ...over,
});

describe('cluster units', () => {
  it('defines every component as a valid unit, started after what it needs', () => {
    const units = clusterUnits(ctx(), { PATH: '/bin' });
    assert.deepEqual(units.map((u) => u.name), [...COMPONENTS]);
    validateUnits({ units });
    const order = startOrder(units);
    const before = (a: string, b: string) => assert.ok(order.indexOf(a) < order.indexOf(b), `${a} before ${b}`);
    before('etcd', 'apiserver');
    before('apiserver', 'kubelet');
    before('containerd', 'kubelet');
    before('apiserver', 'kube-proxy');
    const kubelet = units.find((u) => u.name === 'kubelet')!;
    assert.equal(kubelet.logFile, '/state/logs/kubelet.log');
    assert.equal(kubelet.pidFile, '/state/run/kubelet.pid');
  });

  it('probes readiness where the component listens: inside the netns, or on the containerd socket', () => {
    const units = clusterUnits(ctx({ netns: 'n1' }), {});
    const probes = Object.fromEntries(units.map((u) => [u.name, u.ready]));
    assert.deepEqual(probes.apiserver, [
      { tcp: { host: '127.0.0.1', port: 6443 }, netns: '/run/netns/n1' },
      { tcp: { host: '127.0.0.1', port: 6444 }, netns: '/run/netns/n1' },
    ]);
    assert.deepEqual(probes.containerd, [{ unix: '/state/containerd/containerd.sock' }]);
    assert.deepEqual(clusterUnits(ctx(), {}).find((u) => u.name === 'etcd')!.ready, [{ tcp: { host: '127.0.0.1', port: 2379 } }]);
    assert.deepEqual(units.find((u) => u.name === 'etcd')!.argv.slice(0, 3), ['nsenter', '--net=/run/netns/n1', '--']);
  });

  it('gives components a clean environment with JSON logs', () => {
    const env = unitEnv({ PATH: '/usr/local/bin', HOME: '/root', LANG: 'C.UTF-8', K8TS_LOG_LEVEL: 'error', K8TS_LOG_FORMAT: 'text', AWS_SECRET: 'x', KUBECONFIG: '/k' });
    assert.deepEqual(env, {
      HOME: '/root',
      LANG: 'C.UTF-8',
      K8TS_LOG_LEVEL: 'error',
      K8TS_LOG_FORMAT: 'json',
      PATH: '/usr/local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    });
  });
});
