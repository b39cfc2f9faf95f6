// coordination.k8s.io/v1 Lease: node heartbeats and leader election.
import type { Lease } from '../../lib/api/types';
import { defineResource, col, objAge, NAME_COLUMN, AGE_COLUMN } from './common';
import { kindSchema, Type, Open, Str, Int } from './schemas';
import { nonNegativeInt, type FieldError } from './validation';

export const leases = defineResource({
  group: 'coordination.k8s.io',
  version: 'v1',
  kind: 'Lease',
  resource: 'leases',
  singular: 'lease',
  namespaced: true,
  schema: kindSchema({
    spec: Type.Object(
      {
        holderIdentity: Type.Optional(Str),
        leaseDurationSeconds: Type.Optional(Int),
        acquireTime: Type.Optional(Str),
        renewTime: Type.Optional(Str),
        leaseTransitions: Type.Optional(Int),
      },
      Open,
    ),
  }),
  printerColumns: [NAME_COLUMN, col('Holder', 'string', 'The holder of the lease'), AGE_COLUMN],
  printRow: (o) => [o.metadata.name, (o as Lease).spec?.holderIdentity ?? '', objAge(o)],
  validate: (o): FieldError[] => [
    ...nonNegativeInt('spec.leaseDurationSeconds', (o as Lease).spec?.leaseDurationSeconds),
    ...nonNegativeInt('spec.leaseTransitions', (o as Lease).spec?.leaseTransitions),
  ],
});
