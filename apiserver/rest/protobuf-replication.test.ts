import { strict as assert } from 'node:assert';
import { decodeProtobufObject, PROTOBUF_MAGIC } from './protobuf-decode';
import { lenField, varintField } from './protobuf-wire';

const envelope = (apiVersion: string, kind: string, raw: Buffer) =>
  Buffer.concat([PROTOBUF_MAGIC, lenField(1, Buffer.concat([lenField(1, apiVersion), lenField(2, kind)])), lenField(2, raw)]);
const meta = (name: string) => lenField(1, Buffer.concat([lenField(1, name), lenField(3, 'default')]));
const entry = (k: string, v: string) => Buffer.concat([lenField(1, k), lenField(2, v)]);
const container = Buffer.concat([lenField(1, 'web'), lenField(2, 'k8ts/web:1.0')]);
const podTemplate = Buffer.concat([lenField(1, lenField(11, entry('app', 'web'))), lenField(2, Buffer.concat([lenField(2, container), lenField(3, 'Always')]))]);

describe('protobuf request bodies: v1 ReplicationController', () => {
  it('decodes spec (a pointer zero kept, the selector map, the template) and status', () => {
    const spec = Buffer.concat([varintField(1, 0), lenField(2, entry('app', 'web')), lenField(3, podTemplate), varintField(4, 5)]);
    const cond = Buffer.concat([lenField(1, 'ReplicaFailure'), lenField(2, 'True'), lenField(4, 'FailedCreate'), lenField(5, 'quota')]);
    const status = Buffer.concat([varintField(1, 2), varintField(2, 2), varintField(3, 7), varintField(4, 1), varintField(5, 1), lenField(6, cond)]);
    const obj = decodeProtobufObject(envelope('v1', 'ReplicationController', Buffer.concat([meta('web'), lenField(2, spec), lenField(3, status)])));
    assert.deepEqual(obj, {
      apiVersion: 'v1',
      kind: 'ReplicationController',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        replicas: 0,
        selector: { app: 'web' },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'k8ts/web:1.0' }], restartPolicy: 'Always' } },
        minReadySeconds: 5,
      },
      status: {
        replicas: 2, fullyLabeledReplicas: 2, observedGeneration: 7, readyReplicas: 1, availableReplicas: 1,
        conditions: [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'quota' }],
      },
    });
  });
});
