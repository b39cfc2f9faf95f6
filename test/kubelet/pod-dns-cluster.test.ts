// Pod DNS on a whole single-node cluster with the real kubectl: the launcher gives the kubelet
// --cluster-dns (the Service CIDR's 10th address) and --cluster-domain, so a pod's resolv.conf
// names the cluster DNS with the cluster search paths ahead of the node's; its /etc/hosts names
// it under its subdomain; and the apiserver refuses dnsPolicy None without a dnsConfig.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { singleNodeCluster } from '../harness/single-node';
import { run, waitFor } from '../harness/exec';
import { parseResolvConf } from '../../kubelet/pods/resolv-conf';

const pod = (name: string, extra: string) => `
apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
${extra}
  containers: [{name: c, image: k8ts/web:1.0}]
`;

describe('pod DNS on a single-node cluster', function () {
  const c = singleNodeCluster('pdns');

  it("gives a ClusterFirst pod the cluster DNS and search paths, and its FQDN in /etc/hosts", async () => {
    await c.k.run(['apply', '-f', '-'], pod('web-0', '  hostname: web-0\n  subdomain: web'));
    const p = await waitFor('web-0 running', async () => {
      const x = await c.k.json<{ status: { phase?: string; podIP?: string } }>(['get', 'pod', 'web-0']);
      return x.status.phase === 'Running' && x.status.podIP ? x : undefined;
    }, 120_000, 500);
    // The kubelet runs in the cluster's netns but reads the machine's /etc/resolv.conf.
    const node = parseResolvConf(fs.readFileSync('/etc/resolv.conf', 'utf8'));
    const search = [...new Set(['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local', ...node.searches])].join(' ');
    assert.equal(await c.k.out(['exec', 'web-0', '--', 'cat', '/etc/resolv.conf']), `search ${search}\nnameserver 10.96.0.10\noptions ndots:5\n`);
    const hosts = await c.k.out(['exec', 'web-0', '--', 'cat', '/etc/hosts']);
    assert.ok(hosts.startsWith('# Kubernetes-managed hosts file.\n'), hosts);
    assert.ok(hosts.endsWith(`\n${p.status.podIP}\tweb-0.web.default.svc.cluster.local\tweb-0\n`), hosts);
  });

  it('refuses dnsPolicy None without a dnsConfig, with the upstream message', async () => {
    const r = await run(['kubectl', '--kubeconfig', c.info.kubeconfig, 'apply', '-f', '-'], { netns: c.opts.netns, input: pod('bad', '  dnsPolicy: None'), check: false });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /spec\.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None/);
    assert.equal(await c.k.exists('pod', 'bad'), false);
  });
});
