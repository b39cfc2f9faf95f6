// pv-binder: binds Pending PersistentVolumeClaims to Available hostPath PersistentVolumes (no
// dynamic provisioning). Bind order as in Kubernetes: PV claimRef, PV status Bound, claim
// volumeName, claim status Bound; each step is idempotent, so a failure is simply retried.
import { Resources } from '../../lib/api/resources';
import type { ApiClient } from '../../lib/client/api-client';
import type { Informer } from '../../lib/client/informer';
import { WorkQueue, keyOf } from '../../lib/client/workqueue';
import type { EventRecorder } from '../../lib/client/event-recorder';
import { componentLogger } from '../../lib/log';
import { boundClaim, boundPV, choosePV, claimStatus, type PV, type PVC } from './match';

export class PVBinderController {
  private readonly log = componentLogger('pv-binder');
  private readonly queue = new WorkQueue({ name: 'pv-binder' });

  constructor(
    private readonly client: ApiClient,
    private readonly pvs: Informer<PV>,
    private readonly claims: Informer<PVC>,
    private readonly recorder: EventRecorder,
  ) {}

  start(): void {
    this.claims.addHandler({ onAdd: (c) => this.queue.add(keyOf(c)), onUpdate: (_o, c) => this.queue.add(keyOf(c)) });
    // A new or freed volume may fit a waiting claim.
    const all = () => this.claims.list().filter((c) => c.status?.phase !== 'Bound').forEach((c) => this.queue.add(keyOf(c)));
    this.pvs.addHandler({ onAdd: all, onUpdate: all });
    this.queue.run(1, (k) => this.reconcile(k));
  }

  stop(): Promise<void> {
    return this.queue.shutdown();
  }

  async reconcile(key: string): Promise<void> {
    const [ns, name] = key.split('/');
    const claim = this.claims.get(ns, name);
    if (!claim || claim.metadata.deletionTimestamp || claim.status?.phase === 'Bound') return;
    const pv = choosePV(claim, this.pvs.list());
    if (!pv) {
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
}
