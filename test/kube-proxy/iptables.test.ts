// kube-proxy against real iptables and routes, entirely inside network namespaces this test
// creates: a "node" namespace where kube-proxy programs its rules and routes, and a "pod" namespace
// behind a veth pair running busybox httpd on two addresses (two backends that answer with different
// bodies). Connections from the node namespace to the ClusterIP and to the NodePort must reach the
// pod; ClientIP affinity must keep one backend, internalTrafficPolicy Local must use only this
// node's; an external IP and a node port with externalTrafficPolicy Local must serve the node itself
// and drop a client outside the cluster (a third namespace on the node's link) while no endpoint is
// local; then --cleanup must leave nothing of ours behind.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { Resources } from '../../lib/api/resources';
import type { EndpointSlice } from '../../lib/api/endpoint-slice';
import type { Node, Service } from '../../lib/api/types';
import { parseKubeProxyConfig } from '../../kube-proxy/config';
import { cleanupKubeProxy, startKubeProxy, type KubeProxy } from '../../kube-proxy/start';
import { FakeClient } from './fake-client';
import { eventually, fetchVia, freePort, sh } from './netns-http';

const id = randomBytes(3).toString('hex');
const NODE_NS = `k8ts-kp-${id}`;
const POD_NS = `k8ts-kpp-${id}`;
// A client outside the cluster on the node's link (at the other node's address).
const CLIENT_NS = `k8ts-kpc-${id}`;
const NODE_IP = '192.168.250.1';
const OTHER_NODE_IP = '192.168.250.2';
const POD_IP = '10.244.7.2';
// A second backend in the same pod namespace, told apart by its body.
const POD2_IP = '10.244.7.3';
const CLUSTER_IP = '10.96.7.7';
const NODE_PORT = 30080;

const inNode = (...args: string[]) => sh(['ip', 'netns', 'exec', NODE_NS, ...args]);
const tryInNode = (...args: string[]): { ok: boolean; out: string } => {
  try {
    return { ok: true, out: inNode(...args) };
  } catch (err) {
    return { ok: false, out: String((err as { stderr?: string }).stderr ?? err) };
  }
};

/** GET / from the node namespace (or another). */
const fetchFrom = (host: string, port: number, netns = NODE_NS) => fetchVia(netns, host, port);

const get = (port: number, p: string) =>
  new Promise<{ code: number; type: string; body: string }>((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: p }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ code: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
    }).on('error', reject);
  });

const kubeChains = () => inNode('iptables-save').split('\n').filter((l) => /^:(KUBE|K8TS)-/.test(l));

const service: Service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { namespace: 'default', name: 'web' },
  spec: {
    type: 'NodePort',
    clusterIP: CLUSTER_IP,
    ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 'web', nodePort: NODE_PORT }],
  },
};
const endpoints = (ips: string[], service = 'web', nodeOf: (ip: string) => string = () => 'n1'): EndpointSlice => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { namespace: 'default', name: `${service}-x7k2p`, labels: { 'kubernetes.io/service-name': service } },
  addressType: 'IPv4',
  endpoints: ips.map((ip) => ({ addresses: [ip], conditions: { ready: true }, nodeName: nodeOf(ip) })),
  ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
});
const node = (name: string, ip: string, podCIDR: string): Node => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name },
  spec: { podCIDR, podCIDRs: [podCIDR] },
  status: { addresses: [{ type: 'InternalIP', address: ip }] },
});

describe('kube-proxy iptables mode in a network namespace', function () {
  this.timeout(120_000);
  let httpd: ChildProcess | undefined;
  let proxy: KubeProxy | undefined;
  let httpd2: ChildProcess | undefined;
  let webRoot = '';
  let webRoot2 = '';
  const client = new FakeClient();
  // The healthz and metrics servers listen on this machine's loopback (only the rules and routes
  // live in the node namespace), on ports free when the test starts.
  let config: ReturnType<typeof parseKubeProxyConfig> & { netns: string };

  before(async () => {
    const [healthzPort, metricsPort] = [await freePort(), await freePort()];
    config = {
      ...parseKubeProxyConfig([
        '--kubeconfig=/unused',
        `--node-name=n1`,
        `--node-ip=${NODE_IP}`,
        '--min-sync-period=100ms',
        '--sync-period=30s',
        '--healthz-bind-address=127.0.0.1',
        `--healthz-port=${healthzPort}`,
        `--metrics-port=${metricsPort}`,
      ]),
      netns: NODE_NS,
    };
    webRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-kp-web-'));
    fs.writeFileSync(path.join(webRoot, 'index.html'), 'hello from the backend pod\n');
    webRoot2 = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-kp-web2-'));
    fs.writeFileSync(path.join(webRoot2, 'index.html'), 'hello from the second backend\n');
    sh(['ip', 'netns', 'add', NODE_NS]);
    sh(['ip', 'netns', 'add', POD_NS]);
    inNode('ip', 'link', 'set', 'lo', 'up');
    // The pod: a veth pair from the node namespace, 10.244.7.0/24 as a CNI bridge would give.
    inNode('ip', 'link', 'add', 'kp-host', 'type', 'veth', 'peer', 'name', 'kp-pod');
    inNode('ip', 'link', 'set', 'kp-pod', 'netns', POD_NS);
    inNode('ip', 'addr', 'add', '10.244.7.1/24', 'dev', 'kp-host');
    inNode('ip', 'link', 'set', 'kp-host', 'up');
    const inPod = (...a: string[]) => sh(['ip', 'netns', 'exec', POD_NS, ...a]);
    inPod('ip', 'link', 'set', 'lo', 'up');
    inPod('ip', 'addr', 'add', `${POD_IP}/24`, 'dev', 'kp-pod');
    inPod('ip', 'addr', 'add', `${POD2_IP}/24`, 'dev', 'kp-pod');
    inPod('ip', 'link', 'set', 'kp-pod', 'up');
    inPod('ip', 'route', 'add', 'default', 'via', '10.244.7.1');
    // The node's own address, on a link that also reaches a second (pretend) node.
    inNode('ip', 'link', 'add', 'kp-n0', 'type', 'veth', 'peer', 'name', 'kp-n1');
    inNode('ip', 'addr', 'add', `${NODE_IP}/24`, 'dev', 'kp-n0');
    inNode('ip', 'link', 'set', 'kp-n0', 'up');
    sh(['ip', 'netns', 'add', CLIENT_NS]);
    inNode('ip', 'link', 'set', 'kp-n1', 'netns', CLIENT_NS);
    sh(['ip', 'netns', 'exec', CLIENT_NS, 'ip', 'addr', 'add', `${OTHER_NODE_IP}/24`, 'dev', 'kp-n1']);
    sh(['ip', 'netns', 'exec', CLIENT_NS, 'ip', 'link', 'set', 'kp-n1', 'up']);
    httpd = spawn('ip', ['netns', 'exec', POD_NS, 'busybox', 'httpd', '-f', '-p', `${POD_IP}:8080`, '-h', webRoot], { stdio: 'ignore' });
    httpd2 = spawn('ip', ['netns', 'exec', POD_NS, 'busybox', 'httpd', '-f', '-p', `${POD2_IP}:8080`, '-h', webRoot2], { stdio: 'ignore' });
  });

  after(async () => {
    await proxy?.stop().catch(() => undefined);
    httpd?.kill('SIGKILL');
    httpd2?.kill('SIGKILL');
    for (const ns of [NODE_NS, POD_NS, CLIENT_NS]) {
      try {
        sh(['ip', 'netns', 'del', ns]);
      } catch {
        /* already gone */
      }
    }
    for (const dir of [webRoot, webRoot2]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves the ClusterIP and the NodePort through the pod', async () => {
    await eventually('backend httpd', () => fetchFrom(POD_IP, 8080).ok);
    client.set(Resources.services, service);
    client.set(Resources.endpointslices, endpoints([POD_IP]));
    client.set(Resources.nodes, node('n1', NODE_IP, '10.244.7.0/24'));
    client.set(Resources.nodes, node('n2', OTHER_NODE_IP, '10.244.9.0/24'));
    proxy = await startKubeProxy(config, { client });

    const viaClusterIP = await eventually('ClusterIP answer', () => { const r = fetchFrom(CLUSTER_IP, 80); return r.ok && r; });
    assert.equal(viaClusterIP.out, 'hello from the backend pod\n');
    const viaNodePort = await eventually('NodePort answer', () => { const r = fetchFrom(NODE_IP, NODE_PORT); return r.ok && r; });
    assert.equal(viaNodePort.out, 'hello from the backend pod\n');
    // The jumps are in place exactly once even after more syncs.
    client.set(Resources.services, { ...service, metadata: { ...service.metadata, labels: { touched: 'yes' } } });
    await new Promise((r) => setTimeout(r, 300));
    const portals = inNode('iptables-save', '-t', 'nat').split('\n').filter((l) => l.startsWith('-A OUTPUT') && l.includes('KUBE-SERVICES'));
    assert.equal(portals.length, 1);
    // The pod network's chains: egress masquerade jumped to from POSTROUTING, forwarding appended
    // to FORWARD after kube-proxy's own jumps (the sync ensures jumps after the restore: wait for it).
    const natRules = () => inNode('iptables-save', '-t', 'nat').split('\n');
    await eventually('the pod network jumps', () => natRules().some((l) => l.startsWith('-A POSTROUTING') && l.includes('K8TS-POD-EGRESS')));
    assert.ok(natRules().some((l) => /^-A K8TS-POD-EGRESS -s 10\.244\.0\.0\/16 .*-j MASQUERADE --random-fully$/.test(l)));
    assert.equal(natRules().filter((l) => l.startsWith('-A POSTROUTING') && l.includes('K8TS-POD-EGRESS')).length, 1);
    const forward = await eventually('the forwarding jump', () => {
      const f = inNode('iptables-save', '-t', 'filter').split('\n').filter((l) => l.startsWith('-A FORWARD'));
      return f.some((l) => l.endsWith('-j K8TS-POD-FORWARD')) && f;
    });
    assert.match(forward[forward.length - 1], /-j K8TS-POD-FORWARD$/, forward.join('\n'));
  });

  it('serves /healthz (JSON) on the healthz port and /metrics with /healthz on the metrics port', async () => {
    // Healthy once the first full sync (routes, restore, every jump) has finished.
    let health = await get(config.healthz.port, '/healthz');
    for (let i = 0; i < 600 && health.code !== 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      health = await get(config.healthz.port, '/healthz');
    }
    assert.equal(health.code, 200, health.body);
    assert.equal(health.type, 'application/json');
    assert.ok(JSON.parse(health.body).lastUpdated);
    assert.equal((await get(config.healthz.port, '/metrics')).code, 404);
    const metrics = await get(config.metrics.port, '/metrics');
    assert.equal(metrics.code, 200);
    assert.match(metrics.body, /^kubeproxy_sync_proxy_rules_total [1-9]/m);
    assert.match(metrics.body, /^kubeproxy_sync_proxy_rules_duration_seconds_count [1-9]/m);
    assert.match(metrics.body, /^kubeproxy_sync_proxy_rules_iptables_total\{table="nat"\} [1-9]/m);
    assert.match(metrics.body, /^kubeproxy_iptables_backend_info\{backend="nf_tables"\} 1$/m);
    assert.equal((await get(config.metrics.port, '/healthz')).code, 200);
  });

  it('keeps the routing-safety routes and follows node changes', async () => {
    const routes = () => inNode('ip', 'route', 'show', 'proto', '107');
    const shown = routes();
    assert.match(shown, /^10\.96\.0\.0\/16 dev k8ts-svc /m);
    assert.match(shown, /^blackhole 10\.244\.0\.0\/16/m);
    assert.match(shown, /^10\.244\.9\.0\/24 via 192\.168\.250\.2 dev kp-n0/m);
    // The node's own subnet still goes to the pod link; an unknown pod address is blackholed.
    assert.match(inNode('ip', 'route', 'get', POD_IP), /dev kp-host/);
    assert.match(tryInNode('ip', 'route', 'get', '10.244.50.5').out, /blackhole|No route|Invalid argument/);
    client.remove(Resources.nodes, undefined, 'n2');
    await eventually('route to n2 removed', () => !/10\.244\.9\.0\/24/.test(routes()));
  });

  it('keeps one backend per client with ClientIP affinity, uses only local endpoints with internalTrafficPolicy Local, and serves external IPs', async () => {
    await eventually('second backend httpd', () => fetchFrom(POD2_IP, 8080).ok);
    const sticky: Service = {
      ...service,
      metadata: { namespace: 'default', name: 'sticky' },
      spec: { type: 'ClusterIP', clusterIP: '10.96.7.8', sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 300 } }, ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080 }] },
    };
    const localOnly: Service = {
      ...service,
      metadata: { namespace: 'default', name: 'local-only' },
      spec: { type: 'ClusterIP', clusterIP: '10.96.7.9', internalTrafficPolicy: 'Local', ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080 }] },
    };
    client.set(Resources.services, sticky);
    client.set(Resources.endpointslices, endpoints([POD_IP, POD2_IP], 'sticky', (ip) => (ip === POD_IP ? 'n1' : 'n2')));
    client.set(Resources.services, localOnly);
    // POD_IP is on another node as far as this Service knows: only POD2_IP may answer.
    client.set(Resources.endpointslices, endpoints([POD_IP, POD2_IP], 'local-only', (ip) => (ip === POD_IP ? 'n2' : 'n1')));

    const first = await eventually('sticky answer', () => { const r = fetchFrom('10.96.7.8', 80); return r.ok && r; });
    const bodies = new Set([first.out]);
    for (let i = 0; i < 15; i++) bodies.add(fetchFrom('10.96.7.8', 80).out);
    assert.deepEqual([...bodies], [first.out], 'every request from this client reached one backend');

    const local = await eventually('local-only answer', () => { const r = fetchFrom('10.96.7.9', 80); return r.ok && r; });
    const localBodies = new Set([local.out]);
    for (let i = 0; i < 15; i++) localBodies.add(fetchFrom('10.96.7.9', 80).out);
    assert.deepEqual([...localBodies], ['hello from the second backend\n']);
    // What the kernel holds: the affinity checks, and the cluster IP sent to the local-endpoints chain.
    const nat = inNode('iptables-save', '-t', 'nat');
    assert.match(nat, /-m recent --rcheck --seconds 300 --reap --name KUBE-SEP-\w+ /);
    assert.match(nat, /-m recent --set --name KUBE-SEP-\w+ /);
    assert.match(nat, /-A KUBE-SERVICES -d 10\.96\.7\.9\/32 .*-j KUBE-SVL-/);

    // An external IP (an address on the node's link that nobody holds) with externalTrafficPolicy
    // Local and its only endpoint elsewhere: outside clients would be dropped, but the node itself
    // is sent to the cluster's endpoints (upstream's "route LOCAL traffic" short cut).
    const outside: Service = {
      ...service,
      metadata: { namespace: 'default', name: 'outside' },
      spec: { type: 'ClusterIP', clusterIP: '10.96.7.10', externalIPs: ['192.168.250.77'], externalTrafficPolicy: 'Local', ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080 }] },
    };
    client.set(Resources.services, outside);
    client.set(Resources.endpointslices, endpoints([POD2_IP], 'outside', () => 'n2'));
    const viaExternalIP = await eventually('external IP answer', () => { const r = fetchFrom('192.168.250.77', 80); return r.ok && r; });
    assert.equal(viaExternalIP.out, 'hello from the second backend\n');
    assert.match(inNode('iptables-save', '-t', 'filter'), /"default\/outside:http has no local endpoints".* -j DROP/);

    // Its node port from a client outside the cluster: dropped while no endpoint is on this node,
    // served (by the local endpoint only) once one is.
    client.set(Resources.services, { ...outside, spec: { ...outside.spec, type: 'NodePort', ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30081 }] } });
    await eventually('the node port rules', () => /"default\/outside:http has no local endpoints" .*--dport 30081 -j DROP/.test(inNode('iptables-save', '-t', 'filter')));
    const dropped = fetchFrom(NODE_IP, 30081, CLIENT_NS);
    assert.equal(dropped.ok, false);
    assert.doesNotMatch(dropped.out, /refused/i, 'dropped, not rejected');
    client.set(Resources.endpointslices, endpoints([POD_IP, POD2_IP], 'outside', (ip) => (ip === POD_IP ? 'n1' : 'n2')));
    const fromOutside = await eventually('node port answer from outside', () => { const r = fetchFrom(NODE_IP, 30081, CLIENT_NS); return r.ok && r; });
    assert.equal(fromOutside.out, 'hello from the backend pod\n');
    for (let i = 0; i < 10; i++) assert.equal(fetchFrom(NODE_IP, 30081, CLIENT_NS).out, 'hello from the backend pod\n', 'only the local endpoint');

    client.remove(Resources.services, 'default', 'outside');
    client.remove(Resources.endpointslices, 'default', 'outside-x7k2p');
    client.remove(Resources.services, 'default', 'sticky');
    client.remove(Resources.services, 'default', 'local-only');
    client.remove(Resources.endpointslices, 'default', 'sticky-x7k2p');
    client.remove(Resources.endpointslices, 'default', 'local-only-x7k2p');
    await eventually('their rules deleted', () => !/default\/(sticky|local-only|outside):|KUBE-SVL-/.test(inNode('iptables-save')));
  });

  it('rejects a service without endpoints and deletes its stale chains', async () => {
    const sepChains = () => kubeChains().filter((l) => l.startsWith(':KUBE-SEP-'));
    assert.equal(sepChains().length, 1);
    client.set(Resources.endpointslices, endpoints([]));
    await eventually('stale chains deleted', () => sepChains().length === 0 && kubeChains().every((l) => !l.startsWith(':KUBE-SVC-')));
    assert.match(inNode('iptables-save', '-t', 'filter'), /default\/web:http has no endpoints/);
    const refused = fetchFrom(CLUSTER_IP, 80);
    assert.equal(refused.ok, false);
    assert.match(refused.out, /refused/i);
  });

  it('--cleanup leaves no chain, jump, route or interface of ours', async () => {
    await proxy!.stop();
    proxy = undefined;
    assert.ok(kubeChains().length > 0);
    await cleanupKubeProxy(config);
    assert.deepEqual(kubeChains(), []);
    assert.ok(!/KUBE-|K8TS-/.test(inNode('iptables-save')));
    assert.equal(inNode('ip', 'route', 'show', 'proto', '107').trim(), '');
    assert.equal(tryInNode('ip', 'link', 'show', 'dev', 'k8ts-svc').ok, false);
    // Routes and links we did not create are untouched.
    assert.match(inNode('ip', 'route', 'show'), /10\.244\.7\.0\/24 dev kp-host/);
    // A second cleanup is a no-op, not an error.
    await cleanupKubeProxy(config);
  });
});
