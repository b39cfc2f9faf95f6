// NodePorts: a pod's host ports must be free on the node. A port is taken for a protocol and an
// address; 0.0.0.0 (what an unset hostIP means) takes the port on every address, so it clashes
// with any use of the same protocol/port and any address clashes with it. PreFilter collects the
// pod's wanted ports once per cycle and skips the Filter for the (usual) pod that wants none.
import type { Pod } from '../../../lib/api/types';
import { Frozen, type CycleState } from '../../framework/cycle-state';
import { hostPortsOf, type HostPort, type NodeInfo } from '../../framework/node-info';
import { SUCCESS, skip, unschedulable, type Status } from '../../framework/status';
import {
  ActionType,
  type ClusterEventWithHint,
  type EnqueueExtensions,
  type FilterPlugin,
  type PluginDefinition,
  type PreFilterPlugin,
  type PreFilterResult,
  type QueueingHint,
} from '../../framework/types';

export const NAME = 'NodePorts';
export const REASON = "node(s) didn't have free ports for the requested pod ports";
const STATE_KEY = 'PreFilter' + NAME;
const ANY_IP = '0.0.0.0';

/** The host ports the pod wants, with upstream's defaults (no address: 0.0.0.0; no protocol: TCP). */
export const wantedPorts = (pod: Pod): HostPort[] => hostPortsOf(pod).filter((p) => p.port > 0);

/** Whether `want` clashes with a port already in use (upstream's HostPortInfo.CheckConflict). */
export function conflicts(used: readonly HostPort[], want: HostPort): boolean {
  if (want.port <= 0) return false;
  const ip = want.ip || ANY_IP;
  const protocol = want.protocol || 'TCP';
  for (const u of used) {
    if (u.port !== want.port || (u.protocol || 'TCP') !== protocol) continue;
    const uip = u.ip || ANY_IP;
    if (ip === ANY_IP || uip === ANY_IP || uip === ip) return true;
  }
  return false;
}

/** Whether every wanted port is free on the node. */
export const fitsPorts = (wanted: readonly HostPort[], used: readonly HostPort[]): boolean => wanted.every((w) => !conflicts(used, w));

export class NodePorts implements PreFilterPlugin, FilterPlugin, EnqueueExtensions {
  readonly name = NAME;

  preFilter(state: CycleState, pod: Pod, _nodes?: NodeInfo[]): { result?: PreFilterResult; status: Status } {
    const wanted = wantedPorts(pod);
    if (wanted.length === 0) return { status: skip() };
    state.write(STATE_KEY, new Frozen(wanted));
    return { status: SUCCESS };
  }

  filter(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status {
    // Without PreFilter's state (a caller running Filter alone) the ports are read from the pod.
    const wanted = state.read<Frozen<HostPort[]>>(STATE_KEY)?.value ?? wantedPorts(pod);
    return fitsPorts(wanted, nodeInfo.usedPorts) ? SUCCESS : unschedulable(REASON);
  }

  eventsToRegister(): ClusterEventWithHint[] {
    return [
      { event: { resource: 'Pod', actionType: ActionType.Delete }, hint: isSchedulableAfterPodDeleted },
      { event: { resource: 'Node', actionType: ActionType.Add | ActionType.Update } },
    ];
  }
}

/** A deleted pod frees ports only if it was bound and held one the pod wants. */
export function isSchedulableAfterPodDeleted(pod: Pod, oldObj: unknown): QueueingHint {
  const deleted = oldObj as Pod | undefined;
  if (!deleted?.spec) return 'Queue';
  if (!deleted.spec.nodeName) return 'QueueSkip';
  const freed = wantedPorts(deleted);
  return wantedPorts(pod).some((w) => conflicts(freed, w)) ? 'Queue' : 'QueueSkip';
}

export const plugin: PluginDefinition = { name: NAME, factory: () => new NodePorts() };
