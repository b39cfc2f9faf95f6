// A served resource: the transport-facing ResourceDef plus the strategy the registry applies on
// writes (schema, defaulting, validation, status handling). Each kind's file builds one of these.
import type { TSchema } from '@sinclair/typebox';
import type { KObject } from '../../lib/api/types';
import type { ResourceDef, UserInfo } from '../registry/types';
import type { FieldError, NameRule } from './validation';

/**
 * Another group version the kind is served under, converted on the way in and out: objects stay
 * stored in the spec's own version (the storage version), as kube-apiserver stores one version of
 * a kind and converts for the others. apiserver/registry/served-versions.ts does the serving.
 */
export interface ServedVersion {
  version: string;
  /** The schema of the kind in this version (field validation, OpenAPI, the structural check). */
  schema: TSchema;
  /** The object in this version as the stored version shows it (apiVersion set); pure. */
  toStorage(obj: KObject): KObject;
  /** The stored object as this version shows it (apiVersion set); pure. */
  fromStorage(obj: KObject): KObject;
}

export interface ResourceSpec extends ResourceDef {
  /** JSON schema of the fields that matter (extra fields are kept). */
  schema: TSchema;
  nameRule: NameRule;
  /** True when `status` is a subresource: main updates keep the stored status and vice versa. */
  hasStatus: boolean;
  /** Stored with an etcd lease of this many seconds (Events). */
  ttlSeconds?: number;
  /** Fills defaults in place on a private copy, before validation, on create and update. */
  defaults?(obj: KObject): void;
  /** Create-time preparation: clears or sets server-owned fields (e.g. pod phase Pending); user is the authenticated caller. */
  prepareForCreate?(obj: KObject, user?: UserInfo): void;
  /** Update-time preparation given the stored object (e.g. keep an allocated clusterIP). */
  prepareForUpdate?(obj: KObject, old: KObject): void;
  /** Semantic validation of the object's spec side (metadata is checked by the registry); not run on status writes. */
  validate?(obj: KObject): FieldError[];
  /** Validation of what `status` carries: on status writes (alone), creates and updates. */
  validateStatus?(obj: KObject): FieldError[];
  /** Extra rules that compare with the stored object (immutable fields). */
  validateUpdate?(obj: KObject, old: KObject): FieldError[];
  /**
   * Writes through `status` or another status-like subresource (`approval`): prepares `next` (the
   * stored object with the incoming status) against the stored one and returns the transition's errors.
   */
  subresourceUpdate?(next: KObject, old: KObject, subresource: string): FieldError[];
  /** Versions served besides this one (listed after it in discovery: this one stays preferred). */
  servedVersions?: ServedVersion[];
  /** Part of the object whose change bumps metadata.generation; undefined = kind has no generation. */
  generationSource?(obj: KObject): unknown;
}
