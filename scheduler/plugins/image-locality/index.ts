// ImageLocality: prefers nodes that already hold the pod's images, so it starts without pulling.
// Each image present counts its size scaled by the share of nodes that have it (an image on every
// node says nothing about this one, and favouring it would pile pods onto the few nodes holding a
// rare image); the sum is clamped between 23 MB and 1000 MB per container and mapped onto 0..100.
import type { Node, Pod } from '../../../lib/api/types';
import type { CycleState } from '../../framework/cycle-state';
import { skip, SUCCESS, type Status } from '../../framework/status';
import type { NodeInfo } from '../../framework/node-info';
import { MAX_NODE_SCORE, type Handle, type PluginDefinition, type PreScorePlugin, type ScorePlugin } from '../../framework/types';
import { normalizeImageName } from './image-name';

export const NAME = 'ImageLocality';
const MB = 1024 * 1024;
export const MIN_THRESHOLD = 23 * MB;
export const MAX_CONTAINER_THRESHOLD = 1000 * MB;

interface ImageState {
  size: number;
  /** The names the node reports for it (the snapshot may count nodes by any of them). */
  names: string[];
}

// Parsed once per Node object: the cache replaces the object when the node changes.
const imagesCache = new WeakMap<Node, Map<string, ImageState>>();

/** The node's images by normalized name. */
export function nodeImages(node: Node): Map<string, ImageState> {
  let m = imagesCache.get(node);
  if (m) return m;
  m = new Map();
  const list = node.status?.images;
  for (const img of Array.isArray(list) ? list : []) {
    if (!img || !Array.isArray(img.names)) continue;
    const state: ImageState = { size: typeof img.sizeBytes === 'number' && img.sizeBytes > 0 ? img.sizeBytes : 0, names: img.names };
    for (const n of img.names) if (typeof n === 'string' && n) m.set(normalizeImageName(n), state);
  }
  imagesCache.set(node, m);
  return m;
}

/** The sum mapped onto 0..100: below the minimum is 0, at the per-container maximum is 100. */
export function imageScore(sum: number, containers: number): number {
  const max = MAX_CONTAINER_THRESHOLD * containers;
  const clamped = Math.min(Math.max(sum, MIN_THRESHOLD), max);
  if (max <= MIN_THRESHOLD) return 0;
  return Math.trunc((MAX_NODE_SCORE * (clamped - MIN_THRESHOLD)) / (max - MIN_THRESHOLD));
}

export class ImageLocality implements PreScorePlugin, ScorePlugin {
  readonly name = NAME;
  constructor(private readonly handle: Handle) {}

  /** Skip when no node holds any of the pod's images: every node would score 0. */
  preScore(_state: CycleState, pod: Pod): Status {
    const snapshot = this.handle.snapshot();
    const containers = [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? [])];
    const present = containers.some((c) => typeof c?.image === 'string' && snapshot.imageNumNodes(normalizeImageName(c.image)) > 0);
    if (!present) return skip();
    return SUCCESS;
  }

  score(_state: CycleState, pod: Pod, nodeInfo: NodeInfo): number {
    const snapshot = this.handle.snapshot();
    const total = snapshot.list().length;
    const images = nodeImages(nodeInfo.node);
    const containers = [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? [])];
    let sum = 0;
    if (total > 0 && images.size > 0) {
      for (const c of containers) {
        const name = typeof c?.image === 'string' ? normalizeImageName(c.image) : '';
        const state = name ? images.get(name) : undefined;
        if (!state) continue;
        // This node has it, so at least one node does, whichever name the snapshot counts by.
        let numNodes = snapshot.imageNumNodes(name);
        for (const raw of state.names) if (numNodes === 0) numNodes = snapshot.imageNumNodes(raw);
        sum += Math.trunc(state.size * (Math.max(numNodes, 1) / total));
      }
    }
    return imageScore(sum, containers.length);
  }
}

export const plugin: PluginDefinition = { name: NAME, factory: (_args, handle) => new ImageLocality(handle) };
