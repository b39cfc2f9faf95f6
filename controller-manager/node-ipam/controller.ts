// node-ipam: gives each node without one the next free /N of the cluster CIDR as spec.podCIDR.
// The allocation state is the set of podCIDRs on existing nodes (plus this process's in-flight
// grants), so a restart loses nothing. One worker keeps allocations sequential.
import type { Node } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import type { ApiClient } from '../../lib/client/api-client';
import type { Informer } from '../../lib/client/informer';
import { WorkQueue, keyOf } from '../../lib/client/workqueue';
import type { EventRecorder } from '../../lib/client/event-recorder';
import { isNotFound } from '../../lib/errors';
import { componentLogger } from '../../lib/log';
import { nextFreeSubnet } from './cidr';

export class NodeIpamController {
  private readonly log = componentLogger('node-ipam-controller');
  private readonly queue = new WorkQueue({ name: 'node-ipam' });
  /** Granted but maybe not yet visible in the informer: node name → cidr. */
  private readonly pending = new Map<string, string>();

  constructor(
    private readonly client: ApiClient,
    private readonly nodes: Informer<Node>,
    private readonly recorder: EventRecorder,
    private readonly clusterCidr: string,
    private readonly maskSize: number,
  ) {}

  start(): void {
    this.nodes.addHandler({
      onAdd: (n) => this.queue.add(keyOf(n)),
      onUpdate: (_o, n) => this.queue.add(keyOf(n)),
      onDelete: (n) => this.pending.delete(n.metadata.name!),
    });
    this.queue.run(1, (k) => this.reconcile(k));
  }

  stop(): Promise<void> {
    return this.queue.shutdown();
  }

  async reconcile(name: string): Promise<void> {
    const node = this.nodes.get(undefined, name);
    if (!node) return;
    if (node.spec?.podCIDR) {
      this.pending.delete(name);
      return;
    }
    const used = new Set<string>();
    for (const n of this.nodes.list()) for (const c of [n.spec?.podCIDR, ...(n.spec?.podCIDRs ?? [])]) if (c) used.add(c);
    for (const [n, c] of this.pending) if (n !== name) used.add(c);
    const cidr = this.pending.get(name) ?? nextFreeSubnet(this.clusterCidr, this.maskSize, used);
    if (!cidr) {
      this.recorder.event(node, 'Warning', 'CIDRNotAvailable', `Node ${name} status is now: CIDRNotAvailable`);
      throw new Error(`no free /${this.maskSize} left in ${this.clusterCidr} for node ${name}`);
    }
    this.pending.set(name, cidr);
    try {
      // resourceVersion makes this a compare-and-swap: a concurrent writer makes us re-read.
      await this.client.patch(Resources.nodes, undefined, name, 'merge', {
        metadata: { resourceVersion: node.metadata.resourceVersion },
        spec: { podCIDR: cidr, podCIDRs: [cidr] },
      });
    } catch (err) {
      this.pending.delete(name);
      if (isNotFound(err)) return;
      throw err;
    }
    this.log.info({ node: name, podCIDR: cidr }, 'allocated pod cidr');
    this.recorder.event(node, 'Normal', 'CIDRAssignmentSucceeded', `Node ${name} assigned pod CIDR ${cidr}`);
  }
}
