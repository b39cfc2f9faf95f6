import { strict as assert } from 'node:assert';
import { decodeProtobufObject, PROTOBUF_MAGIC } from './protobuf-decode';
import { lenField, varintField } from './protobuf-wire';

const envelope = (apiVersion: string, kind: string, raw: Buffer) =>
  Buffer.concat([PROTOBUF_MAGIC, lenField(1, Buffer.concat([lenField(1, apiVersion), lenField(2, kind)])), lenField(2, raw)]);
const entry = (k: string, v: string | Buffer) => Buffer.concat([lenField(1, k), lenField(2, v)]);
const qty = (k: string, v: string) => entry(k, lenField(1, v));
const meta = (name: string, namespace = '') => lenField(1, Buffer.concat([lenField(1, name), lenField(3, namespace), lenField(8, Buffer.alloc(0))]));
const none = Buffer.alloc(0);

describe('protobuf request bodies of the generator kinds', () => {
  it('decodes a ServiceAccount', () => {
    assert.deepEqual(decodeProtobufObject(envelope('v1', 'ServiceAccount', meta('robot', 'ns'))), { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'robot', namespace: 'ns' } });
  });

  it('decodes a ResourceQuota as kubectl create quota sends it', () => {
    const spec = Buffer.concat([lenField(1, qty('pods', '2')), lenField(1, qty('requests.cpu', '1')), lenField(2, 'NotBestEffort')]);
    const obj = decodeProtobufObject(envelope('v1', 'ResourceQuota', Buffer.concat([meta('q'), lenField(2, spec), lenField(3, none)])));
    assert.deepEqual(obj, { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q' }, spec: { hard: { pods: '2', 'requests.cpu': '1' }, scopes: ['NotBestEffort'] }, status: {} });
  });

  it('decodes a LimitRange item with its quantity maps', () => {
    const item = Buffer.concat([lenField(1, 'Container'), lenField(2, qty('cpu', '1')), lenField(4, qty('cpu', '500m'))]);
    const obj = decodeProtobufObject(envelope('v1', 'LimitRange', Buffer.concat([meta('l'), lenField(2, lenField(1, item))])));
    assert.deepEqual(obj.spec, { limits: [{ type: 'Container', max: { cpu: '1' }, default: { cpu: '500m' } }] });
  });

  it('decodes a PriorityClass, keeping a zero value and the preemption policy pointer', () => {
    const raw = Buffer.concat([meta('low'), varintField(2, 0), varintField(3, 0), lenField(4, 'low things'), lenField(5, 'Never')]);
    assert.deepEqual(decodeProtobufObject(envelope('scheduling.k8s.io/v1', 'PriorityClass', raw)), {
      apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'low' }, value: 0, description: 'low things', preemptionPolicy: 'Never',
    });
  });

  it('decodes a Role and a RoleBinding', () => {
    const rule = Buffer.concat([lenField(1, 'get'), lenField(1, 'list'), lenField(2, ''), lenField(3, 'pods')]);
    assert.deepEqual(decodeProtobufObject(envelope('rbac.authorization.k8s.io/v1', 'Role', Buffer.concat([meta('r'), lenField(2, rule)]))).rules, [
      { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] },
    ]);
    const rb = Buffer.concat([meta('rb'), lenField(2, Buffer.concat([lenField(1, 'User'), lenField(2, 'rbac.authorization.k8s.io'), lenField(3, 'alice')])), lenField(3, Buffer.concat([lenField(1, 'rbac.authorization.k8s.io'), lenField(2, 'Role'), lenField(3, 'r')]))]);
    const obj = decodeProtobufObject(envelope('rbac.authorization.k8s.io/v1', 'RoleBinding', rb));
    assert.deepEqual([obj.subjects, obj.roleRef], [[{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice' }], { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' }]);
  });

  it('decodes an Ingress, inlining the rule value as JSON does', () => {
    const backend = lenField(4, Buffer.concat([lenField(1, 'web'), lenField(2, Buffer.concat([lenField(1, ''), varintField(2, 80)]))]));
    const path = Buffer.concat([lenField(1, '/'), lenField(2, backend), lenField(3, 'Exact')]);
    const rule = Buffer.concat([lenField(1, 'foo.com'), lenField(2, lenField(1, lenField(1, path)))]);
    const spec = Buffer.concat([lenField(3, rule), lenField(4, 'nginx')]);
    const obj = decodeProtobufObject(envelope('networking.k8s.io/v1', 'Ingress', Buffer.concat([meta('ing'), lenField(2, spec), lenField(3, lenField(1, none))])));
    assert.deepEqual(obj.spec, {
      ingressClassName: 'nginx',
      rules: [{ host: 'foo.com', http: { paths: [{ path: '/', pathType: 'Exact', backend: { service: { name: 'web', port: { number: 80 } } } }] } }],
    });
    assert.deepEqual(obj.status, { loadBalancer: {} });
  });
});
