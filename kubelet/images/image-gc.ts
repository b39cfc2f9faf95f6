// Image garbage collection: when the image filesystem is fuller than the high threshold, remove
// unused images, least recently used first, until usage is under the low threshold. The plan is a
// pure function; ImageGc applies it through CRI RemoveImage.
import * as fs from 'node:fs';
import { componentLogger } from '../../lib/log';
import type { Image } from '../cri/types';

export interface ImageGcPolicy {
  highThresholdPercent: number;
  lowThresholdPercent: number;
  /** Images first seen more recently than this are kept (they may be about to be used). */
  minAgeMs: number;
}

export const DEFAULT_IMAGE_GC: ImageGcPolicy = { highThresholdPercent: 85, lowThresholdPercent: 80, minAgeMs: 120_000 };

export interface ImageGcInputs {
  images: Image[];
  /** Image ids (or refs/tags) that any container, running or not, uses. */
  inUse: Set<string>;
  /** Never removed: the sandbox (pause) image, by tag. */
  protectedTags: Set<string>;
  /** When each image id was last used (or first seen). */
  lastUsed: Map<string, number>;
  capacityBytes: number;
  availableBytes: number;
  nowMs: number;
}

export interface ImageGcPlan {
  usagePercent: number;
  bytesToFree: number;
  remove: Image[];
}

export class ImageGcPolicyError extends Error {
  readonly code = 'IMAGE_GC_POLICY_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'ImageGcPolicyError';
  }
}

export function validateGcPolicy(p: ImageGcPolicy): void {
  if (p.highThresholdPercent < 0 || p.highThresholdPercent > 100) throw new ImageGcPolicyError(`--image-gc-high-threshold must be within [0, 100], got ${p.highThresholdPercent}`);
  if (p.lowThresholdPercent < 0 || p.lowThresholdPercent > 100) throw new ImageGcPolicyError(`--image-gc-low-threshold must be within [0, 100], got ${p.lowThresholdPercent}`);
  if (p.lowThresholdPercent > p.highThresholdPercent) throw new ImageGcPolicyError('--image-gc-low-threshold must not exceed --image-gc-high-threshold');
}

const used = (img: Image, inUse: Set<string>) => inUse.has(img.id) || img.repoTags.some((t) => inUse.has(t)) || img.repoDigests.some((d) => inUse.has(d));

/** Pure: which images to remove now (empty when under the high threshold). */
export function planImageGc(i: ImageGcInputs, p: ImageGcPolicy = DEFAULT_IMAGE_GC): ImageGcPlan {
  const usage = i.capacityBytes - i.availableBytes;
  const usagePercent = i.capacityBytes > 0 ? Math.floor((usage * 100) / i.capacityBytes) : 0;
  if (usagePercent < p.highThresholdPercent) return { usagePercent, bytesToFree: 0, remove: [] };
  const bytesToFree = usage - Math.floor((p.lowThresholdPercent * i.capacityBytes) / 100);
  const candidates = i.images
    .filter((img) => !img.pinned && !used(img, i.inUse) && !img.repoTags.some((t) => i.protectedTags.has(t)))
    .filter((img) => i.nowMs - (i.lastUsed.get(img.id) ?? 0) >= p.minAgeMs)
    .sort((a, b) => (i.lastUsed.get(a.id) ?? 0) - (i.lastUsed.get(b.id) ?? 0) || a.id.localeCompare(b.id));
  const remove: Image[] = [];
  let freed = 0;
  for (const img of candidates) {
    if (freed >= bytesToFree) break;
    remove.push(img);
    freed += img.size;
  }
  return { usagePercent, bytesToFree, remove };
}

export interface GcRuntime {
  listImages(): Promise<Image[]>;
  listContainers(): Promise<{ imageRef: string; image?: { image: string } }[]>;
  removeImage(image: string): Promise<void>;
}

/** Capacity and free space of the filesystem holding path. */
export function fsUsage(path: string): { capacityBytes: number; availableBytes: number } {
  const s = fs.statfsSync(path);
  return { capacityBytes: s.blocks * s.bsize, availableBytes: s.bavail * s.bsize };
}

const log = componentLogger('kubelet', { part: 'image-gc' });

export class ImageGc {
  /** Images never seen before count as used when first seen, so new images survive minAge. */
  private readonly firstSeen = new Map<string, number>();

  constructor(
    private readonly runtime: GcRuntime,
    private readonly opts: { imageFsPath: string; sandboxImage: string; lastUsed: Map<string, number>; policy?: ImageGcPolicy; usage?: () => { capacityBytes: number; availableBytes: number } },
  ) {
    validateGcPolicy(opts.policy ?? DEFAULT_IMAGE_GC);
  }

  /** One pass: returns the ids removed. */
  async run(nowMs = Date.now()): Promise<string[]> {
    const images = await this.runtime.listImages();
    const containers = await this.runtime.listContainers();
    const inUse = new Set<string>();
    for (const c of containers) {
      if (c.imageRef) inUse.add(c.imageRef);
      if (c.image?.image) inUse.add(c.image.image);
    }
    for (const img of images) {
      if (!this.firstSeen.has(img.id)) this.firstSeen.set(img.id, nowMs);
      if (used(img, inUse)) this.opts.lastUsed.set(img.id, nowMs);
    }
    const lastUsed = new Map<string, number>();
    for (const img of images) lastUsed.set(img.id, Math.max(this.opts.lastUsed.get(img.id) ?? 0, this.firstSeen.get(img.id) ?? 0));
    const sandbox = this.opts.sandboxImage;
    const protectedTags = new Set([sandbox, sandbox.startsWith('docker.io/') ? sandbox : `docker.io/${sandbox}`]);
    const plan = planImageGc({ images, inUse, protectedTags, lastUsed, nowMs, ...(this.opts.usage ?? (() => fsUsage(this.opts.imageFsPath)))() }, this.opts.policy);
    const removed: string[] = [];
    for (const img of plan.remove) {
      try {
        await this.runtime.removeImage(img.id);
        removed.push(img.id);
        this.firstSeen.delete(img.id);
        this.opts.lastUsed.delete(img.id);
      } catch (e) {
        log.warn({ image: img.id, err: (e as Error).message }, 'image removal failed');
      }
    }
    if (plan.remove.length) log.info({ usagePercent: plan.usagePercent, bytesToFree: plan.bytesToFree, removed }, 'image garbage collection');
    return removed;
  }
}
