// core/v1 Namespace: cluster-scoped, DNS-1123 label names, status.phase Active/Terminating.
import type { KObject } from '../../lib/api/types';
import { defineResource, col, objAge, NAME_COLUMN, AGE_COLUMN } from './common';
import { kindSchema, Str, obj, opt, list, named, conditionSchema } from './schemas';

type Ns = KObject & { spec?: { finalizers?: string[] }; status?: { phase?: string } };

export const namespaces = defineResource({
  group: '',
  version: 'v1',
  kind: 'Namespace',
  resource: 'namespaces',
  singular: 'namespace',
  namespaced: false,
  shortNames: ['ns'],
  verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  subresources: ['status', 'finalize'],
  hasStatus: true,
  nameRule: 'label',
  schema: kindSchema(
    {
      spec: named(
        'io.k8s.api.core.v1.NamespaceSpec',
        obj({ finalizers: opt(list(Str), 'An opaque list of values that must be empty to permanently remove the namespace from storage.') }, 'NamespaceSpec describes the attributes on a Namespace.'),
      ),
      status: named(
        'io.k8s.api.core.v1.NamespaceStatus',
        obj(
          {
            phase: opt(Str, 'The current lifecycle phase of the namespace: Active or Terminating.'),
            conditions: opt(list(conditionSchema('io.k8s.api.core.v1.NamespaceCondition', ['lastTransitionTime'])), "The latest available observations of a namespace's current state."),
          },
          'NamespaceStatus is information about the current status of a Namespace.',
        ),
      ),
    },
    'Namespace provides a scope for Names. Use of multiple namespaces is optional.',
  ),
  printerColumns: [NAME_COLUMN, col('Status', 'string', 'The status of the namespace'), AGE_COLUMN],
  printRow: (o) => [o.metadata.name, (o as Ns).status?.phase ?? 'Active', objAge(o)],
  fieldSelectors: { 'status.phase': (o) => (o as Ns).status?.phase ?? '' },
  defaults: (o) => {
    const ns = o as Ns;
    // Every namespace carries its own name as a label, as Kubernetes does since 1.21.
    ns.metadata.labels = { ...(ns.metadata.labels ?? {}), 'kubernetes.io/metadata.name': ns.metadata.name ?? '' };
  },
  prepareForCreate: (o) => {
    (o as Ns).status = { phase: 'Active' };
  },
});
