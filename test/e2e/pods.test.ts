// Pods on a whole k8ts cluster (real etcd, containerd, CNI, iptables) driven by the real kubectl:
// behaviour that crosses components — a readiness probe moving a pod out of a Service's
// Endpoints, a configMap volume updated in place, and a missing image backing off while the
// node keeps serving other pods.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { up, down, type ClusterInfo, type ClusterOptions } from '../../deploy/cluster/cluster';
import { Kubectl } from '../harness/kubectl';
import { run, waitFor } from '../harness/exec';
import { repoRoot } from '../../lib/repo-root';

const manifests = `apiVersion: v1
kind: ConfigMap
metadata:
  name: site
data:
  greeting: first
---
apiVersion: v1
kind: Pod
metadata:
  name: probed
  labels: {app: probed}
spec:
  containers:
  - name: web
    image: k8ts/web:1.0
    ports: [{containerPort: 8080}]
    readinessProbe:
      exec: {command: [sh, -c, "test ! -e /tmp/unready"]}
      periodSeconds: 1
      failureThreshold: 1
    volumeMounts:
    - {name: site, mountPath: /etc/site}
  volumes:
  - name: site
    configMap: {name: site}
---
apiVersion: v1
kind: Service
metadata:
  name: probed
spec:
  selector: {app: probed}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Pod
metadata:
  name: missing-image
spec:
  containers:
  - name: app
    image: 127.0.0.1:5999/nowhere/missing:1.0
`;

describe('pods across the cluster (end to end)', function () {
  const opts: ClusterOptions = {
    home: fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-e2e-pods-')),
    netns: `k8ts-e2p-${randomBytes(3).toString('hex')}`,
    nodeName: 'e2e-pods-1',
  };
  let info: ClusterInfo;
  let k: Kubectl;

  const endpointIps = async (): Promise<string[]> => {
    const ep = await k.json<{ subsets?: { addresses?: { ip: string }[] }[] }>(['get', 'endpoints', 'probed']);
    return (ep.subsets ?? []).flatMap((s) => (s.addresses ?? []).map((a) => a.ip));
  };

  before(async function () {
    info = await up(opts);
    k = new Kubectl(info.kubeconfig, info.netns);
    await k.run(['apply', '-f', '-'], manifests);
    await k.run(['wait', '--for=condition=Ready', 'pod/probed', '--timeout=120s']);
  });

  after(async function () {
    await down(opts, { purge: true });
    fs.rmSync(opts.home, { recursive: true, force: true });
  });

  it('a failing readiness probe takes the pod out of the Endpoints, and back in when it passes', async () => {
    const pod = await k.json<any>(['get', 'pod', 'probed']);
    await waitFor('the pod in the Endpoints', async () => (await endpointIps()).includes(pod.status.podIP), 30_000);
    await k.run(['exec', 'probed', '--', 'touch', '/tmp/unready']);
    await waitFor('the pod out of the Endpoints', async () => (await endpointIps()).length === 0, 30_000);
    const notReady = await k.json<any>(['get', 'pod', 'probed']);
    assert.equal(notReady.status.conditions.find((c: any) => c.type === 'Ready').status, 'False');
    assert.equal(notReady.status.phase, 'Running');
    await k.run(['exec', 'probed', '--', 'rm', '/tmp/unready']);
    await waitFor('the pod back in the Endpoints', async () => (await endpointIps()).includes(pod.status.podIP), 30_000);
  });

  it('updates a configMap volume in place', async () => {
    assert.equal((await k.out(['exec', 'probed', '--', 'cat', '/etc/site/greeting'])).trim(), 'first');
    await k.run(['patch', 'configmap', 'site', '--type=merge', '-p', '{"data":{"greeting":"second"}}']);
    await waitFor('the new content inside the container', async () =>
      (await k.out(['exec', 'probed', '--', 'cat', '/etc/site/greeting'])).trim() === 'second', 60_000, 1000);
  });

  it('runs an image built with `k8ts image build` and pulled from the cluster registry', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-e2e-image-'));
    try {
      fs.writeFileSync(path.join(dir, 'hello.txt'), 'built by k8ts\n');
      fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM k8ts/web:1.0\nCOPY hello.txt /hello.txt\nCMD ["sh", "-c", "cat /hello.txt; sleep 3600"]\n');
      const cli = path.join(repoRoot(), 'bin', 'k8ts.js');
      await run([process.execPath, cli, 'image', 'build', dir, '-t', 'e2e/hello:1.0', '--push', info.registry], { netns: info.netns });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    await k.run(['run', 'built', `--image=${info.registry}/e2e/hello:1.0`, '--restart=Never']);
    await k.run(['wait', '--for=condition=Ready', 'pod/built', '--timeout=120s']);
    await waitFor('the log line', async () => (await k.out(['logs', 'built'])).includes('built by k8ts'), 30_000);
    const events = await k.out(['get', 'events', '--field-selector', 'involvedObject.name=built']);
    assert.match(events, /Pulled/);
  });

  it('backs off pulling a missing image while the node keeps serving other pods', async () => {
    const waiting = await waitFor('ImagePullBackOff', async () => {
      const p = await k.json<any>(['get', 'pod', 'missing-image']);
      const w = p.status?.containerStatuses?.[0]?.state?.waiting;
      return w?.reason === 'ImagePullBackOff' && w;
    }, 90_000, 1000);
    assert.match(waiting.message, /missing/);
    const events = await k.out(['get', 'events', '--field-selector', 'involvedObject.name=missing-image']);
    assert.match(events, /Failed/);
    const svc = await k.json<any>(['get', 'service', 'probed']);
    const body = await run(['curl', '-sS', '--max-time', '5', `http://${svc.spec.clusterIP}/`], { netns: info.netns });
    assert.match(body.stdout, /hello from probed/);
  });
});
