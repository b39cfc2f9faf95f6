// ensureImage(pod, container): the one call the pod engine makes before CreateContainer. Applies
// the pull policy, pulls through CRI PullImage (from the local registry), records Pulling/Pulled/
// Failed/BackOff events like Kubernetes, and keeps a per-(pod, image) backoff so a missing image
// shows ErrImagePull, then ImagePullBackOff, without blocking other pods.
import type { Container, Pod } from '../../lib/api/types';
import type { EventRecorder } from '../../lib/client/event-recorder';
import { componentLogger } from '../../lib/log';
import type { Image, PodSandboxConfig } from '../cri/types';
import { decidePull, DEFAULT_PULL_BACKOFF, effectivePullPolicy, formatDuration, pullBackoffMs, type PullBackoffPolicy } from './pull-policy';

/** The part of the CRI client the image manager needs (a fake in unit tests). */
export interface ImageRuntime {
  imageStatus(image: string): Promise<Image | undefined>;
  pullImage(image: string, sandboxConfig?: PodSandboxConfig, signal?: AbortSignal): Promise<string>;
}

export type EnsureImageResult =
  | { ok: true; imageRef: string }
  | { ok: false; waitingReason: 'ErrImagePull' | 'ImagePullBackOff' | 'ErrImageNeverPull'; message: string; retryAfterMs?: number };

const log = componentLogger('kubelet', { part: 'images' });

export class ImageManager {
  private readonly failures = new Map<string, { count: number; untilMs: number; message: string }>();
  /** Last time each image (by id) was wanted by a container; the image GC evicts the oldest first. */
  readonly lastUsed = new Map<string, number>();

  constructor(
    private readonly runtime: ImageRuntime,
    private readonly recorder: EventRecorder | undefined,
    private readonly backoff: PullBackoffPolicy = DEFAULT_PULL_BACKOFF,
    private readonly now: () => number = Date.now,
  ) {}

  /** `signal` abandons a pull in flight: no failure, backoff or event is recorded for it. */
  async ensureImage(pod: Pod, container: Container, sandboxConfig?: PodSandboxConfig, signal?: AbortSignal): Promise<EnsureImageResult> {
    const image = container.image;
    const key = `${pod.metadata.uid}/${image}`;
    const policy = effectivePullPolicy(image, container.imagePullPolicy);
    const present = await this.runtime.imageStatus(image);
    const failed = this.failures.get(key);
    const d = decidePull(image, policy, !!present, this.now(), failed?.untilMs);
    const event = (type: 'Normal' | 'Warning', reason: string, message: string) => this.recorder?.event(pod, type, reason, message);
    switch (d.action) {
      case 'use':
        this.lastUsed.set(present!.id, this.now());
        event('Normal', 'Pulled', `Container image "${image}" already present on machine`);
        return { ok: true, imageRef: present!.id };
      case 'never':
        event('Warning', 'ErrImageNeverPull', d.message);
        return { ok: false, waitingReason: 'ErrImageNeverPull', message: d.message };
      case 'backoff':
        event('Normal', 'BackOff', d.message);
        return { ok: false, waitingReason: 'ImagePullBackOff', message: d.message, retryAfterMs: d.retryInMs };
      case 'pull':
        break;
    }
    event('Normal', 'Pulling', `Pulling image "${image}"`);
    const started = this.now();
    try {
      const ref = await this.runtime.pullImage(image, sandboxConfig, signal);
      this.failures.delete(key);
      const after = await this.runtime.imageStatus(image);
      const size = after?.size ?? 0;
      const took = formatDuration(this.now() - started);
      this.lastUsed.set(after?.id ?? ref, this.now());
      event('Normal', 'Pulled', `Successfully pulled image "${image}" in ${took}. Image size: ${size} bytes.`);
      log.info({ image, ref, size, took }, 'image pulled');
      return { ok: true, imageRef: after?.id ?? ref };
    } catch (e) {
      const message = (e as Error).message;
      if (signal?.aborted) {
        log.info({ image, pod: `${pod.metadata.namespace}/${pod.metadata.name}` }, 'image pull abandoned: the pod is terminating');
        return { ok: false, waitingReason: 'ErrImagePull', message: `image pull abandoned: ${message}` };
      }
      // Like Kubernetes, a failed pull fails even when an older copy is present (policy Always).
      const count = (failed?.count ?? 0) + 1;
      const delay = pullBackoffMs(count, this.backoff);
      this.failures.set(key, { count, untilMs: this.now() + delay, message });
      event('Warning', 'Failed', `Failed to pull image "${image}": ${message}`);
      event('Warning', 'Failed', 'Error: ErrImagePull');
      log.warn({ image, err: message, retryInMs: delay }, 'image pull failed');
      return { ok: false, waitingReason: 'ErrImagePull', message, retryAfterMs: delay };
    }
  }

  /** Forgets the backoff state of a pod that is gone. */
  forgetPod(uid: string): void {
    for (const k of this.failures.keys()) if (k.startsWith(`${uid}/`)) this.failures.delete(k);
  }
}
