import assert from 'node:assert/strict';
import { allResources } from '../resources';
import { parseStoredKey } from '../storage/object-decoder';
import { storedObjectCheck } from './stored-shape';

const check = storedObjectCheck(allResources());
const PREFIX = '/registry';

const pod = (over: Record<string, unknown> = {}, spec: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'default', uid: 'u1', labels: { app: 'web' } },
  spec: { containers: [{ name: 'c', image: 'k8ts/web:1.0', resources: { requests: { cpu: '100m', memory: '64Mi' } } }], ...spec },
  ...over,
});

const problem = (key: string, value: Record<string, unknown>) => check(parseStoredKey(PREFIX, key)!, value);

describe('stored objects: what decodes as its kind', () => {
  const podKey = '/registry/core/pods/default/p';
  const cases: { name: string; key?: string; value: Record<string, unknown>; want: RegExp | undefined }[] = [
    { name: 'a well-formed pod', value: pod(), want: undefined },
    { name: 'a pod without apiVersion and kind (filled from the key)', value: (({ apiVersion: _a, kind: _k, ...rest }) => rest)(pod()), want: undefined },
    { name: 'null anywhere (Go keeps the zero value)', value: pod({ status: null }, { nodeName: null, containers: [{ name: 'c', image: 'x', resources: null }] }), want: undefined },
    { name: 'unknown fields are ignored', value: pod({ extra: { any: [1, 'x'] } }, { futureField: 42 }), want: undefined },
    { name: 'missing required fields still decode', value: pod({}, { containers: [] }), want: undefined },
    { name: 'a huge annotation still decodes', value: pod({ metadata: { name: 'p', namespace: 'default', annotations: { big: 'x'.repeat(2 << 20) } } }), want: undefined },
    { name: 'numbers for quantities', value: pod({}, { containers: [{ name: 'c', resources: { limits: { cpu: 2, memory: 1e9 } } }] }), want: undefined },
    { name: 'another apiVersion', value: pod({ apiVersion: 'v2' }), want: /^apiVersion: "v2" is not the stored version v1 of pods/ },
    { name: 'another kind', value: pod({ kind: 'Service' }), want: /^kind: "Service" is not Pod/ },
    { name: 'a name that is not the key', value: pod({ metadata: { name: 'other', namespace: 'default' } }), want: /^metadata\.name: "other" does not match the name in the storage key \(p\)/ },
    { name: 'no name', value: pod({ metadata: { namespace: 'default' } }), want: /^metadata\.name: null does not match/ },
    { name: 'a namespace that is not the key', value: pod({ metadata: { name: 'p', namespace: 'x' } }), want: /^metadata\.namespace: "x" does not match the namespace in the storage key \(default\)/ },
    { name: 'labels of the wrong type', value: pod({ metadata: { name: 'p', namespace: 'default', labels: { app: 7 } } }), want: /^metadata\.labels\.app: expected string, got integer$/ },
    { name: 'containers not an array', value: pod({}, { containers: 'c' }), want: /^spec\.containers: expected array, got string$/ },
    { name: 'a container name of the wrong type', value: pod({}, { containers: [{ name: 1 }] }), want: /^spec\.containers\[0\]\.name: expected string, got integer$/ },
    { name: 'an unparseable quantity', value: pod({}, { containers: [{ name: 'c', resources: { requests: { memory: '12xyz' } } }] }), want: /^spec\.containers\[0\]\.resources\.requests\.memory: invalid quantity "12xyz"$/ },
    { name: 'a quantity of the wrong type', value: pod({}, { containers: [{ name: 'c', resources: { requests: { cpu: true } } }] }), want: /^spec\.containers\[0\]\.resources\.requests\.cpu: expected quantity, got boolean$/ },
    { name: 'a fractional integer', value: pod({}, { terminationGracePeriodSeconds: 1.5 }), want: /^spec\.terminationGracePeriodSeconds: expected integer, got number$/ },
    { name: 'spec not an object', value: pod({ spec: [] }), want: /^spec: expected object, got array$/ },
    { name: 'an intOrString that is neither', value: pod({}, { containers: [{ name: 'c', readinessProbe: { httpGet: { port: 1.5 } } }] }), want: /readinessProbe\.httpGet\.port: expected integer or string, got number$/ },
    {
      name: 'a node with unparseable capacity',
      key: '/registry/core/nodes/n1',
      value: { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, status: { capacity: { cpu: 'lots' } } },
      want: /^status\.capacity\.cpu: invalid quantity "lots"$/,
    },
    {
      name: 'a cluster-scoped object with a namespace',
      key: '/registry/core/nodes/n1',
      value: { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', namespace: 'default' } },
      want: /^metadata\.namespace: a Node is not namespaced/,
    },
    {
      name: 'a service with a string port',
      key: '/registry/core/services/default/s',
      value: { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'default' }, spec: { ports: [{ port: '80' }] } },
      want: /^spec\.ports\[0\]\.port: expected integer, got string$/,
    },
    {
      name: 'a configmap with a number in data',
      key: '/registry/core/configmaps/default/c',
      value: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' }, data: { a: 1 } },
      want: /^data\.a: expected string, got integer$/,
    },
    {
      name: 'a deployment with string replicas',
      key: '/registry/apps/deployments/default/d',
      value: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'default' }, spec: { replicas: 'three' } },
      want: /^spec\.replicas: expected integer, got string$/,
    },
    {
      name: 'a resource the registry does not serve is not judged',
      key: '/registry/example.com/widgets/default/w',
      value: { metadata: { name: 'anything' } },
      want: undefined,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = problem(c.key ?? podKey, c.value);
      if (c.want === undefined) assert.equal(got, undefined);
      else assert.match(got ?? '(decodes)', c.want);
    });
  }
});
