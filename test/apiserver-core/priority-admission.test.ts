// Priority admission through the real apiserver on a real etcd (gRPC door): a pod's
// priorityClassName becomes spec.priority and spec.preemptionPolicy, the global default class
// applies to pods without one, unknown classes and mismatched priorities are refused with
// upstream's 403s, a second global default is refused, and a pod update without the admitted
// fields keeps them.
import assert from 'node:assert/strict';
import { Resources as R } from '../../lib/api/resources';
import type { KObject, Pod } from '../../lib/api/types';
import { ApiError } from '../../lib/errors';
import { startTestApiserver, type TestApiserver } from '../helpers/apiserver';

const pod = (name: string, spec: Record<string, unknown> = {}, namespace = 'default'): Pod =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace }, spec: { containers: [{ name: 'web', image: 'k8ts/web:1.0' }], ...spec } }) as unknown as Pod;
const pc = (name: string, value: number, extra: Record<string, unknown> = {}): KObject =>
  ({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value, ...extra }) as KObject;
const prio = (p: Pod) => {
  const s = p.spec as { priorityClassName?: string; priority?: number; preemptionPolicy?: string };
  return [s.priorityClassName, s.priority, s.preemptionPolicy];
};

async function forbidden(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ApiError, String(e));
    assert.equal(e.code, 403, e.message);
    assert.equal(e.reason, 'Forbidden');
    return e.message;
  }
  assert.fail('expected a 403');
}

describe('Priority admission (apiserver on etcd)', function () {
  this.timeout(60_000);
  let server: TestApiserver;

  before(async () => {
    server = await startTestApiserver({ name: 'priority-admission', logLevel: 'warn' });
  });
  after(async () => {
    await server?.stop();
  });

  it('resolves a class, and the system classes in any namespace', async () => {
    const c = server.client;
    // Created and used at once: the lookup falls back to etcd when the watch cache lags.
    await c.create(R.priorityclasses, pc('high', 1000));
    const p = await c.create<Pod>(R.pods, pod('a', { priorityClassName: 'high' }));
    assert.deepEqual(prio(p), ['high', 1000, 'PreemptLowerPriority']);
    await c.create(R.priorityclasses, pc('polite', 900, { preemptionPolicy: 'Never' }));
    assert.deepEqual(prio(await c.create<Pod>(R.pods, pod('b', { priorityClassName: 'polite' }))), ['polite', 900, 'Never']);
    assert.deepEqual(prio(await c.create<Pod>(R.pods, pod('crit', { priorityClassName: 'system-node-critical' }))), ['system-node-critical', 2_000_001_000, 'PreemptLowerPriority']);
    assert.deepEqual(prio(await c.create<Pod>(R.pods, pod('plain'))), [undefined, 0, 'PreemptLowerPriority']);
  });

  it('refuses unknown classes and priorities that disagree with the class, as upstream words it', async () => {
    const c = server.client;
    assert.equal(await forbidden(c.create(R.pods, pod('x', { priorityClassName: 'y' }))), 'pods "x" is forbidden: no PriorityClass with name y was found');
    assert.equal(
      await forbidden(c.create(R.pods, pod('x', { priorityClassName: 'high', priority: 7 }))),
      'pods "x" is forbidden: the integer value of priority (7) must not be provided in pod spec; priority admission controller computed 1000 from the given PriorityClass name',
    );
    assert.equal(
      await forbidden(c.create(R.pods, pod('x', { priorityClassName: 'polite', preemptionPolicy: 'PreemptLowerPriority' }))),
      'pods "x" is forbidden: the string value of PreemptionPolicy (PreemptLowerPriority) must not be provided in pod spec; priority admission controller computed Never from the given PriorityClass name',
    );
  });

  it('applies the one global default class to pods without a class', async () => {
    const c = server.client;
    await c.create(R.priorityclasses, pc('dflt', 50, { globalDefault: true }));
    assert.equal(
      await forbidden(c.create(R.priorityclasses, pc('dflt2', 60, { globalDefault: true }))),
      'priorityclasses.scheduling.k8s.io "dflt2" is forbidden: PriorityClass dflt is already marked as default. Only one default can exist',
    );
    await c.create(R.priorityclasses, pc('dflt2', 60));
    assert.equal(
      await forbidden(c.patch(R.priorityclasses, undefined, 'dflt2', 'merge', { globalDefault: true })),
      'priorityclasses.scheduling.k8s.io "dflt2" is forbidden: PriorityClass dflt is already marked as default. Only one default can exist',
    );
    // The default reaches pods once the watch cache has it (the default is read from the cache, as upstream reads an informer).
    const deadline = Date.now() + 10_000;
    let got: Pod;
    for (let i = 0; ; i++) {
      got = await c.create<Pod>(R.pods, pod(`d${i}`));
      if (prio(got)[0] === 'dflt' || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.deepEqual(prio(got), ['dflt', 50, 'PreemptLowerPriority']);
  });

  it('keeps the admitted priority on an update whose body leaves it out', async () => {
    const c = server.client;
    const stored = await c.get<Pod>(R.pods, 'default', 'a');
    const body = structuredClone(stored) as Pod;
    delete (body.spec as { priority?: number }).priority;
    delete (body.spec as { preemptionPolicy?: string }).preemptionPolicy;
    body.metadata.labels = { touched: 'yes' };
    const updated = await c.update<Pod>(R.pods, body);
    assert.deepEqual(prio(updated), ['high', 1000, 'PreemptLowerPriority']);
    assert.equal(updated.metadata.labels?.touched, 'yes');
  });
});
