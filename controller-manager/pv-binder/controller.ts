// pv-binder: binds Pending PersistentVolumeClaims to hostPath PersistentVolumes (static ones, and
// those a provisioner created pre-bound to the claim). Bind order as in Kubernetes: PV claimRef,
// PV status Bound, claim volumeName, claim status Bound; each step is idempotent, so a failure is
// simply retried. It also keeps the volumes' phases: Available when new, Released once their claim
// is gone (a provisioner's deleter acts on that). Claims of a WaitForFirstConsumer class wait
// for the scheduler's selected-node annotation.
import { Resources } from '../../lib/api/resources';
import type { KObject } from '../../lib/api/types';
import type { ApiClient } from '../../lib/client/api-client';
import type { Informer } from '../../lib/client/informer';
import { WorkQueue, keyOf } from '../../lib/client/workqueue';
import type { EventRecorder } from '../../lib/client/event-recorder';
import { isNotFound } from '../../lib/errors';
import { componentLogger } from '../../lib/log';
import { boundClaim, boundPV, choosePV, claimStatus, type PV, type PVC } from './match';
import { classNamed, delayBinding, volumePhase, waitsForFirstConsumer } from './volume-phase';

export class PVBinderController {
  private readonly log = componentLogger('pv-binder');
  private readonly queue = new WorkQueue({ name: 'pv-binder' });
  private readonly volumeQueue = new WorkQueue({ name: 'pv-binder-volumes' });
  /** Claims already told they wait for a consumer (one Event each, not one per sync). */
  private readonly toldWaiting = new Set<string>();

  constructor(
    private readonly client: ApiClient,
    private readonly pvs: Informer<PV>,
    private readonly claims: Informer<PVC>,
    private readonly recorder: EventRecorder,
    private readonly classes?: Informer<KObject>,
  ) {}

  start(): void {
    const volumesOfClaim = (c: PVC) =>
      this.pvs.list().filter((v) => v.spec.claimRef?.name === c.metadata.name && v.spec.claimRef?.namespace === c.metadata.namespace).forEach((v) => this.volumeQueue.add(v.metadata.name!));
    this.claims.addHandler({
      onAdd: (c) => this.queue.add(keyOf(c)),
      onUpdate: (_o, c) => this.queue.add(keyOf(c)),
      onDelete: (c) => {
        this.toldWaiting.delete(c.metadata.uid ?? '');
        volumesOfClaim(c);
      },
    });
    // A new or freed volume may fit a waiting claim.
    const all = () => this.claims.list().filter((c) => c.status?.phase !== 'Bound').forEach((c) => this.queue.add(keyOf(c)));
    this.pvs.addHandler({
      onAdd: (v) => {
        all();
        this.volumeQueue.add(v.metadata.name!);
      },
      onUpdate: (_o, v) => {
        all();
        this.volumeQueue.add(v.metadata.name!);
      },
    });
    this.classes?.addHandler({ onAdd: all, onUpdate: all });
    this.queue.run(1, (k) => this.reconcile(k));
    this.volumeQueue.run(1, (k) => this.reconcileVolume(k));
  }

  async stop(): Promise<void> {
    await Promise.all([this.queue.shutdown(), this.volumeQueue.shutdown()]);
  }

  async reconcile(key: string): Promise<void> {
    const [ns, name] = key.split('/');
    const claim = this.claims.get(ns, name);
    if (!claim || claim.metadata.deletionTimestamp || claim.status?.phase === 'Bound') return;
    const pv = choosePV(claim, this.pvs.list(), !!this.classes && delayBinding(claim, classNamed(this.classes)));
    if (!pv) {
      if (this.classes && waitsForFirstConsumer(claim, classNamed(this.classes)) && !this.toldWaiting.has(claim.metadata.uid ?? '')) {
        this.toldWaiting.add(claim.metadata.uid ?? '');
        this.recorder.event(claim, 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding');
      }
      if (claim.status?.phase !== 'Pending') await this.client.updateStatus<PVC>(Resources.persistentvolumeclaims, { ...claim, status: { ...(claim.status ?? {}), phase: 'Pending' } });
      return;
    }
    let vol = pv;
    if (!pv.spec.claimRef?.uid) vol = await this.client.update<PV>(Resources.persistentvolumes, boundPV(pv, claim));
    if (vol.status?.phase !== 'Bound') await this.client.updateStatus<PV>(Resources.persistentvolumes, { ...vol, status: { ...(vol.status ?? {}), phase: 'Bound' } });
    let c = claim;
    if (c.spec.volumeName !== vol.metadata.name || !c.metadata.annotations?.['pv.kubernetes.io/bind-completed']) c = await this.client.update<PVC>(Resources.persistentvolumeclaims, boundClaim(c, vol));
    await this.client.updateStatus<PVC>(Resources.persistentvolumeclaims, { ...c, status: claimStatus(vol) });
    this.recorder.event(claim, 'Normal', 'Bound', `Bound to volume ${vol.metadata.name}`);
    this.log.info({ claim: key, volume: vol.metadata.name }, 'claim bound');
  }

  async reconcileVolume(name: string): Promise<void> {
    const pv = this.pvs.get(undefined, name);
    if (!pv) return;
    let phase = volumePhase(pv, (ns, n) => this.claims.get(ns, n));
    if (phase === 'Released') {
      // The cache may lag behind a claim created a moment ago: ask the apiserver before releasing.
      const ref = pv.spec.claimRef!;
      const live = await this.client.get<PVC>(Resources.persistentvolumeclaims, ref.namespace, ref.name!).catch((e) => {
        if (isNotFound(e)) return undefined;
        throw e;
      });
      phase = volumePhase(pv, () => live);
    }
    if (!phase) return;
    try {
      await this.client.updateStatus<PV>(Resources.persistentvolumes, { ...pv, status: { ...(pv.status ?? {}), phase } });
    } catch (e) {
      if (!isNotFound(e)) throw e;
      return;
    }
    this.log.info({ volume: name, phase }, 'volume phase changed');
  }
}
