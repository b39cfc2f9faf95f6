import { strict as assert } from 'node:assert';
import { decodeProtobufObject, PROTOBUF_MAGIC } from './protobuf-decode';
import { lenField, varintField } from './protobuf-wire';

const envelope = (apiVersion: string, kind: string, raw: Buffer) =>
  Buffer.concat([PROTOBUF_MAGIC, lenField(1, Buffer.concat([lenField(1, apiVersion), lenField(2, kind)])), lenField(2, raw)]);
const meta = (name: string) => lenField(1, Buffer.concat([lenField(1, name), lenField(3, '')]));
const ref = Buffer.concat([lenField(1, 'Deployment'), lenField(2, 'web'), lenField(3, 'apps/v1')]);

describe('protobuf request bodies: autoscaling/v1', () => {
  const cases: [string, Buffer, Buffer, Record<string, unknown>, Record<string, unknown>][] = [
    [
      'as kubectl autoscale --cpu-percent=50 --min=1 --max=3 sends it',
      Buffer.concat([lenField(1, ref), varintField(2, 1), varintField(3, 3), varintField(4, 50)]),
      Buffer.concat([varintField(3, 0), varintField(4, 0)]),
      { scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' }, minReplicas: 1, maxReplicas: 3, targetCPUUtilizationPercentage: 50 },
      {},
    ],
    [
      'pointer zeros are kept for validation to judge; a plain zero is absent',
      Buffer.concat([lenField(1, ref), varintField(2, 0), varintField(3, 0), varintField(4, 0)]),
      Buffer.concat([varintField(1, 4), lenField(2, Buffer.concat([varintField(1, 1767225600)])), varintField(3, 2), varintField(4, 3), varintField(5, 0)]),
      { scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' }, minReplicas: 0, targetCPUUtilizationPercentage: 0 },
      { observedGeneration: 4, lastScaleTime: '2026-01-01T00:00:00Z', currentReplicas: 2, desiredReplicas: 3, currentCPUUtilizationPercentage: 0 },
    ],
  ];
  for (const [name, spec, status, wantSpec, wantStatus] of cases) {
    it(name, () => {
      const obj = decodeProtobufObject(envelope('autoscaling/v1', 'HorizontalPodAutoscaler', Buffer.concat([meta('web'), lenField(2, spec), lenField(3, status)])));
      assert.deepEqual(obj, { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web' }, spec: wantSpec, status: wantStatus });
    });
  }

  it('autoscaling/v2 bodies are still refused with a clear message', () => {
    assert.throws(() => decodeProtobufObject(envelope('autoscaling/v2', 'HorizontalPodAutoscaler', Buffer.alloc(0))), /autoscaling\/v2\/HorizontalPodAutoscaler are not supported; send JSON/);
  });
});
