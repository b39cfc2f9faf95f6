import assert from 'node:assert/strict';
import { objectProblems } from './index';
import { isIPv4, isIPv4Cidr } from './metadata';

type Json = Record<string, any>;
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));

const meta = (name: string, namespace?: string) => (namespace ? { name, namespace, uid: 'uid-1', resourceVersion: '7' } : { name, uid: 'uid-1', resourceVersion: '7' });
const BASE: Record<string, Json> = {
  pods: {
    metadata: { ...meta('web-1', 'default'), labels: { app: 'web' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'u', controller: true }] },
    spec: {
      containers: [{ name: 'web', image: 'k8ts/web:1.0', ports: [{ containerPort: 8080, name: 'http' }], resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: 1e9 } }, readinessProbe: { httpGet: { port: 'http', path: '/' } } }],
      volumes: [{ name: 'cfg', configMap: { name: 'cfg', items: [{ key: 'a', path: 'a.txt' }] } }],
      nodeName: 'n1',
      tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule' }],
    },
    status: { phase: 'Running', podIP: '10.244.0.2', conditions: [{ type: 'Ready', status: 'True' }] },
  },
  nodes: {
    metadata: meta('n1'),
    spec: { podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'], taints: [{ key: 'x', effect: 'NoSchedule' }] },
    status: { capacity: { cpu: '2', memory: '4Gi', pods: '110' }, allocatable: { cpu: '2', memory: '4Gi' }, conditions: [{ type: 'Ready', status: 'True' }], addresses: [{ type: 'InternalIP', address: '10.0.0.1' }] },
  },
  services: {
    metadata: meta('web', 'default'),
    spec: { type: 'NodePort', clusterIP: '10.96.0.20', clusterIPs: ['10.96.0.20'], selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080, nodePort: 30080, protocol: 'TCP' }] },
  },
  endpoints: { metadata: meta('web', 'default'), subsets: [{ addresses: [{ ip: '10.244.0.2', nodeName: 'n1' }], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }] },
  endpointslices: {
    metadata: meta('web-abcde', 'default'),
    addressType: 'IPv4',
    endpoints: [{ addresses: ['10.244.0.2'], conditions: { ready: true } }],
    ports: [{ name: '', port: 8080, protocol: 'TCP' }],
  },
  deployments: {
    metadata: meta('web', 'default'),
    spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [] } }, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } } },
  },
  replicasets: { metadata: meta('web-abc', 'default'), spec: { replicas: 3, selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }] }, template: { metadata: { labels: { app: 'web' } }, spec: {} } } },
  replicationcontrollers: { metadata: meta('web', 'default'), spec: { replicas: 2, selector: { app: 'web' }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [] } } }, status: { replicas: 2, conditions: [{ type: 'ReplicaFailure', status: 'True' }] } },
  configmaps: { metadata: meta('cfg', 'default'), data: { 'a.txt': 'hello', 'b-c_d.e': '' }, binaryData: { bin: 'AAEC' } },
  secrets: { metadata: meta('s', 'default'), type: 'Opaque', data: { password: 'c2VjcmV0' }, stringData: { plain: 'x' } },
  leases: { metadata: meta('n1', 'kube-node-lease'), spec: { holderIdentity: 'n1', renewTime: '2024-01-01T00:00:00.000000Z', leaseDurationSeconds: 40 } },
  persistentvolumes: { metadata: meta('pv1'), spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/data' } } },
  persistentvolumeclaims: { metadata: meta('c', 'default'), spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
  namespaces: { metadata: meta('team-a'), status: { phase: 'Active' } },
  daemonsets: {
    metadata: meta('agent', 'default'),
    spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [] } }, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '10%', maxSurge: 0 } }, revisionHistoryLimit: 10 },
    status: { desiredNumberScheduled: 2, currentNumberScheduled: 2, numberMisscheduled: 0, numberReady: 2, collisionCount: 1 },
  },
  controllerrevisions: { metadata: meta('agent-5d4f', 'default'), data: { spec: {} }, revision: 3 },
  poddisruptionbudgets: {
    metadata: meta('web', 'default'),
    spec: { minAvailable: 5, selector: { matchLabels: { app: 'web' } } },
    status: { observedGeneration: 1, disruptionsAllowed: 1, currentHealthy: 6, desiredHealthy: 5, expectedPods: 6, disruptedPods: { 'web-1': '2026-01-01T00:00:00Z' }, conditions: [{ type: 'DisruptionAllowed', status: 'True' }] },
  },
};

/** [resource, what, change, the first problem expected (undefined: none)] */
const CASES: [string, string, (o: Json) => void, RegExp | undefined][] = [
  ...Object.keys(BASE).map((r): [string, string, (o: Json) => void, undefined] => [r, 'a valid object', () => undefined, undefined]),
  // what every kind shares
  ['configmaps', 'not an object', (o) => Object.assign(o, { __replace: 'x' }), /^<object>: expected object, got string$/],
  ['configmaps', 'no metadata', (o) => delete o.metadata, /^metadata: Required value$/],
  ['configmaps', 'no name', (o) => delete o.metadata.name, /^metadata\.name: Required value$/],
  ['configmaps', 'a name with a slash', (o) => (o.metadata.name = 'a/b'), /^metadata\.name: Invalid value: "a\/b": a lowercase RFC 1123 subdomain/],
  ['configmaps', 'no namespace', (o) => delete o.metadata.namespace, /^metadata\.namespace: Required value$/],
  ['configmaps', 'labels with a number', (o) => (o.metadata.labels = { a: 1 }), /^metadata\.labels\.a: expected string, got number$/],
  ['configmaps', 'an owner reference without uid', (o) => (o.metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'X', name: 'x' }]), /^metadata\.ownerReferences\[0\]\.uid: Required value$/],
  ['configmaps', 'annotations up to 256 KiB', (o) => (o.metadata.annotations = { big: 'x'.repeat(256 * 1024 - 3) }), undefined],
  ['configmaps', 'a 2 MiB annotation (no write to the object could succeed)', (o) => (o.metadata.annotations = { big: 'x'.repeat(2 << 20) }), /^metadata\.annotations: Too long: must have at most 262144 bytes$/],
  ['configmaps', 'an unknown apiVersion is not the informer\'s business', (o) => (o.apiVersion = 'v9'), undefined],
  // pods
  ['pods', 'no spec', (o) => delete o.spec, /^spec: Required value$/],
  ['pods', 'containers not an array', (o) => (o.spec.containers = { name: 'x' }), /^spec\.containers: expected array, got object$/],
  ['pods', 'no containers', (o) => (o.spec.containers = []), /^spec\.containers: Required value: must have at least one item$/],
  ['pods', 'a container without a name', (o) => delete o.spec.containers[0].name, /^spec\.containers\[0\]\.name: Required value$/],
  ['pods', 'a container name that is a path', (o) => (o.spec.containers[0].name = '../../etc'), /^spec\.containers\[0\]\.name: Invalid value: "\.\.\/\.\.\/etc"/],
  ['pods', 'a container without an image', (o) => delete o.spec.containers[0].image, /^spec\.containers\[0\]\.image: Required value$/],
  ['pods', 'an unparseable memory request', (o) => (o.spec.containers[0].resources.requests.memory = '12xyz'), /^spec\.containers\[0\]\.resources\.requests\.memory: Invalid value: "12xyz": invalid quantity "12xyz"$/],
  ['pods', 'a cpu request of the wrong type', (o) => (o.spec.containers[0].resources.requests.cpu = ['1']), /^spec\.containers\[0\]\.resources\.requests\.cpu: expected quantity, got array$/],
  ['pods', 'a bad init container limit', (o) => (o.spec.initContainers = [{ name: 'i', image: 'x', resources: { limits: { cpu: 'abc' } } }]), /^spec\.initContainers\[0\]\.resources\.limits\.cpu: Invalid value: "abc"/],
  ['pods', 'a nodeName that is not a string', (o) => (o.spec.nodeName = 42), /^spec\.nodeName: expected string, got number$/],
  ['pods', 'a container port out of range', (o) => (o.spec.containers[0].ports[0].containerPort = 70000), /^spec\.containers\[0\]\.ports\[0\]\.containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive$/],
  ['pods', 'a probe without a port', (o) => delete o.spec.containers[0].readinessProbe.httpGet.port, /readinessProbe\.httpGet\.port: Required value$/],
  ['pods', 'a volume name that is a path', (o) => (o.spec.volumes[0].name = '..'), /^spec\.volumes\[0\]\.name: Invalid value: "\.\."/],
  ['pods', 'tolerations not a list', (o) => (o.spec.tolerations = 'all'), /^spec\.tolerations: expected array, got string$/],
  ['pods', 'an unknown restart policy', (o) => (o.spec.restartPolicy = 'Sometimes'), /^spec\.restartPolicy: Unsupported value: "Sometimes"/],
  ['pods', 'a negative grace period', (o) => (o.spec.terminationGracePeriodSeconds = -1), /^spec\.terminationGracePeriodSeconds: Invalid value: -1/],
  ['pods', 'a uid that is a path', (o) => (o.metadata.uid = '../x'), /^metadata\.uid: Invalid value: "\.\.\/x"/],
  ['pods', 'conditions of the wrong type', (o) => (o.status.conditions = [{ type: 'Ready', status: true }]), /^status\.conditions\[0\]\.status: expected string, got boolean$/],
  // nodes
  ['nodes', 'an unparseable allocatable cpu', (o) => (o.status.allocatable.cpu = 'lots'), /^status\.allocatable\.cpu: Invalid value: "lots"/],
  ['nodes', 'a podCIDR that is no CIDR', (o) => (o.spec.podCIDR = '10.244.1.0'), /^spec\.podCIDR: Invalid value: "10\.244\.1\.0": must be an IPv4 CIDR$/],
  ['nodes', 'a taint without effect', (o) => delete o.spec.taints[0].effect, /^spec\.taints\[0\]\.effect: Required value$/],
  ['nodes', 'a node with a namespace is still a node', (o) => (o.metadata.namespace = ''), undefined],
  ['nodes', 'spec absent is fine', (o) => delete o.spec, undefined],
  // services, endpoints, slices
  ['services', 'no spec', (o) => delete o.spec, /^spec: Required value$/],
  ['services', 'a port that is a string', (o) => (o.spec.ports[0].port = '80'), /^spec\.ports\[0\]\.port: expected integer, got string$/],
  ['services', 'a port without a number', (o) => delete o.spec.ports[0].port, /^spec\.ports\[0\]\.port: Required value$/],
  ['services', 'a port name that breaks a rule comment', (o) => (o.spec.ports[0].name = 'a"b'), /^spec\.ports\[0\]\.name: Invalid value: "a\\"b"/],
  ['services', 'a node port out of range', (o) => (o.spec.ports[0].nodePort = 99999), /^spec\.ports\[0\]\.nodePort: Invalid value: 99999/],
  ['services', 'a cluster IP that is no IP', (o) => (o.spec.clusterIP = 'abc'), /^spec\.clusterIP: Invalid value: "abc": must be a valid IP address$/],
  ['services', 'a headless service', (o) => (o.spec.clusterIP = 'None'), undefined],
  ['services', 'a name that is no DNS-1035 label', (o) => (o.metadata.name = '1web'), /^metadata\.name: Invalid value: "1web": a DNS-1035 label/],
  ['services', 'a selector with a number', (o) => (o.spec.selector = { app: 1 }), /^spec\.selector\.app: expected string, got number$/],
  ['endpoints', 'an address without ip', (o) => delete o.subsets[0].addresses[0].ip, /^subsets\[0\]\.addresses\[0\]\.ip: Required value$/],
  ['endpoints', 'a port of zero', (o) => (o.subsets[0].ports[0].port = 0), /^subsets\[0\]\.ports\[0\]\.port: Invalid value: 0/],
  ['endpoints', 'subsets not a list', (o) => (o.subsets = {}), /^subsets: expected array, got object$/],
  ['endpointslices', 'an endpoint without addresses', (o) => (o.endpoints[0].addresses = []), /^endpoints\[0\]\.addresses: Required value: must have at least one item$/],
  ['endpointslices', 'no addressType', (o) => delete o.addressType, /^addressType: Required value$/],
  // workloads
  ['daemonsets', 'an unknown update strategy', (o) => (o.spec.updateStrategy.type = 'Sometimes'), /^spec\.updateStrategy\.type: Unsupported value: "Sometimes"/],
  ['daemonsets', 'a maxSurge that is no number or percentage', (o) => (o.spec.updateStrategy.rollingUpdate.maxSurge = 'many'), /^spec\.updateStrategy\.rollingUpdate\.maxSurge: /],
  ['daemonsets', 'no template', (o) => delete o.spec.template, /^spec\.template: Required value$/],
  ['controllerrevisions', 'a revision as a string', (o) => (o.revision = '3'), /^revision: expected integer, got string$/],
  ['deployments', 'replicas as a string', (o) => (o.spec.replicas = '3'), /^spec\.replicas: expected integer, got string$/],
  ['deployments', 'negative replicas', (o) => (o.spec.replicas = -1), /^spec\.replicas: Invalid value: -1/],
  ['deployments', 'replicas beyond int32', (o) => (o.spec.replicas = 2 ** 40), /^spec\.replicas: Invalid value: 1099511627776/],
  ['deployments', 'no selector', (o) => delete o.spec.selector, /^spec\.selector: Required value$/],
  ['deployments', 'a maxSurge that is no percentage', (o) => (o.spec.strategy.rollingUpdate.maxSurge = 'lots'), /^spec\.strategy\.rollingUpdate\.maxSurge: Invalid value: "lots"/],
  ['deployments', 'no template', (o) => delete o.spec.template, /^spec\.template: Required value$/],
  ['deployments', 'a template without spec', (o) => delete o.spec.template.spec, /^spec\.template\.spec: Required value$/],
  ['deployments', 'template labels with a number', (o) => (o.spec.template.metadata.labels = { app: 2 }), /^spec\.template\.metadata\.labels\.app: expected string, got number$/],
  ['replicasets', 'a selector operator nobody knows', (o) => (o.spec.selector.matchExpressions[0].operator = 'Near'), /^spec\.selector\.matchExpressions\[0\]\.operator: Unsupported value: "Near"/],
  ['replicasets', 'spec null', (o) => (o.spec = null), /^spec: Required value$/],
  ['replicationcontrollers', 'an empty selector (it would select every pod)', (o) => (o.spec.selector = {}), /^spec\.selector: must be a non-empty map of labels$/],
  ['replicationcontrollers', 'no selector', (o) => delete o.spec.selector, /^spec\.selector: must be a non-empty map of labels$/],
  ['replicationcontrollers', 'a selector value that is a number', (o) => (o.spec.selector.app = 1), /^spec\.selector\.app: expected string, got number$/],
  ['replicationcontrollers', 'no template', (o) => delete o.spec.template, /^spec\.template: Required value$/],
  // config
  ['configmaps', 'data with a number', (o) => (o.data.n = 5), /^data\.n: expected string, got number$/],
  ['configmaps', 'a data key that is a path', (o) => (o.data['../x'] = 'y'), /^data\[\.\.\/x\]: Invalid value: a valid config key/],
  ['configmaps', 'binaryData that is no base64', (o) => (o.binaryData.bin = '***'), /^binaryData\[bin\]: Invalid value: must be base64 encoded$/],
  ['secrets', 'data that is no base64', (o) => (o.data.password = 'not base64!'), /^data\[password\]: Invalid value: must be base64 encoded$/],
  ['secrets', 'data not a map', (o) => (o.data = ['x']), /^data: expected object, got array$/],
  // the rest
  ['leases', 'a renewTime that is a number', (o) => (o.spec.renewTime = 5), /^spec\.renewTime: expected string, got number$/],
  ['persistentvolumes', 'an unparseable capacity', (o) => (o.spec.capacity.storage = 'big'), /^spec\.capacity\.storage: Invalid value: "big"/],
  ['persistentvolumeclaims', 'an unparseable request', (o) => (o.spec.resources.requests.storage = '1 Gi'), /^spec\.resources\.requests\.storage: Invalid value: "1 Gi"/],
  ['namespaces', 'a name with a dot', (o) => (o.metadata.name = 'a.b'), /^metadata\.name: Invalid value: "a\.b": a lowercase RFC 1123 label/],
  ['poddisruptionbudgets', 'a percentage budget', (o) => (o.spec = { maxUnavailable: '25%', selector: {} }), undefined],
  ['poddisruptionbudgets', 'a budget that is no number or percentage', (o) => (o.spec.minAvailable = 'half'), /^spec\.minAvailable: Invalid value: "half"/],
  ['poddisruptionbudgets', 'a selector the controller cannot compile', (o) => (o.spec.selector = { matchExpressions: [{ key: 'app', operator: 'Like' }] }), /^spec\.selector\.matchExpressions\[0\]\.operator: Unsupported value: "Like"/],
  ['poddisruptionbudgets', 'a counter that is a string', (o) => (o.status.disruptionsAllowed = '1'), /^status\.disruptionsAllowed: expected integer, got string$/],
  ['poddisruptionbudgets', 'an eviction time that is not a string', (o) => (o.status.disruptedPods = { a: 5 }), /^status\.disruptedPods\.a: expected string, got number$/],
  ['horizontalpodautoscalers', 'a kind without its own check gets the metadata check', (o) => delete o.metadata.name, /^metadata\.name: Required value$/],
];

describe('object checks: what components parse', () => {
  for (const [resource, what, change, want] of CASES) {
    it(`${resource}: ${what}`, () => {
      let obj: unknown = clone(BASE[resource] ?? { metadata: meta('hpa', 'default') });
      change(obj as Json);
      if ((obj as Json).__replace !== undefined) obj = (obj as Json).__replace;
      const problems = objectProblems(resource, obj);
      if (want === undefined) assert.deepEqual(problems, []);
      else {
        assert.ok(problems.length > 0, 'a problem is reported');
        assert.match(problems[0], want);
      }
    });
  }

  it('reports every problem, not only the first', () => {
    const o = clone(BASE.pods);
    o.spec.containers[0].resources.requests.memory = '12xyz';
    o.spec.nodeName = 7;
    assert.equal(objectProblems('pods', o).length, 2);
  });

  const ips: [string, boolean][] = [['10.0.0.1', true], ['255.255.255.255', true], ['256.0.0.1', false], ['1.2.3', false], ['01.2.3.4', false], ['a.b.c.d', false]];
  for (const [ip, want] of ips) it(`${ip} is ${want ? '' : 'not '}an IPv4 address`, () => assert.equal(isIPv4(ip), want));
  const cidrs: [string, boolean][] = [['10.244.0.0/16', true], ['10.244.0.0/33', false], ['10.244.0.0', false], ['10.244.0.0/', false], ['x/8', false]];
  for (const [cidr, want] of cidrs) it(`${cidr} is ${want ? '' : 'not '}an IPv4 CIDR`, () => assert.equal(isIPv4Cidr(cidr), want));
});
