// The typed client every k8ts component talks to the apiserver through. One interface; the gRPC
// implementation lives in grpc-client.ts, and unit tests use in-memory fakes of it.
import type { KList, KObject } from '../api/types';
import type { ResourceType } from '../api/resources';

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  /** 'Exact' (the state at resourceVersion) or 'NotOlderThan'; needs resourceVersion. */
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
  limit?: number;
  continueToken?: string;
}

export interface WatchOptions {
  labelSelector?: string;
  fieldSelector?: string;
  /** Watch changes after this revision (usually the list's resourceVersion). */
  resourceVersion?: string;
  allowBookmarks?: boolean;
  /**
   * Streaming list: true starts with the current objects as ADDED, then a BOOKMARK annotated
   * k8s.io/initial-events-end (when allowBookmarks), then changes. Needs resourceVersionMatch.
   */
  sendInitialEvents?: boolean;
  /** 'NotOlderThan' beside sendInitialEvents (anything else is refused with 422). */
  resourceVersionMatch?: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent<T extends KObject = KObject> {
  type: WatchEventType;
  object: T;
}

/** A running watch: events arrive through the callbacks until stop() or the stream ends. */
export interface WatchHandle {
  stop(): void;
}

export interface WatchCallbacks<T extends KObject> {
  onEvent(ev: WatchEvent<T>): void;
  /** Called once when the stream ends, with the error if it failed (ApiError for Status errors). */
  onClose(err?: Error): void;
}

export interface DeleteOptions {
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
}

/** One resource the apiserver serves, from its kind registry (discovery). */
export interface ServedResource extends ResourceType {
  verbs: string[];
  subresources: string[];
}

export interface ApiClient {
  /** Every served resource; optional so that in-memory fakes need not serve it. */
  discover?(): Promise<ServedResource[]>;
  /** subresource: 'scale' reads a workload's autoscaling/v1 Scale (the HPA controller). */
  get<T extends KObject = KObject>(rt: ResourceType, namespace: string | undefined, name: string, subresource?: string): Promise<T>;
  list<T extends KObject = KObject>(rt: ResourceType, namespace?: string, opts?: ListOptions): Promise<KList<T>>;
  create<T extends KObject = KObject>(rt: ResourceType, obj: T, subresource?: string): Promise<T>;
  update<T extends KObject = KObject>(rt: ResourceType, obj: T): Promise<T>;
  updateStatus<T extends KObject = KObject>(rt: ResourceType, obj: T): Promise<T>;
  patch<T extends KObject = KObject>(
    rt: ResourceType,
    namespace: string | undefined,
    name: string,
    patchType: 'merge' | 'json' | 'strategic',
    patch: unknown,
    subresource?: string,
  ): Promise<T>;
  delete(rt: ResourceType, namespace: string | undefined, name: string, opts?: DeleteOptions): Promise<void>;
  watch<T extends KObject = KObject>(
    rt: ResourceType,
    namespace: string | undefined,
    opts: WatchOptions,
    cb: WatchCallbacks<T>,
  ): WatchHandle;
  close(): void;
}
