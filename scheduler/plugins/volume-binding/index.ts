// VolumeBinding, as upstream's plugin: a pod's PersistentVolumeClaims decide where it may run.
// PreFilter reads the claims once (missing claims and unbound Immediate claims reject the pod
// everywhere); Filter checks, per node, that bound volumes' node affinity admits the node and that
// every WaitForFirstConsumer claim can get a volume there (a matching static volume, or a class
// whose provisioner can provision there); Reserve remembers what the chosen node needs (so the
// next pod's Filter does not pick the same static volume); PreBind writes it (the volume's
// claimRef, the claim's selected-node annotation) and waits until the claims are bound.
import type { KObject, Pod } from '../../../lib/api/types';
import { Resources as ApiResources } from '../../../lib/api/resources';
import { SELECTED_NODE_ANNOTATION } from '../../../lib/api/storage';
import type { CycleState, StateData } from '../../framework/cycle-state';
import { error, skip, success, SUCCESS, unresolvable, type Status } from '../../framework/status';
import {
  ActionType,
  PluginArgsError,
  type ClusterEventWithHint,
  type EnqueueExtensions,
  type FilterPlugin,
  type Handle,
  type NodeInfo,
  type PluginDefinition,
  type PreBindPlugin,
  type PreFilterPlugin,
  type PreFilterResult,
  type ReservePlugin,
} from '../../framework/types';
import { bySmallestRequest, claimKey, classAllowsNode, findMatchingVolume, NO_PROVISIONER, ownedByPod, podClaims, volumeFitsNode, type Claim, type Class, type Volume } from './volumes';

export const NAME = 'VolumeBinding';

/** Upstream's reasons, as users read them in FailedScheduling. */
export const REASON_NODE_CONFLICT = 'node(s) had volume node affinity conflict';
export const REASON_BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind";
export const REASON_PV_NOT_EXIST = 'node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)';
export const REASON_UNBOUND_IMMEDIATE = 'pod has unbound immediate PersistentVolumeClaims';

export interface VolumeBindingArgs {
  /** How long PreBind waits for the claims to be bound (upstream's default: 600). */
  bindTimeoutSeconds?: number;
  /** Capacity scoring shape; accepted for configuration compatibility (capacity scoring is not implemented). */
  shape?: { utilization: number; score: number }[];
}

/** What binding the pod's claims on one node takes. */
export interface PodVolumes {
  staticBindings: { claim: Claim; pv: Volume }[];
  dynamicProvisions: Claim[];
}

class VolumeState implements StateData {
  /** Filter's findings per node name; Reserve takes the chosen node's. */
  readonly byNode = new Map<string, PodVolumes>();
  reserved?: PodVolumes;
  constructor(
    readonly bound: { claim: Claim; pv?: Volume }[],
    /** Unbound WaitForFirstConsumer claims, smallest request first. */
    readonly delayed: Claim[],
  ) {}
  // Neither AddPod nor RemovePod change what the claims need, so clones share (as upstream).
  clone(): StateData {
    return this;
  }
}

const STATE_KEY = `PreFilter${NAME}`;
const POLL_MS = 200;

export function validateArgs(raw: unknown): Required<Pick<VolumeBindingArgs, 'bindTimeoutSeconds'>> & VolumeBindingArgs {
  const args = (raw ?? {}) as VolumeBindingArgs;
  if (typeof args !== 'object') throw new PluginArgsError(NAME, 'args must be an object');
  const t = args.bindTimeoutSeconds ?? 600;
  if (typeof t !== 'number' || !Number.isInteger(t) || t < 0) throw new PluginArgsError(NAME, `bindTimeoutSeconds: Invalid value: ${JSON.stringify(t)}: invalid BindTimeoutSeconds, should not be a negative value`);
  for (const [i, p] of (args.shape ?? []).entries()) {
    if (!p || !Number.isInteger(p.utilization) || p.utilization < 0 || p.utilization > 100) throw new PluginArgsError(NAME, `shape[${i}].utilization: must be an integer in 0..100`);
    if (!Number.isInteger(p.score) || p.score < 0 || p.score > 10) throw new PluginArgsError(NAME, `shape[${i}].score: must be an integer in 0..10`);
    if (i > 0 && p.utilization <= args.shape![i - 1].utilization) throw new PluginArgsError(NAME, `shape[${i}].utilization: values must be sorted in increasing order`);
  }
  return { ...args, bindTimeoutSeconds: t };
}

/** Lists every PersistentVolume when the listers can (static volumes for WaitForFirstConsumer claims); none otherwise. */
const listVolumes = (handle: Handle): Volume[] => handle.listers.volumes() as Volume[];

export class VolumeBinding implements PreFilterPlugin, FilterPlugin, ReservePlugin, PreBindPlugin, EnqueueExtensions {
  readonly name = NAME;
  private readonly timeoutMs: number;
  /** Static volumes reserved for a claim (pv name → ns/claim) between Reserve and the end of PreBind. */
  private readonly assumed = new Map<string, string>();

  constructor(
    args: VolumeBindingArgs,
    private readonly handle: Handle,
    private readonly pollMs = POLL_MS,
  ) {
    this.timeoutMs = validateArgs(args).bindTimeoutSeconds * 1000;
  }

  preFilter(state: CycleState, pod: Pod, _nodes?: NodeInfo[]): { result?: PreFilterResult; status: Status } {
    const claims = podClaims(pod);
    if (claims.length === 0) return { status: skip() };
    const ns = pod.metadata.namespace ?? 'default';
    const bound: VolumeState['bound'] = [];
    const delayed: Claim[] = [];
    let immediate = false;
    for (const pc of claims) {
      const claim = this.handle.listers.claim(ns, pc.name) as Claim | undefined;
      if (!claim) {
        const msg = pc.ephemeral ? `waiting for ephemeral volume controller to create the persistentvolumeclaim "${pc.name}"` : `persistentvolumeclaim "${pc.name}" not found`;
        return { status: unresolvable(msg) };
      }
      if (claim.metadata.deletionTimestamp) return { status: unresolvable(`persistentvolumeclaim "${pc.name}" is being deleted`) };
      if (pc.ephemeral && !ownedByPod(claim, pod)) return { status: unresolvable(`PVC ${ns}/${pc.name} was not created for pod ${ns}/${pod.metadata.name} (pod is not owner)`) };
      if (claim.spec.volumeName) {
        bound.push({ claim, pv: this.handle.listers.volume(claim.spec.volumeName) as Volume | undefined });
        continue;
      }
      const cls = claim.spec.storageClassName ? (this.handle.listers.storageClass(claim.spec.storageClassName) as Class | undefined) : undefined;
      if (cls?.volumeBindingMode === 'WaitForFirstConsumer') delayed.push(claim);
      else immediate = true;
    }
    if (immediate) return { status: unresolvable(REASON_UNBOUND_IMMEDIATE) };
    state.write(STATE_KEY, new VolumeState(bound, delayed.sort(bySmallestRequest)));
    return { result: eligibleNodes(bound), status: SUCCESS };
  }

  filter(state: CycleState, _pod: Pod, nodeInfo: NodeInfo): Status {
    const s = state.read<VolumeState>(STATE_KEY);
    if (!s) return error(`reading ${STATE_KEY} from cycle state: not found`);
    const node = nodeInfo.node;
    const reasons: string[] = [];
    if (s.bound.some((b) => !b.pv)) reasons.push(REASON_PV_NOT_EXIST);
    else if (!s.bound.every((b) => volumeFitsNode(b.pv!, node))) reasons.push(REASON_NODE_CONFLICT);
    const found = this.findDelayed(s.delayed, nodeInfo);
    if (!found) reasons.push(REASON_BIND_CONFLICT);
    if (reasons.length) return unresolvable(...reasons);
    s.byNode.set(nodeInfo.name, found!);
    return SUCCESS;
  }

  /** How the WaitForFirstConsumer claims get volumes on this node, or undefined when some cannot. */
  private findDelayed(claims: Claim[], nodeInfo: NodeInfo): PodVolumes | undefined {
    const out: PodVolumes = { staticBindings: [], dynamicProvisions: [] };
    if (claims.length === 0) return out;
    const node = nodeInfo.node;
    const chosen = new Set<string>();
    let pvs: Volume[] | undefined;
    for (const claim of claims) {
      const selected = claim.metadata.annotations?.[SELECTED_NODE_ANNOTATION];
      // A claim already given to a node (its provisioning started there) can only be used there.
      if (selected) {
        if (selected !== nodeInfo.name) return undefined;
        out.dynamicProvisions.push(claim);
        continue;
      }
      pvs ??= listVolumes(this.handle);
      const key = claimKey(claim.metadata.namespace, claim.metadata.name!);
      const pv = findMatchingVolume(claim, pvs, node, (v) => chosen.has(v.metadata.name!) || (this.assumed.has(v.metadata.name!) && this.assumed.get(v.metadata.name!) !== key));
      if (pv) {
        chosen.add(pv.metadata.name!);
        out.staticBindings.push({ claim, pv });
        continue;
      }
      const cls = this.handle.listers.storageClass(claim.spec.storageClassName ?? '') as Class | undefined;
      if (!cls?.provisioner || cls.provisioner === NO_PROVISIONER || !classAllowsNode(cls, node)) return undefined;
      out.dynamicProvisions.push(claim);
    }
    return out;
  }

  reserve(state: CycleState, _pod: Pod, nodeName: string): Status {
    const s = state.read<VolumeState>(STATE_KEY);
    if (!s) return SUCCESS; // PreFilter skipped: the pod has no claims
    const pv = s.byNode.get(nodeName);
    if (!pv) return error(`no volume decisions for node ${nodeName}`);
    for (const b of pv.staticBindings) this.assumed.set(b.pv.metadata.name!, claimKey(b.claim.metadata.namespace, b.claim.metadata.name!));
    s.reserved = pv;
    return SUCCESS;
  }

  unreserve(state: CycleState, _pod?: Pod, _nodeName?: string): void {
    const s = state.read<VolumeState>(STATE_KEY);
    if (s?.reserved) this.release(s.reserved);
  }

  private release(pv: PodVolumes): void {
    for (const b of pv.staticBindings) this.assumed.delete(b.pv.metadata.name!);
  }

  async preBind(state: CycleState, _pod: Pod, nodeName: string): Promise<Status> {
    const s = state.read<VolumeState>(STATE_KEY);
    const pv = s?.reserved;
    if (!pv || (pv.staticBindings.length === 0 && pv.dynamicProvisions.length === 0)) return success();
    try {
      await this.bindPodVolumes(pv, nodeName);
      return success();
    } catch (e) {
      return error((e as Error).message);
    } finally {
      this.release(pv);
    }
  }

  private async bindPodVolumes(pv: PodVolumes, nodeName: string): Promise<void> {
    const client = this.handle.client;
    if (!client) throw new Error('binding volumes: no API client');
    // Versions we wrote: a lister still showing an older version is behind, not reset.
    const before = new Map<string, string | undefined>();
    for (const { claim, pv: vol } of pv.staticBindings) {
      const ref = { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: claim.metadata.namespace ?? 'default', name: claim.metadata.name, uid: claim.metadata.uid };
      await client.patch(ApiResources.persistentvolumes, undefined, vol.metadata.name!, 'merge', {
        metadata: { annotations: { 'pv.kubernetes.io/bound-by-controller': 'yes' } },
        spec: { claimRef: ref },
      });
    }
    for (const claim of pv.dynamicProvisions) {
      const key = claimKey(claim.metadata.namespace, claim.metadata.name!);
      before.set(key, claim.metadata.resourceVersion);
      if (claim.metadata.annotations?.[SELECTED_NODE_ANNOTATION] === nodeName) continue;
      await client.patch(ApiResources.persistentvolumeclaims, claim.metadata.namespace ?? 'default', claim.metadata.name!, 'merge', {
        metadata: { annotations: { [SELECTED_NODE_ANNOTATION]: nodeName } },
      });
    }
    const deadline = this.handle.now() + this.timeoutMs;
    for (;;) {
      if (this.allBound(pv, nodeName, before)) return;
      if (this.handle.now() >= deadline) throw new Error('binding volumes: timed out waiting for the condition');
      await new Promise((r) => setTimeout(r, this.pollMs));
    }
  }

  /** Whether every claim is bound now; throws when waiting can no longer succeed (claim gone, provisioning rescheduled). */
  private allBound(pv: PodVolumes, nodeName: string, before: Map<string, string | undefined>): boolean {
    let all = true;
    for (const c of [...pv.staticBindings.map((b) => b.claim), ...pv.dynamicProvisions]) {
      const ns = c.metadata.namespace ?? 'default';
      const now = this.handle.listers.claim(ns, c.metadata.name!) as Claim | undefined;
      if (!now || now.metadata.uid !== c.metadata.uid) throw new Error(`binding volumes: persistentvolumeclaim "${c.metadata.name}" was deleted`);
      if (now.spec.volumeName) continue;
      all = false;
      const key = claimKey(ns, c.metadata.name!);
      // The provisioner drops the annotation when it cannot provision on the node: choose again.
      if (before.has(key) && now.metadata.resourceVersion !== before.get(key) && now.metadata.annotations?.[SELECTED_NODE_ANNOTATION] !== nodeName) {
        throw new Error(`binding volumes: selectedNode annotation reset for PVC "${c.metadata.name}"`);
      }
    }
    return all;
  }

  eventsToRegister(): ClusterEventWithHint[] {
    return [
      // A claim of the pod created, bound, or given a class; other claims do not matter.
      { event: { resource: 'PersistentVolumeClaim', actionType: ActionType.Add | ActionType.Update }, hint: (pod, _old, obj) => (usesClaim(pod, obj) ? 'Queue' : 'QueueSkip') },
      { event: { resource: 'PersistentVolume', actionType: ActionType.Add | ActionType.Update } },
      { event: { resource: 'StorageClass', actionType: ActionType.Add | ActionType.Update } },
      { event: { resource: 'Node', actionType: ActionType.Add | ActionType.UpdateNodeLabel | ActionType.UpdateNodeTaint } },
      { event: { resource: 'CSINode', actionType: ActionType.Add | ActionType.Update } },
    ];
  }
}

/** Whether `obj` is one of the pod's claims. */
export function usesClaim(pod: Pod, obj: unknown): boolean {
  const c = obj as KObject | undefined;
  if (!c?.metadata?.name) return true;
  if ((c.metadata.namespace ?? 'default') !== (pod.metadata.namespace ?? 'default')) return false;
  return podClaims(pod).some((pc) => pc.name === c.metadata.name);
}

/**
 * The nodes bound local volumes pin the pod to, as upstream narrows them: only volumes whose node
 * affinity is a single term of `kubernetes.io/hostname In (…)` name nodes outright; anything else
 * leaves the choice to Filter. Undefined: any node.
 */
export function eligibleNodes(bound: { pv?: Volume }[]): PreFilterResult | undefined {
  let names: Set<string> | undefined;
  for (const { pv } of bound) {
    const terms = pv?.spec.nodeAffinity?.required?.nodeSelectorTerms;
    if (!Array.isArray(terms) || terms.length !== 1) continue;
    const exprs = terms[0]?.matchExpressions ?? [];
    if (terms[0]?.matchFields?.length || exprs.length !== 1 || exprs[0].key !== 'kubernetes.io/hostname' || exprs[0].operator !== 'In') continue;
    const these = new Set(exprs[0].values ?? []);
    names = names ? new Set([...names].filter((n) => these.has(n))) : these;
  }
  return names ? { nodeNames: names } : undefined;
}

export const plugin: PluginDefinition = {
  name: NAME,
  factory: (args, handle) => new VolumeBinding(args as VolumeBindingArgs, handle),
  defaultArgs: () => ({ bindTimeoutSeconds: 600 }),
};
