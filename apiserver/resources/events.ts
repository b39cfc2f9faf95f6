// core/v1 Event: what `kubectl describe` and `kubectl get events` show. Stored with a 1h lease.
import type { KEvent, KObject } from '../../lib/api/types';
import { defineResource, col, age, NAME_COLUMN } from './common';
import { kindSchema, Type, Open, Str, Int } from './schemas';
import { required, notSupported, type FieldError } from './validation';

const ev = (o: KObject) => o as KEvent;
const lastSeen = (e: KEvent) => {
  const ts = e.lastTimestamp ?? (e as Record<string, unknown>).eventTime ?? e.firstTimestamp ?? e.metadata.creationTimestamp;
  return age(typeof ts === 'string' ? ts : undefined);
};

function validateEvent(o: KObject): FieldError[] {
  const e = ev(o);
  const errs: FieldError[] = [];
  if (!e.involvedObject) errs.push(required('involvedObject'));
  if (e.type !== undefined && !['Normal', 'Warning'].includes(e.type)) errs.push(notSupported('type', e.type, ['Normal', 'Warning']));
  return errs;
}

export const events = defineResource({
  group: '',
  version: 'v1',
  kind: 'Event',
  resource: 'events',
  singular: 'event',
  namespaced: true,
  shortNames: ['ev'],
  ttlSeconds: 3600,
  schema: kindSchema({
    involvedObject: Type.Object({ kind: Type.Optional(Str), name: Type.Optional(Str), namespace: Type.Optional(Str), uid: Type.Optional(Str) }, Open),
    reason: Str,
    message: Str,
    type: Str,
    count: Int,
    firstTimestamp: Type.Union([Str, Type.Null()]),
    lastTimestamp: Type.Union([Str, Type.Null()]),
    source: Type.Object({ component: Type.Optional(Str), host: Type.Optional(Str) }, Open),
  }),
  printerColumns: [
    col('Last Seen', 'string', 'Time when this Event was last seen'),
    col('Type', 'string', 'Type of this event (Normal, Warning)'),
    col('Reason', 'string', 'Reason is why the action was taken.'),
    col('Object', 'string', 'The object this Event is about'),
    col('Message', 'string', 'A human-readable description of the status of this operation.'),
    col('Subobject', 'string', 'The field of the object this Event is about', 1),
    col('Source', 'string', 'The component reporting this event', 1),
    col('First Seen', 'string', 'Time when this Event was first seen', 1),
    col('Count', 'string', 'Number of times this event has occurred', 1),
    { ...NAME_COLUMN, priority: 1 },
  ],
  printRow: (o) => {
    const e = ev(o);
    const io = e.involvedObject ?? {};
    const src = e.source?.component ? `${e.source.component}${e.source.host ? ', ' + e.source.host : ''}` : '';
    return [
      lastSeen(e),
      e.type ?? '',
      e.reason ?? '',
      `${String(io.kind ?? '').toLowerCase()}/${io.name ?? ''}`,
      (e.message ?? '').trim(),
      io.fieldPath ?? '',
      src,
      age(e.firstTimestamp ?? undefined),
      String(e.count ?? 1),
      e.metadata.name,
    ];
  },
  fieldSelectors: {
    'involvedObject.kind': (o) => ev(o).involvedObject?.kind ?? '',
    'involvedObject.namespace': (o) => ev(o).involvedObject?.namespace ?? '',
    'involvedObject.name': (o) => ev(o).involvedObject?.name ?? '',
    'involvedObject.uid': (o) => ev(o).involvedObject?.uid ?? '',
    'involvedObject.apiVersion': (o) => ev(o).involvedObject?.apiVersion ?? '',
    'involvedObject.resourceVersion': (o) => ev(o).involvedObject?.resourceVersion ?? '',
    'involvedObject.fieldPath': (o) => ev(o).involvedObject?.fieldPath ?? '',
    reason: (o) => ev(o).reason ?? '',
    type: (o) => ev(o).type ?? '',
    source: (o) => ev(o).source?.component ?? '',
  },
  defaults: (o) => {
    const e = ev(o);
    e.count ??= 1;
  },
  validate: validateEvent,
});
