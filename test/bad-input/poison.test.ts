// Poison objects, end to end: a whole local cluster (real etcd, containerd, CNI, iptables) in its
// own network namespace, bad objects written straight into its etcd for pods, nodes, services,
// endpoints, deployments, replicasets, configmaps and secrets (invalid JSON, wrong types, invalid
// quantities, missing required fields, bad values, an unknown apiVersion, a huge annotation), and
// the real kubectl. New good objects must still be scheduled, reconciled, run and proxied; lists
// and watches keep working; components say what they skip and none of them dies; the bad objects
// go with `kubectl delete`, also with their namespace. See poison-objects.ts for the catalogue.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { up, down, type ClusterInfo, type ClusterOptions } from '../../deploy/cluster/cluster';
import { clusterLayout, COMPONENTS } from '../../deploy/cluster/layout';
import { Kubectl } from '../harness/kubectl';
import { run, waitFor } from '../harness/exec';
import { poisonObjects, validValue, type PoisonObject } from './poison-objects';
import { rawEtcd } from './raw-etcd';

const GOOD_APP = `
apiVersion: v1
kind: ConfigMap
metadata: {name: web-config}
data: {greeting: hello from a configmap}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: web
        image: k8ts/web:1.0
        ports: [{containerPort: 8080}]
        volumeMounts: [{name: config, mountPath: /etc/web-config}]
      volumes: [{name: config, configMap: {name: web-config}}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
`;

/** The processes whose pids must not change while the poison sits in etcd. */
const WATCHED = COMPONENTS.filter((c) => c !== 'registry');

describe('poison objects written straight into etcd (end to end)', function () {
  const opts: ClusterOptions = {
    home: fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-poison-')),
    netns: `k8ts-poison-${randomBytes(3).toString('hex')}`,
    nodeName: 'poison-node-1',
  };
  let info: ClusterInfo;
  let k: Kubectl;
  let poison: PoisonObject[];
  const pids = new Map<string, number>();
  const watchers: ChildProcess[] = [];

  /**
   * The cluster's component processes by name, found in /proc by their command lines (each names a
   * path under the cluster's home), so the check depends on no supervisor's bookkeeping.
   */
  const componentPids = (): Map<string, number[]> => {
    const found = new Map<string, number[]>();
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let argv: string[];
      try {
        argv = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean);
      } catch {
        continue;
      }
      if (!argv.some((a) => a.includes(opts.home)) || argv[0] === 'nsenter') continue;
      const script = argv.find((a) => /\/dist\/[a-z-]+\/main\.js$/.test(a));
      const name = script ? /\/dist\/([a-z-]+)\/main\.js$/.exec(script)![1] : path.basename(argv[0]);
      if (!(WATCHED as readonly string[]).includes(name)) continue;
      found.set(name, [...(found.get(name) ?? []), Number(entry)].sort());
    }
    return found;
  };
  const logOf = (c: (typeof WATCHED)[number]) => fs.readFileSync(clusterLayout(opts.home).logFile(c), 'utf8');
  /** kubectl that may fail: the exit code and output, never a throw. */
  const kubectl = (args: string[]) => run(['kubectl', '--kubeconfig', info.kubeconfig, ...args], { netns: info.netns, check: false, timeoutMs: 180_000 });
  const nsArgs = (p: PoisonObject) => (p.namespace ? ['-n', p.namespace] : []);
  const names = async (resource: string, namespaced: boolean) =>
    (await k.json<{ items: { metadata: { name: string } }[] }>(['get', resource, ...(namespaced ? ['-A'] : [])])).items.map((o) => o.metadata.name);
  const metrics = async (url: string) => (await run(['curl', '-sSk', '--max-time', '5', url], { netns: info.netns })).stdout;
  const counted = (text: string, family: string, labels: string) => {
    const m = new RegExp(`^${family}\\{${labels.replace(/[{}"]/g, (c) => `\\${c}`)}\\} (\\d+)`, 'm').exec(text);
    return m ? Number(m[1]) : 0;
  };

  before(async function () {
    // The components inherit the test process's level (errors only): this suite reads their warnings.
    const level = process.env.K8TS_LOG_LEVEL;
    process.env.K8TS_LOG_LEVEL = 'info';
    try {
      info = await up(opts);
    } finally {
      if (level === undefined) delete process.env.K8TS_LOG_LEVEL;
      else process.env.K8TS_LOG_LEVEL = level;
    }
    k = new Kubectl(info.kubeconfig, info.netns);
    const started = componentPids();
    for (const c of WATCHED) {
      assert.equal(started.get(c)?.length, 1, `one ${c} process runs`);
      pids.set(c, started.get(c)![0]);
    }
    poison = poisonObjects(opts.nodeName!);
    await rawEtcd(info.netns!, poison.map((p) => ({ op: 'put' as const, key: p.key, value: p.value })));
  });

  after(async function () {
    for (const w of watchers) w.kill('SIGKILL');
    await down(opts, { purge: true });
    fs.rmSync(opts.home, { recursive: true, force: true });
  });

  it('keeps listing every kind, leaving out only what it cannot decode', async () => {
    assert.equal(poison.length, 50, "8 kinds, each with every damage that applies to it");
    for (const resource of [...new Set(poison.map((p) => p.resource))]) {
      const mine = poison.filter((p) => p.resource === resource);
      const listed = await names(resource, mine[0].namespace !== undefined);
      for (const p of mine) {
        if (p.outcome === 'corrupt') assert.ok(!listed.includes(p.name), `${resource} ${p.name} is left out`);
        else assert.ok(listed.includes(p.name), `${resource} ${p.name} is listed`);
      }
      // The human table too, which prints every row through the kind's printer.
      const table = await kubectl(['get', resource, ...(mine[0].namespace ? ['-A'] : [])]);
      assert.equal(table.code, 0, table.stderr);
    }
  });

  it('answers a read of an undecodable object with a 500 that names its key', async () => {
    for (const p of poison.filter((x) => x.outcome === 'corrupt')) {
      const r = await kubectl(['get', p.resource, p.name, ...nsArgs(p)]);
      assert.notEqual(r.code, 0, `${p.resource}/${p.name} is not readable`);
      assert.match(r.stderr, /Error from server \(InternalError\): Internal error occurred: StorageError: corrupt object/);
      assert.ok(r.stderr.includes(`Key: ${p.key},`), r.stderr);
    }
  });

  it('still schedules, reconciles, runs and proxies new good objects', async () => {
    await k.run(['apply', '-f', '-'], GOOD_APP);
    await k.run(['rollout', 'status', 'deployment/web', '--timeout=180s']);
    const pods = (await k.json<{ items: { metadata: { name: string }; status: { podIP?: string; phase?: string } }[] }>(['get', 'pods', '-l', 'app=web'])).items;
    assert.equal(pods.length, 2);
    // The ConfigMap volume is there.
    const greeting = await k.out(['exec', pods[0].metadata.name, '--', 'cat', '/etc/web-config/greeting']);
    assert.equal(greeting, 'hello from a configmap');
    // The Endpoints list exactly the pods, and the Service answers on its ClusterIP.
    await waitFor('the endpoints of web', async () => {
      const ep = await k.json<{ subsets?: { addresses?: { ip: string }[] }[] }>(['get', 'endpoints', 'web']);
      const ips = (ep.subsets ?? []).flatMap((s) => (s.addresses ?? []).map((a) => a.ip)).sort();
      return JSON.stringify(ips) === JSON.stringify(pods.map((p) => p.status.podIP).sort());
    }, 60_000);
    const svc = await k.json<{ spec: { clusterIP: string } }>(['get', 'service', 'web']);
    const body = await waitFor('the web Service to answer', async () => (await run(['curl', '-sS', '--max-time', '5', `http://${svc.spec.clusterIP}/`], { netns: info.netns })).stdout, 60_000);
    assert.match(body, /hello from web-/);
  });

  it('streams kubectl get -w, leaving out undecodable values and showing them once they are good', async () => {
    const flip = validValue('configmaps', 'watch-flip', 'default', opts.nodeName!);
    await rawEtcd(info.netns!, [{ op: 'put', key: flip.key, value: '{"half": "a value' }]);
    const argv = ['ip', 'netns', 'exec', info.netns!, 'kubectl', '--kubeconfig', info.kubeconfig, 'get', 'configmaps', '--watch', '--output-watch-events', '-o', 'go-template={{.type}} {{.object.metadata.name}}{{"\\n"}}'];
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    watchers.push(child);
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    await waitFor('the initial events', async () => out.includes('ADDED web-config'), 30_000);
    assert.ok(!out.includes('watch-flip'));
    await k.run(['create', 'configmap', 'watch-new', '--from-literal=a=b']);
    await rawEtcd(info.netns!, [{ op: 'put', key: flip.key, value: flip.value }]);
    await waitFor('the watch to show both', async () => out.includes('ADDED watch-new') && out.includes('ADDED watch-flip'), 30_000);
    child.kill('SIGTERM');
    assert.equal((await kubectl(['get', 'configmap', 'watch-flip'])).code, 0);
  });

  it('has every component say what it skips', async () => {
    const invalid = (resource: string) => poison.filter((p) => p.resource === resource && p.outcome === 'invalid');
    // Which component logs the key of which invalid object (each sees the kinds it reads).
    const expectations: [(typeof WATCHED)[number], string[]][] = [
      ['scheduler', [...invalid('pods'), ...invalid('nodes')].map((p) => p.namespace ? `${p.namespace}/${p.name}` : p.name)],
      ['controller-manager', [...invalid('pods'), ...invalid('deployments.apps'), ...invalid('replicasets.apps'), ...invalid('services'), ...invalid('endpoints')].map((p) => `${p.namespace ?? ''}/${p.name}`.replace(/^\//, ''))],
      // kube-proxy reads EndpointSlices, not Endpoints: of the poison it sees services and nodes.
      ['kube-proxy', [...invalid('services'), ...invalid('nodes')].map((p) => `${p.namespace ?? ''}/${p.name}`.replace(/^\//, ''))],
      // The kubelet reads only the pods bound to its node, and nodes.
      ['kubelet', ['default/poison-pods-missing', ...invalid('nodes').map((p) => p.name)]],
    ];
    for (const [component, keys] of expectations) {
      await waitFor(`${component} to log every invalid object`, async () => {
        const lines = logOf(component).split('\n').filter((l) => l.includes('invalid object skipped'));
        const missing = keys.filter((key) => !lines.some((l) => l.includes(`"key":"${key}"`)));
        if (missing.length) throw new Error(`not logged: ${missing.join(', ')} (logged: ${lines.map((l) => /"key":"([^"]*)"/.exec(l)?.[1]).join(', ')})`);
        return true;
      }, 60_000);
    }
    const apiserverLog = logOf('apiserver');
    for (const p of poison.filter((x) => x.outcome === 'corrupt')) assert.ok(apiserverLog.includes(`"key":"${p.key}"`), `the apiserver logged ${p.key}`);

    const api = await k.out(['get', '--raw', '/metrics']);
    assert.ok(counted(api, 'apiserver_storage_corrupt_objects', 'resource="pods"') >= 4, 'the apiserver counts corrupt pods');
    assert.ok(counted(api, 'apiserver_storage_corrupt_objects', 'resource="deployments.apps"') >= 3);
    const proxy = await metrics('http://127.0.0.1:10249/metrics');
    for (const r of ['services', 'nodes']) assert.ok(counted(proxy, 'k8ts_invalid_objects_skipped_total', `component="kube-proxy",resource="${r}"`) >= 1, `kube-proxy counts ${r}`);
    const cm = await metrics('https://127.0.0.1:10257/metrics');
    for (const r of ['pods', 'deployments', 'replicasets', 'services']) assert.ok(counted(cm, 'k8ts_invalid_objects_skipped_total', `component="controller-manager",resource="${r}"`) >= 1, `the controller-manager counts ${r}`);
    const sched = await metrics('https://127.0.0.1:10259/metrics');
    for (const r of ['pods', 'nodes']) assert.ok(counted(sched, 'k8ts_invalid_objects_skipped_total', `component="scheduler",resource="${r}"`) >= 1, `the scheduler counts ${r}`);

    // Warning Events where an object can be named.
    const events = (await k.json<{ items: { type: string; reason: string; message: string; involvedObject: { name: string } }[] }>(['get', 'events'])).items;
    const about = (name: string) => events.filter((e) => e.involvedObject.name === name && e.type === 'Warning');
    assert.ok(about('poison-pods-unbound').some((e) => e.reason === 'FailedScheduling' && /^Pod is invalid, not scheduling it: spec\.containers\[0\]\.image: Required value/.test(e.message)), JSON.stringify(about('poison-pods-unbound')));
    assert.ok(about('poison-pods-big').some((e) => e.reason === 'FailedScheduling' && /metadata\.annotations: Too long: must have at most 262144 bytes/.test(e.message)), JSON.stringify(about('poison-pods-big')));
    for (const name of ['poison-deployments-missing', 'poison-replicasets-value', 'poison-services-value'])
      assert.ok(about(name).some((e) => e.reason === 'InvalidObject'), `an InvalidObject Warning on ${name}`);
    for (const name of ['poison-pods-unbound', 'poison-pods-big']) assert.equal((await k.json<{ spec: { nodeName?: string } }>(['get', 'pod', name])).spec.nodeName, undefined, `${name} is not scheduled`);

  });

  it('replaces the leases components hold when they turn unreadable, and the node stays Ready', async () => {
    const leases = [`kube-node-lease/${opts.nodeName}`, 'kube-system/kube-scheduler', 'kube-system/kube-controller-manager'];
    await rawEtcd(info.netns!, leases.map((l) => ({ op: 'put' as const, key: `/registry/coordination.k8s.io/leases/${l}`, value: '{"spec": {"holderIdentity": ' })));
    for (const l of leases) {
      const [ns, name] = l.split('/');
      await waitFor(`lease ${l} to be readable again`, async () => (await kubectl(['get', 'lease', name, '-n', ns])).code === 0, 60_000);
    }
    const node = await k.json<{ status: { conditions: { type: string; status: string }[] } }>(['get', 'node', opts.nodeName!]);
    assert.equal(node.status.conditions.find((c) => c.type === 'Ready')?.status, 'True');
    // Leadership came back: a new pod is still scheduled and its ReplicaSet reconciled.
    await k.run(['scale', 'deployment', 'web', '--replicas=3']);
    await k.run(['rollout', 'status', 'deployment/web', '--timeout=120s']);
    await k.run(['scale', 'deployment', 'web', '--replicas=2']);
    await k.run(['rollout', 'status', 'deployment/web', '--timeout=120s']);
  });

  it('deletes every bad object with kubectl delete', async () => {
    // In parallel: a bound pod its kubelet cannot run is finished after its grace period.
    const results = await Promise.all(poison.map(async (p) => ({ p, r: await kubectl(['delete', p.resource, p.name, ...nsArgs(p), '--timeout=120s']) })));
    for (const { p, r } of results) assert.equal(r.code, 0, `kubectl delete ${p.resource} ${p.name}: ${r.stderr}`);
    const left = await rawEtcd(info.netns!, poison.map((p) => ({ op: 'get' as const, key: p.key })));
    assert.deepEqual(poison.filter((_, i) => left[i] !== null).map((p) => p.key), []);
    // The cluster still serves its good objects.
    const web = await k.json<{ status: { readyReplicas?: number } }>(['get', 'deployment', 'web']);
    assert.equal(web.status.readyReplicas, 2);
  });

  it('deletes a namespace that holds bad objects', async () => {
    await k.run(['create', 'namespace', 'poison-ns']);
    await k.run(['create', 'configmap', 'fine', '-n', 'poison-ns', '--from-literal=a=b']);
    const inNs = poisonObjects(opts.nodeName!, 'poison-ns').filter((p) => p.namespace && ['json', 'quantity', 'missing', 'types'].includes(p.damage) && ['pods', 'configmaps', 'deployments.apps', 'services'].includes(p.resource));
    await rawEtcd(info.netns!, inNs.map((p) => ({ op: 'put' as const, key: p.key, value: p.value })));
    const r = await kubectl(['delete', 'namespace', 'poison-ns', '--timeout=150s']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await kubectl(['get', 'namespace', 'poison-ns'])).code, 1);
    const [keys] = await rawEtcd(info.netns!, [{ op: 'keys', prefix: '/registry/' }]);
    assert.deepEqual((keys as string[]).filter((key) => key.includes('/poison-ns/') || key.endsWith('/namespaces/poison-ns')), []);
  });

  it('never restarted or lost a component process', () => {
    const now = componentPids();
    for (const c of WATCHED) assert.deepEqual(now.get(c), [pids.get(c)], `${c} runs, never restarted`);
  });
});
