// The same Service suite against kube-proxy's iptables and nftables modes, judged only by traffic
// (the rule text of each mode has its own golden tests): a "node" namespace where kube-proxy
// programs its rules, a "pod" namespace with two busybox httpd backends, and a client namespace
// outside the cluster on the node's link. Each mode must serve a cluster IP and a node port, keep
// one backend per client under ClientIP affinity, use only local endpoints under
// internalTrafficPolicy Local, drop outside clients of an externalTrafficPolicy: Local node port
// while no endpoint is local (and then serve them only locally), serve a LoadBalancer address
// (from status.loadBalancer) and answer its health-check node port, and refuse a Service without
// endpoints. Switching a node from one mode to the other leaves no rules of the first behind.
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
import { parseKubeProxyConfig, type KubeProxyConfig } from '../../kube-proxy/config';
import { cleanupKubeProxy, startKubeProxy, type KubeProxy } from '../../kube-proxy/start';
import { FakeClient } from './fake-client';
import { eventually as eventuallyEvery, fetchVia, freePort, sh } from './netns-http';

const NODE_IP = '192.168.251.1';
const CLIENT_IP = '192.168.251.2';
const POD_IP = '10.244.8.2';
const POD2_IP = '10.244.8.3';
const LB_IP = '198.19.254.40';
const FIRST = 'hello from the first backend\n';
const SECOND = 'hello from the second backend\n';


const eventually = <T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>) => eventuallyEvery(what, fn, 150);

const getLocal = (port: number) =>
  new Promise<{ code: number; body: string }>((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/' }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ code: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });

const svc = (name: string, clusterIP: string, spec: Partial<Service['spec']> = {}, status?: Service['status']): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { namespace: 'default', name },
  spec: { type: 'ClusterIP', clusterIP, ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080 }], ...spec },
  ...(status ? { status } : {}),
});
const slice = (service: string, eps: [ip: string, node: string][]): EndpointSlice => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { namespace: 'default', name: `${service}-abcde`, labels: { 'kubernetes.io/service-name': service } },
  addressType: 'IPv4',
  endpoints: eps.map(([ip, nodeName]) => ({ addresses: [ip], conditions: { ready: true }, nodeName })),
  ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
});
const node = (name: string, ip: string, podCIDR: string): Node => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name },
  spec: { podCIDR, podCIDRs: [podCIDR] },
  status: { addresses: [{ type: 'InternalIP', address: ip }] },
});

for (const mode of ['iptables', 'nftables'] as const) {
  describe(`kube-proxy ${mode} mode: the Service suite by traffic`, function () {
    this.timeout(180_000);
    const id = randomBytes(3).toString('hex');
    const NODE_NS = `k8ts-pm-${id}`;
    const POD_NS = `k8ts-pmp-${id}`;
    const CLIENT_NS = `k8ts-pmc-${id}`;
    const inNode = (...a: string[]) => sh(['nsenter', `--net=/run/netns/${NODE_NS}`, '--', ...a]);
    const client = new FakeClient();
    const httpds: ChildProcess[] = [];
    const roots: string[] = [];
    let proxy: KubeProxy | undefined;
    let config: KubeProxyConfig;
    let healthCheckPort = 0;

    const configFor = async (proxyMode: string): Promise<KubeProxyConfig> => ({
      ...parseKubeProxyConfig([
        '--kubeconfig=/unused',
        '--node-name=n1',
        `--node-ip=${NODE_IP}`,
        `--proxy-mode=${proxyMode}`,
        '--min-sync-period=100ms',
        '--healthz-port=0',
        '--metrics-port=0',
        '--health-check-bind-address=127.0.0.1',
      ]),
      netns: NODE_NS,
    });

    before(async () => {
      healthCheckPort = await freePort();
      for (const ns of [NODE_NS, POD_NS, CLIENT_NS]) sh(['ip', 'netns', 'add', ns]);
      const inPod = (...a: string[]) => sh(['nsenter', `--net=/run/netns/${POD_NS}`, '--', ...a]);
      const inClient = (...a: string[]) => sh(['nsenter', `--net=/run/netns/${CLIENT_NS}`, '--', ...a]);
      inNode('ip', 'link', 'set', 'lo', 'up');
      inNode('ip', 'link', 'add', 'pm-host', 'type', 'veth', 'peer', 'name', 'pm-pod');
      inNode('ip', 'link', 'set', 'pm-pod', 'netns', POD_NS);
      inNode('ip', 'addr', 'add', '10.244.8.1/24', 'dev', 'pm-host');
      inNode('ip', 'link', 'set', 'pm-host', 'up');
      inPod('ip', 'link', 'set', 'lo', 'up');
      for (const ip of [POD_IP, POD2_IP]) inPod('ip', 'addr', 'add', `${ip}/24`, 'dev', 'pm-pod');
      inPod('ip', 'link', 'set', 'pm-pod', 'up');
      inPod('ip', 'route', 'add', 'default', 'via', '10.244.8.1');
      inNode('ip', 'link', 'add', 'pm-n0', 'type', 'veth', 'peer', 'name', 'pm-c0');
      inNode('ip', 'addr', 'add', `${NODE_IP}/24`, 'dev', 'pm-n0');
      inNode('ip', 'link', 'set', 'pm-n0', 'up');
      inNode('ip', 'link', 'set', 'pm-c0', 'netns', CLIENT_NS);
      inClient('ip', 'addr', 'add', `${CLIENT_IP}/24`, 'dev', 'pm-c0');
      inClient('ip', 'link', 'set', 'pm-c0', 'up');
      // the outside client reaches LoadBalancer addresses through this node, as a router would send them
      inClient('ip', 'route', 'add', `${LB_IP}/32`, 'via', NODE_IP);
      for (const [ip, body] of [[POD_IP, FIRST], [POD2_IP, SECOND]]) {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-pm-web-'));
        roots.push(root);
        fs.writeFileSync(path.join(root, 'index.html'), body);
        httpds.push(spawn('nsenter', [`--net=/run/netns/${POD_NS}`, '--', 'busybox', 'httpd', '-f', '-p', `${ip}:8080`, '-h', root], { stdio: 'ignore' }));
      }
      client.set(Resources.nodes, node('n1', NODE_IP, '10.244.8.0/24'));
      config = await configFor(mode);
      await eventually('both backends', () => fetchVia(NODE_NS, POD_IP, 8080).ok && fetchVia(NODE_NS, POD2_IP, 8080).ok);
    });

    after(async () => {
      await proxy?.stop().catch(() => undefined);
      if (config) await cleanupKubeProxy(config).catch(() => undefined);
      for (const h of httpds) h.kill('SIGKILL');
      for (const ns of [NODE_NS, POD_NS, CLIENT_NS]) {
        try {
          sh(['ip', 'netns', 'del', ns]);
        } catch {
          /* already gone */
        }
      }
      for (const r of roots) fs.rmSync(r, { recursive: true, force: true });
    });

    it('starts after the other mode ran on the node and leaves none of its rules', async () => {
      const other = await configFor(mode === 'iptables' ? 'nftables' : 'iptables');
      client.set(Resources.services, svc('web', '10.96.8.8', { type: 'NodePort', ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30090 }] }));
      client.set(Resources.endpointslices, slice('web', [[POD_IP, 'n1']]));
      const first = await startKubeProxy(other, { client });
      await eventually('the other mode serving', () => fetchVia(NODE_NS, '10.96.8.8', 80).ok);
      await first.stop();
      proxy = await startKubeProxy(config, { client });
      await eventually('served by this mode', () => fetchVia(NODE_NS, '10.96.8.8', 80).ok);
      const iptablesServices = () => /:KUBE-SERVICES /.test(inNode('iptables-save', '-t', 'nat'));
      const nftTable = () => /table ip k8ts-proxy/.test(inNode('nft', 'list', 'tables'));
      if (mode === 'nftables') assert.deepEqual([iptablesServices(), nftTable()], [false, true]);
      else assert.deepEqual([iptablesServices(), nftTable()], [true, false]);
    });

    it('serves the cluster IP and the node port, from the node and from outside', async () => {
      assert.equal(fetchVia(NODE_NS, '10.96.8.8', 80).out, FIRST);
      assert.equal((await eventually('node port from the node', () => { const r = fetchVia(NODE_NS, NODE_IP, 30090); return r.ok && r; })).out, FIRST);
      assert.equal((await eventually('node port from outside', () => { const r = fetchVia(CLIENT_NS, NODE_IP, 30090); return r.ok && r; })).out, FIRST);
    });

    it('keeps one backend per client with ClientIP affinity; internalTrafficPolicy Local uses only local endpoints', async () => {
      client.set(Resources.services, svc('sticky', '10.96.8.9', { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 300 } } }));
      client.set(Resources.endpointslices, slice('sticky', [[POD_IP, 'n1'], [POD2_IP, 'n1']]));
      client.set(Resources.services, svc('local-only', '10.96.8.10', { internalTrafficPolicy: 'Local' }));
      client.set(Resources.endpointslices, slice('local-only', [[POD_IP, 'n2'], [POD2_IP, 'n1']]));
      const first = await eventually('sticky answer', () => { const r = fetchVia(NODE_NS, '10.96.8.9', 80); return r.ok && r; });
      const bodies = new Set([first.out]);
      for (let i = 0; i < 20; i++) bodies.add(fetchVia(NODE_NS, '10.96.8.9', 80).out);
      assert.deepEqual([...bodies], [first.out]);
      await eventually('local-only answer', () => fetchVia(NODE_NS, '10.96.8.10', 80).ok);
      const local = new Set<string>();
      for (let i = 0; i < 12; i++) local.add(fetchVia(NODE_NS, '10.96.8.10', 80).out);
      assert.deepEqual([...local], [SECOND]);
    });

    it('externalTrafficPolicy Local: outside clients dropped without a local endpoint, then served only by the local one', async () => {
      const spec = { type: 'NodePort' as const, externalTrafficPolicy: 'Local', ports: [{ name: 'http', protocol: 'TCP' as const, port: 80, targetPort: 8080, nodePort: 30091 }] };
      client.set(Resources.services, svc('outside', '10.96.8.11', spec));
      client.set(Resources.endpointslices, slice('outside', [[POD2_IP, 'n2']]));
      // the node itself is short-circuited to the cluster's endpoints
      await eventually('the node served through the short cut', () => fetchVia(NODE_NS, NODE_IP, 30091).out === SECOND);
      const dropped = fetchVia(CLIENT_NS, NODE_IP, 30091);
      assert.equal(dropped.ok, false);
      assert.doesNotMatch(dropped.out, /refused/i, 'dropped, not rejected');
      client.set(Resources.endpointslices, slice('outside', [[POD_IP, 'n1'], [POD2_IP, 'n2']]));
      await eventually('served from outside', () => fetchVia(CLIENT_NS, NODE_IP, 30091).ok);
      for (let i = 0; i < 10; i++) assert.equal(fetchVia(CLIENT_NS, NODE_IP, 30091).out, FIRST, 'only the local endpoint');
    });

    it('serves a LoadBalancer address and answers its health-check node port', async () => {
      client.set(
        Resources.services,
        svc(
          'lb',
          '10.96.8.12',
          { type: 'LoadBalancer', externalTrafficPolicy: 'Local', healthCheckNodePort: healthCheckPort, ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30092 }] },
          { loadBalancer: { ingress: [{ ip: LB_IP, ipMode: 'VIP' }] } },
        ),
      );
      client.set(Resources.endpointslices, slice('lb', [[POD2_IP, 'n1']]));
      assert.equal((await eventually('LB address from outside', () => { const r = fetchVia(CLIENT_NS, LB_IP, 80); return r.ok && r; })).out, SECOND);
      assert.equal(fetchVia(NODE_NS, LB_IP, 80).out, SECOND);
      const healthy = await eventually('health check 200', async () => { const r = await getLocal(healthCheckPort).catch(() => undefined); return r?.code === 200 && r; });
      assert.equal(JSON.parse(healthy.body).localEndpoints, 1);
      client.set(Resources.endpointslices, slice('lb', [[POD2_IP, 'n2']]));
      const unhealthy = await eventually('health check 503', async () => { const r = await getLocal(healthCheckPort).catch(() => undefined); return r?.code === 503 && r; });
      assert.equal(JSON.parse(unhealthy.body).localEndpoints, 0);
    });

    it('refuses a Service without endpoints', async () => {
      client.set(Resources.endpointslices, slice('web', []));
      const refused = await eventually('refused', () => { const r = fetchVia(NODE_NS, '10.96.8.8', 80); return !r.ok && /refused/i.test(r.out) && r; });
      assert.match(refused.out, /refused/i);
    });

    it('--cleanup removes every rule of ours, in both modes', async () => {
      await proxy!.stop();
      proxy = undefined;
      await cleanupKubeProxy(config);
      assert.doesNotMatch(inNode('iptables-save'), /KUBE-|K8TS-/);
      assert.doesNotMatch(inNode('nft', 'list', 'tables'), /k8ts-proxy/);
    });
  });
}
