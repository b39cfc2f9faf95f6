import { strict as assert } from 'node:assert';
import { ApiError } from '../../lib/errors';
import type { KObject } from '../../lib/api/types';
import { applyPatch } from './index';

const obj = (extra: Record<string, unknown>): KObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, ...extra });

function expectError(fn: () => unknown, code: number, msg: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof ApiError && e.code === code && msg.test(e.message));
}

describe('applyPatch merge (RFC 7386)', () => {
  const cases: { name: string; orig: Record<string, unknown>; patch: Record<string, unknown>; want: Record<string, unknown> }[] = [
    { name: 'adds and replaces', orig: { a: 1, b: { c: 2 } }, patch: { a: 3, b: { d: 4 } }, want: { a: 3, b: { c: 2, d: 4 } } },
    { name: 'null deletes', orig: { a: 1, b: { c: 2, d: 3 } }, patch: { b: { c: null } }, want: { a: 1, b: { d: 3 } } },
    { name: 'lists replace', orig: { l: [1, 2, 3] }, patch: { l: [4] }, want: { l: [4] } },
    { name: 'object replaces scalar', orig: { a: 1 }, patch: { a: { x: 1, y: null } }, want: { a: { x: 1 } } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const o = obj(c.orig);
      const before = JSON.stringify(o);
      assert.deepEqual(applyPatch('merge', o, c.patch, 'Pod'), obj(c.want));
      assert.equal(JSON.stringify(o), before, 'original untouched');
    });
  }
  it('rejects a non-object patch', () => expectError(() => applyPatch('merge', obj({}), [1], 'Pod'), 400, /must be a JSON object/));
});

describe('applyPatch json (RFC 6902)', () => {
  const base = { spec: { replicas: 1, list: ['a', 'b'], 'x/y': 1, 'm~n': 2 } };
  const cases: { name: string; patch: unknown[]; want: Record<string, unknown> }[] = [
    { name: 'replace', patch: [{ op: 'replace', path: '/spec/replicas', value: 5 }], want: { spec: { ...base.spec, replicas: 5 } } },
    { name: 'add to object', patch: [{ op: 'add', path: '/spec/new', value: { z: 1 } }], want: { spec: { ...base.spec, new: { z: 1 } } } },
    { name: 'add at index', patch: [{ op: 'add', path: '/spec/list/1', value: 'x' }], want: { spec: { ...base.spec, list: ['a', 'x', 'b'] } } },
    { name: 'append with -', patch: [{ op: 'add', path: '/spec/list/-', value: 'c' }], want: { spec: { ...base.spec, list: ['a', 'b', 'c'] } } },
    { name: 'remove', patch: [{ op: 'remove', path: '/spec/list/0' }], want: { spec: { ...base.spec, list: ['b'] } } },
    { name: 'escaped tokens', patch: [{ op: 'remove', path: '/spec/x~1y' }, { op: 'replace', path: '/spec/m~0n', value: 3 }], want: { spec: { replicas: 1, list: ['a', 'b'], 'm~n': 3 } } },
    { name: 'move', patch: [{ op: 'move', from: '/spec/replicas', path: '/spec/count' }], want: { spec: { list: ['a', 'b'], 'x/y': 1, 'm~n': 2, count: 1 } } },
    { name: 'copy', patch: [{ op: 'copy', from: '/spec/list', path: '/spec/list2' }], want: { spec: { ...base.spec, list2: ['a', 'b'] } } },
    { name: 'test passes', patch: [{ op: 'test', path: '/spec/list', value: ['a', 'b'] }, { op: 'replace', path: '/spec/replicas', value: 2 }], want: { spec: { ...base.spec, replicas: 2 } } },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(applyPatch('json', obj(base), c.patch, 'Pod'), obj(c.want)));

  const errors: { name: string; patch: unknown; code: number; msg: RegExp }[] = [
    { name: 'not an array', patch: { op: 'add' }, code: 400, msg: /JSON array/ },
    { name: 'unknown op', patch: [{ op: 'frob', path: '/a' }], code: 400, msg: /unknown op "frob"/ },
    { name: 'missing value', patch: [{ op: 'add', path: '/a' }], code: 400, msg: /no "value"/ },
    { name: 'bad pointer', patch: [{ op: 'remove', path: 'spec' }], code: 400, msg: /must start with/ },
    { name: 'missing path', patch: [{ op: 'remove', path: '/spec/nope' }], code: 422, msg: /"\/spec\/nope" does not exist/ },
    { name: 'replace missing', patch: [{ op: 'replace', path: '/spec/nope', value: 1 }], code: 422, msg: /does not exist/ },
    { name: 'index out of range', patch: [{ op: 'add', path: '/spec/list/5', value: 1 }], code: 422, msg: /out of range/ },
    { name: 'test fails', patch: [{ op: 'test', path: '/spec/replicas', value: 2 }], code: 422, msg: /test failed at "\/spec\/replicas"/ },
    { name: 'missing parent', patch: [{ op: 'add', path: '/a/b/c', value: 1 }], code: 422, msg: /does not exist/ },
  ];
  for (const c of errors) it(`error: ${c.name}`, () => expectError(() => applyPatch('json', obj(base), c.patch, 'Pod'), c.code, c.msg));
});

describe('applyPatch strategic', () => {
  const pod = obj({
    metadata: { name: 'p', finalizers: ['a', 'b'], ownerReferences: [{ uid: 'u1', name: 'rs' }], labels: { x: '1', y: '2' } },
    spec: {
      containers: [
        { name: 'web', image: 'web:1', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], ports: [{ containerPort: 80, name: 'http' }] },
        { name: 'side', image: 'side:1' },
      ],
      volumes: [{ name: 'v1', emptyDir: {} }],
      tolerations: [{ key: 't1' }],
      nodeSelector: { a: '1', b: '2' },
    },
    status: { conditions: [{ type: 'Ready', status: 'False' }, { type: 'Scheduled', status: 'True' }] },
  });
  const cases: { name: string; patch: Record<string, unknown>; check: (o: any) => void; kind?: string; orig?: KObject }[] = [
    {
      name: 'merges containers by name',
      patch: { spec: { containers: [{ name: 'web', image: 'web:2' }] } },
      check: (o) => {
        assert.equal(o.spec.containers.length, 2);
        assert.equal(o.spec.containers[0].image, 'web:2');
        assert.equal(o.spec.containers[0].env.length, 2, 'env kept');
      },
    },
    {
      name: 'appends a new container',
      patch: { spec: { containers: [{ name: 'new', image: 'n:1' }] } },
      check: (o) => assert.deepEqual(o.spec.containers.map((c: any) => c.name), ['web', 'side', 'new']),
    },
    {
      name: 'merges env by name and ports by containerPort',
      patch: { spec: { containers: [{ name: 'web', env: [{ name: 'B', value: '3' }, { name: 'C', value: '4' }], ports: [{ containerPort: 80, protocol: 'TCP' }] }] } },
      check: (o) => {
        assert.deepEqual(o.spec.containers[0].env, [{ name: 'A', value: '1' }, { name: 'B', value: '3' }, { name: 'C', value: '4' }]);
        assert.deepEqual(o.spec.containers[0].ports, [{ containerPort: 80, name: 'http', protocol: 'TCP' }]);
      },
    },
    {
      name: '$patch: delete removes a list element',
      patch: { spec: { containers: [{ name: 'side', $patch: 'delete' }] } },
      check: (o) => assert.deepEqual(o.spec.containers.map((c: any) => c.name), ['web']),
    },
    {
      name: '$patch: replace element replaces the whole list',
      patch: { spec: { volumes: [{ $patch: 'replace' }, { name: 'v2', emptyDir: {} }] } },
      check: (o) => assert.deepEqual(o.spec.volumes, [{ name: 'v2', emptyDir: {} }]),
    },
    {
      name: '$patch: replace on a map',
      patch: { spec: { nodeSelector: { $patch: 'replace', c: '3' } } },
      check: (o) => assert.deepEqual(o.spec.nodeSelector, { c: '3' }),
    },
    {
      name: '$patch: delete on a map',
      patch: { spec: { nodeSelector: { $patch: 'delete' } } },
      check: (o) => assert.equal(o.spec.nodeSelector, undefined),
    },
    {
      name: 'atomic lists (tolerations) are replaced',
      patch: { spec: { tolerations: [{ key: 't2' }] } },
      check: (o) => assert.deepEqual(o.spec.tolerations, [{ key: 't2' }]),
    },
    {
      name: 'finalizers merge as a set',
      patch: { metadata: { finalizers: ['b', 'c'] } },
      check: (o) => assert.deepEqual(o.metadata.finalizers, ['a', 'b', 'c']),
    },
    {
      name: '$deleteFromPrimitiveList',
      patch: { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } },
      check: (o) => assert.deepEqual(o.metadata.finalizers, ['b']),
    },
    {
      name: 'ownerReferences merge by uid',
      patch: { metadata: { ownerReferences: [{ uid: 'u2', name: 'other' }, { uid: 'u1', controller: true }] } },
      check: (o) => assert.deepEqual(o.metadata.ownerReferences, [{ uid: 'u1', name: 'rs', controller: true }, { uid: 'u2', name: 'other' }]),
    },
    {
      name: 'status conditions merge by type',
      patch: { status: { conditions: [{ type: 'Ready', status: 'True' }] } },
      check: (o) => assert.deepEqual(o.status.conditions, [{ type: 'Ready', status: 'True' }, { type: 'Scheduled', status: 'True' }]),
    },
    {
      name: '$setElementOrder orders a merged list',
      patch: { spec: { '$setElementOrder/containers': [{ name: 'side' }, { name: 'web' }], containers: [{ name: 'side', image: 'side:2' }] } },
      check: (o) => assert.deepEqual(o.spec.containers.map((c: any) => `${c.name}=${c.image}`), ['side=side:2', 'web=web:1']),
    },
    {
      name: '$retainKeys drops other keys',
      patch: { spec: { nodeSelector: { $retainKeys: ['b', 'c'], c: '3' } } },
      check: (o) => assert.deepEqual(o.spec.nodeSelector, { b: '2', c: '3' }),
    },
    {
      name: 'null deletes map keys',
      patch: { metadata: { labels: { x: null } } },
      check: (o) => assert.deepEqual(o.metadata.labels, { y: '2' }),
    },
    {
      name: 'service ports merge by port',
      kind: 'Service',
      orig: { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80, targetPort: 8080 }, { port: 443 }] } },
      patch: { spec: { ports: [{ port: 80, nodePort: 30080 }] } },
      check: (o) => assert.deepEqual(o.spec.ports, [{ port: 80, targetPort: 8080, nodePort: 30080 }, { port: 443 }]),
    },
    {
      name: 'deployment template containers merge by name',
      kind: 'Deployment',
      orig: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { replicas: 3, template: { spec: { containers: [{ name: 'web', image: 'a' }] } } } },
      patch: { spec: { replicas: 5, template: { spec: { containers: [{ name: 'web', image: 'b' }] } } } },
      check: (o) => {
        assert.equal(o.spec.replicas, 5);
        assert.deepEqual(o.spec.template.spec.containers, [{ name: 'web', image: 'b' }]);
      },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const orig = c.orig ?? pod;
      const before = JSON.stringify(orig);
      c.check(applyPatch('strategic', orig, c.patch, c.kind ?? 'Pod'));
      assert.equal(JSON.stringify(orig), before, 'original untouched');
    });
  }
  const errors: { name: string; patch: unknown; msg: RegExp }[] = [
    { name: 'non-object', patch: [1], msg: /must be a JSON object/ },
    { name: 'missing merge key', patch: { spec: { containers: [{ image: 'x' }] } }, msg: /no merge key "name"/ },
    { name: 'bad directive', patch: { spec: { $patch: 'frob' } }, msg: /unknown \$patch directive "frob" at spec/ },
  ];
  for (const c of errors) it(`error: ${c.name}`, () => expectError(() => applyPatch('strategic', pod, c.patch, 'Pod'), 400, c.msg));
});
