import { strict as assert } from 'node:assert';
import { decodeProtobufObject, PROTOBUF_MAGIC } from './protobuf-decode';
import { lenField, varintField } from './protobuf-wire';

const envelope = (apiVersion: string, kind: string, raw: Buffer) =>
  Buffer.concat([PROTOBUF_MAGIC, lenField(1, Buffer.concat([lenField(1, apiVersion), lenField(2, kind)])), lenField(2, raw)]);
const meta = (name: string) => lenField(1, Buffer.concat([lenField(1, name), lenField(3, ''), lenField(8, Buffer.alloc(0))]));
const container = Buffer.concat([lenField(1, 'hello'), lenField(2, 'k8ts/web:1.0'), lenField(3, 'echo'), lenField(3, 'hi'), lenField(8, Buffer.alloc(0))]);
const podTemplate = Buffer.concat([lenField(1, Buffer.alloc(0)), lenField(2, Buffer.concat([lenField(2, container), lenField(3, 'Never')]))]);

describe('protobuf request bodies: batch/v1', () => {
  it('decodes a Job as kubectl create job sends it (pointer zeros kept, empty status)', () => {
    const spec = Buffer.concat([lenField(6, podTemplate), varintField(7, 0)]);
    const status = Buffer.concat([varintField(4, 0), varintField(5, 0), varintField(6, 0), lenField(7, '')]);
    const obj = decodeProtobufObject(envelope('batch/v1', 'Job', Buffer.concat([meta('hello'), lenField(2, spec), lenField(3, status)])));
    assert.deepEqual(obj, {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'hello' },
      spec: { template: { metadata: {}, spec: { containers: [{ name: 'hello', image: 'k8ts/web:1.0', command: ['echo', 'hi'], resources: {} }], restartPolicy: 'Never' } }, backoffLimit: 0 },
      status: {},
    });
  });

  it('decodes a CronJob with its job template, policy and history limits', () => {
    const jobSpec = Buffer.concat([lenField(6, podTemplate), lenField(9, 'Indexed'), varintField(2, 3)]);
    const spec = Buffer.concat([
      lenField(1, '*/1 * * * *'), lenField(3, 'Forbid'), varintField(4, 0), lenField(5, Buffer.concat([lenField(1, Buffer.alloc(0)), lenField(2, jobSpec)])),
      varintField(6, 0), lenField(8, 'Europe/Berlin'),
    ]);
    const obj = decodeProtobufObject(envelope('batch/v1', 'CronJob', Buffer.concat([meta('tick'), lenField(2, spec), lenField(3, Buffer.alloc(0))])));
    assert.deepEqual(obj.spec, {
      schedule: '*/1 * * * *',
      concurrencyPolicy: 'Forbid',
      suspend: false,
      jobTemplate: { metadata: {}, spec: { template: { metadata: {}, spec: { containers: [{ name: 'hello', image: 'k8ts/web:1.0', command: ['echo', 'hi'], resources: {} }], restartPolicy: 'Never' } }, completionMode: 'Indexed', completions: 3 } },
      successfulJobsHistoryLimit: 0,
      timeZone: 'Europe/Berlin',
    });
  });

  it('decodes a podFailurePolicy with exit codes and pod conditions', () => {
    const rule1 = Buffer.concat([lenField(1, 'FailJob'), lenField(2, Buffer.concat([lenField(2, 'In'), varintField(3, 42), varintField(3, 43)]))]);
    const rule2 = Buffer.concat([lenField(1, 'Ignore'), lenField(3, Buffer.concat([lenField(1, 'DisruptionTarget'), lenField(2, 'True')]))]);
    const spec = Buffer.concat([lenField(11, Buffer.concat([lenField(1, rule1), lenField(1, rule2)]))]);
    const obj = decodeProtobufObject(envelope('batch/v1', 'Job', Buffer.concat([meta('p'), lenField(2, spec)])));
    assert.deepEqual(obj.spec, {
      podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [42, 43] } }, { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }] },
    });
  });
});
