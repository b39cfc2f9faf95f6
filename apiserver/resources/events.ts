// core/v1 Event: what `kubectl describe` and `kubectl get events` show. Stored with a 1h lease.
import type { KEvent, KObject } from '../../lib/api/types';
import { defineResource, col, age, NAME_COLUMN } from './common';
import { kindSchema, Str, Int, Time, obj, opt, req, named, ObjectReference } from './schemas';
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
  schema: kindSchema(
    {
      involvedObject: req(ObjectReference, 'The object that this event is about.'),
      reason: opt(Str, "A short, machine understandable string that gives the reason for the transition into the object's current status."),
      message: opt(Str, 'A human-readable description of the status of this operation.'),
      source: opt(
        named(
          'io.k8s.api.core.v1.EventSource',
          obj({ component: opt(Str, 'Component from which the event is generated.'), host: opt(Str, 'Node name on which the event is generated.') }, 'EventSource contains information for an event.'),
        ),
        'The component reporting this event. Should be a short machine understandable string.',
      ),
      firstTimestamp: opt(Time, 'The time at which the event was first recorded.'),
      lastTimestamp: opt(Time, 'The time at which the most recent occurrence of this event was recorded.'),
      count: opt(Int, 'The number of times this event has occurred.'),
      type: opt(Str, 'Type of this event (Normal, Warning); new types could be added in the future.'),
      eventTime: opt(Time, 'The time when this Event was first observed, with microsecond precision.'),
      series: opt(
        named(
          'io.k8s.api.core.v1.EventSeries',
          obj({ count: opt(Int, 'Number of occurrences in this series up to the last heartbeat time.'), lastObservedTime: opt(Time, 'Time of the last occurrence observed.') }, 'A series of events, i.e. a thing that was, or is, happening continuously for some time.'),
        ),
        'Data about the Event series this event represents, or nil if it is a singleton Event.',
      ),
      action: opt(Str, 'What action was taken/failed regarding the involved object.'),
      related: opt(ObjectReference, 'Optional secondary object for more complex actions.'),
      reportingComponent: opt(Str, 'Name of the controller that emitted this Event, e.g. kubernetes.io/kubelet.'),
      reportingInstance: opt(Str, 'ID of the controller instance, e.g. kubelet-xyzf.'),
    },
    'Event is a report of an event somewhere in the cluster.',
  ),
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
