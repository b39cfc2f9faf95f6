// The LoadBalancer controller (k3s ServiceLB in spirit, MetalLB-like allocation): every Service of
// type LoadBalancer without a loadBalancerClass, or with ours, gets one address of the pool in
// status.loadBalancer.ingress (ipMode VIP: kube-proxy serves it on every node). The allocations
// live in memory and are rebuilt from the stored statuses when the controller starts, before any
// reconcile runs, so a restart never hands out an address twice. One worker: allocations are
// decided one Service at a time.
import type { Service } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import type { ApiClient } from '../../lib/client/api-client';
import type { Informer } from '../../lib/client/informer';
import { WorkQueue, keyOf, splitKey } from '../../lib/client/workqueue';
import type { EventRecorder } from '../../lib/client/event-recorder';
import { isNotFound } from '../../lib/errors';
import { componentLogger } from '../../lib/log';
import { planService, rebuildAllocations } from './lb-plan';
import { poolSize, type LbPool } from './pool';

export class ServiceLbController {
  private readonly log = componentLogger('service-lb-controller');
  private readonly queue = new WorkQueue({ name: 'service-lb' });
  /** Service key → the pool address it holds. */
  private allocations = new Map<string, string>();
  /** Services that could not get an address; looked at again when one is released. */
  private readonly waiting = new Set<string>();

  constructor(
    private readonly client: ApiClient,
    private readonly services: Informer<Service>,
    private readonly recorder: EventRecorder,
    private readonly pool: LbPool,
  ) {}

  start(): void {
    // The informer has synced (the controller-manager starts controllers after that).
    this.allocations = rebuildAllocations(this.services.list(), this.pool);
    this.log.info({ pool: this.pool.text, size: poolSize(this.pool), held: this.allocations.size }, 'allocations rebuilt from service statuses');
    const enqueue = (s: Service) => this.queue.add(keyOf(s));
    this.services.addHandler({ onAdd: enqueue, onUpdate: (_o, s) => enqueue(s), onDelete: enqueue });
    this.queue.run(1, (k) => this.reconcile(k));
  }

  stop(): Promise<void> {
    return this.queue.shutdown();
  }

  /** The addresses held now (tests and metrics). */
  held(): ReadonlyMap<string, string> {
    return this.allocations;
  }

  async reconcile(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const svc = this.services.get(namespace, name);
    const held = this.allocations.get(key);
    const others = new Set([...this.allocations].filter(([k]) => k !== key).map(([, ip]) => ip));
    const plan = planService(svc, held, others, this.pool);

    if (plan.hold) this.allocations.set(key, plan.hold);
    else this.allocations.delete(key);
    if (held && held !== plan.hold) {
      this.log.info({ service: key, ip: held }, 'released load balancer address');
      // An address came free: the Services waiting for one get another look.
      for (const k of this.waiting) if (k !== key) this.queue.add(k);
    }
    if (plan.waiting) this.waiting.add(key);
    else this.waiting.delete(key);
    if (!svc) return;
    if (plan.failure) this.recorder.event(svc, 'Warning', 'AllocationFailed', `Failed to allocate an IP for "${key}": ${plan.failure}`);
    if (!plan.status) return;
    try {
      await this.client.updateStatus(Resources.services, { ...svc, status: { ...svc.status, loadBalancer: plan.status } });
    } catch (err) {
      if (isNotFound(err)) return;
      throw err; // a conflict: the queue retries with the newer Service
    }
    if (plan.hold) {
      this.recorder.event(svc, 'Normal', 'IPAllocated', `Assigned IP ["${plan.hold}"]`);
      this.log.info({ service: key, ip: plan.hold }, 'assigned load balancer address');
    }
  }
}
