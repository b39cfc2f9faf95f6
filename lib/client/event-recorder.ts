// Records core/v1 Events about objects so `kubectl describe` tells the story. Repeats of the same
// (object, type, reason, message) within the aggregation window bump count/lastTimestamp on the
// existing Event instead of creating a new one. Fire-and-forget: recording never blocks or throws.
import { randomBytes } from 'node:crypto';
import type { KEvent, KObject } from '../api/types';
import { Resources } from '../api/resources';
import type { ApiClient } from './api-client';
import { componentLogger } from '../log';

const AGGREGATE_WINDOW_MS = 10 * 60 * 1000;
const MAX_TRACKED = 4096;

interface Tracked {
  name: string;
  namespace: string;
  count: number;
  firstTimestamp: string;
  at: number;
}

export class EventRecorder {
  private readonly seen = new Map<string, Tracked>();
  private readonly log;

  constructor(
    private readonly client: ApiClient,
    private readonly source: { component: string; host?: string },
  ) {
    this.log = componentLogger('event-recorder', { source: source.component });
  }

  event(obj: KObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    void this.record(obj, type, reason, message).catch((err) =>
      this.log.debug({ err: (err as Error).message, reason }, 'event not recorded'),
    );
  }

  private async record(obj: KObject, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
    const namespace = obj.metadata.namespace || 'default';
    const key = [obj.kind, namespace, obj.metadata.name, obj.metadata.uid, type, reason, message].join('\u0000');
    const now = new Date();
    const prev = this.seen.get(key);
    if (prev && now.getTime() - prev.at < AGGREGATE_WINDOW_MS) {
      prev.count++;
      prev.at = now.getTime();
      try {
        await this.client.patch(Resources.events, prev.namespace, prev.name, 'merge', {
          count: prev.count,
          lastTimestamp: now.toISOString(),
        });
        return;
      } catch {
        this.seen.delete(key); // the Event expired or was removed: record it afresh
      }
    }
    const name = `${obj.metadata.name}.${now.getTime().toString(16)}${randomBytes(2).toString('hex')}`;
    const ev: KEvent = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: {
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        namespace: obj.metadata.namespace,
        name: obj.metadata.name,
        uid: obj.metadata.uid,
        resourceVersion: obj.metadata.resourceVersion,
      },
      reason,
      message,
      type,
      count: 1,
      firstTimestamp: now.toISOString(),
      lastTimestamp: now.toISOString(),
      source: { component: this.source.component, host: this.source.host },
      reportingComponent: this.source.component,
      reportingInstance: this.source.host ?? '',
    } as KEvent;
    await this.client.create(Resources.events, ev);
    if (this.seen.size >= MAX_TRACKED) this.seen.delete(this.seen.keys().next().value!);
    this.seen.set(key, { name, namespace, count: 1, firstTimestamp: ev.firstTimestamp!, at: now.getTime() });
  }
}
