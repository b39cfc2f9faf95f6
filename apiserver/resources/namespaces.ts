// core/v1 Namespace: cluster-scoped, DNS-1123 label names, status.phase Active/Terminating.
import type { KObject } from '../../lib/api/types';
import { defineResource, col, objAge, NAME_COLUMN, AGE_COLUMN } from './common';
import { kindSchema, Type, Open, Str } from './schemas';

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
  schema: kindSchema({
    spec: Type.Object({ finalizers: Type.Optional(Type.Array(Str)) }, Open),
    status: Type.Object({ phase: Type.Optional(Str) }, Open),
  }),
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
