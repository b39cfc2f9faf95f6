// core/v1 ServiceAccount: an identity for processes in pods. Printed with its count of secrets.
import type { KObject } from '../../lib/api/types';
import { defineResource, col, objAge, NAME_COLUMN, AGE_COLUMN } from './common';
import { kindSchema, Bool, opt, list, ObjectReference, LocalObjectReference } from './schemas';
import { required, type FieldError } from './validation';

type Sa = KObject & { secrets?: { name?: string }[]; imagePullSecrets?: { name?: string }[]; automountServiceAccountToken?: boolean };

function validate(o: KObject): FieldError[] {
  const errs: FieldError[] = [];
  (o as Sa).imagePullSecrets?.forEach((s, i) => {
    if (!s?.name) errs.push(required(`imagePullSecrets[${i}].name`));
  });
  return errs;
}

export const serviceaccounts = defineResource({
  group: '',
  version: 'v1',
  kind: 'ServiceAccount',
  resource: 'serviceaccounts',
  singular: 'serviceaccount',
  namespaced: true,
  shortNames: ['sa'],
  schema: kindSchema(
    {
      secrets: opt(list(ObjectReference), 'Secrets in the same namespace that pods running as this service account may use.'),
      imagePullSecrets: opt(list(LocalObjectReference), 'Secrets used to pull the images of pods that reference this service account.'),
      automountServiceAccountToken: opt(Bool, 'Whether pods running as this service account get an API token mounted automatically.'),
    },
    'ServiceAccount binds together a name understood by users and systems, a principal that can be authenticated and authorized, and a set of secrets.',
  ),
  printerColumns: [NAME_COLUMN, col('Secrets', 'string', 'Secrets is the list of secrets allowed to be used by pods running using this ServiceAccount.'), AGE_COLUMN],
  printRow: (o) => [o.metadata.name, (o as Sa).secrets?.length ?? 0, objAge(o)],
  validate,
});
