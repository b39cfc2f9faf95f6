// The scheduler cache (upstream's internal/cache): every node's NodeInfo kept current from the
// informers, plus the pods this scheduler assumed onto nodes before the informer confirms their
// binding. Each change touches one NodeInfo and bumps its generation; updateSnapshot copies only
// NodeInfos changed since the last cycle, so a cycle at 5,000 nodes does not regroup every pod.
//
// Assumed pods: added to their node at the decision; confirmed when the informer shows the pod
// bound; dropped when binding fails (forget), the pod is deleted, or a TTL after the Binding was
// written (the informer's copy was lost) — the TTL starts when binding finishes, as upstream, so a
// Binding delayed by a backlog cannot expire before it is even sent.
import type { Node, Pod } from '../../lib/api/types';
import { NodeInfo, podKey } from '../framework/node-info';
import { isTerminal } from '../framework/resources';
import { interleaveZones, nodeImages, zoneKey, type Snapshot } from './snapshot';

export const ASSUME_TTL_MS = 30_000;

interface PodState {
  pod: Pod;
  nodeName: string;
  assumed: boolean;
  /** When the Binding was written; undefined while binding is in flight. */
  boundAt?: number;
}

/** Something the cache could not read, for the scheduler to report once. */
export interface Unreadable {
  kind: 'Node' | 'Pod';
  name: string;
  reason: string;
}

export class SchedulerCache {
  /** Every node name → its NodeInfo; hasNode false while only pods name it (node not seen yet). */
  private readonly nodes = new Map<string, { info: NodeInfo; hasNode: boolean; zone: string }>();
  private readonly podStates = new Map<string, PodState>();
  private orderDirty = true;
  private imagesDirty = true;
  private order: string[] = [];
  /** Nodes whose NodeInfo changed since the last snapshot (so a cycle does not visit every node). */
  private readonly dirty = new Set<string>();
  private lastCleanup = 0;
  readonly unreadable: Unreadable[] = [];

  constructor(private readonly ttlMs = ASSUME_TTL_MS, private readonly now: () => number = Date.now) {}

  private entry(name: string): { info: NodeInfo; hasNode: boolean; zone: string } {
    let e = this.nodes.get(name);
    if (!e) {
      e = { info: new NodeInfo({ apiVersion: 'v1', kind: 'Node', metadata: { name }, spec: {}, status: {} } as Node), hasNode: false, zone: '' };
      this.nodes.set(name, e);
    }
    return e;
  }

  addNode(node: Node): void {
    const name = node.metadata.name!;
    const e = this.entry(name);
    try {
      e.info.setNode(node);
    } catch (err) {
      // A node whose allocatable cannot be read is left out: nothing can be placed on it.
      this.unreadable.push({ kind: 'Node', name, reason: (err as Error).message });
      this.removeNode(node);
      return;
    }
    this.dirty.add(name);
    const zone = zoneKey(e.info);
    if (!e.hasNode || zone !== e.zone) this.orderDirty = true;
    e.hasNode = true;
    e.zone = zone;
    this.imagesDirty = true;
  }

  updateNode(_old: Node, node: Node): void {
    this.addNode(node);
  }

  removeNode(node: Node): void {
    const name = node.metadata.name!;
    const e = this.nodes.get(name);
    if (!e) return;
    // Pods still bound there keep their accounting until they are deleted, as upstream.
    if (e.info.pods.length === 0) this.nodes.delete(name);
    else e.hasNode = false;
    this.orderDirty = true;
    this.imagesDirty = true;
  }

  /** An assigned pod from the informer (new, or confirming an assumption). */
  addPod(pod: Pod): void {
    const nodeName = pod.spec.nodeName;
    if (!nodeName || isTerminal(pod)) return;
    const key = podKey(pod);
    const st = this.podStates.get(key);
    if (st) {
      if (st.nodeName !== nodeName || st.assumed) {
        // Confirmed (possibly elsewhere than assumed): account the informer's copy.
        this.removeFromNode(st);
      } else return this.updatePod(st.pod, pod);
    }
    this.addToNode(pod, nodeName);
    this.podStates.set(key, { pod, nodeName, assumed: false });
  }

  updatePod(_old: Pod, pod: Pod): void {
    const key = podKey(pod);
    const st = this.podStates.get(key);
    if (!pod.spec.nodeName) return;
    // A pod that finished frees its node; one that is terminating still holds it, as upstream.
    if (isTerminal(pod)) return this.removePod(pod);
    if (!st || st.assumed) return this.addPod(pod);
    this.removeFromNode(st);
    this.addToNode(pod, pod.spec.nodeName);
    this.podStates.set(key, { pod, nodeName: pod.spec.nodeName, assumed: false });
  }

  removePod(pod: Pod): void {
    const key = podKey(pod);
    const st = this.podStates.get(key);
    if (!st) return;
    this.removeFromNode(st);
    this.podStates.delete(key);
  }

  /** The scheduler decided: count `pod` (a copy with spec.nodeName set) on its node now. */
  assumePod(pod: Pod): void {
    const key = podKey(pod);
    if (this.podStates.has(key)) throw new Error(`pod ${key} is in the cache, so can't be assumed`);
    this.addToNode(pod, pod.spec.nodeName!);
    this.podStates.set(key, { pod, nodeName: pod.spec.nodeName!, assumed: true });
  }

  finishBinding(pod: Pod): void {
    const st = this.podStates.get(podKey(pod));
    if (st?.assumed) st.boundAt = this.now();
  }

  /** Binding failed: undo the assumption. */
  forgetPod(pod: Pod): void {
    const key = podKey(pod);
    const st = this.podStates.get(key);
    if (!st?.assumed) return;
    this.removeFromNode(st);
    this.podStates.delete(key);
  }

  isAssumed(pod: Pod): boolean {
    return this.podStates.get(podKey(pod))?.assumed === true;
  }

  /** Drops assumptions whose binding finished more than the TTL ago without the informer confirming. */
  cleanupExpiredAssumedPods(): number {
    const t = this.now();
    let n = 0;
    for (const [key, st] of this.podStates) {
      if (st.assumed && st.boundAt !== undefined && t - st.boundAt > this.ttlMs) {
        this.removeFromNode(st);
        this.podStates.delete(key);
        n++;
      }
    }
    return n;
  }

  assumedCount(): number {
    let n = 0;
    for (const st of this.podStates.values()) if (st.assumed) n++;
    return n;
  }

  nodeCount(): number {
    let n = 0;
    for (const e of this.nodes.values()) if (e.hasNode) n++;
    return n;
  }

  private addToNode(pod: Pod, nodeName: string): void {
    const pi = this.entry(nodeName).info.addPod(pod);
    this.dirty.add(nodeName);
    if (pi.unreadable) this.unreadable.push({ kind: 'Pod', name: `${pod.metadata.namespace}/${pod.metadata.name}`, reason: pi.unreadable });
  }

  private removeFromNode(st: PodState): void {
    const e = this.nodes.get(st.nodeName);
    if (!e) return;
    e.info.removePod(st.pod);
    this.dirty.add(st.nodeName);
    if (!e.hasNode && e.info.pods.length === 0) {
      this.nodes.delete(st.nodeName);
      this.orderDirty = true;
    }
  }

  /** Brings `snap` up to date: copies NodeInfos changed since its generation, drops removed nodes. */
  updateSnapshot(snap: Snapshot): void {
    // Expiry is a backstop for lost informer events: once a second is plenty.
    if (this.now() - this.lastCleanup >= 1000) {
      this.lastCleanup = this.now();
      this.cleanupExpiredAssumedPods();
    }
    const replaced: string[] = [];
    let affinityChanged = false;
    let maxGen = snap.generation;
    // A fresh snapshot takes every node; afterwards only the ones changed since.
    for (const name of snap.generation === 0 ? [...this.nodes.keys()] : this.dirty) {
      const e = this.nodes.get(name);
      if (!e?.hasNode) continue;
      if (e.info.generation <= snap.generation) continue;
      const old = snap.nodeInfoMap.get(name);
      const copy = e.info.clone();
      if (!old || old.podsWithAffinity.length !== copy.podsWithAffinity.length || old.podsWithRequiredAntiAffinity.length !== copy.podsWithRequiredAntiAffinity.length || copy.podsWithAffinity.length > 0) affinityChanged = true;
      snap.nodeInfoMap.set(name, copy);
      if (copy.generation > maxGen) maxGen = copy.generation;
      replaced.push(name);
    }
    this.dirty.clear();
    if (this.orderDirty) {
      for (const name of [...snap.nodeInfoMap.keys()]) if (!this.nodes.get(name)?.hasNode) snap.nodeInfoMap.delete(name);
      const names = [...this.nodes].filter(([, e]) => e.hasNode).map(([n]) => n).sort();
      this.order = interleaveZones(names, (n) => this.nodes.get(n)!.zone);
      this.orderDirty = false;
      affinityChanged = true;
      snap.nodeInfoList = this.order.map((n) => snap.nodeInfoMap.get(n)!).filter(Boolean);
      snap.position = new Map(snap.nodeInfoList.map((info, i) => [info.name, i]));
    } else {
      // Same nodes in the same order: put the new copies in place.
      for (const name of replaced) {
        const i = snap.position.get(name);
        if (i !== undefined) snap.nodeInfoList[i] = snap.nodeInfoMap.get(name)!;
      }
    }
    if (affinityChanged) {
      snap.withAffinity = snap.nodeInfoList.filter((i) => i.podsWithAffinity.length > 0);
      snap.withRequiredAntiAffinity = snap.nodeInfoList.filter((i) => i.podsWithRequiredAntiAffinity.length > 0);
    }
    if (this.imagesDirty) {
      const images = new Map<string, number>();
      for (const info of snap.nodeInfoList) for (const img of nodeImages(info)) images.set(img, (images.get(img) ?? 0) + 1);
      snap.images = images;
      this.imagesDirty = false;
    }
    snap.generation = maxGen;
  }
}
