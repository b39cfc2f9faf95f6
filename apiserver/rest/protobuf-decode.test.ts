import { strict as assert } from 'node:assert';
import { decodeProtobufObject, PROTOBUF_MAGIC } from './protobuf-decode';
import { ProtobufDecodeError, lenField, varintField } from './protobuf-wire';

const envelope = (apiVersion: string, kind: string, raw: Buffer) =>
  Buffer.concat([PROTOBUF_MAGIC, lenField(1, Buffer.concat([lenField(1, apiVersion), lenField(2, kind)])), lenField(2, raw)]);
const entry = (k: string, v: string | Buffer) => Buffer.concat([lenField(1, k), lenField(2, v)]);
// A zero Time and empty strings, as Go's marshaller writes them for unset non-pointer fields.
const meta = (name: string, extra: Buffer = Buffer.alloc(0)) =>
  lenField(1, Buffer.concat([lenField(1, name), lenField(2, ''), lenField(3, ''), varintField(7, 0), lenField(8, Buffer.alloc(0)), extra]));

describe('protobuf request bodies', () => {
  it('decodes a Namespace, dropping zero values of non-pointer fields', () => {
    const raw = Buffer.concat([meta('x'), lenField(2, Buffer.alloc(0)), lenField(3, Buffer.alloc(0))]);
    assert.deepEqual(decodeProtobufObject(envelope('v1', 'Namespace', raw)), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' }, spec: {}, status: {} });
  });

  it('decodes a Deployment with a pointer zero, maps, repeated messages and IntOrString', () => {
    const container = Buffer.concat([lenField(1, 'web'), lenField(2, 'k8ts/web:1.0'), lenField(6, Buffer.concat([varintField(3, 8080), lenField(4, 'TCP')])), lenField(8, Buffer.alloc(0))]);
    const template = Buffer.concat([lenField(1, lenField(11, entry('app', 'web'))), lenField(2, lenField(2, container))]);
    const strategy = Buffer.concat([lenField(1, 'RollingUpdate'), lenField(2, lenField(1, Buffer.concat([varintField(1, 1), lenField(3, '25%')])))]);
    const spec = Buffer.concat([varintField(1, 0), lenField(2, lenField(1, entry('app', 'web'))), lenField(3, template), lenField(4, strategy), varintField(5, 0)]);
    const obj = decodeProtobufObject(envelope('apps/v1', 'Deployment', Buffer.concat([meta('web'), lenField(2, spec)])));
    assert.deepEqual(obj.spec, {
      replicas: 0,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'k8ts/web:1.0', ports: [{ containerPort: 8080, protocol: 'TCP' }], resources: {} }] } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%' } },
    });
  });

  it('decodes Secret bytes as base64 and Service ports with an integer targetPort', () => {
    const secret = decodeProtobufObject(envelope('v1', 'Secret', Buffer.concat([meta('s'), lenField(2, entry('a', Buffer.from([0, 255]))), lenField(3, 'Opaque')])));
    assert.deepEqual(secret.data, { a: 'AP8=' });
    const port = Buffer.concat([lenField(2, 'TCP'), varintField(3, 80), lenField(4, Buffer.concat([varintField(1, 0), varintField(2, 8080)]))]);
    const svc = decodeProtobufObject(envelope('v1', 'Service', Buffer.concat([meta('web'), lenField(2, Buffer.concat([lenField(1, port), lenField(2, entry('app', 'web')), lenField(3, '')]))])));
    assert.deepEqual(svc.spec, { ports: [{ protocol: 'TCP', port: 80, targetPort: 8080 }], selector: { app: 'web' } });
  });

  it('decodes a PodDisruptionBudget as kubectl create pdb sends it (zero status dropped)', () => {
    const spec = Buffer.concat([lenField(1, Buffer.concat([varintField(1, 0), varintField(2, 5)])), lenField(2, lenField(1, entry('app', 'web')))]);
    const status = Buffer.concat([varintField(1, 0), varintField(3, 0), varintField(4, 0), varintField(5, 0), varintField(6, 0)]);
    const obj = decodeProtobufObject(envelope('policy/v1', 'PodDisruptionBudget', Buffer.concat([meta('web'), lenField(2, spec), lenField(3, status)])));
    assert.deepEqual(obj, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web' }, spec: { minAvailable: 5, selector: { matchLabels: { app: 'web' } } }, status: {} });
  });

  it('decodes an Eviction with its DeleteOptions (pointer zeros kept)', () => {
    const opts = Buffer.concat([varintField(1, 0), lenField(2, lenField(1, 'uid-1')), lenField(5, 'All')]);
    const obj = decodeProtobufObject(envelope('policy/v1', 'Eviction', Buffer.concat([meta('p'), lenField(2, opts)])));
    assert.deepEqual(obj, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'p' }, deleteOptions: { gracePeriodSeconds: 0, preconditions: { uid: 'uid-1' }, dryRun: ['All'] } });
  });

  const bad: [string, Buffer][] = [
    ['no magic', Buffer.from('{"a":1}')],
    ['truncated', envelope('v1', 'Namespace', meta('x')).subarray(0, 12)],
    ['unsupported kind', envelope('v1', 'Pod', meta('x'))],
    ['unknown field', envelope('v1', 'Namespace', lenField(9, 'x'))],
    ['non-empty opaque message', envelope('apps/v1', 'Deployment', lenField(2, lenField(3, lenField(2, lenField(14, lenField(1, 'x'))))))],
    ['wrong wire type', envelope('v1', 'Namespace', varintField(1, 3))],
  ];
  for (const [what, body] of bad) it(`rejects ${what}`, () => assert.throws(() => decodeProtobufObject(body), ProtobufDecodeError));
});
