// autoscaling/v1 HorizontalPodAutoscalers on a real single-node cluster with the real kubectl:
// `kubectl autoscale` (which writes v1, as protobuf) creates one, it reads back in both versions
// from the one stored v2 object, what v1 cannot say travels in annotations and survives a write
// through v1, discovery lists both versions (v2 preferred), a watch through v1 sees v1 objects,
// and bad v1 input is a 422 Status with causes. Scaling itself is hpa.test.ts's business.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { up, down, type ClusterInfo, type ClusterOptions } from '../../deploy/cluster/cluster';
import { Kubectl } from '../harness/kubectl';
import { run, waitFor } from '../harness/exec';

type Obj = Record<string, any>;

const METRICS = 'autoscaling.alpha.kubernetes.io/metrics';
const BEHAVIOR = 'autoscaling.alpha.kubernetes.io/behavior';
const CONDITIONS = 'autoscaling.alpha.kubernetes.io/conditions';
// Full names: kubectl 1.32 drops the version when it expands a short name (hpa.v1.autoscaling
// reads autoscaling/v2), against kube-apiserver as here.
const V1 = 'horizontalpodautoscalers.v1.autoscaling';
const V2 = 'horizontalpodautoscalers.v2.autoscaling';

const memoryHpa = `
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: mem}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 3
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 60}}
  - type: Resource
    resource: {name: memory, target: {type: AverageValue, averageValue: 100Mi}}
  behavior:
    scaleDown: {stabilizationWindowSeconds: 30}
`;

describe('autoscaling/v1 HorizontalPodAutoscaler', function () {
  this.timeout(300_000);
  const opts: ClusterOptions = {
    home: fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-hpa-v1-')),
    netns: `k8ts-hpav1-${randomBytes(3).toString('hex')}`,
    nodeName: 'hpa-v1-node',
  };
  let info: ClusterInfo;
  let k: Kubectl;
  const kubectl = (args: string[], input?: string) => run(['kubectl', '--kubeconfig', info.kubeconfig, ...args], { netns: info.netns, input, check: false, timeoutMs: 60_000 });

  before(async function () {
    info = await up(opts);
    k = new Kubectl(info.kubeconfig, info.netns);
    await k.run(['create', 'deployment', 'web', '--image=k8ts/web:1.0']);
  });

  after(async function () {
    if (opts.home) await down(opts, { purge: true }).catch(() => undefined);
    fs.rmSync(opts.home!, { recursive: true, force: true });
  });

  it('kubectl autoscale creates it, sending autoscaling/v1 as protobuf', async () => {
    const r = await kubectl(['autoscale', 'deployment', 'web', '--cpu-percent=50', '--min=1', '--max=3', '-v=8']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^horizontalpodautoscaler\.autoscaling\/web autoscaled$/m);
    assert.match(r.stderr, /POST https:\/\/\S+\/apis\/autoscaling\/v1\/namespaces\/default\/horizontalpodautoscalers/);
    assert.match(r.stderr, /Content-Type: application\/vnd\.kubernetes\.protobuf/);
  });

  it('kubectl get hpa shows it (v2, the preferred version), with the CPU target', async () => {
    const out = await k.out(['get', 'hpa']);
    assert.match(out, /^NAME\s+REFERENCE\s+TARGETS\s+MINPODS\s+MAXPODS\s+REPLICAS\s+AGE$/m);
    assert.match(out, /^web\s+Deployment\/web\s+cpu: \S+\/50%\s+1\s+3\s+\d+\s+\S+$/m);
    const v2 = await k.json<Obj>(['get', 'hpa', 'web']);
    assert.equal(v2.apiVersion, 'autoscaling/v2');
    assert.deepEqual(v2.spec.metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }]);
    // The v1 table prints the same row, computed from the stored form.
    assert.match(await k.out(['get', V1, 'web']), /^web\s+Deployment\/web\s+cpu: \S+\/50%\s+1\s+3\s+\d+\s+\S+$/m);
  });

  it('kubectl get horizontalpodautoscalers.v1.autoscaling -o yaml shows targetCPUUtilizationPercentage, same object as v2', async () => {
    const yaml = await k.out(['get', V1, 'web', '-o', 'yaml']);
    assert.match(yaml, /^apiVersion: autoscaling\/v1$/m);
    assert.match(yaml, /^ {2}targetCPUUtilizationPercentage: 50$/m);
    const v1 = await k.json<Obj>(['get', V1, 'web']);
    const v2 = await k.json<Obj>(['get', V2, 'web']);
    assert.equal(v1.metadata.uid, v2.metadata.uid);
    assert.equal(v1.metadata.resourceVersion, v2.metadata.resourceVersion);
    assert.deepEqual(v1.spec, { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 3, targetCPUUtilizationPercentage: 50 });
    // The status subresource speaks v1 too; the controller's conditions ride in their annotation.
    const status = await waitFor('the controller\'s conditions through v1', async () => {
      const s = JSON.parse(await k.out(['get', '--raw', '/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers/web/status']));
      return s.metadata.annotations?.[CONDITIONS] && s;
    }, 60_000, 1000);
    assert.equal(status.apiVersion, 'autoscaling/v1');
    assert.ok(JSON.parse(status.metadata.annotations[CONDITIONS]).some((c: Obj) => c.type === 'AbleToScale'));
  });

  it('kubectl apply of a v1 manifest creates it and then patches it through v1', async () => {
    const manifest = (pct: number) => `{"apiVersion":"autoscaling/v1","kind":"HorizontalPodAutoscaler","metadata":{"name":"applied"},"spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},"maxReplicas":2,"targetCPUUtilizationPercentage":${pct}}}`;
    assert.match(await k.out(['apply', '-f', '-'], manifest(40)), /horizontalpodautoscaler\.autoscaling\/applied created/);
    assert.match(await k.out(['apply', '-f', '-'], manifest(65)), /horizontalpodautoscaler\.autoscaling\/applied configured/);
    const v2 = await k.json<Obj>(['get', V2, 'applied']);
    assert.deepEqual(v2.spec.metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 65 } } }]);
    assert.equal(v2.spec.minReplicas, 1);
    assert.match(await k.out(['delete', V1, 'applied']), /horizontalpodautoscaler\.autoscaling "applied" deleted/);
    assert.equal((await kubectl(['get', V2, 'applied'])).code, 1);
  });

  it('a v2 memory metric and behavior read through v1 ride in annotations and survive a write back through v1', async () => {
    await k.run(['apply', '-f', '-'], memoryHpa);
    const v1 = await k.json<Obj>(['get', V1, 'mem']);
    assert.equal(v1.spec.targetCPUUtilizationPercentage, 60);
    assert.deepEqual(JSON.parse(v1.metadata.annotations[METRICS]), [{ type: 'Resource', resource: { name: 'memory', targetAverageValue: '100Mi' } }]);
    assert.equal(JSON.parse(v1.metadata.annotations[BEHAVIOR]).ScaleDown.StabilizationWindowSeconds, 30);
    // PUT through v1 (kubectl replace, validated against the v1 OpenAPI schema server-side).
    v1.spec.maxReplicas = 5;
    await k.run(['replace', '-f', '-'], JSON.stringify(v1));
    // PATCH through v1: applies to the v1 form.
    await k.run(['patch', V1, 'mem', '--type=merge', '-p', '{"spec":{"targetCPUUtilizationPercentage":70}}']);
    const v2 = await k.json<Obj>(['get', V2, 'mem']);
    assert.equal(v2.spec.maxReplicas, 5);
    const metrics = new Map<string, Obj>(v2.spec.metrics.map((m: Obj) => [m.resource.name, m.resource.target]));
    assert.deepEqual(Object.fromEntries(metrics), { memory: { type: 'AverageValue', averageValue: '100Mi' }, cpu: { type: 'Utilization', averageUtilization: 70 } });
    assert.equal(v2.spec.behavior.scaleDown.stabilizationWindowSeconds, 30);
    // The round-trip annotations are never stored.
    assert.equal(v2.metadata.annotations?.[METRICS], undefined);
    assert.equal(v2.metadata.annotations?.[BEHAVIOR], undefined);
  });

  it('discovery lists autoscaling/v1 and v2 (v2 preferred) with the status subresource', async () => {
    const versions = (await k.out(['api-versions'])).split('\n');
    assert.ok(versions.includes('autoscaling/v1') && versions.includes('autoscaling/v2'));
    const list = JSON.parse(await k.out(['get', '--raw', '/apis/autoscaling/v1']));
    assert.equal(list.groupVersion, 'autoscaling/v1');
    const names = list.resources.map((r: Obj) => r.name);
    assert.deepEqual(names, ['horizontalpodautoscalers', 'horizontalpodautoscalers/status']);
    assert.deepEqual(list.resources[0].shortNames, ['hpa']);
    const group = JSON.parse(await k.out(['get', '--raw', '/apis/autoscaling']));
    assert.equal(group.preferredVersion.version, 'v2');
    assert.deepEqual(group.versions.map((v: Obj) => v.version), ['v2', 'v1']);
    // kubectl explain reads the v1 OpenAPI document.
    assert.match(await k.out(['explain', 'hpa.spec.targetCPUUtilizationPercentage', '--api-version=autoscaling/v1']), /FIELD: targetCPUUtilizationPercentage <integer>/);
  });

  it('a watch through v1 sees v1 objects', async () => {
    const listed = JSON.parse(await k.out(['get', '--raw', '/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers']));
    assert.equal(listed.apiVersion, 'autoscaling/v1');
    assert.equal(listed.kind, 'HorizontalPodAutoscalerList');
    assert.ok(listed.items.every((i: Obj) => i.apiVersion === 'autoscaling/v1' && 'targetCPUUtilizationPercentage' in i.spec));
    await k.run(['patch', V2, 'web', '--type=merge', '-p', '{"spec":{"maxReplicas":4}}']);
    const raw = await k.out(['get', '--raw', `/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers?watch=1&resourceVersion=${listed.metadata.resourceVersion}&timeoutSeconds=3`]);
    const events = raw.trim().split('\n').map((l) => JSON.parse(l) as Obj);
    const mine = events.find((e) => e.type === 'MODIFIED' && e.object.metadata.name === 'web' && e.object.spec.maxReplicas === 4);
    assert.ok(mine, `no MODIFIED event for web: ${raw}`);
    assert.equal(mine.object.apiVersion, 'autoscaling/v1');
    assert.equal(mine.object.spec.targetCPUUtilizationPercentage, 50);
    assert.ok(events.every((e) => e.object.apiVersion === 'autoscaling/v1'));
  });

  it('bad v1 input is a 422 Status with causes at the fields the client wrote', async () => {
    const bad = (spec: string) => `{"apiVersion":"autoscaling/v1","kind":"HorizontalPodAutoscaler","metadata":{"name":"bad"},"spec":${spec}}`;
    const cases: [string, string, string][] = [
      ['maxReplicas below minReplicas', bad('{"scaleTargetRef":{"kind":"Deployment","name":"web"},"minReplicas":3,"maxReplicas":2}'), 'spec.maxReplicas'],
      ['a string where v1 wants an integer', bad('{"scaleTargetRef":{"kind":"Deployment","name":"web"},"maxReplicas":2,"targetCPUUtilizationPercentage":"fifty"}'), 'spec.targetCPUUtilizationPercentage'],
      [
        'a metrics annotation that is not JSON',
        bad('{"scaleTargetRef":{"kind":"Deployment","name":"web"},"maxReplicas":2}').replace('"name":"bad"', `"name":"bad","annotations":{"${METRICS}":"{oops"}`),
        `metadata.annotations[${METRICS}]`,
      ],
    ];
    for (const [what, body, field] of cases) {
      const r = await kubectl(['create', '--raw', '/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers', '-f', '-', '-v=8'], body);
      assert.notEqual(r.code, 0, what);
      assert.match(r.stderr, /Response Status: 422 Unprocessable Entity/, what);
      const m = /"Response Body" body=<\s*(\{.*\})\s*$/m.exec(r.stderr);
      assert.ok(m, `${what}: no response body in ${r.stderr}`);
      const status = JSON.parse(m[1]);
      assert.equal(status.kind, 'Status');
      assert.equal(status.reason, 'Invalid');
      assert.equal(status.code, 422);
      assert.ok(status.details.causes.some((c: Obj) => c.field === field), `${what}: ${JSON.stringify(status.details.causes)}`);
    }
    assert.equal((await kubectl(['get', 'hpa', 'bad'])).code, 1);
  });
});
