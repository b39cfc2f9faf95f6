import assert from 'node:assert/strict';
import type { KObject, Pod } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import { Informer } from '../../lib/client/informer';
import { FakeApiClient } from '../../test/fixtures/client/fake-client';
import { mkPod, settle, waitFor } from '../../test/fixtures/controller-manager/objects';
import { forceDeleteAt, InvalidPodsController } from './controller';

const raw = (meta: Record<string, unknown>, spec: unknown = { nodeName: 'n1' }) => ({ metadata: { name: 'p', namespace: 'default', ...meta }, spec }) as unknown as KObject;

describe('invalid pods controller', () => {
  const cases: [string, KObject, number | undefined][] = [
    ['a bound pod being deleted: at its deletion time', raw({ deletionTimestamp: '2024-01-01T00:00:30Z' }), Date.parse('2024-01-01T00:00:30Z')],
    ['not being deleted', raw({}), undefined],
    ['unbound (the apiserver removes it at once)', raw({ deletionTimestamp: '2024-01-01T00:00:30Z' }, { containers: [] }), undefined],
    ['no spec at all', raw({ deletionTimestamp: '2024-01-01T00:00:30Z' }, null), undefined],
    ['with finalizers left', raw({ deletionTimestamp: '2024-01-01T00:00:30Z', finalizers: ['x'] }), undefined],
    ['an unreadable deletion time: now', raw({ deletionTimestamp: 'soon' }), 0],
    ['metadata that names nothing', { metadata: { deletionTimestamp: 'x' } } as unknown as KObject, undefined],
  ];
  for (const [what, obj, want] of cases) it(`forceDeleteAt: ${what}`, () => assert.equal(forceDeleteAt(obj), want));

  it('finishes the deletion of an invalid bound pod once its grace period is over, and of no other', async () => {
    const client = new FakeApiClient();
    const informer = new Informer<KObject>(client, Resources.pods, { name: 'controller-manager-pods' });
    const c = new InvalidPodsController(client, informer);
    c.start();
    const invalid = (name: string, deletionTimestamp?: string) => {
      const p = mkPod(name, 'ready');
      p.spec.containers = [];
      if (deletionTimestamp) p.metadata.deletionTimestamp = deletionTimestamp;
      return client.seed(Resources.pods, p);
    };
    invalid('stuck', new Date(Date.now() - 1000).toISOString());
    invalid('later', new Date(Date.now() + 3_600_000).toISOString());
    invalid('not-deleting');
    const valid = mkPod('valid', 'ready');
    valid.metadata.deletionTimestamp = new Date(Date.now() - 1000).toISOString();
    client.seed(Resources.pods, valid);
    await informer.start();
    try {
      const names = () => client.all<Pod>(Resources.pods, 'default').map((p) => p.metadata.name).sort();
      await waitFor(() => !names().includes('stuck'), 'the stuck pod deleted');
      await settle(50);
      assert.deepEqual(names(), ['later', 'not-deleting', 'valid'], 'only the invalid pod past its grace period goes; a valid one is its kubelet\'s');
      const del = client.actions.filter((a) => a.verb === 'delete');
      assert.equal(del.length, 1);
    } finally {
      informer.stop();
      await c.stop();
    }
  });
});
