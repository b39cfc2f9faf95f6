// Keeps the volumes of running pods current: every ~10 s, and soon after a ConfigMap or Secret a
// pod uses changes, it re-runs prepareVolumes for the affected pods (writes only on a difference).
// The kubelet gives it a ReadThroughClient, so those re-runs read the cached referenced objects
// (kubelet/objects/object-manager.ts) and onObjectChanged is fed by their by-name watches.
import type { KObject, Pod } from '../../lib/api/types';
import { componentLogger } from '../../lib/log';
import { prepareVolumes, type VolumeDeps } from './prepare';
import type { VolumeSource } from './types';

const log = componentLogger('kubelet', { part: 'volumes' });

/** Pure: does this pod mount the named configmap/secret (kind: 'ConfigMap' | 'Secret')? */
export function podUsesObject(pod: Pod, kind: string, namespace: string | undefined, name: string | undefined): boolean {
  if (pod.metadata.namespace !== namespace) return false;
  return ((pod.spec.volumes ?? []) as VolumeSource[]).some((v) =>
    kind === 'ConfigMap' ? v.configMap?.name === name : kind === 'Secret' ? v.secret?.secretName === name : false,
  );
}

export class VolumeManager {
  private readonly pods = new Map<string, Pod>();
  private timer?: NodeJS.Timeout;
  private running = false;
  private again = false;

  constructor(private readonly deps: VolumeDeps, private readonly periodMs = 10_000) {}

  /** Remembers the latest version of a pod whose volumes are set up. */
  track(pod: Pod): void {
    this.pods.set(pod.metadata.uid!, pod);
  }

  untrack(uid: string): void {
    this.pods.delete(uid);
  }

  start(): void {
    this.timer ??= setInterval(() => void this.resync(), this.periodMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Informer handler for ConfigMap/Secret add/update: refresh the pods using it now. */
  onObjectChanged(obj: KObject): void {
    const pods = [...this.pods.values()].filter((p) => podUsesObject(p, obj.kind ?? '', obj.metadata.namespace, obj.metadata.name));
    if (pods.length) void this.resync(pods);
  }

  async resync(pods: Pod[] = [...this.pods.values()]): Promise<void> {
    // One pass at a time; a request during a pass triggers one full pass after it.
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    try {
      for (const p of pods) {
        if (!this.pods.has(p.metadata.uid!)) continue;
        const r = await prepareVolumes(p, this.deps);
        if (r.errors.length) log.warn({ pod: `${p.metadata.namespace}/${p.metadata.name}`, errors: r.errors }, 'volume resync failed');
      }
    } finally {
      this.running = false;
    }
    if (this.again) {
      this.again = false;
      await this.resync();
    }
  }
}
