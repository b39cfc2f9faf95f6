// Flags → config: defaults, upstreams from resolv.conf, and typed errors for bad values.
import assert from 'node:assert/strict';
import { DNS_FLAGS, DnsConfigError, dnsConfigFromFlags } from './config';

const RESOLV = 'nameserver 127.0.0.53\nnameserver 10.0.0.2\n';
const read = (f: string) => {
  if (f === '/etc/resolv.conf') return RESOLV;
  throw new Error(`ENOENT ${f}`);
};

describe('dns config from flags', () => {
  it('defaults: 0.0.0.0:53, cluster.local, resolv.conf upstreams without loopback', () => {
    const c = dnsConfigFromFlags({ ...DNS_FLAGS, kubeconfig: '/k' }, read);
    assert.deepEqual(
      [c.bindAddress, c.port, c.clusterDomain, c.upstreams, c.podMode, c.health.port, c.metrics.port, c.cacheSize],
      ['0.0.0.0', 53, 'cluster.local', [{ host: '10.0.0.2', port: 53 }], 'insecure', 8080, 9153, 10_000],
    );
  });

  it('--cache-size 0 disables the response cache', () => {
    assert.equal(dnsConfigFromFlags({ ...DNS_FLAGS, kubeconfig: '/k', cacheSize: 0 }, read).cacheSize, 0);
  });

  const rows: { why: string; flags: Partial<typeof DNS_FLAGS>; upstreams?: string[]; error?: RegExp }[] = [
    { why: 'explicit upstreams', flags: { upstream: '1.1.1.1,10.0.0.9:5353' }, upstreams: ['1.1.1.1:53', '10.0.0.9:5353'] },
    { why: 'none', flags: { upstream: 'none' }, upstreams: [] },
    { why: 'missing resolv.conf: no upstream', flags: { resolvConf: '/nope' }, upstreams: [] },
    { why: 'bad upstream', flags: { upstream: 'dns.google' }, error: /not an IP address/ },
    { why: 'no kubeconfig', flags: { kubeconfig: '' }, error: /--kubeconfig is required/ },
    { why: 'bad bind address', flags: { bindAddress: 'localhost' }, error: /--bind-address/ },
    { why: 'bad port', flags: { port: 70000 }, error: /--port 70000/ },
    { why: 'bad domain', flags: { clusterDomain: 'clu ster' }, error: /--cluster-domain/ },
    { why: 'bad cache size', flags: { cacheSize: -1 }, error: /--cache-size/ },
    { why: 'bad pod mode', flags: { podMode: 'open' }, error: /--pod-mode/ },
    { why: 'member on 0.0.0.0 without an address', flags: { nodeName: 'n1' }, error: /--advertise-address "0.0.0.0"/ },
    { why: 'member with a bad node name', flags: { nodeName: 'N_1', bindAddress: '10.0.0.1' }, error: /--node-name/ },
    { why: 'member with a bad service IP', flags: { nodeName: 'n1', bindAddress: '10.0.0.1', serviceIp: '10.96.0' }, error: /--service-ip/ },
    { why: 'lease shorter than its renewal', flags: { nodeName: 'n1', bindAddress: '10.0.0.1', leaseDurationSeconds: 5, leaseRenewMs: 10_000 }, error: /--lease-duration-seconds/ },
  ];
  for (const r of rows) {
    it(r.why, () => {
      const flags = { ...DNS_FLAGS, kubeconfig: '/k', ...r.flags };
      if (r.error) {
        assert.throws(() => dnsConfigFromFlags(flags, read), (e: unknown) => e instanceof DnsConfigError && e.code === 'DNS_CONFIG_INVALID' && r.error!.test(e.message));
        return;
      }
      assert.deepEqual(dnsConfigFromFlags(flags, read).upstreams.map((u) => `${u.host}:${u.port}`), r.upstreams);
    });
  }

  it('membership: none without --node-name; the bind address, or --advertise-address, is the endpoint', () => {
    assert.equal(dnsConfigFromFlags({ ...DNS_FLAGS, kubeconfig: '/k' }, read).membership, undefined);
    assert.deepEqual(dnsConfigFromFlags({ ...DNS_FLAGS, kubeconfig: '/k', nodeName: 'n1', bindAddress: '172.31.4.1' }, read).membership, {
      nodeName: 'n1',
      address: '172.31.4.1',
      service: { namespace: 'kube-system', name: 'kube-dns', clusterIP: '10.96.0.10' },
      renewMs: 10_000,
      leaseDurationSeconds: 30,
    });
    assert.equal(dnsConfigFromFlags({ ...DNS_FLAGS, kubeconfig: '/k', nodeName: 'n1', advertiseAddress: '10.1.2.3' }, read).membership?.address, '10.1.2.3');
  });
});
