// NodeInfo: one node and the pods on it (bound or assumed), with their summed requests, host
// ports, claims and (anti-)affinity pods kept up to date incrementally as pods come and go — the
// scheduler cache changes one NodeInfo per event and the snapshot copies only NodeInfos whose
// generation moved, instead of regrouping every pod of the cluster for every pod it places.
import type { Node, Pod } from '../../lib/api/types';
import { hasAffinity, hasRequiredAntiAffinity, newPodInfo, type PodInfo } from './pod-info';
import { addResources, cloneResources, emptyResources, isTerminal, nodeAllocatable } from './resources';
import type { Resources } from './types';

let generation = 0;
/** A cluster-wide increasing counter: a NodeInfo changed after a snapshot iff its generation is higher. */
export const nextGeneration = (): number => ++generation;

export interface HostPort {
  ip: string;
  protocol: string;
  port: number;
}

export const podKey = (p: Pod): string => p.metadata.uid || `${p.metadata.namespace}/${p.metadata.name}`;

/** The host ports a pod's containers claim (hostNetwork pods claim their container ports). */
export function hostPortsOf(pod: Pod): HostPort[] {
  const out: HostPort[] = [];
  const hostNetwork = pod.spec.hostNetwork === true;
  for (const c of [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? [])]) {
    for (const p of (c as { ports?: { hostPort?: number; containerPort?: number; hostIP?: string; protocol?: string }[] }).ports ?? []) {
      const port = p?.hostPort || (hostNetwork ? p?.containerPort : 0);
      if (!port || typeof port !== 'number') continue;
      out.push({ ip: p.hostIP || '0.0.0.0', protocol: p.protocol || 'TCP', port });
    }
  }
  return out;
}

/** ns/claimName of every PersistentVolumeClaim the pod uses (generic ephemeral volumes included). */
export function claimKeysOf(pod: Pod): string[] {
  const ns = pod.metadata.namespace ?? 'default';
  const out: string[] = [];
  for (const v of (pod.spec as { volumes?: { name?: string; persistentVolumeClaim?: { claimName?: string }; ephemeral?: unknown }[] }).volumes ?? []) {
    if (v?.persistentVolumeClaim?.claimName) out.push(`${ns}/${v.persistentVolumeClaim.claimName}`);
    else if (v?.ephemeral && v.name) out.push(`${ns}/${pod.metadata.name}-${v.name}`);
  }
  return out;
}

export class NodeInfo {
  node: Node;
  pods: PodInfo[] = [];
  podsWithAffinity: PodInfo[] = [];
  podsWithRequiredAntiAffinity: PodInfo[] = [];
  usedPorts: HostPort[] = [];
  requested: Resources = emptyResources();
  /** Requests with the scoring defaults (only milliCpu and memory are used). */
  nonZeroRequested: Resources = emptyResources();
  allocatable: Resources;
  /** ns/claim → how many pods here use it (VolumeRestrictions' ReadWriteOncePod). */
  pvcRefCounts = new Map<string, number>();
  generation = nextGeneration();

  /** Throws QuantityParseError when the node's allocatable cannot be read. */
  constructor(node: Node, pods: Pod[] = []) {
    this.node = node;
    this.allocatable = nodeAllocatable(node);
    for (const p of pods) this.addPod(p);
  }

  get name(): string {
    return this.node.metadata.name!;
  }

  /** Replaces the node object (allocatable re-read; throws without changing anything if unreadable). */
  setNode(node: Node): void {
    const allocatable = nodeAllocatable(node);
    this.node = node;
    this.allocatable = allocatable;
    this.generation = nextGeneration();
  }

  addPod(pod: Pod): PodInfo {
    const pi = newPodInfo(pod);
    this.addPodInfo(pi);
    return pi;
  }

  addPodInfo(pi: PodInfo): void {
    this.pods.push(pi);
    if (hasAffinity(pi)) this.podsWithAffinity.push(pi);
    if (hasRequiredAntiAffinity(pi)) this.podsWithRequiredAntiAffinity.push(pi);
    this.account(pi, 1);
    this.generation = nextGeneration();
  }

  /** Removes the pod (matched by UID, or namespace/name); false when it is not here. */
  removePod(pod: Pod): boolean {
    const key = podKey(pod);
    const i = this.pods.findIndex((p) => podKey(p.pod) === key);
    if (i < 0) return false;
    const [pi] = this.pods.splice(i, 1);
    const drop = (list: PodInfo[]) => {
      const j = list.indexOf(pi);
      if (j >= 0) list.splice(j, 1);
    };
    drop(this.podsWithAffinity);
    drop(this.podsWithRequiredAntiAffinity);
    this.account(pi, -1);
    this.generation = nextGeneration();
    return true;
  }

  private account(pi: PodInfo, sign: 1 | -1): void {
    addResources(this.requested, pi.requests, sign);
    this.nonZeroRequested.milliCpu += sign * pi.nonZeroRequests.milliCpu;
    this.nonZeroRequested.memory += sign * pi.nonZeroRequests.memory;
    this.nonZeroRequested.pods += sign;
    for (const hp of hostPortsOf(pi.pod)) {
      if (sign > 0) this.usedPorts.push(hp);
      else {
        const j = this.usedPorts.findIndex((u) => u.ip === hp.ip && u.protocol === hp.protocol && u.port === hp.port);
        if (j >= 0) this.usedPorts.splice(j, 1);
      }
    }
    for (const k of claimKeysOf(pi.pod)) {
      const n = (this.pvcRefCounts.get(k) ?? 0) + sign;
      if (n > 0) this.pvcRefCounts.set(k, n);
      else this.pvcRefCounts.delete(k);
    }
  }

  /** A copy whose lists and sums can change without touching this one (PodInfos are shared, read-only). */
  clone(): NodeInfo {
    const c = Object.create(NodeInfo.prototype) as NodeInfo;
    c.node = this.node;
    c.pods = [...this.pods];
    c.podsWithAffinity = [...this.podsWithAffinity];
    c.podsWithRequiredAntiAffinity = [...this.podsWithRequiredAntiAffinity];
    c.usedPorts = [...this.usedPorts];
    c.requested = cloneResources(this.requested);
    c.nonZeroRequested = cloneResources(this.nonZeroRequested);
    c.allocatable = this.allocatable;
    c.pvcRefCounts = new Map(this.pvcRefCounts);
    c.generation = this.generation;
    return c;
  }
}

/** Test and tooling helper: NodeInfos for nodes with the given pods grouped by spec.nodeName. */
export function nodeInfosOf(nodes: Node[], pods: Pod[]): NodeInfo[] {
  const infos = new Map(nodes.map((n) => [n.metadata.name!, new NodeInfo(n)]));
  for (const p of pods) {
    if (isTerminal(p)) continue;
    infos.get(p.spec.nodeName ?? '')?.addPod(p);
  }
  return [...infos.values()];
}
