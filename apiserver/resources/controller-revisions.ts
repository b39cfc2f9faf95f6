// apps/v1 ControllerRevision: an immutable snapshot of a workload's pod template (the DaemonSet
// and StatefulSet controllers keep one per template they have run, so `kubectl rollout history`
// and `undo` have something to read). Its data is opaque to the apiserver: any JSON value is kept
// as sent; only its presence is required and, once stored, it never changes. The revision number
// may change (a controller renumbers the revision it rolls back to).
import type { KObject } from '../../lib/api/types';
import { defineResource, col, objAge, NAME_COLUMN, AGE_COLUMN, jsonEqual } from './common';
import { Type, kindSchema, Int, req, named, PRESERVE_UNKNOWN } from './schemas';
import { immutable, nonNegativeInt, required, type FieldError } from './validation';

type Revision = KObject & { data?: unknown; revision?: number };

/** RawExtension: an embedded object of any shape, described as upstream's OpenAPI describes it. */
const RawExtension = named(
  'io.k8s.apimachinery.pkg.runtime.RawExtension',
  Type.Object({}, { additionalProperties: true, [PRESERVE_UNKNOWN]: true, description: 'RawExtension is used to hold extensions in external versions.' }),
);

function validateRevision(o: KObject): FieldError[] {
  const r = o as Revision;
  const errs: FieldError[] = [];
  if (r.data === undefined || r.data === null) errs.push(required('data', 'data is mandatory'));
  errs.push(...nonNegativeInt('revision', r.revision));
  return errs;
}

const validateRevisionUpdate = (o: KObject, old: KObject): FieldError[] =>
  jsonEqual((o as Revision).data, (old as Revision).data) ? [] : [immutable('data', (o as Revision).data)];

/** "daemonset.apps/web" as kubectl prints a controller reference with its group kind. */
export function controllerCell(o: KObject): string {
  const ref = o.metadata.ownerReferences?.find((r) => r.controller === true);
  if (!ref) return '<none>';
  const slash = ref.apiVersion?.indexOf('/') ?? -1;
  const group = slash > 0 ? ref.apiVersion.slice(0, slash) : '';
  const kind = group ? `${ref.kind}.${group}` : ref.kind;
  return `${kind.toLowerCase()}/${ref.name}`;
}

export const controllerrevisions = defineResource({
  group: 'apps',
  version: 'v1',
  kind: 'ControllerRevision',
  resource: 'controllerrevisions',
  singular: 'controllerrevision',
  namespaced: true,
  schema: kindSchema(
    {
      // null is accepted here so that validation can say, as upstream does, that data is mandatory.
      data: Type.Optional(Type.Union([RawExtension, Type.Null()], { description: 'Data is the serialized representation of the state.' })),
      revision: req(Int, 'Revision indicates the revision of the state represented by Data.'),
    },
    'ControllerRevision implements an immutable snapshot of state data. Clients are responsible for serializing and deserializing the objects that contain their internal state.',
  ),
  printerColumns: [
    NAME_COLUMN,
    col('Controller', 'string', 'Controller of the object'),
    col('Revision', 'string', 'Revision indicates the revision of the state represented by Data.'),
    AGE_COLUMN,
  ],
  printRow: (o) => [o.metadata.name, controllerCell(o), (o as Revision).revision ?? 0, objAge(o)],
  validate: validateRevision,
  validateUpdate: validateRevisionUpdate,
});
