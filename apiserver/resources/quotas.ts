// core/v1 ResourceQuota and LimitRange: the namespace's aggregate limits (usage kept in status by
// the resource quota controller and charged by quota admission) and its per-container/pod/claim
// constraints and defaults (applied by LimitRanger admission). Printed as kubectl prints them.
import type { KObject } from '../../lib/api/types';
import { parseResourceList } from '../../lib/api/quota-math';
import { formatQuantity } from '../../lib/api/quantity';
import { defineResource, col, objAge, NAME_COLUMN, AGE_COLUMN } from './common';
import { kindSchema, Str, obj, list, opt, named, ResourceList } from './schemas';
import { createdAt } from './printing';
import { defaultLimitRangeItem, limitRangeSpecErrors, resourceQuotaSpecErrors, resourceQuotaStatusErrors } from './validation-quota';

type Obj = Record<string, any>;

const ScopedResourceSelectorRequirement = named(
  'io.k8s.api.core.v1.ScopedResourceSelectorRequirement',
  obj(
    {
      scopeName: opt(Str, 'The name of the scope that the selector applies to.'),
      operator: opt(Str, "Represents a scope's relationship to a set of values: In, NotIn, Exists, DoesNotExist."),
      values: opt(list(Str), 'An array of string values; non-empty for In and NotIn, empty for Exists and DoesNotExist.'),
    },
    'A selector that contains values, a scope name, and an operator that relates the scope name and values.',
  ),
);

const ResourceQuotaSpec = named(
  'io.k8s.api.core.v1.ResourceQuotaSpec',
  obj(
    {
      hard: opt(ResourceList, 'The set of desired hard limits for each named resource.'),
      scopes: opt(list(Str), 'A collection of filters that must match each object tracked by a quota. If not specified, the quota matches all objects.'),
      scopeSelector: opt(
        named('io.k8s.api.core.v1.ScopeSelector', obj({ matchExpressions: opt(list(ScopedResourceSelectorRequirement), 'A list of scope selector requirements by scope of the resources.') }, 'A scope selector represents the AND of the selectors represented by the scoped-resource selector requirements.')),
        'A collection of filters like scopes that must match each object tracked by a quota, expressed with an operator.',
      ),
    },
    'ResourceQuotaSpec defines the desired hard limits to enforce for Quota.',
  ),
);

const ResourceQuotaStatus = named(
  'io.k8s.api.core.v1.ResourceQuotaStatus',
  obj(
    {
      hard: opt(ResourceList, 'The set of enforced hard limits for each named resource.'),
      used: opt(ResourceList, 'The current observed total usage of the resource in the namespace.'),
    },
    'ResourceQuotaStatus defines the enforced hard limits and observed use.',
  ),
);

/** kubectl's REQUEST and LIMIT cells: "name: used/hard" for each enforced resource, limits.* apart. */
export function quotaCells(o: KObject): [string, string] {
  const status = (o as Obj).status ?? {};
  const hard = parseResourceList(status.hard);
  const used = parseResourceList(status.used);
  const request: string[] = [];
  const limit: string[] = [];
  for (const k of Object.keys(hard).sort()) {
    const cell = `${k}: ${used[k] ? formatQuantity(used[k]) : '0'}/${formatQuantity(hard[k])}`;
    (k.split('.').length > 1 && k.split('.')[0] === 'limits' ? limit : request).push(cell);
  }
  return [request.join(', '), limit.join(', ')];
}

export const resourcequotas = defineResource({
  group: '',
  version: 'v1',
  kind: 'ResourceQuota',
  resource: 'resourcequotas',
  singular: 'resourcequota',
  namespaced: true,
  shortNames: ['quota'],
  subresources: ['status'],
  hasStatus: true,
  schema: kindSchema({ spec: ResourceQuotaSpec, status: ResourceQuotaStatus }, 'ResourceQuota sets aggregate quota restrictions enforced per namespace.'),
  printerColumns: [
    NAME_COLUMN,
    AGE_COLUMN,
    col('Request', 'string', 'Request represents a minimum amount of cpu/memory that a container may consume.'),
    col('Limit', 'string', 'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.'),
  ],
  printRow: (o) => [o.metadata.name, objAge(o), ...quotaCells(o)],
  // The controller fills status; a new quota starts with none (upstream's PrepareForCreate).
  prepareForCreate: (o) => {
    delete (o as Obj).status;
  },
  validate: (o) => resourceQuotaSpecErrors((o as Obj).spec),
  validateStatus: (o) => resourceQuotaStatusErrors((o as Obj).status),
});

const LimitRangeItem = named(
  'io.k8s.api.core.v1.LimitRangeItem',
  obj(
    {
      type: opt(Str, 'Type of resource that this limit applies to: Pod, Container or PersistentVolumeClaim.'),
      max: opt(ResourceList, 'Max usage constraints on this kind by resource name.'),
      min: opt(ResourceList, 'Min usage constraints on this kind by resource name.'),
      default: opt(ResourceList, 'Default resource requirement limit value by resource name if resource limit is omitted.'),
      defaultRequest: opt(ResourceList, 'DefaultRequest is the default resource requirement request value by resource name if resource request is omitted.'),
      maxLimitRequestRatio: opt(ResourceList, 'If specified, the named resource must have a request and limit that are both non-zero where limit divided by request is less than or equal to the enumerated value.'),
    },
    'LimitRangeItem defines a min/max usage limit for any resource that matches on kind.',
  ),
);

export const limitranges = defineResource({
  group: '',
  version: 'v1',
  kind: 'LimitRange',
  resource: 'limitranges',
  singular: 'limitrange',
  namespaced: true,
  shortNames: ['limits'],
  schema: kindSchema(
    { spec: named('io.k8s.api.core.v1.LimitRangeSpec', obj({ limits: opt(list(LimitRangeItem), 'Limits is the list of LimitRangeItem objects that are enforced.') }, 'LimitRangeSpec defines a min/max usage limit for resources that match on kind.')) },
    'LimitRange sets resource usage limits for each kind of resource in a Namespace.',
  ),
  printerColumns: [NAME_COLUMN, col('Created At', 'date', 'CreationTimestamp is a timestamp representing the server time when this object was created.')],
  printRow: (o) => [o.metadata.name, createdAt(o)],
  defaults: (o) => {
    const limits = (o as Obj).spec?.limits;
    if (Array.isArray(limits)) limits.forEach(defaultLimitRangeItem);
  },
  validate: (o) => limitRangeSpecErrors((o as Obj).spec),
});
