// The pod network, the doing half. Inside each proxy sync: read the host's addresses, plan
// (plan.ts), bring the VXLAN device, its forwarding entries and neighbours to the plan before the
// routes that use them are written, and afterwards remove a device the plan no longer wants and
// publish this node's VXLAN MAC on its Node (or withdraw it). The routes themselves go through
// the node's route sync with the routing-safety routes (route-plan.ts, node-routes.ts).
import type { Node } from '../../lib/api/types';
import type { Logger } from '../../lib/log';
import type { CommandRunner } from '../exec';
import type { HostRoute, RouteSpec } from '../route-plan';
import { linkMtuOf } from './host-state';
import { podNetworkPlan, type PodNetworkMode, type PodNetworkPlan, type ResolvedMode, type VxlanOptions } from './plan';
import { VxlanDevice } from './vxlan-device';

/** Used when the node's address sits on no link we can see (e.g. only on loopback). */
const DEFAULT_UNDERLAY_MTU = 1500;

export interface PodNetworkOptions {
  run: CommandRunner;
  mode: PodNetworkMode;
  vxlan: VxlanOptions;
  nodeName: string;
  nodeIP: string;
  clusterCIDR: string;
  /** Makes this node's VXLAN MAC annotation say mac (undefined: removes it); a no-op when it does. */
  publishVtepMac?: (mac: string | undefined) => Promise<void>;
  log?: Logger;
}

export interface PreparedPodNetwork {
  plan: PodNetworkPlan;
  /** The routes to other nodes' subnets to sync now. */
  routes: RouteSpec[];
  /** Why the VXLAN device could not be brought to the plan, if it could not. */
  error?: unknown;
}

export class PodNetwork {
  private readonly device: VxlanDevice;
  private mode?: ResolvedMode;
  /** "node\0reason" of the peers left unrouted at the last sync, so each is logged once. */
  private unrouted = new Set<string>();

  constructor(private readonly o: PodNetworkOptions) {
    this.device = new VxlanDevice(o.run, o.vxlan.device, o.log);
  }

  private report(plan: PodNetworkPlan): void {
    if (plan.mode !== this.mode) {
      this.o.log?.info({ mode: plan.mode, configured: this.o.mode, routes: plan.routes.length }, 'pod network mode');
      this.mode = plan.mode;
    }
    const now = new Set(plan.skipped.map((s) => `${s.node}\0${s.reason}`));
    for (const s of plan.skipped) {
      if (!this.unrouted.has(`${s.node}\0${s.reason}`)) this.o.log?.warn({ peer: s.node, reason: s.reason }, 'pod subnet of another node not routed');
    }
    this.unrouted = now;
  }

  /**
   * Plans, and prepares the VXLAN device when the plan has one. Call before the route sync, with
   * the routes it returns: when the device could not be prepared they leave out the tunnel's, so
   * the routing-safety routes still go in (those subnets stay blackholed), and the error comes
   * back for the caller to fail its sync with once the rest is done.
   */
  async prepare(nodes: Node[], hostRoutes: HostRoute[]): Promise<PreparedPodNetwork> {
    const addrs = await this.o.run('ip', ['-j', '-4', 'addr', 'show']);
    const plan = podNetworkPlan({
      mode: this.o.mode,
      nodes,
      nodeName: this.o.nodeName,
      nodeIP: this.o.nodeIP,
      clusterCIDR: this.o.clusterCIDR,
      vxlan: this.o.vxlan,
      hostRoutes,
      underlayMtu: (addrs.code === 0 ? linkMtuOf(addrs.stdout, this.o.nodeIP) : undefined) ?? DEFAULT_UNDERLAY_MTU,
    });
    this.report(plan);
    if (!plan.device) return { plan, routes: plan.routes };
    try {
      await this.device.sync({ device: plan.device, neighbours: plan.neighbours, fdb: plan.fdb });
      return { plan, routes: plan.routes };
    } catch (error) {
      const device = plan.device.name;
      return { plan, routes: plan.routes.filter((r) => r.dev !== device), error };
    }
  }

  /**
   * After the route sync: drops a device the plan does not want, then publishes the MAC — only
   * once the device is ready, so that no node tunnels to us before we can receive.
   */
  async finish(p: PreparedPodNetwork): Promise<void> {
    if (!p.plan.device) await this.device.remove();
    if (p.error === undefined) await this.o.publishVtepMac?.(p.plan.vtepMac);
  }

  /** --cleanup: the VXLAN device (its routes, neighbours and entries go with it). */
  cleanup(): Promise<boolean> {
    return this.device.remove();
  }
}
