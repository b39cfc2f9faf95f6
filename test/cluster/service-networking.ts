// Service networking checks for test/cluster/cluster.test.ts's three-machine cluster (a control
// plane cp and two workers w1, w2, installed by `k8ts deploy`; they run in its cluster to save a
// second bring-up), seen from client pods pinned to every node with busybox's own tools: the pods' resolv.conf; cluster DNS (the `dns` host process on every node,
// reached through 10.96.0.10) answering Services by short name, `<svc>.<ns>` and FQDN, a
// StatefulSet pod by its name under a headless Service, an ExternalName's CNAME, the PTR of the
// `kubernetes` Service IP and NXDOMAIN; names through the pods' search path; a Service reached by
// name over HTTP from every node; and, last, DNS still answering once a frozen node's DNS has left
// the lease-backed kube-dns endpoints (its Lease run out), and that node taken back once it thaws.
// Every name asked stays inside cluster.local (or the Service CIDR's reverse zone), and the
// MachineCluster's DNS has no upstream (dnsUpstream: none), so no lookup leaves this machine.
import { strict as assert } from 'node:assert';
import type { Machine } from '../../deploy/machines/machines';
import { waitFor } from '../harness/exec';
import { isReady } from '../harness/readiness';
import type { MachineCluster } from './machine-cluster';

const NS = 'netcheck';
const DOMAIN = 'cluster.local';
const NODES = ['cp', 'w1', 'w2'];

/** The workload: web behind a ClusterIP Service on 8080, a one-pod StatefulSet under a headless
 * Service, an ExternalName pointing at web's FQDN (in-cluster, so its CNAME chain resolves here),
 * and a client pod pinned to every node (the control plane's taint tolerated). */
const MANIFEST = `apiVersion: v1
kind: Namespace
metadata: {name: ${NS}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: ${NS}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - {name: web, image: 'k8ts/web:1.0', ports: [{containerPort: 8080}], resources: {requests: {cpu: 10m, memory: 8Mi}}}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: ${NS}}
spec:
  selector: {app: web}
  ports: [{port: 8080, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: ${NS}}
spec:
  clusterIP: None
  selector: {app: db}
  ports: [{port: 8080}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: ${NS}}
spec:
  serviceName: db
  replicas: 1
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers:
        - {name: db, image: 'k8ts/web:1.0', resources: {requests: {cpu: 10m, memory: 8Mi}}}
---
apiVersion: v1
kind: Service
metadata: {name: ext, namespace: ${NS}}
spec:
  type: ExternalName
  externalName: web.${NS}.svc.${DOMAIN}
${NODES.map(
  (n) => `---
apiVersion: v1
kind: Pod
metadata: {name: client-${n}, namespace: ${NS}, labels: {app: client}}
spec:
  nodeName: ${n}
  tolerations: [{key: node-role.kubernetes.io/control-plane, effect: NoSchedule}]
  containers: [{name: c, image: 'k8ts/web:1.0'}]
`,
).join('')}`;

interface PodView {
  metadata: { name: string };
  spec: { nodeName?: string };
  status: { phase?: string; podIP?: string; conditions?: { type: string; status: string }[] };
}
interface SliceView {
  endpoints?: { addresses: string[]; nodeName?: string; conditions?: { ready?: boolean } }[];
}

/** What busybox's nslookup printed: the answers (name → address), the CNAMEs and whether it failed. */
export interface Lookup {
  addresses: { name: string; address: string }[];
  cnames: { name: string; target: string }[];
  ptrs: { name: string; target: string }[];
  nxdomain: boolean;
  exit: number;
  text: string;
}

/** Parses busybox 1.35 nslookup output (after the Server/Address header) and our `exit=N` trailer. */
export function parseLookup(text: string): Lookup {
  const body = text.replace(/^Server:[^\n]*\nAddress:[^\n]*\n/m, '');
  const addresses = [...body.matchAll(/^Name:\s+(\S+)\s*\nAddress(?:\s+\d+)?:\s+(\S+)/gm)].map((m) => ({ name: m[1], address: m[2] }));
  const cnames = [...body.matchAll(/^(\S+)\s+canonical name = (\S+?)\.?$/gm)].map((m) => ({ name: m[1], target: m[2] }));
  const ptrs = [...body.matchAll(/^(\S+)\s+name = (\S+?)\.?$/gm)].map((m) => ({ name: m[1], target: m[2] }));
  const exit = Number(/exit=(\d+)\s*$/.exec(text)?.[1] ?? -1);
  return { addresses, cnames, ptrs, nxdomain: /NXDOMAIN/.test(body), exit, text };
}

/** One check of the suite, registered by the cluster test as an `it` in its own order. */
export interface ClusterCheck {
  title: string;
  fn: () => Promise<void>;
}

/**
 * The Service networking checks, in order, against the cluster `cluster()` returns (called when a
 * check runs). The first deploys the workload into its own namespace; the last freezes w2 for
 * about a minute and thaws it, so later checks of the caller must tolerate a node that was
 * NotReady for a while.
 */
export function serviceNetworkingChecks(cluster: () => MachineCluster): ClusterCheck[] {
  const ips = { kubernetes: '', web: '', db0: '' };
  const checks: ClusterCheck[] = [];
  const it = (title: string, fn: () => Promise<void>) => void checks.push({ title, fn });

  const pods = async (selector: string): Promise<PodView[]> => (await cluster().kubectl.json<{ items: PodView[] }>(['get', 'pods', '-n', NS, '-l', selector])).items;
  /** Runs a shell command in a client pod; its exit status comes back in the output, never as a throw. */
  const inPod = (node: string, cmd: string) => cluster().kubectl.out(['exec', '-n', NS, `client-${node}`, '--', 'sh', '-c', `${cmd} 2>&1; echo "exit=$?"`]);
  // busybox's nslookup asks the nameserver directly and never applies the search list, so it
  // gets fully qualified names (and an IP, which it turns into a PTR query); bounded by `timeout`
  // so that its own retries never hang a test
  const lookup = async (node: string, name: string, type?: string) => parseLookup(await inPod(node, `timeout 10 nslookup ${type ? `-type=${type} ` : ''}${name}`));
  /** The address the pod's libc resolver (resolv.conf: search list, ndots) gives a name, as busybox
   * wget reports it ("Connecting to <name>:<port> (<ip>:<port>)") before it connects. */
  const resolved = async (node: string, name: string, port: number) => {
    const out = await inPod(node, `timeout 5 busybox wget -O /dev/null http://${name}:${port}/`);
    return { ip: new RegExp(`^Connecting to ${name.replace(/\./g, '\\.')}:${port} \\(([\\d.]+):${port}\\)`, 'm').exec(out)?.[1], out };
  };
  const dnsSlice = async () => {
    const l = await cluster().kubectl.json<{ items: SliceView[] }>(['get', 'endpointslices', '-n', 'kube-system', '-l', 'kubernetes.io/service-name=kube-dns']);
    return l.items.flatMap((s) => s.endpoints ?? []).filter((e) => e.conditions?.ready !== false);
  };

  it('DNS: runs web, a StatefulSet under a headless Service, an ExternalName and a client pod on every node in a namespace of their own', async () => {
    const c = cluster();
    await c.kubectl.out(['apply', '-f', '-'], MANIFEST);
    await waitFor('web ×2, db-0 and a client on every node Ready', async () => {
      const all = (await pods('app in (web,db,client)')).filter((p) => isReady(p) && p.status.podIP);
      return all.length === 6 && all;
    }, 240_000).catch(async (e: Error) => {
      throw new Error(`${e.message}\n${await c.kubectl.out(['get', 'pods', '-A', '-o', 'wide'])}`);
    });
    ips.kubernetes = (await c.kubectl.out(['get', 'svc', 'kubernetes', '-n', 'default', '-o', 'jsonpath={.spec.clusterIP}'])).trim();
    ips.web = (await c.kubectl.out(['get', 'svc', 'web', '-n', NS, '-o', 'jsonpath={.spec.clusterIP}'])).trim();
    ips.db0 = (await pods('app=db'))[0].status.podIP!;
    // the DNS of every node in the kube-dns endpoints, and the first answer from each pod: from
    // here on every lookup is asserted as it comes
    await waitFor('the kube-dns EndpointSlice listing the DNS of cp, w1 and w2', async () => (await dnsSlice()).map((e) => e.nodeName).sort().join() === NODES.join(), 120_000);
    for (const n of NODES) {
      await waitFor(`cluster DNS answering client-${n}`, async () => (await lookup(n, `kubernetes.default.svc.${DOMAIN}`)).addresses.length > 0, 60_000);
    }
  });


  it("gives every pod a resolv.conf with the cluster DNS, the namespace's search list and ndots:5", async () => {
    for (const n of NODES) {
      const conf = await inPod(n, 'cat /etc/resolv.conf');
      assert.match(conf, /^nameserver 10\.96\.0\.10$/m, `${n}: ${conf}`);
      assert.match(conf, new RegExp(`^search ${NS}\\.svc\\.cluster\\.local svc\\.cluster\\.local cluster\\.local\\b`, 'm'), `${n}: ${conf}`);
      assert.match(conf, /^options .*\bndots:5\b/m, `${n}: ${conf}`);
    }
  });

  it('resolves the kubernetes and web Services by FQDN (nslookup) from every node', async () => {
    for (const n of NODES) {
      const k = await lookup(n, `kubernetes.default.svc.${DOMAIN}`);
      assert.deepEqual(k.addresses, [{ name: `kubernetes.default.svc.${DOMAIN}`, address: ips.kubernetes }], `${n}: ${k.text}`);
      const r = await lookup(n, `web.${NS}.svc.${DOMAIN}`);
      assert.equal(r.exit, 0, `${n}: ${r.text}`);
      assert.deepEqual(r.addresses, [{ name: `web.${NS}.svc.${DOMAIN}`, address: ips.web }], `${n}: ${r.text}`);
    }
  });

  it('resolves kubernetes.default, web and web.<ns> through the search path from every node', async () => {
    for (const n of NODES) {
      const k = await resolved(n, 'kubernetes.default', 443);
      assert.equal(k.ip, ips.kubernetes, `${n}: ${k.out}`);
      for (const name of ['web', `web.${NS}`]) {
        const r = await resolved(n, name, 8080);
        assert.equal(r.ip, ips.web, `${n} ${name}: ${r.out}`);
      }
    }
  });

  it("resolves a StatefulSet pod under its headless Service to that pod's IP", async () => {
    for (const n of NODES) {
      const r = await lookup(n, `db-0.db.${NS}.svc.${DOMAIN}`);
      assert.deepEqual(r.addresses, [{ name: `db-0.db.${NS}.svc.${DOMAIN}`, address: ips.db0 }], `${n}: ${r.text}`);
      // the headless Service's own name lists its pods, not a cluster IP
      const svc = await lookup(n, `db.${NS}.svc.${DOMAIN}`);
      assert.deepEqual(svc.addresses.map((a) => a.address), [ips.db0], `${n}: ${svc.text}`);
    }
  });

  it("answers an ExternalName Service with its CNAME (and the target's address, the target being in the cluster)", async () => {
    for (const n of NODES) {
      const r = await lookup(n, `ext.${NS}.svc.${DOMAIN}`, 'a');
      assert.deepEqual(r.cnames, [{ name: `ext.${NS}.svc.${DOMAIN}`, target: `web.${NS}.svc.${DOMAIN}` }], `${n}: ${r.text}`);
      assert.ok(r.addresses.some((a) => a.address === ips.web), `${n}: ${r.text}`);
    }
  });

  it('answers the PTR of 10.96.0.1 with kubernetes.default.svc.cluster.local', async () => {
    for (const n of NODES) {
      const r = await lookup(n, ips.kubernetes);
      assert.deepEqual(r.ptrs, [{ name: '1.0.96.10.in-addr.arpa', target: `kubernetes.default.svc.${DOMAIN}` }], `${n}: ${r.text}`);
    }
  });

  it('fails a name that does not exist with NXDOMAIN', async () => {
    for (const n of NODES) {
      const r = await lookup(n, `nosuch.${NS}.svc.${DOMAIN}`);
      assert.notEqual(r.exit, 0, `${n}: ${r.text}`);
      assert.ok(r.nxdomain, `${n}: ${r.text}`);
      assert.deepEqual(r.addresses, [], `${n}: ${r.text}`);
    }
  });

  it('reaches the web Service over HTTP by short name, <svc>.<ns> and FQDN from every node', async () => {
    const webPods = new Set((await pods('app=web')).map((p) => p.metadata.name));
    for (const n of NODES) {
      for (const name of ['web', `web.${NS}`, `web.${NS}.svc.${DOMAIN}`]) {
        const out = await inPod(n, `timeout 5 busybox wget -qO- http://${name}:8080/`);
        const m = /^hello from (\S+)\s*\nexit=0\s*$/.exec(out);
        assert.ok(m && webPods.has(m[1]), `${n} ${name}: ${out}`);
      }
    }
  });

  // last: a node's DNS dies without a word (the machine frozen, so its Lease is never released
  // and must run out), then comes back
  it('keeps answering from the other nodes once a frozen node has left the kube-dns endpoints, and takes it back', async () => {
    const c = cluster();
    const victim: Machine = c.machine('w2');
    await victim.pause();
    try {
      await waitFor('the kube-dns EndpointSlice without w2 (its Lease expired)', async () => {
        const eps = await dnsSlice();
        return eps.map((e) => e.nodeName).sort().join() === 'cp,w1' && !eps.some((e) => e.addresses.includes(victim.address));
      }, 120_000);
      // kube-proxy on the remaining nodes drops w2's DNS from the Service's rules: wait for that
      // state (not a delay), then every lookup must succeed
      for (const m of [c.machine('cp'), c.machine('w1')]) {
        await waitFor(`kube-proxy on ${m.name} without ${victim.address}:53`, async () => {
          const rules = await c.ok(m, '{ iptables-save -t nat; nft list ruleset; } 2>/dev/null || true');
          return !rules.includes(`${victim.address}:53`);
        }, 60_000);
      }
      for (const n of ['cp', 'w1']) {
        for (let i = 0; i < 10; i++) {
          const r = await lookup(n, `web.${NS}.svc.${DOMAIN}`);
          assert.deepEqual(r.addresses, [{ name: `web.${NS}.svc.${DOMAIN}`, address: ips.web }], `${n}, lookup ${i + 1} of 10: ${r.text}`);
        }
      }
    } finally {
      await victim.unpause();
    }
    await waitFor('the kube-dns EndpointSlice listing w2 again', async () => (await dnsSlice()).map((e) => e.nodeName).sort().join() === NODES.join(), 120_000);
    const r = await lookup('w2', `web.${NS}.svc.${DOMAIN}`);
    assert.deepEqual(r.addresses, [{ name: `web.${NS}.svc.${DOMAIN}`, address: ips.web }], `w2: ${r.text}`);
  });
  return checks;
}
