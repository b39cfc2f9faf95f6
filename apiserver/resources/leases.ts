// coordination.k8s.io/v1 Lease: node heartbeats and leader election.
import type { Lease } from '../../lib/api/types';
import { defineResource, col, objAge, NAME_COLUMN, AGE_COLUMN } from './common';
import { kindSchema, Str, Int, Time, obj, opt, named } from './schemas';
import { nonNegativeInt, type FieldError } from './validation';

export const leases = defineResource({
  group: 'coordination.k8s.io',
  version: 'v1',
  kind: 'Lease',
  resource: 'leases',
  singular: 'lease',
  namespaced: true,
  schema: kindSchema(
    {
      spec: named(
        'io.k8s.api.coordination.v1.LeaseSpec',
        obj(
          {
            holderIdentity: opt(Str, 'The identity of the holder of a current lease.'),
            leaseDurationSeconds: opt(Int, 'Duration that candidates for a lease need to wait to force acquire it, measured against the last renewTime.'),
            acquireTime: opt(Time, 'The time the current lease was acquired.'),
            renewTime: opt(Time, 'The time the current holder of a lease has last updated the lease.'),
            leaseTransitions: opt(Int, 'The number of transitions of a lease between holders.'),
            strategy: opt(Str, 'The strategy for picking the leader for coordinated leader election, e.g. OldestEmulationVersion.'),
            preferredHolder: opt(Str, 'Signals to a lease holder that the lease has a more optimal holder and should be given up.'),
          },
          'LeaseSpec is a specification of a Lease.',
        ),
      ),
    },
    'Lease defines a lease concept.',
  ),
  printerColumns: [NAME_COLUMN, col('Holder', 'string', 'The holder of the lease'), AGE_COLUMN],
  printRow: (o) => [o.metadata.name, (o as Lease).spec?.holderIdentity ?? '', objAge(o)],
  validate: (o): FieldError[] => [
    ...nonNegativeInt('spec.leaseDurationSeconds', (o as Lease).spec?.leaseDurationSeconds),
    ...nonNegativeInt('spec.leaseTransitions', (o as Lease).spec?.leaseTransitions),
  ],
});
