import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError, parseDurationMs, parseKubeProxyConfig } from './config';
import { checkIpvsSupport, IpvsUnavailableError } from './ipvs/ipvs-support';

const required = ['--kubeconfig=/etc/k8ts/kube-proxy.conf', '--node-ip=192.168.1.10'];

describe('kube-proxy config', () => {
  it('parses the launcher flags', () => {
    const c = parseKubeProxyConfig([
      ...required,
      '--apiserver-grpc',
      '10.0.0.1:6444',
      '--node-name=n1',
      '--cluster-cidr=10.244.0.0/16',
      '--service-cidr=10.96.0.0/16',
      '--proxy-mode=iptables',
      '--min-sync-period=1',
      '--sync-period=30',
      '--healthz-port=10256',
      '--metrics-port=10249',
    ]);
    assert.equal(c.apiserverGrpc, '10.0.0.1:6444');
    assert.equal(c.nodeName, 'n1');
    assert.equal(c.nodeIP, '192.168.1.10');
    assert.equal(c.minSyncPeriodMs, 1000);
    assert.equal(c.syncPeriodMs, 30_000);
    assert.deepEqual(c.healthz, { host: '0.0.0.0', port: 10256 });
    assert.deepEqual(c.metrics, { host: '127.0.0.1', port: 10249 });
    assert.equal(c.serviceInterface, 'k8ts-svc');
    assert.equal(c.cleanup, false);
  });

  it('defaults the node name to the host name and the gRPC address to the kubeconfig', () => {
    const c = parseKubeProxyConfig(required);
    assert.equal(c.nodeName, os.hostname().toLowerCase());
    assert.equal(c.apiserverGrpc, undefined);
  });

  it('takes the pod network flags, auto with flannel\'s VXLAN defaults unless told', () => {
    const d = parseKubeProxyConfig(required);
    assert.equal(d.podNetworkMode, 'auto');
    assert.deepEqual(d.vxlan, { device: 'k8ts-vxlan', vni: 1, port: 8472 });
    const c = parseKubeProxyConfig([...required, '--pod-network-mode=vxlan', '--vxlan-interface=flannel.1', '--vxlan-vni=42', '--vxlan-port=4789']);
    assert.equal(c.podNetworkMode, 'vxlan');
    assert.deepEqual(c.vxlan, { device: 'flannel.1', vni: 42, port: 4789 });
    assert.equal(parseKubeProxyConfig([...required, '--pod-network-mode=host-gw']).podNetworkMode, 'host-gw');
  });

  it('takes the nftables mode, the sink CIDRs (the LoadBalancer pool by default) and the health-check address', () => {
    const d = parseKubeProxyConfig(required);
    assert.equal(d.proxyMode, 'iptables');
    assert.deepEqual(d.sinkCIDRs, ['198.19.254.0/24']);
    assert.equal(d.healthCheckBindAddress, '0.0.0.0');
    const c = parseKubeProxyConfig([...required, '--proxy-mode=nftables', '--sink-cidrs=198.19.250.0/24, 198.19.251.0/25', '--health-check-bind-address=192.168.1.10']);
    assert.equal(c.proxyMode, 'nftables');
    assert.deepEqual(c.sinkCIDRs, ['198.19.250.0/24', '198.19.251.0/25']);
    assert.equal(c.healthCheckBindAddress, '192.168.1.10');
    assert.deepEqual(parseKubeProxyConfig([...required, '--sink-cidrs=']).sinkCIDRs, []);
    assert.throws(() => parseKubeProxyConfig([...required, '--sink-cidrs=198.19.250.0']), /--sink-cidrs: "198.19.250.0" is not an IPv4 CIDR/);
    assert.throws(() => parseKubeProxyConfig([...required, '--health-check-bind-address=any']), /--health-check-bind-address/);
  });

  it('needs neither kubeconfig nor node IP for --cleanup', () => {
    assert.equal(parseKubeProxyConfig(['--cleanup']).cleanup, true);
  });

  const bad: [string, string[], RegExp][] = [
    ['missing kubeconfig', ['--node-ip=1.2.3.4'], /--kubeconfig is required/],
    ['missing node IP', ['--kubeconfig=x'], /--node-ip/],
    ['bad proxy mode', [...required, '--proxy-mode=userspace'], /not supported/],
    ['bad cluster CIDR', [...required, '--cluster-cidr=10.244.0.0'], /--cluster-cidr/],
    ['bad service CIDR', [...required, '--service-cidr=banana'], /--service-cidr/],
    ['min above period', [...required, '--min-sync-period=60s', '--sync-period=30s'], /must not exceed/],
    ['bad duration', [...required, '--sync-period=soon'], /not a duration/],
    ['long interface name', [...required, '--service-interface=k8ts-service-sink'], /1-15 characters/],
    ['bad port', [...required, '--healthz-port=70000'], /not a port/],
    ['unknown flag', [...required, '--masquerade-all'], /unknown flag/],
    ['bad pod network mode', [...required, '--pod-network-mode=udp'], /--pod-network-mode "udp" is not supported \(auto, host-gw, vxlan\)/],
    ['long vxlan interface name', [...required, '--vxlan-interface=k8ts-vxlan-device'], /--vxlan-interface .*1-15 characters/],
    ['vxlan interface = service interface', [...required, '--vxlan-interface=k8ts-svc'], /must differ/],
    ['VNI 0', [...required, '--vxlan-vni=0'], /not a VXLAN network identifier/],
    ['VNI above 24 bits', [...required, '--vxlan-vni=16777216'], /not a VXLAN network identifier/],
    ['vxlan port 0', [...required, '--vxlan-port=0'], /--vxlan-port 0 is not a port/],
  ];
  for (const [name, argv, msg] of bad) {
    it(`rejects: ${name}`, () => {
      assert.throws(() => parseKubeProxyConfig(argv), (e: unknown) => e instanceof ConfigError && msg.test(e.message));
    });
  }

  const durations: [string, number][] = [
    ['1', 1000],
    ['1s', 1000],
    ['250ms', 250],
    ['1.5m', 90_000],
    ['2h', 7_200_000],
  ];
  for (const [text, ms] of durations) it(`parses duration ${text}`, () => assert.equal(parseDurationMs(text), ms));

  it('fails ipvs mode with a clear message when /proc/net/ip_vs is missing', () => {
    assert.throws(
      () => checkIpvsSupport('/nonexistent/ip_vs'),
      (e: unknown) => e instanceof IpvsUnavailableError && e.code === 'IPVS_UNAVAILABLE' && /ip_vs.*--proxy-mode iptables/s.test(e.message),
    );
  });

  it('fails ipvs mode as not implemented even where the kernel has it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-ipvs-'));
    const file = path.join(dir, 'ip_vs');
    fs.writeFileSync(file, '');
    try {
      assert.throws(() => checkIpvsSupport(file, () => true), /not implemented/);
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  });
});
