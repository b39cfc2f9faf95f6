// A kind served under two group versions from one stored object, through the gRPC door against a
// real etcd: autoscaling/v1 and v2 HorizontalPodAutoscalers share resourceVersion and uid, writes
// through v1 are converted before validation, a patch through v1 applies to the v1 form and
// honours a resourceVersion it carries, status writes through v1 keep what v1 cannot say, and a
// watch through v1 sends v1 objects (bookmarks relabelled). Discover lists the stored version only.
import assert from 'node:assert/strict';
import { GrpcApiClient } from '../../lib/client/grpc-client';
import type { ResourceType } from '../../lib/api/resources';
import type { KObject } from '../../lib/api/types';
import { ApiError } from '../../lib/errors';
import type { WatchEvent } from '../../lib/client/api-client';
import { startTestApiserver, type TestApiserver } from '../helpers/apiserver';

type Obj = Record<string, any>;
type Hpa = KObject & { spec: Obj; status?: Obj };

const V1: ResourceType = { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', resource: 'horizontalpodautoscalers', namespaced: true };
const V2: ResourceType = { ...V1, apiVersion: 'autoscaling/v2' };
const CONDITIONS = 'autoscaling.alpha.kubernetes.io/conditions';

const v1Hpa = (name: string, spec: Obj = {}): Hpa => ({
  apiVersion: 'autoscaling/v1',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name, namespace: 'default' },
  spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 4, ...spec },
});

async function apiError(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ApiError, String(e));
    return e;
  }
  return assert.fail('expected an error');
}

describe('served versions: autoscaling/v1 beside v2 (real etcd, gRPC door)', function () {
  this.timeout(60_000);
  let server: TestApiserver | undefined;
  let client: GrpcApiClient;

  before(async () => {
    server = await startTestApiserver({ name: 'served-versions', logLevel: 'warn' });
    client = server.client;
  });

  after(async () => {
    await server?.stop();
  });

  it('creates through v1 (defaults as v1 means them) and reads the same object in both versions', async () => {
    const created = await client.create<Hpa>(V1, v1Hpa('a', { targetCPUUtilizationPercentage: 55 }));
    assert.equal(created.apiVersion, 'autoscaling/v1');
    assert.deepEqual(created.spec, { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 4, targetCPUUtilizationPercentage: 55 });
    const v2 = await client.get<Hpa>(V2, 'default', 'a');
    assert.equal(v2.metadata.resourceVersion, created.metadata.resourceVersion);
    assert.equal(v2.metadata.uid, created.metadata.uid);
    assert.deepEqual(v2.spec.metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 55 } } }]);
    const none = await client.create<Hpa>(V1, v1Hpa('b'));
    assert.equal(none.spec.targetCPUUtilizationPercentage, 80, 'no metric: 80% CPU');
    const list = await client.list<Hpa>(V1, 'default');
    assert.equal(list.apiVersion, 'autoscaling/v1');
    assert.deepEqual(list.items.map((i) => [i.apiVersion, i.metadata.name]), [['autoscaling/v1', 'a'], ['autoscaling/v1', 'b']]);
  });

  it('validates the stored form and refuses a v2 body sent to v1', async () => {
    const e = await apiError(client.create(V1, v1Hpa('c', { minReplicas: 5 })));
    assert.equal(e.code, 422);
    assert.deepEqual(e.status.details?.causes?.map((c) => c.field), ['spec.maxReplicas']);
    const wrong = await apiError(client.create(V1, { ...v1Hpa('c'), apiVersion: 'autoscaling/v2' }));
    assert.equal(wrong.code, 400);
    assert.match(wrong.message, /does not match the expected API version \(autoscaling\/v1\)/);
  });

  it('patches the v1 form; a stale resourceVersion in the patch is a conflict', async () => {
    const before = await client.get<Hpa>(V2, 'default', 'a');
    const patched = await client.patch<Hpa>(V1, 'default', 'a', 'merge', { spec: { targetCPUUtilizationPercentage: 65 } });
    assert.equal(patched.spec.targetCPUUtilizationPercentage, 65);
    assert.notEqual(patched.metadata.resourceVersion, before.metadata.resourceVersion);
    const stale = await apiError(client.patch(V1, 'default', 'a', 'merge', { metadata: { resourceVersion: before.metadata.resourceVersion }, spec: { maxReplicas: 9 } }));
    assert.equal(stale.code, 409);
    const json = await client.patch<Hpa>(V1, 'default', 'a', 'json', [{ op: 'replace', path: '/spec/maxReplicas', value: 6 }]);
    assert.equal(json.spec.maxReplicas, 6);
    assert.equal((await client.get<Hpa>(V2, 'default', 'a')).spec.maxReplicas, 6);
  });

  it('a status write through v1 keeps the conditions it carries in their annotation', async () => {
    const cur = await client.get<Hpa>(V1, 'default', 'b');
    const conditions = [{ type: 'AbleToScale', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z', reason: 'ReadyForNewScale', message: 'ok' }];
    const written = await client.updateStatus<Hpa>(V1, {
      ...cur,
      metadata: { ...cur.metadata, annotations: { [CONDITIONS]: JSON.stringify(conditions) } },
      status: { currentReplicas: 2, desiredReplicas: 3, currentCPUUtilizationPercentage: 91 },
    });
    assert.equal(written.status?.currentCPUUtilizationPercentage, 91);
    assert.deepEqual(JSON.parse(written.metadata.annotations![CONDITIONS]), conditions);
    const v2 = await client.get<Hpa>(V2, 'default', 'b');
    assert.deepEqual(v2.status?.conditions, conditions);
    assert.deepEqual(v2.status?.currentMetrics, [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 91 } } }]);
    assert.equal(v2.metadata.annotations?.[CONDITIONS], undefined);
  });

  it('a watch through v1 sends v1 objects and v1 bookmarks; delete through v1', async () => {
    const from = (await client.list(V1, 'default')).metadata.resourceVersion;
    const events: WatchEvent<Hpa>[] = [];
    let done!: () => void;
    const finished = new Promise<void>((r) => (done = r));
    const h = client.watch<Hpa>(V1, 'default', { resourceVersion: from, allowBookmarks: true, sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan' }, {
      onEvent: (ev) => {
        events.push(ev);
        if (ev.type === 'DELETED') done();
      },
      onClose: () => done(),
    });
    try {
      await client.patch(V2, 'default', 'a', 'merge', { spec: { maxReplicas: 7 } });
      await client.delete(V1, 'default', 'a');
      await finished;
    } finally {
      h.stop();
    }
    const objects = events.filter((e) => e.type !== 'ERROR');
    assert.ok(objects.every((e) => e.object.apiVersion === 'autoscaling/v1'), JSON.stringify(events.map((e) => [e.type, e.object.apiVersion])));
    assert.ok(events.some((e) => e.type === 'BOOKMARK'), 'the initial-events-end bookmark');
    const modified = events.find((e) => e.type === 'MODIFIED' && e.object.metadata.name === 'a');
    assert.equal(modified?.object.spec.maxReplicas, 7);
    assert.equal(modified?.object.spec.targetCPUUtilizationPercentage, 65);
    assert.equal(events.at(-1)?.type, 'DELETED');
    assert.equal((await apiError(client.get(V2, 'default', 'a'))).code, 404);
  });

  it('hostile v1 bodies are 4xx Statuses, never a crash or a 5xx', async () => {
    const METRICS = 'autoscaling.alpha.kubernetes.io/metrics';
    const BEHAVIOR = 'autoscaling.alpha.kubernetes.io/behavior';
    const withAnnotation = (key: string, value: unknown): Hpa => ({ ...v1Hpa('evil'), metadata: { name: 'evil', namespace: 'default', annotations: { [key]: value as string } } });
    const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
    const cases: [string, Hpa][] = [
      ['spec a string', { ...v1Hpa('evil'), spec: 'x' as never }],
      ['scaleTargetRef a string', v1Hpa('evil', { scaleTargetRef: 'x' })],
      ['status a number', { ...v1Hpa('evil'), status: 7 as never }],
      ['an annotation value that is not a string', withAnnotation(METRICS, 42)],
      ['metrics annotation of numbers', withAnnotation(METRICS, '[1,2]')],
      ['metrics annotation nested 5000 deep', withAnnotation(METRICS, deep(5000))],
      ['a Resource metric whose source is a string', withAnnotation(METRICS, '[{"type":"Resource","resource":"cpu"}]')],
      ['an Object metric whose target is a number', withAnnotation(METRICS, '[{"type":"Object","object":{"target":5,"metricName":{"a":1}}}]')],
      ['a metric type that is an object', withAnnotation(METRICS, '[{"type":{"a":{"b":[]}}}]')],
      ['behavior with a negative policy', withAnnotation(BEHAVIOR, '{"ScaleUp":{"Policies":[{"Type":"Pods","Value":-1,"PeriodSeconds":0}]}}')],
    ];
    for (const [what, body] of cases) {
      const e = await apiError(client.create(V1, body));
      assert.ok(e.code >= 400 && e.code < 500, `${what}: ${e.code} ${e.message}`);
    }
    assert.equal((await apiError(client.get(V1, 'default', 'evil'))).code, 404);
  });

  it('Discover lists each kind once, in its stored version', async () => {
    const hpas = (await client.discover()).filter((r) => r.resource === 'horizontalpodautoscalers');
    assert.deepEqual(hpas.map((r) => r.apiVersion), ['autoscaling/v2']);
  });
});
