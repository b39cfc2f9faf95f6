// The snapshot one scheduling cycle reads: NodeInfo copies that do not change while the cycle
// runs, listed with zones interleaved (upstream's nodeTree) so that searching only a share of the
// nodes still spreads across zones. The cache refreshes it incrementally before every cycle.
import type { NodeInfo } from '../framework/node-info';
import type { SharedLister } from '../framework/types';
import { normalizeImageName } from '../plugins/image-locality/image-name';

export class Snapshot implements SharedLister {
  /** The highest NodeInfo generation copied in. */
  generation = 0;
  readonly nodeInfoMap = new Map<string, NodeInfo>();
  nodeInfoList: NodeInfo[] = [];
  /** name → index in nodeInfoList, so a changed NodeInfo is replaced in place. */
  position = new Map<string, number>();
  withAffinity: NodeInfo[] = [];
  withRequiredAntiAffinity: NodeInfo[] = [];
  images = new Map<string, number>();

  list(): NodeInfo[] {
    return this.nodeInfoList;
  }

  get(name: string): NodeInfo | undefined {
    return this.nodeInfoMap.get(name);
  }

  havePodsWithAffinityList(): NodeInfo[] {
    return this.withAffinity;
  }

  havePodsWithRequiredAntiAffinityList(): NodeInfo[] {
    return this.withRequiredAntiAffinity;
  }

  imageNumNodes(image: string): number {
    return this.images.get(image) ?? 0;
  }

  numNodes(): number {
    return this.nodeInfoList.length;
  }
}

export const ZONE_LABEL = 'topology.kubernetes.io/zone';
export const REGION_LABEL = 'topology.kubernetes.io/region';

/** region:zone of a node ("" when it has neither label). */
export function zoneKey(info: NodeInfo): string {
  const l = info.node.metadata.labels ?? {};
  const region = l[REGION_LABEL] ?? '';
  const zone = l[ZONE_LABEL] ?? '';
  return region || zone ? `${region}:\x00:${zone}` : '';
}

/** Node names in upstream's nodeTree order: one node from each zone in turn. */
export function interleaveZones(names: string[], zoneOf: (name: string) => string): string[] {
  const zones = new Map<string, string[]>();
  for (const n of names) {
    const z = zoneOf(n);
    let l = zones.get(z);
    if (!l) zones.set(z, (l = []));
    l.push(n);
  }
  if (zones.size <= 1) return names;
  const lists = [...zones.values()];
  const out: string[] = [];
  for (let i = 0; out.length < names.length; i++) for (const l of lists) if (i < l.length) out.push(l[i]);
  return out;
}

/** The image names a node reports (normalized as ImageLocality compares them), each counted once. */
export function nodeImages(info: NodeInfo): string[] {
  const out = new Set<string>();
  for (const img of (info.node.status as { images?: { names?: string[] }[] } | undefined)?.images ?? []) for (const n of img?.names ?? []) if (typeof n === 'string' && n) out.add(normalizeImageName(n));
  return [...out];
}
