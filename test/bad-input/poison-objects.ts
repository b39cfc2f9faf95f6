// The poison the suite writes straight into etcd: for each kind the components read, one object
// per kind of damage, with what the cluster should make of it:
//   corrupt — the apiserver cannot decode it as its kind: never listed or watched, a read answers
//             500 naming its key, `kubectl delete` removes it;
//   invalid — it decodes (so the apiserver serves it, as kube-apiserver would) but fails the
//             components' check of its kind: every component skips it and says so;
//   (a huge annotation is "invalid" too: it decodes, but no write to the object could pass
//   validation, so components could never finish what they do with it).
import { randomUUID } from 'node:crypto';

export type Outcome = 'corrupt' | 'invalid';

export interface PoisonObject {
  /** What kubectl calls the resource. */
  resource: string;
  name: string;
  namespace?: string;
  /** The etcd key the value is written under. */
  key: string;
  value: string;
  damage: string;
  outcome: Outcome;
}

/**
 * etcd refuses requests over its --max-request-bytes (1.5 MiB by default, which the local cluster
 * keeps), so the "huge annotation" is 1.2 MiB: over any sane object, under what etcd accepts.
 */
export const BIG_ANNOTATION_BYTES = 1.2 * 1024 * 1024;

type Json = Record<string, any>;

interface KindDef {
  resource: string;
  group: string;
  plural: string;
  apiVersion: string;
  kind: string;
  namespaced: boolean;
  /** A valid object of the kind named `name` (labels let its own selector match only itself). */
  valid(name: string, nodeName: string): Json;
  damages: [damage: string, outcome: Outcome, change: (o: Json, nodeName: string) => void][];
}

const container = (over: Json = {}) => ({ name: 'web', image: 'k8ts/web:1.0', ...over });
const podTemplate = (app: string) => ({ metadata: { labels: { app } }, spec: { containers: [container()], terminationGracePeriodSeconds: 1 } });

/** Damage every kind can take. */
const COMMON: KindDef['damages'] = [
  ['json', 'corrupt', () => undefined], // replaced by truncated JSON below
  ['version', 'corrupt', (o) => (o.apiVersion = o.apiVersion.includes('/') ? `${o.apiVersion.split('/')[0]}/v9` : 'v9')],
  // It decodes, so the apiserver serves it (as upstream does); but no write to it can pass
  // validation (annotations are limited to 256 KiB), so components skip it.
  ['big', 'invalid', (o) => (o.metadata.annotations = { 'poison.k8ts.io/big': 'x'.repeat(BIG_ANNOTATION_BYTES) })],
];

const KINDS: KindDef[] = [
  {
    resource: 'pods', group: 'core', plural: 'pods', apiVersion: 'v1', kind: 'Pod', namespaced: true,
    valid: (name) => ({ spec: { containers: [container({ resources: { requests: { cpu: '10m', memory: '16Mi' } } })], terminationGracePeriodSeconds: 1 }, metadata: { labels: { app: name } } }),
    damages: [
      ['types', 'corrupt', (o, node) => Object.assign(o.spec, { nodeName: node, containers: 'web' })],
      // The issue's pod: bound, with a memory request that does not parse.
      ['quantity', 'corrupt', (o, node) => Object.assign(o.spec, { nodeName: node, containers: [container({ resources: { requests: { memory: '12xyz' } } })] })],
      // Bound to the node but without containers: its kubelet cannot run it.
      ['missing', 'invalid', (o, node) => Object.assign(o.spec, { nodeName: node, containers: [] })],
      // Unbound, a container without an image: the scheduler must not place it.
      ['unbound', 'invalid', (o) => delete o.spec.containers[0].image],
    ],
  },
  {
    resource: 'nodes', group: 'core', plural: 'nodes', apiVersion: 'v1', kind: 'Node', namespaced: false,
    valid: (name) => ({ metadata: { labels: { 'kubernetes.io/hostname': name } }, spec: {} }),
    damages: [
      ['types', 'corrupt', (o) => (o.status = { capacity: 'lots' })],
      ['quantity', 'corrupt', (o) => (o.status = { capacity: { cpu: 'lots', memory: '1Gi' }, allocatable: { cpu: 'lots' } })],
      ['missing', 'invalid', (o) => (o.spec.taints = [{ key: 'poison.k8ts.io/no-effect' }])],
      ['value', 'invalid', (o) => (o.spec.podCIDR = '10.244.250.0/24; reboot')],
    ],
  },
  {
    resource: 'services', group: 'core', plural: 'services', apiVersion: 'v1', kind: 'Service', namespaced: true,
    valid: (name) => ({ spec: { type: 'ClusterIP', selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] } }),
    damages: [
      ['types', 'corrupt', (o) => (o.spec.ports = '80')],
      ['missing', 'invalid', (o) => delete o.spec.ports[0].port],
      // A cluster IP kube-proxy would program, and a port name that would break its rule payload.
      ['value', 'invalid', (o) => Object.assign(o.spec, { clusterIP: '10.96.250.250', ports: [{ name: 'a"b', port: 80, protocol: 'TCP' }] })],
    ],
  },
  {
    resource: 'endpoints', group: 'core', plural: 'endpoints', apiVersion: 'v1', kind: 'Endpoints', namespaced: true,
    valid: () => ({ subsets: [{ addresses: [{ ip: '10.244.250.1' }], ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }] }),
    damages: [
      ['types', 'corrupt', (o) => (o.subsets = 'all of them')],
      ['missing', 'invalid', (o) => delete o.subsets[0].addresses[0].ip],
      ['value', 'invalid', (o) => (o.subsets[0].ports[0].port = 70000)],
    ],
  },
  {
    resource: 'deployments.apps', group: 'apps', plural: 'deployments', apiVersion: 'apps/v1', kind: 'Deployment', namespaced: true,
    valid: (name) => ({ spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: podTemplate(name) } }),
    damages: [
      ['types', 'corrupt', (o) => (o.spec.replicas = 'three')],
      ['quantity', 'corrupt', (o) => (o.spec.template.spec.containers[0].resources = { requests: { memory: '12xyz' } })],
      ['missing', 'invalid', (o) => (delete o.spec.selector, delete o.spec.template)],
      ['value', 'invalid', (o) => (o.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 'lots' } })],
    ],
  },
  {
    resource: 'replicasets.apps', group: 'apps', plural: 'replicasets', apiVersion: 'apps/v1', kind: 'ReplicaSet', namespaced: true,
    valid: (name) => ({ spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: podTemplate(name) } }),
    damages: [
      ['types', 'corrupt', (o) => (o.spec.selector = 'app=web')],
      ['quantity', 'corrupt', (o) => (o.spec.template.spec.containers[0].resources = { limits: { cpu: 'abc' } })],
      ['missing', 'invalid', (o) => delete o.spec.selector],
      ['value', 'invalid', (o) => (o.spec.replicas = -1)],
    ],
  },
  {
    resource: 'configmaps', group: 'core', plural: 'configmaps', apiVersion: 'v1', kind: 'ConfigMap', namespaced: true,
    valid: () => ({ data: { greeting: 'hello' } }),
    damages: [
      ['types', 'corrupt', (o) => (o.data = { greeting: 42 })],
      ['value', 'invalid', (o) => (o.data = { '../escape': 'x' })],
    ],
  },
  {
    resource: 'secrets', group: 'core', plural: 'secrets', apiVersion: 'v1', kind: 'Secret', namespaced: true,
    valid: () => ({ type: 'Opaque', data: { password: Buffer.from('secret').toString('base64') } }),
    damages: [
      ['types', 'corrupt', (o) => (o.data = ['secret'])],
      ['value', 'invalid', (o) => (o.data = { password: 'not base64!' })],
    ],
  },
];

function keyOf(k: KindDef, name: string, namespace: string | undefined): string {
  return `/registry/${k.group}/${k.plural}/${k.namespaced ? `${namespace}/` : ''}${name}`;
}

/** A valid stored object of kind k, as the apiserver would have stored it. */
function storedObject(k: KindDef, name: string, namespace: string, nodeName: string): Json {
  const body = k.valid(name, nodeName);
  return {
    apiVersion: k.apiVersion,
    kind: k.kind,
    ...body,
    metadata: {
      name,
      ...(k.namespaced ? { namespace } : {}),
      uid: randomUUID(),
      creationTimestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      ...(body.metadata ?? {}),
    },
  };
}

/** Every poison object for a cluster whose node is nodeName, in namespace. */
export function poisonObjects(nodeName: string, namespace = 'default'): PoisonObject[] {
  const out: PoisonObject[] = [];
  for (const k of KINDS) {
    for (const [damage, outcome, change] of [...k.damages, ...COMMON]) {
      const name = `poison-${k.plural}-${damage}`;
      const ns = k.namespaced ? namespace : undefined;
      const obj = storedObject(k, name, namespace, nodeName);
      change(obj, nodeName);
      const text = JSON.stringify(obj);
      // Truncated JSON: what a torn write or a stray tool leaves behind.
      const value = damage === 'json' ? text.slice(0, Math.floor(text.length / 2)) : text;
      out.push({ resource: k.resource, name, namespace: ns, key: keyOf(k, name, ns), value, damage, outcome });
    }
  }
  return out;
}

/** The valid stored form of a kind's object, for a test that writes good values around etcd too. */
export function validValue(resource: string, name: string, namespace: string, nodeName: string): { key: string; value: string } {
  const k = KINDS.find((x) => x.resource === resource);
  if (!k) throw new Error(`no poison kind ${resource}`);
  return { key: keyOf(k, name, k.namespaced ? namespace : undefined), value: JSON.stringify(storedObject(k, name, namespace, nodeName)) };
}
