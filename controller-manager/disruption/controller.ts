// The disruption controller: keeps each PodDisruptionBudget's status (expectedPods, desiredHealthy,
// currentHealthy, disruptionsAllowed, the DisruptionAllowed condition, and the disruptedPods the
// eviction API recorded, dropped once seen deleted or after two minutes) so that evictions can be
// judged against it. Pods whose DisruptionTarget condition outlived a deletion that never came get
// it set back to False.
import type { Deployment, KObject, OwnerReference, Pod, ReplicaSet } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import type { ApiClient } from '../../lib/client/api-client';
import type { Informer } from '../../lib/client/informer';
import { WorkQueue, keyOf, splitKey } from '../../lib/client/workqueue';
import type { EventRecorder } from '../../lib/client/event-recorder';
import { isConflict, isNotFound } from '../../lib/errors';
import { componentLogger } from '../../lib/log';
import { selectorMatches, selectorToString } from '../../lib/api/labels';
import { pdbSelectsPod, type PodDisruptionBudget, type PodDisruptionBudgetStatus } from '../../lib/api/pdb';
import { DISRUPTION_TARGET, podCondition, withPodCondition } from '../../lib/api/pod-conditions';
import { canonicalJson, controllerRefOf } from '../common/pod-utils';
import { BudgetError, countHealthy, disruptedPodMap, expectedPodCount, failSafeStatus, nextStatus, type ScaleLookup } from './budget';

/** stalePodDisruptionTimeout: how long a DisruptionTarget condition may stand on a pod that is not being deleted. */
export const STALE_DISRUPTION_MS = 2 * 60 * 1000;

type Scalable = KObject & { spec?: { replicas?: number } };

const groupOf = (apiVersion: string | undefined) => (apiVersion?.includes('/') ? apiVersion.split('/')[0] : '');
const isKind = (ref: OwnerReference, kind: string, groups: string[]) => ref.kind === kind && groups.includes(groupOf(ref.apiVersion));

/** Kinds known to have no scale subresource: upstream's scale finder says so by name. */
const NO_SCALE: Record<string, string> = { DaemonSet: 'daemonsets.apps', Job: 'jobs.batch' };

export class DisruptionController {
  private readonly log = componentLogger('disruption-controller');
  private readonly queue = new WorkQueue({ name: 'disruption' });
  private readonly stalePods = new WorkQueue({ name: 'disruption_stale_pod_disruption' });

  constructor(
    private readonly client: ApiClient,
    private readonly pdbs: Informer<PodDisruptionBudget>,
    private readonly pods: Informer<Pod>,
    private readonly replicaSets: Informer<ReplicaSet>,
    private readonly deployments: Informer<Deployment>,
    private readonly statefulSets: Informer<Scalable>,
    private readonly recorder: EventRecorder,
    private readonly now: () => number = Date.now,
    /** core/v1 ReplicationControllers, found as upstream's getPodReplicationController finds them. */
    private readonly replicationControllers?: Informer<Scalable>,
  ) {}

  start(): void {
    this.pdbs.addHandler({
      onAdd: (p) => this.queue.add(keyOf(p)),
      onUpdate: (_o, p) => this.queue.add(keyOf(p)),
      onDelete: (p) => this.queue.add(keyOf(p)),
    });
    this.pods.addHandler({
      onAdd: (p) => this.podChanged(p),
      onUpdate: (o, p) => {
        this.podChanged(o);
        this.podChanged(p);
      },
      onDelete: (p) => this.podChanged(p, true),
    });
    this.queue.run(1, (k) => this.reconcile(k));
    this.stalePods.run(1, (k) => this.syncStalePodDisruption(k));
  }

  async stop(): Promise<void> {
    await Promise.all([this.queue.shutdown(), this.stalePods.shutdown()]);
  }

  /** The budgets covering the pod are looked at again (upstream picks one; every one is better). */
  private podChanged(pod: Pod, deleted = false): void {
    const budgets = this.pdbs.list(pod.metadata.namespace).filter((b) => pdbSelectsPod(b, pod));
    for (const b of budgets) this.queue.add(keyOf(b));
    if (budgets.length > 1 && !deleted) {
      const msg = `Pod "${pod.metadata.namespace}"/"${pod.metadata.name}" matches multiple PodDisruptionBudgets.  Chose "${budgets[0].metadata.name}" arbitrarily.`;
      this.recorder.event(pod, 'Warning', 'MultiplePodDisruptionBudgets', msg);
    }
    if (!deleted && this.staleDisruptionIn(pod) !== undefined) this.stalePods.add(keyOf(pod));
  }

  async reconcile(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const pdb = this.pdbs.get(namespace, name);
    if (!pdb) return;
    try {
      await this.trySync(pdb);
    } catch (err) {
      // A lost race is retried as it is; any other failure first closes the budget (fail safe).
      if (isConflict(err) || isNotFound(err)) throw err;
      this.log.warn({ pdb: key, err: (err as Error).message }, 'failed to sync budget');
      await this.writeStatus(pdb, failSafeStatus(pdb, (err as Error).message, this.now()));
      throw err;
    }
  }

  private async trySync(pdb: PodDisruptionBudget): Promise<void> {
    const pods = this.podsFor(pdb);
    if (pods.length === 0) this.recorder.event(pdb, 'Normal', 'NoPods', 'No matching pods found');
    let counts: ReturnType<typeof expectedPodCount>;
    try {
      counts = expectedPodCount(pdb, pods, this.scaleOf);
    } catch (err) {
      this.recorder.event(pdb, 'Warning', 'CalculateExpectedPodCountFailed', `Failed to calculate the number of expected pods: ${(err as Error).message}`);
      throw err;
    }
    if (counts.unmanaged.length) {
      this.recorder.event(
        pdb,
        'Warning',
        'UnmanagedPods',
        `Pods selected by this PodDisruptionBudget (selector: ${selectorToString(pdb.spec?.selector ?? {})}) were found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.`,
      );
    }
    const now = this.now();
    const disrupted = disruptedPodMap(pods, pdb, now);
    for (const p of disrupted.notDeleted) {
      this.recorder.event(p, 'Warning', 'NotDeleted', `Pod was expected by PDB ${pdb.metadata.namespace}/${pdb.metadata.name} to be deleted but it wasn't`);
    }
    const healthy = countHealthy(pods, disrupted.map, now);
    const status = nextStatus(pdb, healthy, counts.desiredHealthy, counts.expected, disrupted.map, now);
    if (status) await this.writeStatus(pdb, status);
    if (disrupted.recheckAt !== undefined) this.queue.addAfter(keyOf(pdb), Math.max(0, disrupted.recheckAt - now) + 10);
  }

  private async writeStatus(pdb: PodDisruptionBudget, status: PodDisruptionBudgetStatus): Promise<void> {
    // The same status again (a budget that keeps failing) is not written: each write would wake us.
    if (canonicalJson(pdb.status ?? {}) === canonicalJson(status)) return;
    await this.client.updateStatus(Resources.poddisruptionbudgets, { ...pdb, status });
    this.log.debug({ pdb: keyOf(pdb), allowed: status.disruptionsAllowed, healthy: status.currentHealthy, desired: status.desiredHealthy }, 'budget status updated');
  }

  /** getPodsForPdb: the namespace's pods its selector matches (a missing selector matches none). */
  private podsFor(pdb: PodDisruptionBudget): Pod[] {
    return this.pods.list(pdb.metadata.namespace).filter((p) => {
      try {
        return selectorMatches(pdb.spec?.selector ?? null, p.metadata.labels);
      } catch (err) {
        throw new BudgetError(`invalid selector: ${(err as Error).message}`);
      }
    });
  }

  /** The finders: a ReplicaSet's replicas (or its Deployment's), a StatefulSet's, a ReplicationController's. */
  private readonly scaleOf: ScaleLookup = (ref, namespace) => {
    if (NO_SCALE[ref.kind]) throw new BudgetError(`${NO_SCALE[ref.kind]} does not implement the scale subresource`);
    if (isKind(ref, 'ReplicaSet', ['apps', 'extensions'])) {
      const rs = this.replicaSets.get(namespace, ref.name);
      if (!rs || rs.metadata.uid !== ref.uid) return undefined;
      const owner = controllerRefOf(rs);
      if (owner && isKind(owner, 'Deployment', ['apps', 'extensions'])) {
        const d = this.deployments.get(namespace, owner.name);
        if (!d || d.metadata.uid !== owner.uid) return undefined;
        return { uid: d.metadata.uid!, replicas: d.spec?.replicas ?? 1 };
      }
      return { uid: rs.metadata.uid!, replicas: rs.spec?.replicas ?? 1 };
    }
    if (isKind(ref, 'StatefulSet', ['apps'])) {
      const ss = this.statefulSets.get(namespace, ref.name);
      if (!ss || ss.metadata.uid !== ref.uid) return undefined;
      return { uid: ss.metadata.uid!, replicas: ss.spec?.replicas ?? 1 };
    }
    if (this.replicationControllers && isKind(ref, 'ReplicationController', [''])) {
      const rc = this.replicationControllers.get(namespace, ref.name);
      if (!rc || rc.metadata.uid !== ref.uid) return undefined;
      return { uid: rc.metadata.uid!, replicas: rc.spec?.replicas ?? 1 };
    }
    return undefined;
  };

  /** Milliseconds until the pod's DisruptionTarget condition is stale, or undefined when it has none that can be. */
  private staleDisruptionIn(pod: Pod): number | undefined {
    if (pod.metadata.deletionTimestamp) return undefined;
    const c = podCondition(pod.status, DISRUPTION_TARGET);
    const phase = pod.status?.phase;
    if (!c || c.status !== 'True' || c.reason === 'TerminationByKubelet' || phase === 'Succeeded' || phase === 'Failed') return undefined;
    const since = Date.parse(c.lastTransitionTime ?? '');
    return Math.max(0, (Number.isFinite(since) ? since : 0) + STALE_DISRUPTION_MS - this.now());
  }

  /** syncStalePodDisruption: DisruptionTarget back to False on a pod that was never deleted. */
  async syncStalePodDisruption(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const pod = this.pods.get(namespace, name);
    if (!pod) return;
    const wait = this.staleDisruptionIn(pod);
    if (wait === undefined) return;
    if (wait > 0) {
      this.stalePods.addAfter(key, wait + 10);
      return;
    }
    const c = podCondition(pod.status, DISRUPTION_TARGET)!;
    const { status } = withPodCondition(pod.status, { ...c, status: 'False' }, this.now());
    try {
      await this.client.updateStatus(Resources.pods, { ...pod, status });
      this.log.info({ pod: key }, 'reset stale DisruptionTarget condition to False');
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
