// A real three-machine cluster (a control plane and two workers, containers of the node image)
// installed by `k8ts deploy`: a Deployment spreads over the workers; pods reach pods on the other
// node by IP; the ClusterIP answers from a pod on every node; the NodePort answers on every
// node's address and reaches pods on the other nodes; ClientIP affinity keeps one backend for 50
// requests, externalTrafficPolicy Local keeps the client's address and drops on a node without
// endpoints, a LoadBalancer address answers from every node — then the same again after the
// inventory switches every kube-proxy to the nftables mode; a re-run changes nothing; a fourth machine
// joins through TLS bootstrapping when the inventory lists it and leaves when it does not; a
// DaemonSet runs on every machine, rolls and undoes, reaches the machine that joins and leaves the
// one removed; then the Ingress checks of ingress-checks.ts (two hosts, two paths, HTTP and HTTPS
// with SNI on every node) and the Service networking checks of service-networking.ts (cluster DNS
// from a pod on every node, a frozen node's DNS leaving and coming back); and --uninstall leaves the
// machines clean.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as http from 'node:http';
import type { Machine } from '../../deploy/machines/machines';
import { waitFor } from '../harness/exec';
import { MachineCluster } from './machine-cluster';
import { ingressChecks } from './ingress-checks';
import { serviceNetworkingChecks } from './service-networking';
import { WEB_MANIFEST } from './web';

interface PodView {
  metadata: { name: string; labels?: Record<string, string> };
  spec: { nodeName?: string };
  status: { phase?: string; podIP?: string };
}

/** A pod pinned to a node (the control plane's taint tolerated), to run commands from. */
const clientPod = (node: string) => `apiVersion: v1
kind: Pod
metadata: {name: client-${node}, labels: {app: client}}
spec:
  nodeName: ${node}
  tolerations: [{key: node-role.kubernetes.io/control-plane, effect: NoSchedule}]
  containers: [{name: c, image: 'k8ts/web:1.0'}]
`;

/** A DaemonSet that also runs on the tainted control plane, rolled one node at a time. */
const AGENT = `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  updateStrategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 1}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      tolerations: [{key: node-role.kubernetes.io/control-plane, effect: NoSchedule}]
      containers:
        - name: agent
          image: k8ts/web:1.0
          resources: {requests: {cpu: 5m, memory: 4Mi}}
`;

/** Three Services over the web pods, one per feature the cluster test checks across machines. */
const SERVICE_FEATURES = `apiVersion: v1
kind: Service
metadata: {name: web-sticky}
spec:
  selector: {app: web}
  sessionAffinity: ClientIP
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: web-local}
spec:
  type: NodePort
  externalTrafficPolicy: Local
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: web-lb}
spec:
  type: LoadBalancer
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
`;

function httpGet(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: 3000 }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve(body.trim()));
    });
    req.on('timeout', () => req.destroy(new Error(`${url}: timed out`)));
    req.on('error', reject);
  });
}

describe('a three-machine cluster installed by k8ts deploy', function () {
  this.timeout(1_800_000);
  let c: MachineCluster;

  const pods = async (selector: string): Promise<PodView[]> => (await c.kubectl.json<{ items: PodView[] }>(['get', 'pods', '-l', selector])).items;
  const running = (ps: PodView[]) => ps.filter((p) => p.status.phase === 'Running' && p.status.podIP);
  const exec = (pod: string, cmd: string) => c.kubectl.out(['exec', pod, '--', 'sh', '-c', cmd]);

  before(async () => {
    c = await MachineCluster.create('c', { workers: 2 });
    const res = await c.deploy();
    assert.deepEqual(res.hosts.map((h) => h.state), ['installed', 'installed', 'installed']);
  });

  after(async () => {
    await c?.stop();
  });

  it('spreads a Deployment of 6 over both workers, none on the tainted control plane', async () => {
    await c.kubectl.out(['apply', '-f', '-'], WEB_MANIFEST);
    const web = await waitFor('6 web pods Running', async () => {
      const ps = running(await pods('app=web'));
      return ps.length === 6 && ps;
    }, 180_000);
    const perNode = new Map<string, number>();
    for (const p of web) perNode.set(p.spec.nodeName!, (perNode.get(p.spec.nodeName!) ?? 0) + 1);
    assert.deepEqual([...perNode.keys()].sort(), ['w1', 'w2'], JSON.stringify([...perNode]));
  });

  it('reaches a pod on the other worker by its pod IP, without NAT', async () => {
    const web = running(await pods('app=web'));
    const from = web.find((p) => p.spec.nodeName === 'w1')!;
    const to = web.find((p) => p.spec.nodeName === 'w2')!;
    assert.equal((await exec(from.metadata.name, `timeout 3 wget -qO- http://${to.status.podIP}:8080/`)).trim(), `hello from ${to.metadata.name}`);
  });

  it('answers on the ClusterIP from a pod on every node', async () => {
    for (const n of ['cp', 'w1', 'w2']) await c.kubectl.out(['apply', '-f', '-'], clientPod(n));
    await waitFor('a client pod Running on every node', async () => running(await pods('app=client')).length === 3, 180_000);
    const ip = (await c.kubectl.out(['get', 'svc', 'web', '-o', 'jsonpath={.spec.clusterIP}'])).trim();
    for (const n of ['cp', 'w1', 'w2']) {
      const reply = await exec(`client-${n}`, `for i in 1 2 3 4 5; do timeout 3 wget -qO- http://${ip}/ && exit 0; sleep 1; done; exit 1`);
      assert.match(reply.trim(), /^hello from web-/, `from ${n}`);
    }
  });

  it('answers on the NodePort of every node’s address, reaching pods on the other nodes', async () => {
    const port = Number((await c.kubectl.out(['get', 'svc', 'web', '-o', 'jsonpath={.spec.ports[0].nodePort}'])).trim());
    const web = running(await pods('app=web'));
    const nodeOf = new Map(web.map((p) => [p.metadata.name, p.spec.nodeName!]));
    for (const m of c.machines) {
      const served = new Set<string>();
      for (let i = 0; i < 30 && served.size < 2; i++) {
        const reply = await httpGet(`http://${m.address}:${port}/`);
        const pod = reply.replace(/^hello from /, '');
        assert.ok(nodeOf.has(pod), `${m.name}: ${reply}`);
        served.add(nodeOf.get(pod)!);
      }
      const others = [...served].filter((n) => n !== m.name);
      assert.ok(others.length > 0, `${m.name}:${port} reached pods on ${[...served].join(', ')}`);
    }
  });

  /** The Service checks both proxy modes must pass on the machines. */
  const serviceFeatures = async (): Promise<void> => {
    await c.kubectl.out(['apply', '-f', '-'], SERVICE_FEATURES);
    // ClientIP affinity: 50 requests from one pod (by the Service's short name, through the
    // cluster DNS) reach one backend
    // (a new Service answers once this node's kube-proxy has synced it: wait for the first answer)
    await waitFor('web-sticky answering from w1', async () => /^hello from/.test(await exec('client-w1', 'wget -qO- http://web-sticky/ || true')), 60_000);
    const sticky = await exec('client-w1', 'for i in $(seq 50); do wget -qO- http://web-sticky/ || echo failed; done | sort | uniq -c');
    assert.equal(sticky.trim().split('\n').length, 1, sticky);
    assert.match(sticky, /^\s*50 hello from web-/);

    // externalTrafficPolicy Local: the web pods are on w1 and w2 only. From this host, a node port
    // on a worker is served by that worker's pods alone, with the client's own address kept; on
    // the control plane (no endpoint) the connection is dropped.
    const port = Number((await c.kubectl.out(['get', 'svc', 'web-local', '-o', 'jsonpath={.spec.ports[0].nodePort}'])).trim());
    const web = running(await pods('app=web'));
    const w1 = c.machines.find((m) => m.name === 'w1')!;
    const cp = c.machines.find((m) => m.name === 'cp')!;
    const onW1 = new Set(web.filter((p) => p.spec.nodeName === 'w1').map((p) => p.metadata.name));
    const ourAddress = /\bsrc (\S+)/.exec(execFileSync('ip', ['route', 'get', w1.address], { encoding: 'utf8' }))![1];
    await waitFor('the Local node port served on w1', async () => (await httpGet(`http://${w1.address}:${port}/`).catch(() => '')).startsWith('hello from'), 60_000);
    for (let i = 0; i < 10; i++) {
      const pod = (await httpGet(`http://${w1.address}:${port}/`)).replace(/^hello from /, '');
      assert.ok(onW1.has(pod), `${pod} is not on w1`);
    }
    assert.match(await httpGet(`http://${w1.address}:${port}/cgi-bin/client`), new RegExp(`(^|:)${ourAddress.replace(/\./g, '\\.')}\\]?$`), 'the client address is kept');
    await assert.rejects(httpGet(`http://${cp.address}:${port}/`), /timed out/, 'dropped on the node without endpoints');

    // a LoadBalancer Service gets an address from the pool, served from a pod on every node
    const lbIP = await waitFor('a LoadBalancer address', async () => (await c.kubectl.out(['get', 'svc', 'web-lb', '-o', 'jsonpath={.status.loadBalancer.ingress[0].ip}'])).trim(), 60_000);
    assert.match(lbIP, /^198\.19\.254\.\d+$/);
    for (const n of ['cp', 'w1', 'w2']) {
      const reply = await exec(`client-${n}`, `for i in 1 2 3 4 5; do wget -qO- http://${lbIP}/ && exit 0; sleep 1; done; exit 1`);
      assert.match(reply.trim(), /^hello from web-/, `from ${n}`);
    }
    await c.kubectl.out(['delete', '-f', '-'], SERVICE_FEATURES);
  };

  it('Service features across machines (iptables mode): ClientIP affinity, externalTrafficPolicy Local, a LoadBalancer address', serviceFeatures);

  it('switches every kube-proxy to the nftables mode by the inventory, and the same Service features pass', async () => {
    c.setSetting('proxyMode', 'nftables');
    c.writeInventory();
    const res = await c.deploy();
    assert.ok(res.changed, 'the kube-proxy units changed');
    for (const m of c.machines) {
      await waitFor(`${m.name}: the nftables table in place of the iptables chains`, async () => {
        const state = await c.ok(m, "nft list tables; iptables-save -t nat | grep -c '^:KUBE-SERVICES' || true");
        return /table ip k8ts-proxy/.test(state) && /^0$/m.test(state.trim());
      }, 60_000);
    }
    await serviceFeatures();
  });

  it('changes nothing when deployed again', async () => {
    const res = await c.deploy();
    assert.equal(res.changed, false);
    assert.deepEqual(res.hosts.map((h) => h.state), ['unchanged', 'unchanged', 'unchanged']);
  });

  it('runs a DaemonSet pod on every machine, rolls it one node at a time and undoes the rollout', async () => {
    await c.kubectl.out(['apply', '-f', '-'], AGENT);
    await c.kubectl.out(['rollout', 'status', 'daemonset/agent', '--timeout=180s']);
    const onNodes = async () => running(await pods('app=agent')).map((p) => p.spec.nodeName).sort();
    assert.deepEqual(await onNodes(), ['cp', 'w1', 'w2']);

    await c.kubectl.out(['set', 'env', 'daemonset/agent', 'ROLLED=yes']);
    await c.kubectl.out(['rollout', 'status', 'daemonset/agent', '--timeout=240s']);
    const envOf = async () => {
      const ps = (await pods('app=agent')).filter((p) => p.status.phase === 'Running') as unknown as { spec: { nodeName: string; containers: { env?: { name: string }[] }[] } }[];
      return ps.map((p) => `${p.spec.nodeName}:${(p.spec.containers[0].env ?? []).map((e) => e.name).join(',')}`).sort();
    };
    await waitFor('every agent pod rolled', async () => (await envOf()).join(' ') === 'cp:ROLLED w1:ROLLED w2:ROLLED', 60_000);
    assert.match(await c.kubectl.out(['rollout', 'history', 'daemonset/agent']), /^1\s.*\n2\s/m);

    await c.kubectl.out(['rollout', 'undo', 'daemonset/agent']);
    await c.kubectl.out(['rollout', 'status', 'daemonset/agent', '--timeout=240s']);
    await waitFor('every agent pod back on the first template', async () => (await envOf()).join(' ') === 'cp: w1: w2:', 60_000);
  });

  it('joins a fourth machine listed in the inventory (bootstrap token, CSR approved) and removes it when it is not', async () => {
    const w3: Machine = await c.addMachine('w3');
    c.writeInventory();
    const res = await c.deploy();
    assert.deepEqual(res.hosts.map((h) => [h.nodeName, h.state]), [['cp', 'unchanged'], ['w1', 'unchanged'], ['w2', 'unchanged'], ['w3', 'installed']]);
    assert.match(await c.kubectl.out(['get', 'node', 'w3', '--no-headers']), /\bReady\b/);
    const csrs = await c.kubectl.json<{ items: { spec: { username: string }; status: { conditions?: { type: string }[]; certificate?: string } }[] }>(['get', 'csr']);
    const approved = csrs.items.filter((x) => x.spec.username.startsWith('system:bootstrap:') && x.status.conditions?.some((k) => k.type === 'Approved') && x.status.certificate);
    assert.equal(approved.length, 3, 'one approved CSR per joined worker');
    await c.kubectl.out(['scale', 'deployment', 'web', '--replicas=9']);
    await waitFor('a web pod on w3', async () => running(await pods('app=web')).some((p) => p.spec.nodeName === 'w3'), 180_000);
    await waitFor('the DaemonSet reaches w3', async () => running(await pods('app=agent')).some((p) => p.spec.nodeName === 'w3'), 180_000);
    const ds = await c.kubectl.json<{ status: { desiredNumberScheduled: number } }>(['get', 'daemonset', 'agent']);
    assert.equal(ds.status.desiredNumberScheduled, 4);

    // the deploy removes a node without draining it (yet): drain first, as an operator would
    await c.kubectl.out(['drain', 'w3', '--ignore-daemonsets', '--timeout=120s']);
    c.writeInventory(c.machines.filter((m) => m !== w3));
    const gone = await c.deploy();
    assert.deepEqual(gone.hosts.map((h) => [h.nodeName, h.state]), [['cp', 'unchanged'], ['w1', 'unchanged'], ['w2', 'unchanged'], ['w3', 'removed']]);
    assert.doesNotMatch(await c.kubectl.out(['get', 'nodes', '--no-headers']), /^w3\s/m);
    assert.equal((await c.ok(w3, 'ls -d /opt/k8ts /var/lib/k8ts /etc/k8ts/node 2>/dev/null | wc -l')).trim(), '0');
    await waitFor('9 web pods Running on w1 and w2', async () => {
      const ps = running(await pods('app=web'));
      return ps.length === 9 && ps.every((p) => p.spec.nodeName !== 'w3');
    }, 180_000);
    // the DaemonSet's pod on the removed node goes (PodGC: its node no longer exists)
    await waitFor('agent pods on cp, w1 and w2 only', async () => {
      const ps = await pods('app=agent');
      const ds = await c.kubectl.json<{ status: { desiredNumberScheduled: number; numberReady: number } }>(['get', 'daemonset', 'agent']);
      return ps.length === 3 && ps.every((p) => p.spec.nodeName !== 'w3') && ds.status.desiredNumberScheduled === 3 && ds.status.numberReady === 3;
    }, 180_000);
  });

  // in the nftables mode by now
  for (const check of ingressChecks(() => c)) it(check.title, check.fn);
  // the last of these freezes w2 and thaws it
  for (const check of serviceNetworkingChecks(() => c)) it(check.title, check.fn);

  it('--uninstall leaves every machine clean', async () => {
    const res = await c.deploy({ uninstall: true });
    assert.ok(res.hosts.every((h) => h.state === 'uninstalled'), JSON.stringify(res.hosts));
    for (const m of c.machines.slice(0, 3)) {
      const procs = (await c.ok(m, 'ps -eo comm= | sort -u')).split('\n').filter(Boolean);
      assert.deepEqual(procs.filter((p) => !['k8ts-init', 'sshd', 'bash', 'sh', 'ps', 'sort'].includes(p)), [], m.name);
      assert.equal((await c.ok(m, "ls -d /opt/k8ts /var/lib/k8ts /etc/k8ts/node /run/k8ts 2>/dev/null; ip -o link show | grep -v ': lo:' | grep -v ': eth'; iptables-save | grep -E 'KUBE|K8TS'; nft list tables | grep k8ts; true")).trim(), '', m.name);
    }
  });
});
