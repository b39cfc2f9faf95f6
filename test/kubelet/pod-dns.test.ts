// Pod DNS on a real containerd: the in-process kubelet hands each sandbox its DNSConfig (which
// containerd writes as /etc/resolv.conf) for every dnsPolicy, mounts the /etc/hosts it manages
// (the pod's IP under <hostname>.<subdomain>.<ns>.svc.<domain>), and names the sandbox after
// spec.hostname or, with setHostnameAsFQDN, the FQDN. Read back by exec in the running containers.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Pod } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import { LABEL_POD_UID } from '../../kubelet/pods/cri-state';
import { BB, sh, startPodHarness, type PodHarness } from './pod-harness';

const NODE_RESOLV = 'nameserver 10.55.0.2\nnameserver 10.55.0.3\nsearch node.example lab.example.\noptions timeout:1 attempts:2\n';
const CLUSTER_SEARCH = 'search default.svc.cluster.local svc.cluster.local cluster.local node.example lab.example';
const CLUSTER_FIRST = `${CLUSTER_SEARCH}\nnameserver 10.96.0.10\noptions ndots:5\n`;
const DEFAULT = 'search node.example lab.example\nnameserver 10.55.0.2\nnameserver 10.55.0.3\noptions timeout:1 attempts:2\n';
const HOSTS_HEAD = '# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n';
const SLEEP = sh('trap "exit 0" TERM; sleep 1000 & wait');

describe('pod DNS config, hosts file and hostname on a real containerd', function () {
  this.timeout(120_000);
  let h: PodHarness;
  let dir: string;

  const running = (name: string) => h.waitFor(`${name} Running`, async () => ((x) => (x.status?.phase === 'Running' && x.status.podIP ? x : undefined))(await h.getPod(name)));
  /** cat of a file (or any busybox applet's output) inside the pod's running container. */
  const run = async (p: Pod, ...cmd: string[]): Promise<string> => {
    const [c] = await h.env.cri.listContainers({ labelSelector: { [LABEL_POD_UID]: p.metadata.uid! } });
    assert.ok(c, `a container for ${p.metadata.name}`);
    const r = await h.env.cri.execSync(c.id, [BB, ...cmd], 10);
    assert.equal(r.exitCode, 0, r.stderr.toString());
    return r.stdout.toString();
  };

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-pod-dns-'));
    const resolvConf = path.join(dir, 'resolv.conf');
    fs.writeFileSync(resolvConf, NODE_RESOLV);
    h = await startPodHarness({ nodeName: 'kt-dns', nodeIp: '10.99.0.9', podCIDR: '10.244.248.0/24', kubelet: { clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local', resolvConf } });
    const { mkPod } = h;
    const pods: Pod[] = [
      mkPod('cf', [{ command: SLEEP }], { dnsPolicy: 'ClusterFirst', hostname: 'web-0', subdomain: 'web' }),
      mkPod('def', [{ command: SLEEP }], { dnsPolicy: 'Default' }),
      mkPod('none', [{ command: SLEEP }], { dnsPolicy: 'None', dnsConfig: { nameservers: ['10.66.0.1'], searches: ['a.example', 'b.example'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] } }),
      mkPod('merged', [{ command: SLEEP }], {
        hostname: 'db',
        subdomain: 'sub',
        setHostnameAsFQDN: true,
        dnsConfig: { nameservers: ['10.66.0.1'], searches: ['extra.example'], options: [{ name: 'ndots', value: '1' }] },
        hostAliases: [{ ip: '10.77.0.1', hostnames: ['alias.example', 'alias'] }],
      }),
      mkPod('hostnet-cf', [{ command: SLEEP }], { hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' }),
      mkPod('hostnet-default', [{ command: SLEEP }], { hostNetwork: true, dnsPolicy: 'ClusterFirst' }),
    ];
    for (const p of pods) await h.api.create(Resources.pods, p);
  });

  after(async () => {
    await h?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('ClusterFirst: the cluster DNS, the cluster search paths before the node ones, ndots:5; the FQDN in /etc/hosts', async () => {
    const p = await running('cf');
    assert.equal(await run(p, 'cat', '/etc/resolv.conf'), CLUSTER_FIRST);
    assert.equal(await run(p, 'cat', '/etc/hosts'), `${HOSTS_HEAD}${p.status!.podIP}\tweb-0.web.default.svc.cluster.local\tweb-0\n`);
    assert.equal(await run(p, 'hostname'), 'web-0\n');
  });

  it("Default: the node's resolv.conf", async () => {
    const p = await running('def');
    assert.equal(await run(p, 'cat', '/etc/resolv.conf'), DEFAULT);
    assert.equal(await run(p, 'cat', '/etc/hosts'), `${HOSTS_HEAD}${p.status!.podIP}\tdef\n`);
  });

  it('None: only the dnsConfig', async () => {
    const p = await running('none');
    assert.equal(await run(p, 'cat', '/etc/resolv.conf'), 'search a.example b.example\nnameserver 10.66.0.1\noptions ndots:2 edns0\n');
  });

  it('dnsConfig merged over ClusterFirst; setHostnameAsFQDN; hostAliases in /etc/hosts', async () => {
    const p = await running('merged');
    assert.equal(await run(p, 'cat', '/etc/resolv.conf'), `${CLUSTER_SEARCH} extra.example\nnameserver 10.96.0.10\nnameserver 10.66.0.1\noptions ndots:1\n`);
    assert.equal(await run(p, 'hostname'), 'db.sub.default.svc.cluster.local\n');
    assert.equal(await run(p, 'cat', '/etc/hosts'), `${HOSTS_HEAD}${p.status!.podIP}\tdb.sub.default.svc.cluster.local\tdb\n\n# Entries added by HostAliases.\n10.77.0.1\talias.example\talias\n`);
  });

  it("host network: ClusterFirstWithHostNet uses the cluster DNS, ClusterFirst the node's; /etc/hosts is the node's", async () => {
    const cf = await running('hostnet-cf');
    assert.equal(await run(cf, 'cat', '/etc/resolv.conf'), CLUSTER_FIRST);
    assert.equal(await run(cf, 'cat', '/etc/hosts'), '# Kubernetes-managed hosts file (host network).\n' + fs.readFileSync('/etc/hosts', 'utf8'));
    const def = await running('hostnet-default');
    assert.equal(await run(def, 'cat', '/etc/resolv.conf'), DEFAULT);
  });

  it('removes the hosts file with the pod', async () => {
    const p = await running('def');
    const file = path.join(h.env.kubeletRoot, 'pods', p.metadata.uid!, 'etc-hosts');
    assert.ok(fs.existsSync(file));
    await h.api.delete(Resources.pods, 'default', 'def');
    await h.waitFor('def gone', () => h.getPod('def').then(() => false, () => true));
    assert.equal(fs.existsSync(file), false);
  });
});
