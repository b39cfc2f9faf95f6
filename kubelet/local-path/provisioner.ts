// The node-local provisioner of the k8ts.io/local-path StorageClass, run by each kubelet for its
// own node (see plan.ts for why here). Provision: a claim the scheduler selected this node for
// gets a hostPath PersistentVolume pre-bound to it (the controller-manager's pv-binder completes
// the bind); its directory is made when the kubelet first mounts it (DirectoryOrCreate).
// Reclaim: once the pv-binder marks a volume Released (its claim deleted) and the policy is
// Delete, this kubelet — the only process that can reach that directory — removes the directory
// and then the PersistentVolume. With Retain the volume and its data stay.
import * as fs from 'node:fs';
import type { KObject, Node, Pod } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import type { ApiClient } from '../../lib/client/api-client';
import { Informer } from '../../lib/client/informer';
import { WorkQueue, keyOf } from '../../lib/client/workqueue';
import { EventRecorder } from '../../lib/client/event-recorder';
import { isAlreadyExists, isNotFound } from '../../lib/errors';
import { componentLogger } from '../../lib/log';
import { LOCAL_PATH_PROVISIONER, type StorageClass } from '../../lib/api/storage';
import { claimsInUse, needsVolume, reclaimPlan, volumeFor, type Claim, type Volume } from './plan';

export interface LocalPathOptions {
  client: ApiClient;
  nodeName: string;
  /** The node's local-path directory: <root-dir>/local-path. */
  baseDir: string;
  /** The pods bound to this node (the kubelet's cache). */
  pods: () => Pod[];
  /** This node's object, for its kubernetes.io/hostname label. */
  node: () => Node | undefined;
}

const RECLAIM_KEY = '#reclaim';

export class LocalPathProvisioner {
  private readonly log = componentLogger('kubelet', { part: 'local-path' });
  private readonly claims: Informer<Claim>;
  private readonly volumes: Informer<Volume>;
  private readonly classes: Informer<KObject>;
  private readonly queue = new WorkQueue({ name: 'local-path' });
  private readonly recorder: EventRecorder;

  constructor(private readonly o: LocalPathOptions) {
    this.claims = new Informer<Claim>(o.client, Resources.persistentvolumeclaims, { name: 'kubelet-local-path-claims' });
    this.volumes = new Informer<Volume>(o.client, Resources.persistentvolumes, { name: 'kubelet-local-path-volumes' });
    this.classes = new Informer<KObject>(o.client, Resources.storageclasses, { name: 'kubelet-local-path-classes' });
    this.recorder = new EventRecorder(o.client, { component: `${LOCAL_PATH_PROVISIONER}_${o.nodeName}` });
  }

  async start(): Promise<void> {
    this.claims.addHandler({ onAdd: (c) => this.queue.add(keyOf(c)), onUpdate: (_o, c) => this.queue.add(keyOf(c)), onDelete: () => this.queue.add(RECLAIM_KEY) });
    this.volumes.addHandler({ onAdd: () => this.queue.add(RECLAIM_KEY), onUpdate: () => this.queue.add(RECLAIM_KEY) });
    await Promise.all([this.claims.start(), this.volumes.start(), this.classes.start()]);
    this.queue.run(1, (k) => (k === RECLAIM_KEY ? this.reclaim() : this.provision(k)));
  }

  /** A pod on this node went away: a volume it held may be reclaimable now. */
  podGone(): void {
    this.queue.add(RECLAIM_KEY);
  }

  async stop(): Promise<void> {
    this.claims.stop();
    this.volumes.stop();
    this.classes.stop();
    await this.queue.shutdown();
  }

  private async provision(key: string): Promise<void> {
    const [ns, name] = key.split('/');
    const claim = this.claims.get(ns, name);
    if (!claim) return;
    const cls = this.classes.list().find((c) => c.metadata.name === claim.spec.storageClassName) as StorageClass | undefined;
    if (!needsVolume(claim, cls, this.o.nodeName, this.volumes.list())) return;
    const hostname = this.o.node()?.metadata.labels?.['kubernetes.io/hostname'] ?? this.o.nodeName;
    const pv = volumeFor(claim, cls!, this.o.nodeName, hostname, this.o.baseDir);
    this.recorder.event(claim, 'Normal', 'Provisioning', `External provisioner is provisioning volume for claim "${key}"`);
    try {
      await this.o.client.create(Resources.persistentvolumes, pv);
    } catch (e) {
      if (isAlreadyExists(e)) return;
      this.recorder.event(claim, 'Warning', 'ProvisioningFailed', `failed to provision volume with StorageClass "${cls!.metadata.name}": ${(e as Error).message}`);
      throw e;
    }
    this.recorder.event(claim, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${pv.metadata.name}`);
    this.log.info({ claim: key, volume: pv.metadata.name, path: pv.spec.hostPath!.path }, 'volume provisioned');
  }

  private async reclaim(): Promise<void> {
    const plan = reclaimPlan(this.volumes.list(), this.o.nodeName, this.o.baseDir, claimsInUse(this.o.pods()));
    for (const r of plan) {
      const name = r.volume.metadata.name!;
      if ('refuse' in r) {
        this.log.warn({ volume: name, reason: r.refuse }, 'released volume not reclaimed');
        continue;
      }
      fs.rmSync(r.dir, { recursive: true, force: true });
      try {
        await this.o.client.delete(Resources.persistentvolumes, undefined, name, { preconditions: { uid: r.volume.metadata.uid } });
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
      this.log.info({ volume: name, path: r.dir }, 'released volume deleted');
    }
  }
}
