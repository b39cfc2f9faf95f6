// Pods on a real containerd, driven by the in-process kubelet: several containers on localhost,
// init-container ordering, probes of each kind and their effects, env from configMap/secret/
// fieldRef (and CreateContainerConfigError until the configMap exists), preStop on deletion,
// OOMKilled under a memory limit, and CrashLoopBackOff in waiting.reason. The kubelet runs in the
// test's network namespace while pods live in the node's, so httpGet/tcpSocket probes and hooks
// name host 127.0.0.1 and reach a server in this process (the pod-IP default is used in clusters).
import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import type { KObject, Pod } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import { BB, sh, startPodHarness, type PodHarness } from './pod-harness';

describe('pod lifecycle on a real containerd', function () {
  this.timeout(90_000);
  let h: PodHarness;
  let hookServer: http.Server;
  let hookPort = 0;
  const hookHits: string[] = [];
  let startupHits = 0;
  let closedPort = 0;
  const waitFor = <T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false) => h.waitFor(what, fn);
  const getPod = (name: string) => h.getPod(name);
  const cond = (p: Pod, type: string) => h.cond(p, type);
  const eventsFor = (name: string) => h.eventsFor(name);
  const logOf = (p: Pod, container: string) => h.logOf(p, container);

  before(async () => {
    hookServer = http.createServer((req, res) => {
      if (req.url === '/startup') res.statusCode = ++startupHits > 3 ? 200 : 500;
      else if (req.url !== '/healthy') hookHits.push(req.url ?? '');
      res.end('ok');
    });
    const spare = http.createServer();
    await new Promise<void>((r) => spare.listen(0, '127.0.0.1', () => r()));
    closedPort = (spare.address() as { port: number }).port;
    await new Promise((r) => spare.close(r));
    await new Promise<void>((r) => hookServer.listen(0, '127.0.0.1', () => r()));
    hookPort = (hookServer.address() as { port: number }).port;
    h = await startPodHarness({ nodeName: 'kt-life', nodeIp: '10.99.0.3', podCIDR: '10.244.250.0/24' });
    const { api, web, mkPod } = h;

    const probe = (o: object) => ({ periodSeconds: 1, failureThreshold: 1, ...o });
    const pods: Pod[] = [
      // Two containers on one localhost: the client's readiness exec probe fetches from the server.
      mkPod('duo', [
        {},
        { command: sh('sleep 1000'), readinessProbe: probe({ exec: { command: sh(`printf 'GET / HTTP/1.0\\r\\n\\r\\n' | ${BB} nc 127.0.0.1 8080 | ${BB} grep -q 200`) } }) },
      ]),
      mkPod('inits', [{ command: sh('echo app; sleep 1000') }], {
        initContainers: [
          { name: 'i1', image: web, command: sh('sleep 1; echo one') },
          { name: 'i2', image: web, command: sh('echo two') },
        ],
      }),
      mkPod('http-ready', [{ readinessProbe: probe({ httpGet: { host: '127.0.0.1', port: hookPort, path: '/healthy' } }), livenessProbe: probe({ tcpSocket: { host: '127.0.0.1', port: hookPort } }) }]),
      mkPod('tcp-dead', [{ livenessProbe: probe({ tcpSocket: { host: '127.0.0.1', port: closedPort }, initialDelaySeconds: 1 }) }]),
      mkPod('exec-dead', [{ command: sh(`${BB} touch /tmp/ok; sleep 2; ${BB} rm /tmp/ok; sleep 1000`), livenessProbe: probe({ exec: { command: [BB, 'cat', '/tmp/ok'] } }) }]),
      mkPod('startup', [
        {
          startupProbe: probe({ httpGet: { host: '127.0.0.1', port: hookPort, path: '/startup' }, failureThreshold: 30 }),
          readinessProbe: probe({ exec: { command: [BB, 'true'] } }),
        },
      ]),
      mkPod('envs', [
        {
          command: sh('echo "A=$A S=$S POD=$POD NS=$NS IP=$IP CM_b=$CM_b EXP=$EXP"; sleep 1000'),
          env: [
            { name: 'A', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'a' } } },
            { name: 'S', valueFrom: { secretKeyRef: { name: 'sec', key: 's' } } },
            { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
            { name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
            { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
            { name: 'EXP', value: '$(POD)-x' },
          ],
          envFrom: [{ configMapRef: { name: 'cfg' }, prefix: 'CM_' }],
        },
      ]),
      mkPod('oom', [{ command: [BB, 'dd', 'if=/dev/zero', 'of=/dev/null', 'bs=100M', 'count=1'], resources: { limits: { memory: '20Mi' } } }], { restartPolicy: 'Never' }),
      mkPod('crashy', [{ command: sh('exit 3') }]),
      mkPod('prestop', [{ lifecycle: { preStop: { httpGet: { host: '127.0.0.1', port: hookPort, path: '/prestop' } } } }]),
    ];
    await api.create(Resources.secrets, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'sec', namespace: 'default' }, data: { s: Buffer.from('shh').toString('base64') } } as KObject);
    for (const p of pods) await api.create(Resources.pods, p);
  });

  after(async () => {
    await h?.stop();
    hookServer?.close();
  });

  it('runs two containers that reach each other on localhost (exec readiness probe)', async () => {
    const p = await waitFor('duo Ready', async () => ((x) => (cond(x, 'Ready') === 'True' ? x : undefined))(await getPod('duo')));
    assert.equal(p.status!.phase, 'Running');
    assert.ok(p.status!.containerStatuses!.every((c) => c.ready && c.restartCount === 0));
    assert.equal(p.status!.qosClass, 'BestEffort');
  });

  it('runs init containers one at a time, in order, before the app container', async () => {
    const p = await waitFor('inits Running', async () => ((x) => (x.status?.phase === 'Running' && cond(x, 'Initialized') === 'True' ? x : undefined))(await getPod('inits')));
    const [i1, i2] = p.status!.initContainerStatuses!.map((c) => c.state.terminated!);
    assert.equal(i1.reason, 'Completed');
    assert.equal(i2.reason, 'Completed');
    assert.ok(Date.parse(i1.finishedAt!) <= Date.parse(i2.startedAt!));
    const app = p.status!.containerStatuses![0].state.running!;
    assert.ok(Date.parse(i2.finishedAt!) <= Date.parse(app.startedAt!));
  });

  it('httpGet readiness makes the pod Ready; a passing tcpSocket liveness restarts nothing', async () => {
    const p = await waitFor('http-ready Ready', async () => ((x) => (cond(x, 'Ready') === 'True' ? x : undefined))(await getPod('http-ready')));
    assert.equal(p.status!.containerStatuses![0].restartCount, 0);
  });

  it('a failing tcpSocket liveness probe restarts the container (Unhealthy + Killing events)', async () => {
    await waitFor('tcp-dead restarted', async () => ((await getPod('tcp-dead')).status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1);
    const reasons = (await eventsFor('tcp-dead')).map((e) => `${e.reason}: ${e.message}`);
    assert.ok(reasons.some((r) => /^Unhealthy: Liveness probe failed: dial tcp/.test(r)), reasons.join('\n'));
    assert.ok(reasons.some((r) => r === 'Killing: Container c0 failed liveness probe, will be restarted'), reasons.join('\n'));
  });

  it('a failing exec liveness probe restarts the container', async () => {
    const p = await waitFor('exec-dead restarted', async () => ((x) => ((x.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1 ? x : undefined))(await getPod('exec-dead')));
    assert.equal(p.status!.containerStatuses![0].lastState!.terminated!.exitCode, 137);
  });

  it('a startup probe gates readiness until it succeeds', async () => {
    const p = await waitFor('startup Ready', async () => ((x) => (cond(x, 'Ready') === 'True' ? x : undefined))(await getPod('startup')));
    assert.equal(p.status!.containerStatuses![0].started, true);
    assert.ok(startupHits >= 4);
    assert.equal(p.status!.containerStatuses![0].restartCount, 0);
  });

  it('env from configMap, secret and fieldRef; CreateContainerConfigError until the configMap exists', async () => {
    const waiting = await waitFor('config error', async () => (await getPod('envs')).status?.containerStatuses?.[0]?.state.waiting);
    assert.equal(waiting.reason, 'CreateContainerConfigError');
    assert.match(waiting.message!, /configmap "cfg" not found/);
    await h.api.create(Resources.configmaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default' }, data: { a: 'one', b: 'bee' } } as KObject);
    const p = await waitFor('envs Running', async () => ((x) => (x.status?.phase === 'Running' ? x : undefined))(await getPod('envs')));
    const log = await waitFor('env echoed', () => ((l) => (l.includes('A=') ? l : undefined))(logOf(p, 'c0')));
    assert.match(log, new RegExp(`A=one S=shh POD=envs NS=default IP=${p.status!.podIP!.replace(/\./g, '\\.')} CM_b=bee EXP=envs-x`));
  });

  it('memory over the limit ends as OOMKilled', async () => {
    // containerd may deliver the OOM event just after the exit: the status converges on a resync.
    const p = await waitFor('oom Failed', async () =>
      ((x) => (x.status?.phase === 'Failed' && x.status.containerStatuses?.[0]?.state.terminated?.reason === 'OOMKilled' ? x : undefined))(await getPod('oom')),
    );
    assert.equal(p.status!.containerStatuses![0].state.terminated!.exitCode, 137);
    assert.equal(p.status!.qosClass, 'Burstable');
  });

  it('a crashing container shows CrashLoopBackOff with a growing restart count', async () => {
    const p = await waitFor('crash loop', async () =>
      ((x) => (x.status?.containerStatuses?.[0]?.state.waiting?.reason === 'CrashLoopBackOff' && x.status.containerStatuses[0].restartCount >= 2 ? x : undefined))(await getPod('crashy')),
    );
    assert.equal(p.status!.containerStatuses![0].lastState!.terminated!.exitCode, 3);
    assert.ok((await eventsFor('crashy')).some((e) => e.reason === 'BackOff'));
  });

  it('deletion runs the preStop hook, then removes the containers and the pod object', async () => {
    await waitFor('prestop Running', async () => (await getPod('prestop')).status?.phase === 'Running');
    const uid = (await getPod('prestop')).metadata.uid!;
    await h.api.delete(Resources.pods, 'default', 'prestop');
    await waitFor('prestop gone', async () => getPod('prestop').then(() => false, () => true));
    assert.deepEqual(hookHits, ['/prestop']);
    assert.deepEqual(await h.env.cri.listContainers({ labelSelector: { 'io.kubernetes.pod.uid': uid } }), []);
  });
});
