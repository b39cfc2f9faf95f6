// NodeResourcesBalancedAllocation: prefers nodes whose resources would be used in equal shares
// after placing the pod — a node left with all its memory and none of its cpu is wasted. The score
// is (1 − the standard deviation of the used fractions) × 100, from actual requests (not the
// scoring defaults), so a pod that requests nothing is skipped.
import type { Pod } from '../../../lib/api/types';
import { Frozen, type CycleState } from '../../framework/cycle-state';
import type { NodeInfo } from '../../framework/node-info';
import { SUCCESS, skip, type Status } from '../../framework/status';
import { MAX_NODE_SCORE, PluginArgsError, type PluginDefinition, type PreScorePlugin, type ScorePlugin } from '../../framework/types';
import { checkResources, defaultResources } from '../node-resources-fit/args';
import { allocationVectors, podRequestList, type AllocationVectors, type ResourceSpec } from '../node-resources-fit/resource-allocation';

export const NAME = 'NodeResourcesBalancedAllocation';
const PRESCORE_KEY = 'PreScore' + NAME;

export interface NodeResourcesBalancedAllocationArgs {
  resources: ResourceSpec[];
}

export const defaultBalancedArgs = (): NodeResourcesBalancedAllocationArgs => ({ resources: defaultResources() });

/** Weights mean nothing to a standard deviation, so each must be 1 (0 defaults to 1). */
export function validateBalancedArgs(plugin: string, raw: unknown): NodeResourcesBalancedAllocationArgs {
  const problems: string[] = [];
  const a = raw && typeof raw === 'object' ? (raw as { resources?: unknown }) : {};
  let resources = checkResources(a.resources, 'resources', problems, (w) => (w !== 1 ? 'must be 1' : undefined));
  if (problems.length) throw new PluginArgsError(plugin, problems.join('; '));
  if (resources.length === 0) resources = defaultResources();
  return { resources };
}

/** (1 − std of the used fractions, each capped at 1) × 100, truncated; resources the node lacks are left out. */
export function balancedScore(requested: readonly number[], allocatable: readonly number[]): number {
  const fractions: number[] = [];
  let total = 0;
  for (let i = 0; i < requested.length; i++) {
    if (allocatable[i] === 0) continue;
    const f = Math.min(requested[i] / allocatable[i], 1);
    fractions.push(f);
    total += f;
  }
  let std = 0;
  if (fractions.length === 2) {
    // Two resources: the population std is half their difference (cheaper, and upstream's exact value).
    std = Math.abs((fractions[0] - fractions[1]) / 2);
  } else if (fractions.length > 2) {
    const mean = total / fractions.length;
    let sum = 0;
    for (const f of fractions) sum += (f - mean) * (f - mean);
    std = Math.sqrt(sum / fractions.length);
  }
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}

export class NodeResourcesBalancedAllocation implements PreScorePlugin, ScorePlugin {
  readonly name = NAME;
  readonly resources: ResourceSpec[];

  /** Reused for every node of a cycle: Score runs synchronously, node after node. */
  private readonly vectors: AllocationVectors;

  constructor(args: NodeResourcesBalancedAllocationArgs = defaultBalancedArgs()) {
    this.resources = args.resources;
    this.vectors = { requested: new Array<number>(this.resources.length).fill(0), allocatable: new Array<number>(this.resources.length).fill(0) };
  }

  preScore(state: CycleState, pod: Pod, _nodes?: NodeInfo[]): Status {
    const want = podRequestList(pod, this.resources, false);
    // A pod that requests none of the resources cannot change any node's balance.
    if (want.every((w) => w === 0)) return skip();
    state.write(PRESCORE_KEY, new Frozen(want));
    return SUCCESS;
  }

  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number {
    const want = state.read<Frozen<number[]>>(PRESCORE_KEY)?.value ?? podRequestList(pod, this.resources, false);
    const { requested, allocatable } = allocationVectors(nodeInfo, this.resources, want, true, this.vectors);
    return balancedScore(requested, allocatable);
  }
}

export const plugin: PluginDefinition = {
  name: NAME,
  factory: (args) => new NodeResourcesBalancedAllocation(validateBalancedArgs(NAME, args)),
  defaultArgs: () => defaultBalancedArgs(),
};
