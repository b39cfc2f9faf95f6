import assert from 'node:assert/strict';
import * as os from 'node:os';
import { parseFlags } from '../lib/flags';
import { KUBELET_FLAGS, kubeletConfigFromFlags } from './flags';

describe('kubelet flags', () => {
  const parse = (argv: string[]) => kubeletConfigFromFlags(parseFlags(argv, KUBELET_FLAGS));
  const required = ['--kubeconfig=/etc/kubelet.conf', '--node-ip=10.0.0.5'];

  it('the launcher flags, the node name defaulting to the host name', () => {
    const c = parse([...required, '--root-dir=/var/lib/x', '--port=0', '--cgroup-root=/k8ts-a']);
    assert.equal(c.nodeName, os.hostname().toLowerCase());
    assert.equal(c.rootDir, '/var/lib/x');
    assert.equal(c.port, 0);
    assert.equal(c.cgroupRoot, '/k8ts-a');
    assert.equal(c.containerRuntimeEndpoint, 'unix:///run/k8ts/containerd/containerd.sock');
    assert.equal(parse([...required, '--node-name=n1']).nodeName, 'n1');
  });

  it('the TLS bootstrapping flags', () => {
    const d = parse([...required, '--root-dir=/var/lib/x']);
    assert.deepEqual([d.bootstrapKubeconfig, d.certDir, d.rotateCertificates, d.rotateServerCertificates], [undefined, '/var/lib/x/pki', true, false]);
    const c = parse([...required, '--bootstrap-kubeconfig=/b.conf', '--cert-dir=/pki', '--rotate-certificates=false', '--rotate-server-certificates']);
    assert.deepEqual([c.bootstrapKubeconfig, c.certDir, c.rotateCertificates, c.rotateServerCertificates], ['/b.conf', '/pki', false, true]);
  });

  it('the pod DNS flags: defaults, a comma list of cluster DNS addresses, resolv-conf disabled by ""', () => {
    const d = parse(required);
    assert.deepEqual([d.clusterDNS, d.clusterDomain, d.resolvConf], [['10.96.0.10'], 'cluster.local', '/etc/resolv.conf']);
    const c = parse([...required, '--cluster-dns=10.0.0.10, fd00::a', '--cluster-domain=example.org.', '--resolv-conf=']);
    assert.deepEqual([c.clusterDNS, c.clusterDomain, c.resolvConf], [['10.0.0.10', 'fd00::a'], 'example.org', '']);
    assert.deepEqual(parse([...required, '--cluster-dns=']).clusterDNS, []);
  });

  const bad: [string, string[], RegExp][] = [
    ['a cluster DNS that is no IP', [...required, '--cluster-dns=10.0.0.10,dns.local'], /--cluster-dns: "dns.local" is not an IP address/],
    ['a cluster domain that is no domain', [...required, '--cluster-domain=Cluster_Local'], /--cluster-domain: "Cluster_Local" is not a DNS domain/],
    ['no kubeconfig', ['--node-ip=10.0.0.5'], /--kubeconfig is required/],
    ['no node IP', ['--kubeconfig=/k'], /--node-ip is required/],
    ['a port out of range', [...required, '--port=70000'], /--port 70000 is not a port/],
    ['no housekeeping interval', [...required, '--housekeeping-ms=0'], /--housekeeping-ms must be positive/],
  ];
  for (const [name, argv, msg] of bad) it(`refuses ${name}`, () => assert.throws(() => parse(argv), msg));
});
