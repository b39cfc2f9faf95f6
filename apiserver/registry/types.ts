// The contract between the apiserver's doors (REST in apiserver/rest, gRPC in apiserver/grpc) and
// its one generic registry (apiserver/registry). No behaviour lives in a transport: both doors
// resolve a ResourceDef and call Registry methods, and turn thrown ApiErrors into Status responses.
import type { KList, KObject } from '../../lib/api/types';

export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format?: string;
  description?: string;
  /** 0 = shown by default, 1 = shown with -o wide. */
  priority: number;
}

export interface ResourceDef {
  group: string;              // '' for core
  version: string;            // 'v1'
  apiVersion: string;         // 'v1' or 'apps/v1'
  kind: string;               // 'Pod'
  listKind: string;           // 'PodList'
  resource: string;           // 'pods'
  singular: string;           // 'pod'
  shortNames: string[];
  categories: string[];       // e.g. ['all']
  namespaced: boolean;
  verbs: string[];            // create, delete, deletecollection, get, list, patch, update, watch
  subresources: string[];     // 'status', 'scale', 'binding', ...
  printerColumns: PrinterColumn[];
  /** Row cells for a Table, same order as printerColumns (name first). */
  printRow(obj: KObject): unknown[];
  /** Field selector keys accepted besides metadata.name / metadata.namespace. */
  fieldSelectors: Record<string, (obj: KObject) => string | undefined>;
  /** Set on a version served by conversion: the apiVersion its objects are stored as. */
  storedAs?: string;
}

export interface ListQuery {
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  /** 'Exact' | 'NotOlderThan' (anything else is refused); needs resourceVersion. */
  resourceVersionMatch?: string;
  limit?: number;
  continueToken?: string;
  /** Only watches take it: a list that carries it is refused with 422, as Kubernetes does. */
  sendInitialEvents?: boolean;
}

export interface WatchQuery {
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  allowBookmarks?: boolean;
  /**
   * Streaming lists (WatchList): undefined when not sent. true starts the stream with the current
   * objects as ADDED and a BOOKMARK annotated k8s.io/initial-events-end; needs resourceVersionMatch.
   */
  sendInitialEvents?: boolean;
  /** Only 'NotOlderThan', and only beside sendInitialEvents (else 422). */
  resourceVersionMatch?: string;
}

/** The authenticated caller, as Kubernetes' user.Info. */
export interface UserInfo {
  name: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

export interface WriteOptions {
  dryRun?: boolean;
  /** 'status', 'scale', 'binding' or undefined for the main resource. */
  subresource?: string;
  /** Authenticated user name, for managedFields/events later. */
  user?: string;
  /** The authenticated caller in full (CertificateSigningRequests record who asked). */
  userInfo?: UserInfo;
  /**
   * PATCH only: sees the patched object (and what it was patched from) before it is validated and
   * stored, on every attempt; the REST door applies fieldValidation here. It may throw or edit it.
   */
  checkPatched?: (patched: KObject, original: KObject) => void;
}

export type PatchType = 'merge' | 'json' | 'strategic';

export interface DeleteQuery {
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
  /**
   * DeleteOptions' KEP-3926 switch: delete a stored object that cannot be decoded. Refused (422) on
   * an object that decodes; a corrupt object is deleted by a plain DELETE as well.
   */
  ignoreStoreReadErrorWithClusterBreakingPotential?: boolean;
}

export interface WatchSink {
  /** type: ADDED | MODIFIED | DELETED | BOOKMARK | ERROR (ERROR carries a Status object). */
  send(type: string, object: KObject | Record<string, unknown>): void;
  /** The watch ended on the server side (error already sent as an ERROR event where relevant). */
  end(): void;
}

export interface WatchStop {
  stop(): void;
}

export interface Registry {
  /** Every served resource, for discovery and OpenAPI. */
  all(): ResourceDef[];
  /** Finds a resource by group/version and plural (or short name / singular for the CLI). */
  resolve(apiVersion: string, resource: string): ResourceDef | undefined;

  get(def: ResourceDef, namespace: string | undefined, name: string, subresource?: string): Promise<KObject>;
  list(def: ResourceDef, namespace: string | undefined, q: ListQuery): Promise<KList>;
  /** For subresource 'binding', name is the pod and obj the Binding. */
  create(def: ResourceDef, namespace: string | undefined, obj: KObject, opts: WriteOptions & { name?: string }): Promise<KObject>;
  update(def: ResourceDef, namespace: string | undefined, name: string, obj: KObject, opts: WriteOptions): Promise<KObject>;
  patch(
    def: ResourceDef,
    namespace: string | undefined,
    name: string,
    type: PatchType,
    patch: unknown,
    opts: WriteOptions,
  ): Promise<KObject>;
  /** Returns the deleted object (or the object with deletionTimestamp set when deletion is graceful). */
  delete(def: ResourceDef, namespace: string | undefined, name: string, q: DeleteQuery): Promise<KObject>;
  watch(def: ResourceDef, namespace: string | undefined, q: WatchQuery, sink: WatchSink): Promise<WatchStop>;
}
