import { strict as assert } from 'node:assert';
import { clusterDnsIp, componentCommand, healthPort, inNetns, kubeProxyCleanupCommand, type CommandContext } from './component-commands';
import { clusterLayout, COMPONENTS, resolvePorts } from './layout';

const ctx = (over: Partial<CommandContext> = {}): CommandContext => ({
  layout: clusterLayout('/state'),
  ports: resolvePorts({ apiserver: 7443, apiserverGrpc: 7444 }),
  nodeName: 'node-a',
  nodeIp: '172.31.5.1',
  nodeBin: '/usr/bin/node',
  distDir: '/repo/dist',
  ...over,
});

const flag = (argv: string[], name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=').slice(1).join('=');

describe('component-commands', () => {
  it('gives every component the flags the contract lists', () => {
    const table: [string, Record<string, string>][] = [
      ['etcd', { 'data-dir': '/state/etcd', 'listen-client-urls': 'http://127.0.0.1:2379', 'initial-cluster': 'k8ts=http://127.0.0.1:2380' }],
      [
        'apiserver',
        {
          'etcd-servers': 'http://127.0.0.1:2379',
          'etcd-prefix': '/registry',
          'secure-port': '7443',
          'grpc-port': '7444',
          'advertise-address': '172.31.5.1',
          'tls-cert-file': '/state/pki/apiserver.crt',
          'client-ca-file': '/state/pki/ca.crt',
          'service-cluster-ip-range': '10.96.0.0/16',
          'service-node-port-range': '30000-32767',
        },
      ],
      ['controller-manager', { kubeconfig: '/state/controller-manager.kubeconfig', 'apiserver-grpc': '127.0.0.1:7444', 'cluster-cidr': '10.244.0.0/16', 'node-cidr-mask-size': '24', 'health-port': '10257' }],
      ['scheduler', { kubeconfig: '/state/scheduler.kubeconfig', 'apiserver-grpc': '127.0.0.1:7444', 'health-port': '10259', 'tls-cert-file': '/state/pki/scheduler.crt' }],
      [
        'kubelet',
        {
          'node-name': 'node-a',
          'node-ip': '172.31.5.1',
          'container-runtime-endpoint': 'unix:///state/containerd/containerd.sock',
          'root-dir': '/state/kubelet',
          'image-dir': '/state/images',
          'cni-conf-dir': '/state/cni/net.d',
          'cni-bin-dir': '/usr/lib/cni',
          'cgroup-root': '/k8ts',
          port: '10250',
          'tls-cert-file': '/state/pki/kubelet.crt',
          'cluster-dns': '10.96.0.10',
          'cluster-domain': 'cluster.local',
        },
      ],
      ['kube-proxy', { 'node-name': 'node-a', 'proxy-mode': 'iptables', 'service-cidr': '10.96.0.0/16', 'healthz-port': '10256', 'metrics-port': '10249' }],
      [
        'dns',
        {
          kubeconfig: '/state/dns.kubeconfig',
          'apiserver-grpc': '127.0.0.1:7444',
          'node-name': 'node-a',
          'bind-address': '172.31.5.1',
          port: '53',
          'health-port': '8181',
          'metrics-port': '9153',
          'service-ip': '10.96.0.10',
        },
      ],
      [
        'ingress',
        {
          kubeconfig: '/state/ingress.kubeconfig',
          'apiserver-grpc': '127.0.0.1:7444',
          'node-name': 'node-a',
          'bind-address': '172.31.5.1',
          'http-port': '80',
          'https-port': '443',
          'health-port': '10254',
          'metrics-port': '10253',
        },
      ],
    ];
    for (const [c, flags] of table) {
      const argv = componentCommand(c as (typeof COMPONENTS)[number], ctx());
      for (const [k, v] of Object.entries(flags)) assert.equal(flag(argv, k), v, `${c} --${k}`);
    }
  });

  it('puts the cluster DNS on its own address when given one, and its Service IP at the tenth of the service CIDR', () => {
    assert.equal(flag(componentCommand('dns', ctx({ dnsAddress: '198.19.255.53' })), 'bind-address'), '198.19.255.53');
    assert.equal(flag(componentCommand('dns', ctx({ serviceCidr: '10.100.0.0/16' })), 'service-ip'), '10.100.0.10');
    const table: [string, string][] = [
      ['10.96.0.0/16', '10.96.0.10'],
      ['10.0.0.0/12', '10.0.0.10'],
      ['172.20.1.7/24', '172.20.1.10'],
      ['192.168.255.240/28', '192.168.255.250'],
    ];
    for (const [cidr, ip] of table) assert.equal(clusterDnsIp(cidr), ip, cidr);
    assert.throws(() => clusterDnsIp('192.168.255.248/29'), /too small/);
    assert.throws(() => clusterDnsIp('10.96.0/16'), /not an IPv4 CIDR/);
  });

  it('binds the ingress on the node address and publishes it, or on its own address and publishes that', () => {
    const onNode = componentCommand('ingress', ctx());
    assert.equal(flag(onNode, 'publish-address'), undefined, 'the default: the Ready nodes’ InternalIPs');
    const onHost = componentCommand('ingress', ctx({ ingressAddress: '198.19.255.53' }));
    assert.deepEqual([flag(onHost, 'bind-address'), flag(onHost, 'publish-address')], ['198.19.255.53', '198.19.255.53']);
    assert.equal(healthPort('ingress', resolvePorts()), 10254);
  });

  it('runs TypeScript components with node from dist and containerd with its config', () => {
    assert.deepEqual(componentCommand('scheduler', ctx()).slice(0, 2), ['/usr/bin/node', '/repo/dist/scheduler/main.js']);
    assert.deepEqual(componentCommand('containerd', ctx()), ['containerd', '--config', '/state/containerd/config.toml']);
  });

  it('wraps every command with nsenter --net when the cluster has a netns, and isolates its cgroups', () => {
    for (const c of COMPONENTS) {
      const argv = componentCommand(c, ctx({ netns: 't1' }));
      assert.deepEqual(argv.slice(0, 3), ['nsenter', '--net=/run/netns/t1', '--']);
    }
    assert.equal(flag(componentCommand('kubelet', ctx({ netns: 't1' })), 'cgroup-root'), '/k8ts-t1');
    assert.deepEqual(inNetns(['ls'], undefined), ['ls']);
  });

  it("gives the kubelet the Service CIDR's 10th address as the cluster DNS", () => {
    assert.equal(flag(componentCommand('kubelet', ctx({ serviceCidr: '10.100.0.0/16' })), 'cluster-dns'), '10.100.0.10');
  });

  it('kube-proxy cleanup carries --cleanup and the same identity', () => {
    const argv = kubeProxyCleanupCommand(ctx());
    assert.ok(argv.includes('--cleanup'));
    assert.equal(flag(argv, 'node-name'), 'node-a');
  });

  it('knows each component health port', () => {
    const p = resolvePorts({ kubelet: 11250 });
    assert.equal(healthPort('kubelet', p), 11250);
    assert.equal(healthPort('etcd', p), 2379);
    assert.equal(healthPort('containerd', p), undefined);
  });
});
