import { strict as assert } from 'node:assert';
import type { Pod } from '../../lib/api/types';
import { hostNetworkHostsFile, managedHostsFile, podHostname, PodHostnameError, sandboxHostname } from './pod-hostname';

const pod = (name: string, spec: Record<string, unknown> = {}): Pod => ({ metadata: { name, namespace: 'ns1', uid: 'u' }, spec: { containers: [], ...spec } });

describe('pod hostname and domain', () => {
  const cases: [string, Pod, { hostname: string; domain: string }][] = [
    ['the pod name', pod('web-0'), { hostname: 'web-0', domain: '' }],
    ['spec.hostname wins', pod('web-0', { hostname: 'db' }), { hostname: 'db', domain: '' }],
    ['subdomain gives the domain', pod('web-0', { hostname: 'db', subdomain: 'sub' }), { hostname: 'db', domain: 'sub.ns1.svc.cluster.local' }],
    ['a long name is cut to 63, without a trailing dash', pod('a'.repeat(62) + '-b' + 'c'.repeat(10)), { hostname: 'a'.repeat(62), domain: '' }],
    ['a long dotted name loses its trailing dot', pod('x'.repeat(62) + '.y.z'), { hostname: 'x'.repeat(62), domain: '' }],
  ];
  for (const [name, p, want] of cases) it(name, () => assert.deepEqual(podHostname(p, 'cluster.local'), want));

  const bad: [string, Pod, string][] = [
    ['an invalid hostname', pod('p', { hostname: 'A_b' }), 'pod Hostname "A_b" is not a valid DNS label: a lowercase RFC 1123 label'],
    ['a hostname over 63', pod('p', { hostname: 'h'.repeat(64) }), 'must be no more than 63 characters'],
    ['an invalid subdomain', pod('p', { subdomain: 'a.b' }), 'pod Subdomain "a.b" is not a valid DNS label'],
  ];
  for (const [name, p, msg] of bad)
    it(`refuses ${name}`, () => assert.throws(() => podHostname(p, 'cluster.local'), (e: unknown) => e instanceof PodHostnameError && e.code === 'POD_HOSTNAME_INVALID' && e.message.includes(msg)));

  it('setHostnameAsFQDN makes the sandbox hostname the FQDN, at most 64 characters', () => {
    assert.equal(sandboxHostname(pod('p', { subdomain: 's', setHostnameAsFQDN: true }), 'cluster.local'), 'p.s.ns1.svc.cluster.local');
    assert.equal(sandboxHostname(pod('p', { setHostnameAsFQDN: true }), 'cluster.local'), 'p');
    assert.equal(sandboxHostname(pod('p', { subdomain: 's' }), 'cluster.local'), 'p');
    const long = pod('h'.repeat(41), { subdomain: 's', setHostnameAsFQDN: true });
    assert.throws(() => sandboxHostname(long, 'cluster.local'), /FQDN h{41}\.s\.ns1\.svc\.cluster\.local is too long \(64 characters is the max, 65 characters requested\)/);
  });
});

describe('pod hosts file', () => {
  const head = '# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n';

  it('names the pod IP with its FQDN when it has a subdomain', () => {
    const p = pod('web-0', { subdomain: 'web' });
    assert.equal(managedHostsFile(p, ['10.244.0.5'], podHostname(p, 'cluster.local')), head + '10.244.0.5\tweb-0.web.ns1.svc.cluster.local\tweb-0\n');
  });

  it('names it by hostname alone otherwise, and appends hostAliases', () => {
    const p = pod('web-0', { hostAliases: [{ ip: '10.1.1.1', hostnames: ['foo.local', 'bar'] }] });
    assert.equal(managedHostsFile(p, ['10.244.0.5'], podHostname(p, 'cluster.local')), head + '10.244.0.5\tweb-0\n\n# Entries added by HostAliases.\n10.1.1.1\tfoo.local\tbar\n');
  });

  it("gives a host-network pod the node's file under a header", () => {
    assert.equal(hostNetworkHostsFile(pod('h'), '127.0.0.1 localhost\n'), '# Kubernetes-managed hosts file (host network).\n127.0.0.1 localhost\n');
  });
});
