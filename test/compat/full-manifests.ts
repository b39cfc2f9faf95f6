// Fully-loaded manifests of the kinds outside the pod side: every field Kubernetes 1.32 gives
// them, the common ones and the rare ones, as users and controllers write them. They must pass
// fieldValidation=Strict untouched (apiserver/resources/strict-fields-other.test.ts checks the
// schemas, test/compat/field-validation.test.ts sends them through the real kubectl).
type Obj = Record<string, unknown>;

const T = '2026-11-21T10:00:00Z';
const meta = (name: string, extra: Obj = {}) => ({
  name,
  labels: { app: 'shop', 'app.kubernetes.io/part-of': 'shop' },
  annotations: { 'example.com/owner': 'team-a' },
  ...extra,
});

export const service: Obj = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: meta('full-svc', { namespace: 'default', finalizers: ['example.com/keep'] }),
  spec: {
    type: 'LoadBalancer',
    selector: { app: 'shop' },
    ports: [
      { name: 'http', protocol: 'TCP', appProtocol: 'http', port: 80, targetPort: 'http', nodePort: 31080 },
      { name: 'dns', protocol: 'UDP', port: 53, targetPort: 5353 },
    ],
    clusterIP: '10.96.200.10',
    clusterIPs: ['10.96.200.10'],
    externalIPs: ['192.0.2.10'],
    sessionAffinity: 'ClientIP',
    sessionAffinityConfig: { clientIP: { timeoutSeconds: 600 } },
    loadBalancerIP: '192.0.2.20',
    loadBalancerSourceRanges: ['192.0.2.0/24'],
    loadBalancerClass: 'example.com/lb',
    allocateLoadBalancerNodePorts: true,
    externalTrafficPolicy: 'Local',
    healthCheckNodePort: 31999,
    internalTrafficPolicy: 'Cluster',
    publishNotReadyAddresses: false,
    ipFamilies: ['IPv4'],
    ipFamilyPolicy: 'SingleStack',
    trafficDistribution: 'PreferClose',
  },
  status: {
    loadBalancer: { ingress: [{ ip: '192.0.2.20', hostname: 'lb.example.com', ipMode: 'VIP', ports: [{ port: 80, protocol: 'TCP', error: 'Pending' }] }] },
    conditions: [{ type: 'Ready', status: 'True', observedGeneration: 1, lastTransitionTime: T, reason: 'Ok', message: 'ready' }],
  },
};

export const externalNameService: Obj = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: meta('full-ext', { namespace: 'default' }),
  spec: { type: 'ExternalName', externalName: 'db.example.com', ports: [{ port: 5432 }] },
};

const ref = (kind: string, name: string) => ({ kind, namespace: 'default', name, uid: '5b7f5c1e-0000-4000-8000-000000000001', apiVersion: 'v1', resourceVersion: '12', fieldPath: 'spec.containers{web}' });

export const endpoints: Obj = {
  apiVersion: 'v1',
  kind: 'Endpoints',
  metadata: meta('full-svc', { namespace: 'default' }),
  subsets: [
    {
      addresses: [{ ip: '10.244.1.5', hostname: 'web-0', nodeName: 'node-a', targetRef: ref('Pod', 'web-0') }],
      notReadyAddresses: [{ ip: '10.244.1.6', targetRef: ref('Pod', 'web-1') }],
      ports: [{ name: 'http', port: 8080, protocol: 'TCP', appProtocol: 'http' }],
    },
  ],
};

export const endpointSlice: Obj = {
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: meta('full-svc-abc12', { namespace: 'default', generateName: 'full-svc-', ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 'full-svc', uid: '5b7f5c1e-0000-4000-8000-000000000002', controller: true, blockOwnerDeletion: true }] }),
  addressType: 'IPv4',
  endpoints: [
    {
      addresses: ['10.244.1.5'],
      conditions: { ready: true, serving: true, terminating: false },
      hostname: 'web-0',
      targetRef: ref('Pod', 'web-0'),
      deprecatedTopology: { 'topology.kubernetes.io/zone': 'a' },
      nodeName: 'node-a',
      zone: 'zone-a',
      hints: { forZones: [{ name: 'zone-a' }], forNodes: [{ name: 'node-a' }] },
    },
  ],
  ports: [{ name: 'http', protocol: 'TCP', port: 8080, appProtocol: 'http' }],
};

const quantities = { cpu: '4', memory: '8Gi', pods: '110', 'ephemeral-storage': '100Gi', 'hugepages-2Mi': '0' };
export const node: Obj = {
  apiVersion: 'v1',
  kind: 'Node',
  metadata: meta('full-node', { labels: { 'kubernetes.io/hostname': 'full-node', 'node-role.kubernetes.io/worker': '' } }),
  spec: {
    podCIDR: '10.244.9.0/24',
    podCIDRs: ['10.244.9.0/24'],
    providerID: 'k8ts://full-node',
    unschedulable: false,
    taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: T }],
    externalID: 'full-node',
  },
  status: {
    capacity: quantities,
    allocatable: quantities,
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: T, lastTransitionTime: T, reason: 'KubeletReady', message: 'kubelet is posting ready status' }],
    addresses: [{ type: 'InternalIP', address: '10.0.0.9' }, { type: 'Hostname', address: 'full-node' }],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      machineID: 'm', systemUUID: 's', bootID: 'b', kernelVersion: '6.1.0', osImage: 'Debian GNU/Linux 12 (bookworm)', containerRuntimeVersion: 'containerd://1.6.20',
      kubeletVersion: 'v1.32.0', kubeProxyVersion: 'v1.32.0', operatingSystem: 'linux', architecture: 'amd64', swap: { capacity: 0 },
    },
    images: [{ names: ['k8ts/web:1.0', 'docker.io/k8ts/web@sha256:00'], sizeBytes: 123456 }],
    volumesInUse: ['kubernetes.io/csi/x^vol-1'],
    volumesAttached: [{ name: 'kubernetes.io/csi/x^vol-1', devicePath: '/dev/sdb' }],
    config: { assigned: { configMap: { namespace: 'kube-system', name: 'k', kubeletConfigKey: 'kubelet' } }, error: '' },
    runtimeHandlers: [{ name: '', features: { recursiveReadOnlyMounts: true, userNamespaces: false } }, { name: 'runc', features: { recursiveReadOnlyMounts: true } }],
    features: { supplementalGroupsPolicy: true },
  },
};

export const namespace: Obj = {
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: meta('full-ns'),
  spec: { finalizers: ['kubernetes'] },
  status: { phase: 'Active', conditions: [{ type: 'NamespaceDeletionDiscoveryFailure', status: 'False', lastTransitionTime: T, reason: 'ResourcesDiscovered', message: 'All resources successfully discovered' }] },
};

export const event: Obj = {
  apiVersion: 'v1',
  kind: 'Event',
  metadata: meta('web-0.17a', { namespace: 'default' }),
  involvedObject: ref('Pod', 'web-0'),
  reason: 'Pulled',
  message: 'Container image "k8ts/web:1.0" already present on machine',
  source: { component: 'kubelet', host: 'node-a' },
  firstTimestamp: T,
  lastTimestamp: T,
  count: 3,
  type: 'Normal',
  eventTime: null,
  series: { count: 2, lastObservedTime: '2026-11-21T10:00:01.123456Z' },
  action: 'Pulling',
  related: ref('Node', 'node-a'),
  reportingComponent: 'kubelet',
  reportingInstance: 'node-a',
};

export const lease: Obj = {
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  metadata: meta('full-lease', { namespace: 'default' }),
  spec: {
    holderIdentity: 'node-a',
    leaseDurationSeconds: 40,
    acquireTime: '2026-11-21T10:00:00.000000Z',
    renewTime: '2026-11-21T10:00:10.000000Z',
    leaseTransitions: 2,
    strategy: 'OldestEmulationVersion',
    preferredHolder: 'node-b',
  },
};

export const configMap: Obj = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: meta('full-cm', { namespace: 'default' }),
  data: { 'app.properties': 'a=b\n', 'key.with-dots_and-dashes': 'v' },
  binaryData: { 'logo.png': Buffer.from('png').toString('base64') },
  immutable: false,
};

export const secret: Obj = {
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: meta('full-secret', { namespace: 'default' }),
  type: 'kubernetes.io/basic-auth',
  data: { username: Buffer.from('admin').toString('base64') },
  stringData: { password: 's3cret' },
  immutable: false,
};

export const role: Obj = {
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'Role',
  metadata: meta('full-role', { namespace: 'default' }),
  rules: [{ apiGroups: ['', 'apps'], resources: ['pods', 'deployments/scale'], resourceNames: ['web'], verbs: ['get', 'list', 'watch', 'update'] }],
};

export const clusterRole: Obj = {
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: meta('full-clusterrole'),
  aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'rbac.example.com/aggregate-to-full': 'true' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }] }] },
  rules: [
    { apiGroups: [''], resources: ['nodes'], verbs: ['get'] },
    { nonResourceURLs: ['/healthz', '/metrics'], verbs: ['get'] },
  ],
};

const subjects = [
  { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'jane' },
  { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'devs' },
  { kind: 'ServiceAccount', name: 'full-sa', namespace: 'default' },
];
export const roleBinding: Obj = {
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'RoleBinding',
  metadata: meta('full-rb', { namespace: 'default' }),
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'full-role' },
  subjects,
};

export const clusterRoleBinding: Obj = {
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRoleBinding',
  metadata: meta('full-crb'),
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'full-clusterrole' },
  subjects,
};

const backend = { service: { name: 'full-svc', port: { name: 'http' } } };
export const ingress: Obj = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: meta('full-ing', { namespace: 'default', annotations: { 'nginx.ingress.kubernetes.io/rewrite-target': '/' } }),
  spec: {
    ingressClassName: 'nginx',
    defaultBackend: { resource: { apiGroup: 'k8s.example.com', kind: 'StorageBucket', name: 'static-assets' } },
    tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }],
    rules: [
      {
        host: 'shop.example.com',
        http: {
          paths: [
            { path: '/', pathType: 'Prefix', backend },
            { path: '/api', pathType: 'Exact', backend: { service: { name: 'api', port: { number: 8080 } } } },
          ],
        },
      },
      { host: '*.example.com', http: { paths: [{ pathType: 'ImplementationSpecific', backend }] } },
    ],
  },
  status: { loadBalancer: { ingress: [{ ip: '192.0.2.30', hostname: 'ing.example.com', ports: [{ port: 443, protocol: 'TCP', error: 'Pending' }] }] } },
};

export const serviceAccount: Obj = {
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  metadata: meta('full-sa', { namespace: 'default' }),
  secrets: [{ name: 'full-sa-token', namespace: 'default', kind: 'Secret', apiVersion: 'v1' }],
  imagePullSecrets: [{ name: 'regcred' }],
  automountServiceAccountToken: false,
};

/** Every manifest above by resource name, for table-driven tests. */
export const fullManifests: [resource: string, manifest: Obj][] = [
  ['services', service],
  ['services', externalNameService],
  ['endpoints', endpoints],
  ['endpointslices', endpointSlice],
  ['nodes', node],
  ['namespaces', namespace],
  ['events', event],
  ['leases', lease],
  ['configmaps', configMap],
  ['secrets', secret],
  ['roles', role],
  ['clusterroles', clusterRole],
  ['rolebindings', roleBinding],
  ['clusterrolebindings', clusterRoleBinding],
  ['ingresses', ingress],
  ['serviceaccounts', serviceAccount],
];
