// Zone health, as upstream's node-lifecycle controller judges it before tainting nodes NoExecute
// (which evicts their pods): a zone with no Ready node is fully disrupted, one where at least
// --unhealthy-zone-threshold of more than two nodes are not Ready is partially disrupted. The rate
// at which a zone's nodes are tainted follows its state, and when every zone is fully disrupted
// nothing is tainted at all (the problem is more likely the control plane's than the nodes').
// Pure: the controller applies the plan.
import type { Node } from '../../lib/api/types';

export type ZoneState = 'Initial' | 'Normal' | 'PartialDisruption' | 'FullDisruption';

export interface DisruptionParams {
  /** --node-eviction-rate: nodes tainted per second in a healthy zone. */
  evictionQps: number;
  /** --secondary-node-eviction-rate: the rate in a partially disrupted zone of a large cluster. */
  secondaryEvictionQps: number;
  /** --large-cluster-size-threshold: zones with more nodes than this are large. */
  largeClusterThreshold: number;
  /** --unhealthy-zone-threshold: the fraction of not-Ready nodes that makes a zone partially disrupted. */
  unhealthyZoneThreshold: number;
}

export const DEFAULT_DISRUPTION_PARAMS: DisruptionParams = { evictionQps: 0.1, secondaryEvictionQps: 0.01, largeClusterThreshold: 50, unhealthyZoneThreshold: 0.55 };

/** Nodes with this label are left out of zone health (isNodeExcludedFromDisruptionChecks). */
export const EXCLUDE_DISRUPTION_LABEL = 'node.kubernetes.io/exclude-disruption';

/** GetZoneKey: region and zone from the topology labels (the beta ones as fallback); '' for neither. */
export function zoneKey(node: Node): string {
  const l = node.metadata.labels ?? {};
  const zone = l['topology.kubernetes.io/zone'] ?? l['failure-domain.beta.kubernetes.io/zone'] ?? '';
  const region = l['topology.kubernetes.io/region'] ?? l['failure-domain.beta.kubernetes.io/region'] ?? '';
  if (!region && !zone) return '';
  // A NUL between them, so that a colon inside either cannot make two zones one.
  return `${region}:\u0000:${zone}`;
}

/** ComputeZoneState over the Ready statuses of a zone's nodes (undefined: the node has none). */
export function computeZoneState(ready: (string | undefined)[], threshold: number): { notReady: number; state: ZoneState } {
  const readyCount = ready.filter((s) => s === 'True').length;
  const notReady = ready.length - readyCount;
  if (readyCount === 0 && notReady > 0) return { notReady, state: 'FullDisruption' };
  if (notReady > 2 && notReady / (notReady + readyCount) >= threshold) return { notReady, state: 'PartialDisruption' };
  return { notReady, state: 'Normal' };
}

/** setLimiterInZone: the tainting rate of a zone in a state. */
export function zoneRate(state: ZoneState, zoneSize: number, p: DisruptionParams): number {
  switch (state) {
    case 'PartialDisruption':
      return zoneSize > p.largeClusterThreshold ? p.secondaryEvictionQps : 0;
    case 'Normal':
    case 'FullDisruption':
      return p.evictionQps;
    default:
      return p.evictionQps;
  }
}

export interface DisruptionPlan {
  /** The zones' states from now on. */
  states: Map<string, ZoneState>;
  /** New tainting rates of the zones whose rate changes. */
  rates: Map<string, number>;
  /** Every zone just became fully disrupted: remove the NoExecute taints of every node. */
  enterFullDisruption: boolean;
  /** Some zone recovered after all were fully disrupted: give every node a fresh grace period. */
  exitFullDisruption: boolean;
}

/** handleDisruption: zones' new states and rates, from their previous states and their nodes' Ready statuses. */
export function planDisruption(previous: Map<string, ZoneState>, zones: Map<string, (string | undefined)[]>, p: DisruptionParams): DisruptionPlan {
  const fresh = new Map<string, ZoneState>();
  let allAreFull = true;
  for (const [zone, ready] of zones) {
    const { state } = computeZoneState(ready, p.unhealthyZoneThreshold);
    if (state !== 'FullDisruption') allAreFull = false;
    fresh.set(zone, state);
  }
  // The previous states of the zones that still exist, unseen ones starting Initial.
  const prev = new Map<string, ZoneState>();
  for (const zone of zones.keys()) prev.set(zone, previous.get(zone) ?? 'Initial');
  const allWereFull = [...prev.values()].every((s) => s === 'FullDisruption');
  const plan: DisruptionPlan = { states: new Map(prev), rates: new Map(), enterFullDisruption: false, exitFullDisruption: false };
  if (allAreFull && allWereFull) return plan;
  if (allAreFull) {
    for (const zone of prev.keys()) {
      plan.rates.set(zone, 0);
      plan.states.set(zone, 'FullDisruption');
    }
    plan.enterFullDisruption = true;
    return plan;
  }
  plan.exitFullDisruption = allWereFull;
  for (const [zone, was] of prev) {
    const now = fresh.get(zone)!;
    if (!allWereFull && was === now) continue;
    plan.rates.set(zone, zoneRate(now, zones.get(zone)!.length, p));
    plan.states.set(zone, now);
  }
  return plan;
}
