// The TTL-after-finished controller: deletes a finished Job (Background propagation, so the
// garbage collector removes its pods) once spec.ttlSecondsAfterFinished has passed since it
// finished. The decision is re-checked against a fresh read before deleting, as upstream does,
// so a TTL changed or a Job restarted since the cache saw it is respected.
import { Resources } from '../../lib/api/resources';
import type { Job } from '../../lib/api/batch';
import type { ApiClient } from '../../lib/client/api-client';
import type { Informer } from '../../lib/client/informer';
import { WorkQueue, keyOf, splitKey } from '../../lib/client/workqueue';
import { isNotFound } from '../../lib/errors';
import { componentLogger } from '../../lib/log';
import { ttlDecision } from './ttl';

export class TtlAfterFinishedController {
  private readonly log = componentLogger('ttl-after-finished-controller');
  private readonly queue = new WorkQueue({ name: 'ttl_jobs_to_delete' });

  constructor(
    private readonly client: ApiClient,
    private readonly jobs: Informer<Job>,
    private readonly now: () => number = Date.now,
  ) {}

  start(workers = 1): void {
    const consider = (j: Job) => {
      if (ttlDecision(j, this.now()).action !== 'none') this.queue.add(keyOf(j));
    };
    this.jobs.addHandler({ onAdd: consider, onUpdate: (_o, j) => consider(j) });
    this.queue.run(workers, (k) => this.reconcile(k));
  }

  stop(): Promise<void> {
    return this.queue.shutdown();
  }

  async reconcile(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const cached = this.jobs.get(namespace, name);
    if (!cached) return;
    const d = ttlDecision(cached, this.now());
    if (d.action === 'wait') {
      this.queue.addAfter(key, d.ms);
      return;
    }
    if (d.action !== 'delete') return;
    let fresh: Job;
    try {
      fresh = await this.client.get<Job>(Resources.jobs, namespace, name);
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    const again = ttlDecision(fresh, this.now());
    if (again.action === 'wait') {
      this.queue.addAfter(key, again.ms);
      return;
    }
    if (again.action !== 'delete') return;
    try {
      await this.client.delete(Resources.jobs, namespace, name, {
        propagationPolicy: 'Background',
        preconditions: { uid: fresh.metadata.uid, resourceVersion: fresh.metadata.resourceVersion },
      });
      this.log.info({ job: key, ttlSeconds: fresh.spec.ttlSecondsAfterFinished }, 'deleted finished job after its ttl');
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
