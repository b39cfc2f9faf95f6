import { strict as assert } from 'node:assert';
import { startOrder, validateUnits } from '../supervisor/unit';
import { fakePem, fakePki } from '../../test/fixtures/deploy/fake-pki';
import { CONTROL_PLANE_LABEL, planHost, ROLE_COMPONENTS, uninstallPlan, type HostPlanInput } from './host-plan';
import { CLUSTER_DEFAULTS } from './inventory';

const PKI = fakePki(['cp', 'w1']);
const pem = fakePem;

const input = (over: Partial<HostPlanInput> = {}): HostPlanInput => ({
  cluster: { name: 'lab', ...CLUSTER_DEFAULTS, podCIDR: '10.200.0.0/16', podNetworkMode: 'vxlan', nodeMonitorGracePeriodSeconds: 20, defaultNotReadyTolerationSeconds: 10, defaultUnreachableTolerationSeconds: 10 },
  nodeName: 'cp',
  nodeIp: '192.0.2.10',
  role: 'control-plane',
  labels: { zone: 'a' },
  controlPlaneIp: '192.0.2.10',
  pki: PKI,
  bundle: 'b0b0b0',
  ...over,
});
const worker = (over: Partial<HostPlanInput> = {}) => input({ nodeName: 'w1', nodeIp: '192.0.2.11', role: 'worker', labels: {}, ...over });
const flag = (argv: string[], name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const fileNames = (p: ReturnType<typeof planHost>) => p.files.map((f) => f.path.replace('/etc/k8ts/node/', ''));

describe('deploy/remote host plan', () => {
  it('puts on each host only what its role needs', () => {
    const table: [string, HostPlanInput, string[]][] = [
      [
        'control plane',
        input(),
        [
          'admin.kubeconfig',
          'containerd.toml',
          'controller-manager.kubeconfig',
          'dns.kubeconfig',
          'ingress.kubeconfig',
          'kube-proxy.kubeconfig',
          'kubelet.kubeconfig',
          'pki/apiserver-kubelet-client.crt',
          'pki/apiserver-kubelet-client.key',
          'pki/apiserver.crt',
          'pki/apiserver.key',
          'pki/ca.crt',
          'pki/ca.key',
          'pki/controller-manager.crt',
          'pki/controller-manager.key',
          'pki/kubelet.crt',
          'pki/kubelet.key',
          'pki/scheduler.crt',
          'pki/scheduler.key',
          'scheduler.kubeconfig',
        ],
      ],
      // a worker that joined: no client certificate of its kubelet, no CA key, no admin
      ['joined worker', worker(), ['containerd.toml', 'dns.kubeconfig', 'ingress.kubeconfig', 'kube-proxy.kubeconfig', 'pki/ca.crt', 'pki/kubelet.crt', 'pki/kubelet.key']],
      ['joining worker', worker({ bootstrapToken: 'abcdef.0123456789abcdef' }), ['bootstrap-kubelet.kubeconfig', 'containerd.toml', 'dns.kubeconfig', 'ingress.kubeconfig', 'kube-proxy.kubeconfig', 'pki/ca.crt', 'pki/kubelet.crt', 'pki/kubelet.key']],
    ];
    for (const [name, i, want] of table) assert.deepEqual(fileNames(planHost(i)), want, name);
    const w = planHost(worker({ bootstrapToken: 'abcdef.0123456789abcdef' }));
    assert.ok(!w.files.some((f) => f.content.includes('KEY ca') || f.content.includes('admin')), 'no CA key or admin credential on a worker');
    const boot = w.files.find((f) => f.path.endsWith('bootstrap-kubelet.kubeconfig'))!;
    assert.equal(boot.onlyToJoin, true);
    assert.equal(boot.mode, 0o600);
    assert.match(boot.content, /token: abcdef\.0123456789abcdef/);
    assert.match(boot.content, /server: https:\/\/192\.0\.2\.10:6443/);
    for (const f of planHost(input()).files) assert.equal(f.mode, /\.(key|kubeconfig)$/.test(f.path) ? 0o600 : 0o644, f.path);
  });

  it('runs the role’s components in dependency order, each one against the control plane', () => {
    for (const role of ['control-plane', 'worker'] as const) {
      const p = planHost(role === 'worker' ? worker() : input());
      assert.deepEqual(p.units.map((u) => u.name), ROLE_COMPONENTS[role]);
      validateUnits({ units: p.units });
      assert.deepEqual(startOrder(p.units), ROLE_COMPONENTS[role]);
      for (const u of p.units) {
        if (u.argv[0].endsWith('/node')) assert.equal(u.argv[0], '/opt/k8ts/bundles/b0b0b0/node');
        assert.equal(u.logFile, `/var/log/k8ts/${u.name}.log`);
        assert.equal(u.pidFile, `/var/lib/k8ts/supervisor/${u.name}.pid`);
      }
    }
    const w = planHost(worker());
    const kubelet = w.units.find((u) => u.name === 'kubelet')!;
    assert.deepEqual(kubelet.after, ['containerd'], 'no local apiserver to wait for on a worker');
    assert.equal(flag(kubelet.argv, 'apiserver-grpc'), '192.0.2.10:6444');
    assert.equal(flag(kubelet.argv, 'bootstrap-kubeconfig'), '/etc/k8ts/node/bootstrap-kubelet.kubeconfig');
    assert.equal(flag(kubelet.argv, 'cert-dir'), '/var/lib/k8ts/kubelet/pki');
    assert.equal(flag(kubelet.argv, 'node-ip'), '192.0.2.11');
    const proxy = w.units.find((u) => u.name === 'kube-proxy')!;
    assert.equal(flag(proxy.argv, 'pod-network-mode'), 'vxlan');
    assert.equal(flag(proxy.argv, 'cluster-cidr'), '10.200.0.0/16');
    const dns = w.units.find((u) => u.name === 'dns')!;
    assert.deepEqual([flag(dns.argv, 'node-name'), flag(dns.argv, 'bind-address'), flag(dns.argv, 'service-ip'), flag(dns.argv, 'kubeconfig')], ['w1', '192.0.2.11', '10.96.0.10', '/etc/k8ts/node/dns.kubeconfig']);
    const ingress = w.units.find((u) => u.name === 'ingress')!;
    assert.deepEqual(
      [flag(ingress.argv, 'bind-address'), flag(ingress.argv, 'http-port'), flag(ingress.argv, 'https-port'), flag(ingress.argv, 'publish-address'), flag(ingress.argv, 'apiserver-grpc'), flag(ingress.argv, 'kubeconfig')],
      ['192.0.2.11', '80', '443', undefined, '192.0.2.10:6444', '/etc/k8ts/node/ingress.kubeconfig'],
    );
    assert.deepEqual(ingress.after, [], 'no local apiserver to wait for on a worker');
    const cp = planHost(input());
    const api = cp.units.find((u) => u.name === 'apiserver')!;
    assert.equal(flag(api.argv, 'default-not-ready-toleration-seconds'), '10');
    assert.equal(flag(api.argv, 'advertise-address'), '192.0.2.10');
    const cm = cp.units.find((u) => u.name === 'controller-manager')!;
    assert.equal(flag(cm.argv, 'cluster-signing-key-file'), '/etc/k8ts/node/pki/ca.key');
    assert.equal(flag(cm.argv, 'node-monitor-grace-period'), '20');
    assert.equal(flag(cp.units.find((u) => u.name === 'kubelet')!.argv, 'bootstrap-kubeconfig'), undefined, 'the control plane’s kubelet has its certificate from the deploy, as kubeadm init does');
  });

  it('passes the cluster options to their components: proxyMode to kube-proxy, dnsUpstream to the DNS', () => {
    const plain = planHost(worker());
    const unit = (p: ReturnType<typeof planHost>, name: string) => p.units.find((u) => u.name === name)!;
    assert.equal(flag(unit(plain, 'kube-proxy').argv, 'proxy-mode'), 'iptables');
    assert.equal(flag(unit(plain, 'dns').argv, 'upstream'), undefined, "default: the host's resolv.conf");
    const set = planHost(worker({ cluster: { ...input().cluster, proxyMode: 'nftables', dnsUpstream: 'none' } }));
    assert.equal(flag(unit(set, 'kube-proxy').argv, 'proxy-mode'), 'nftables');
    assert.equal(flag(unit(set, 'dns').argv, 'upstream'), 'none');
  });

  it('hashes each unit over its definition and the files it reads: a change moves only those', () => {
    const base = planHost(worker());
    const hashes = (p: ReturnType<typeof planHost>) => Object.fromEntries(p.units.map((u) => [u.name, u.hash]));
    assert.deepEqual(hashes(planHost(worker())), hashes(base), 'deterministic');
    assert.deepEqual(hashes(planHost(worker({ bootstrapToken: 'abcdef.0123456789abcdef' }))), hashes(base), 'a fresh join token restarts nothing by itself');
    const rotated = planHost(worker({ pki: { ...PKI, kubeProxyClient: pem('kube-proxy-2') } }));
    const moved = base.units.filter((u) => hashes(rotated)[u.name] !== u.hash).map((u) => u.name);
    assert.deepEqual(moved, ['kube-proxy']);
    const dnsRotated = planHost(worker({ pki: { ...PKI, dnsClient: pem('dns-2') } }));
    assert.deepEqual(base.units.filter((u) => hashes(dnsRotated)[u.name] !== u.hash).map((u) => u.name), ['dns']);
    const ingressRotated = planHost(worker({ pki: { ...PKI, ingressClient: pem('ingress-2') } }));
    assert.deepEqual(base.units.filter((u) => hashes(ingressRotated)[u.name] !== u.hash).map((u) => u.name), ['ingress']);
    const newBundle = planHost(worker({ bundle: 'c1c1c1' }));
    assert.deepEqual(base.units.filter((u) => hashes(newBundle)[u.name] !== u.hash).map((u) => u.name), ['kubelet', 'kube-proxy', 'dns', 'ingress'], 'containerd does not run from the bundle');
  });

  it('marks the control plane as kubeadm does and keeps the inventory’s labels', () => {
    assert.deepEqual(planHost(input()).labels, { zone: 'a', [CONTROL_PLANE_LABEL]: '' });
    assert.deepEqual(planHost(input()).taints, [{ key: CONTROL_PLANE_LABEL, effect: 'NoSchedule' }]);
    assert.deepEqual(planHost(worker({ labels: { disk: 'ssd' } })).taints, []);
  });

  it('uninstalls with kube-proxy --cleanup and every directory the deploy owns', () => {
    const u = uninstallPlan('worker', 'b0b0b0');
    assert.deepEqual(u.units.map((x) => x.name), ['containerd', 'kubelet', 'kube-proxy', 'dns', 'ingress']);
    assert.ok(u.uninstall.kubeProxyCleanup.includes('--cleanup'));
    assert.equal(u.uninstall.kubeProxyCleanup[1], '/opt/k8ts/bundles/b0b0b0/dist/kube-proxy/main.js');
    assert.deepEqual(u.uninstall.dirs, ['/opt/k8ts', '/etc/k8ts/node', '/var/lib/k8ts', '/var/log/k8ts', '/run/k8ts/containerd']);
    assert.equal(u.uninstall.containerdSocket, '/run/k8ts/containerd/containerd.sock');
  });
});
