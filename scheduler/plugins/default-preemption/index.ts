// DefaultPreemption (PostFilter), as upstream's: when no node fits a pod, find nodes where evicting
// lower-priority pods would make room (find-candidates.ts, select-victims.ts), pick one
// (pick-candidate.ts), then act: nominate the node for the preemptor (status.nominatedNodeName),
// mark each victim DisruptionTarget/PreemptionByScheduler and delete it gracefully, record a
// "Preempted" event on it, and take the nomination away from lower-priority pods nominated to the
// same node (they may no longer fit). The pod stays Unschedulable for this cycle; it is retried
// when the victims are gone, and the nominated room is kept for it meanwhile (the framework counts
// nominated pods in runFilterPluginsWithNominatedPods).
import type { Pod } from '../../../lib/api/types';
import type { PodDisruptionBudget } from '../../../lib/api/pdb';
import { Resources } from '../../../lib/api/resources';
import { DISRUPTION_TARGET, podCondition, withPodCondition } from '../../../lib/api/pod-conditions';
import { isNotFound } from '../../../lib/errors';
import type { CycleState } from '../../framework/cycle-state';
import { Code, error, unschedulable, type Status } from '../../framework/status';
import { ActionType, PluginArgsError, type ClusterEventWithHint, type EnqueueExtensions, type Handle, type PluginDefinition, type PostFilterPlugin } from '../../framework/types';
import { dryRunPreemption, nodesForPreemption, preemptionFitMessage } from './find-candidates';
import { DEFAULT_PREEMPTION_ARGS, numCandidates, pickCandidate, type Candidate, type DefaultPreemptionArgs } from './pick-candidate';
import { podPriority } from './select-victims';

export const NAME = 'DefaultPreemption';
export const PREEMPTION_BY_SCHEDULER = 'PreemptionByScheduler';
export const NEVER_MESSAGE = 'not eligible due to preemptionPolicy=Never.';
export const TERMINATING_MESSAGE = 'not eligible due to a terminating pod on the nominated node.';

const nominatedNodeOf = (p: Pod): string => (p.status as { nominatedNodeName?: string } | undefined)?.nominatedNodeName ?? '';

/** Deleted by an earlier preemption and not gone yet. */
export function terminatingByPreemption(p: Pod): boolean {
  if (!p.metadata.deletionTimestamp) return false;
  const c = podCondition(p.status, DISRUPTION_TARGET);
  return c?.status === 'True' && c.reason === PREEMPTION_BY_SCHEDULER;
}

/**
 * PodEligibleToPreemptOthers: never for preemptionPolicy Never; not again while the node it was
 * nominated to still has lower-priority pods leaving because of a preemption (unless the filters
 * now rule that node out for good). undefined: eligible; else why not.
 */
export function ineligibleReason(pod: Pod, handle: Handle, statuses: Map<string, Status>): string | undefined {
  if ((pod.spec as { preemptionPolicy?: string }).preemptionPolicy === 'Never') return NEVER_MESSAGE;
  const nominated = nominatedNodeOf(pod);
  if (!nominated) return undefined;
  if (statuses.get(nominated)?.code === Code.UnschedulableAndUnresolvable) return undefined;
  const info = handle.snapshot().get(nominated);
  const prio = podPriority(pod);
  if (info?.pods.some((pi) => podPriority(pi.pod) < prio && terminatingByPreemption(pi.pod))) return TERMINATING_MESSAGE;
  return undefined;
}

/**
 * The framework's pods held at Permit, when the framework keeps them (the runtime's waitingPods;
 * FrameworkView does not promise it, so fakes without it simply have none).
 */
function waitingPodsOf(handle: Handle): { get(uid: string): { reject(plugin: string, message: string): void } | undefined } | undefined {
  const w = (handle.framework() as { waitingPods?: { get?: unknown } }).waitingPods;
  return w && typeof w.get === 'function' ? (w as ReturnType<typeof waitingPodsOf>) : undefined;
}

export function validateArgs(raw: unknown): DefaultPreemptionArgs {
  const a = { ...DEFAULT_PREEMPTION_ARGS, ...((raw ?? {}) as Partial<DefaultPreemptionArgs>) };
  const errs: string[] = [];
  const pct = a.minCandidateNodesPercentage;
  const abs = a.minCandidateNodesAbsolute;
  if (!Number.isInteger(pct) || pct < 0 || pct > 100) errs.push(`minCandidateNodesPercentage: Invalid value: ${JSON.stringify(pct)}: not in valid range [0, 100]`);
  if (!Number.isInteger(abs) || abs < 0) errs.push(`minCandidateNodesAbsolute: Invalid value: ${JSON.stringify(abs)}: not in valid range [0, inf)`);
  if (pct === 0 && abs === 0)
    errs.push(
      'minCandidateNodesPercentage: Invalid value: 0: cannot be zero at the same time as minCandidateNodesAbsolute',
      'minCandidateNodesAbsolute: Invalid value: 0: cannot be zero at the same time as minCandidateNodesPercentage',
    );
  if (errs.length) throw new PluginArgsError(NAME, errs.length === 1 ? errs[0] : `[${errs.join(', ')}]`);
  return a;
}

export class DefaultPreemption implements PostFilterPlugin, EnqueueExtensions {
  readonly name = NAME;
  /** Where the dry run starts among the candidate nodes; random as upstream, replaceable in tests. */
  offset: (n: number) => number = (n) => Math.floor(Math.random() * n);

  constructor(
    readonly args: DefaultPreemptionArgs,
    private readonly handle: Handle,
  ) {}

  async postFilter(state: CycleState, pod: Pod, statuses: Map<string, Status>): Promise<{ nominatedNodeName?: string; status: Status }> {
    const r = await this.preempt(state, pod, statuses);
    // Every message says it came from preemption (upstream prefixes it the same way).
    const s = r.status;
    if (s.reasons.length === 0) return r;
    return { ...r, status: { ...s, reasons: [`preemption: ${s.reasons.join(', ')}`] } };
  }

  private async preempt(state: CycleState, pod: Pod, statuses: Map<string, Status>): Promise<{ nominatedNodeName?: string; status: Status }> {
    const why = ineligibleReason(pod, this.handle, statuses);
    if (why) return { status: unschedulable(why) };
    const all = this.handle.snapshot().list();
    if (all.length === 0) return { status: error('no nodes available') };
    const potential = nodesForPreemption(all, statuses);
    if (potential.length === 0) {
      // Preemption cannot help anywhere: a nomination left from an earlier attempt is stale.
      await this.clearNomination([pod]);
      return { nominatedNodeName: '', status: unschedulable(preemptionFitMessage(all.length, new Map())) };
    }
    const pdbs: PodDisruptionBudget[] = this.handle.listers.pdbs();
    const now = this.handle.now();
    const run = dryRunPreemption(this.handle.framework(), state, pod, potential, pdbs, this.offset(potential.length), numCandidates(potential.length, this.args), now);
    if (run.candidates.length === 0) {
      if (run.errors.length) return { status: error(run.errors.join('; ')) };
      // Upstream's scheduler clears the nomination on this answer (nominated node ""); here too.
      await this.clearNomination([pod]);
      return { nominatedNodeName: '', status: unschedulable(preemptionFitMessage(all.length, run.nodeStatuses)) };
    }
    const best = pickCandidate(run.candidates, now);
    if (!best) return { status: unschedulable('no candidate node for preemption') };
    const failed = await this.prepareCandidate(best, pod);
    if (failed) return { status: failed };
    // The pod waits for its victims to leave; no reasons: the cycle's own filter reasons stand.
    return { nominatedNodeName: best.name, status: unschedulable() };
  }

  /** The effects, in upstream's order: victims marked and deleted, events, stale nominations cleared, the preemptor nominated. */
  private async prepareCandidate(c: Candidate, pod: Pod): Promise<Status | undefined> {
    const client = this.handle.client;
    if (!client) return error(`${NAME}: no API client to delete victims with`);
    const schedulerName = pod.spec.schedulerName || 'default-scheduler';
    const waiting = waitingPodsOf(this.handle);
    const results = await Promise.allSettled(
      c.victims.map(async (victim) => {
        // A victim held at Permit is not bound yet: rejecting it frees its room (upstream does the same).
        const held = waiting?.get(victim.metadata.uid ?? '');
        if (held) {
          held.reject(NAME, 'preempted');
          this.handle.event?.(victim, 'Normal', 'Preempted', `Preempted by pod ${pod.metadata.uid} on node ${c.name}`);
          return;
        }
        const { status, changed } = withPodCondition(
          victim.status,
          { type: DISRUPTION_TARGET, status: 'True', reason: PREEMPTION_BY_SCHEDULER, message: `${schedulerName}: preempting to accommodate a higher priority pod` },
          this.handle.now(),
        );
        try {
          // Strategic merge by condition type, as upstream's PatchPodStatus: the kubelet's
          // conditions written since the cache saw the victim are kept.
          const cond = podCondition(status, DISRUPTION_TARGET);
          if (changed) await client.patch(Resources.pods, victim.metadata.namespace, victim.metadata.name!, 'strategic', { status: { conditions: [cond] } }, 'status');
          await client.delete(Resources.pods, victim.metadata.namespace, victim.metadata.name!, { preconditions: { uid: victim.metadata.uid } });
        } catch (e) {
          if (!isNotFound(e)) throw e; // already gone: what preemption wanted
        }
        this.handle.event?.(victim, 'Normal', 'Preempted', `Preempted by pod ${pod.metadata.uid} on node ${c.name}`);
      }),
    );
    const bad = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (bad) return error(`preempting victims on node ${c.name}: ${(bad.reason as Error)?.message ?? String(bad.reason)}`);
    const prio = podPriority(pod);
    const lower = this.handle.nominator.nominatedPodsForNode(c.name).map((pi) => pi.pod).filter((p) => podPriority(p) < prio && p.metadata.uid !== pod.metadata.uid);
    await this.clearNomination(lower);
    if (nominatedNodeOf(pod) !== c.name) {
      try {
        await client.patch(Resources.pods, pod.metadata.namespace, pod.metadata.name!, 'merge', { status: { nominatedNodeName: c.name } }, 'status');
      } catch (e) {
        if (isNotFound(e)) return unschedulable(`pod ${pod.metadata.namespace}/${pod.metadata.name} was deleted`);
        return error(`setting nominatedNodeName: ${(e as Error).message}`);
      }
    }
    return undefined;
  }

  /** ClearNominatedNodeName: best effort, as upstream (a stale nomination only costs room). */
  private async clearNomination(pods: Pod[]): Promise<void> {
    const client = this.handle.client;
    if (!client) return;
    await Promise.allSettled(
      pods.filter((p) => nominatedNodeOf(p)).map((p) => client.patch(Resources.pods, p.metadata.namespace, p.metadata.name!, 'merge', { status: { nominatedNodeName: null } }, 'status')),
    );
  }

  /** A preempting pod waits for its victims to be deleted. */
  eventsToRegister(): ClusterEventWithHint[] {
    return [{ event: { resource: 'Pod', actionType: ActionType.Delete } }];
  }
}

export const plugin: PluginDefinition = {
  name: NAME,
  factory: (args, handle) => new DefaultPreemption(validateArgs(args), handle),
  defaultArgs: () => ({ ...DEFAULT_PREEMPTION_ARGS }),
};
