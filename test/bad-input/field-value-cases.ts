// The table of invalid field values for the field-value suite: a valid object of every served kind
// that carries such fields, and for each field category (quantities, names, labels, selectors,
// field paths, ports, IPs and CIDRs, taints and tolerations, probes, durations, cron schedules and
// time zones, int-or-percent, images, env var names, volumes and mounts, DNS names) the value that
// breaks it, with the cause kube-apiserver gives: its field path and (part of) its message. Pod
// spec cases are applied to Pods and to the pod templates of every workload kind.
type Obj = Record<string, any>;

export interface FieldCase {
  name: string;
  resource: string;
  body: Obj;
  field: string;
  message: string;
}

const QRE = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));
const meta = (name: string, namespaced = true) => ({ name, ...(namespaced ? { namespace: 'default' } : {}), labels: { app: 'fv' } });
const container = { name: 'web', image: 'k8ts/web:1.0', ports: [{ name: 'http', containerPort: 8080 }] };
const podSpec = (restartPolicy = 'Always'): Obj => ({ restartPolicy, containers: [clone(container)] });
const template = (restartPolicy = 'Always') => ({ metadata: { labels: { app: 'fv' } }, spec: podSpec(restartPolicy) });
const selector = { matchLabels: { app: 'fv' } };

/** One valid object per kind (created by the suite first, to prove the bases are accepted). */
export const bases: Record<string, Obj> = {
  pods: { apiVersion: 'v1', kind: 'Pod', metadata: meta('base'), spec: podSpec() },
  deployments: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('base'), spec: { replicas: 0, selector, template: template() } },
  replicasets: { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: meta('base'), spec: { replicas: 0, selector, template: template() } },
  replicationcontrollers: { apiVersion: 'v1', kind: 'ReplicationController', metadata: meta('base'), spec: { replicas: 0, selector: { app: 'fv' }, template: template() } },
  daemonsets: { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: meta('base'), spec: { selector, template: template() } },
  statefulsets: { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: meta('base'), spec: { replicas: 0, serviceName: 'fv', selector, template: template() } },
  jobs: { apiVersion: 'batch/v1', kind: 'Job', metadata: meta('base'), spec: { suspend: true, template: template('Never') } },
  cronjobs: { apiVersion: 'batch/v1', kind: 'CronJob', metadata: meta('base'), spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: template('OnFailure') } } } },
  services: { apiVersion: 'v1', kind: 'Service', metadata: meta('base'), spec: { selector: { app: 'fv' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } },
  endpoints: { apiVersion: 'v1', kind: 'Endpoints', metadata: meta('base'), subsets: [{ addresses: [{ ip: '10.244.0.5' }], ports: [{ port: 8080 }] }] },
  endpointslices: { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: meta('base'), addressType: 'IPv4', endpoints: [{ addresses: ['10.244.0.5'] }], ports: [{ port: 8080 }] },
  nodes: { apiVersion: 'v1', kind: 'Node', metadata: meta('base', false), spec: { podCIDR: '10.244.7.0/24' }, status: { capacity: { cpu: '2', memory: '4Gi', pods: '110' } } },
  persistentvolumes: { apiVersion: 'v1', kind: 'PersistentVolume', metadata: meta('base', false), spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/tmp/fv' } } },
  persistentvolumeclaims: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: meta('base'), spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
  horizontalpodautoscalers: {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: meta('base'),
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'base' }, maxReplicas: 3, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'AverageValue', averageValue: '500m' } } }] },
  },
  ingresses: {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: meta('base'),
    spec: { rules: [{ host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] },
  },
  clusterroles: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: meta('base', false), rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] },
};

/** Where each kind keeps its pod spec. */
const POD_SPEC_AT: Record<string, string> = {
  pods: 'spec',
  deployments: 'spec.template.spec',
  replicasets: 'spec.template.spec',
  replicationcontrollers: 'spec.template.spec',
  daemonsets: 'spec.template.spec',
  statefulsets: 'spec.template.spec',
  jobs: 'spec.template.spec',
  cronjobs: 'spec.jobTemplate.spec.template.spec',
};

function set(o: Obj, path: string, value: unknown): void {
  const keys = path.split('.');
  let cur = o;
  for (const k of keys.slice(0, -1)) cur = cur[k] ??= {};
  cur[keys[keys.length - 1]] = value;
}

/** [category, what, changes relative to the pod spec, expected field relative to it, message]. */
type PodCase = [string, string, Record<string, unknown>, string, string];
const c0 = (extra: Obj) => [{ ...clone(container), ...extra }];

const POD_SPEC_CASES: PodCase[] = [
  ['quantity', 'cpu request "abc"', { containers: c0({ resources: { requests: { cpu: 'abc' } } }) }, 'containers[0].resources.requests[cpu]', `Invalid value: "abc": ${QRE}`],
  ['quantity', 'memory limit "12xyz"', { containers: c0({ resources: { limits: { memory: '12xyz' } } }) }, 'containers[0].resources.limits[memory]', `Invalid value: "12xyz": ${QRE}`],
  ['quantity', 'unknown suffix', { containers: c0({ resources: { limits: { memory: '1K' } } }) }, 'containers[0].resources.limits[memory]', "unable to parse quantity's suffix"],
  ['quantity', 'negative', { containers: c0({ resources: { requests: { cpu: '-1' } } }) }, 'containers[0].resources.requests[cpu]', 'must be greater than or equal to 0'],
  ['quantity', 'request above limit', { containers: c0({ resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } }) }, 'containers[0].resources.requests', 'must be less than or equal to cpu limit of 1'],
  ['quantity', 'unknown resource name', { containers: c0({ resources: { limits: { gpu: '1' } } }) }, 'containers[0].resources.limits[gpu]', 'must be a standard resource type or fully qualified'],
  ['quantity', 'extended resource request != limit', { containers: c0({ resources: { requests: { 'example.com/gpu': '1' }, limits: { 'example.com/gpu': '2' } } }) }, 'containers[0].resources.requests', 'must be equal to example.com/gpu limit of 2'],
  ['quantity', 'extended resource not whole', { containers: c0({ resources: { requests: { 'example.com/gpu': '500m' }, limits: { 'example.com/gpu': '500m' } } }) }, 'containers[0].resources.limits[example.com/gpu]', 'must be an integer'],
  ['quantity', 'init container', { initContainers: [{ name: 'init', image: 'busybox', resources: { limits: { cpu: 'x' } } }] }, 'initContainers[0].resources.limits[cpu]', QRE],
  ['quantity', 'overhead', { overhead: { memory: '1 Gi' } }, 'overhead.limits[memory]', QRE],
  ['quantity', 'emptyDir sizeLimit', { volumes: [{ name: 'v', emptyDir: { sizeLimit: '1Gb' } }] }, 'volumes[0].emptyDir.sizeLimit', QRE],
  ['labels', 'node selector value', { nodeSelector: { disk: 'fast ssd' } }, 'nodeSelector', 'a valid label must be an empty string'],
  ['selector', 'node affinity In without values', { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'disk', operator: 'In' }] }] } } } }, 'affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values', "must be specified when `operator` is 'In' or 'NotIn'"],
  ['selector', 'pod affinity operator', { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchExpressions: [{ key: 'app', operator: 'Equals', values: ['x'] }] }, topologyKey: 'zone' }] } } }, 'affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector.matchExpressions[0].operator', 'not a valid selector operator'],
  ['selector', 'spread constraint Exists with values', { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchExpressions: [{ key: 'app', operator: 'Exists', values: ['x'] }] } }] }, 'topologySpreadConstraints[0].labelSelector.matchExpressions[0].values', "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"],
  ['field path', 'fieldRef not supported', { containers: c0({ env: [{ name: 'P', valueFrom: { fieldRef: { fieldPath: 'status.phase' } } }] }) }, 'containers[0].env[0].valueFrom.fieldRef.fieldPath', 'Unsupported value: "status.phase"'],
  ['field path', 'fieldRef unknown', { containers: c0({ env: [{ name: 'P', valueFrom: { fieldRef: { fieldPath: 'spec.bogus' } } }] }) }, 'containers[0].env[0].valueFrom.fieldRef.fieldPath', 'field label not supported: spec.bogus'],
  ['field path', 'resourceFieldRef resource', { containers: c0({ env: [{ name: 'R', valueFrom: { resourceFieldRef: { resource: 'limits.gpu' } } }] }) }, 'containers[0].env[0].valueFrom.resourceFieldRef.resource', 'Unsupported value: "limits.gpu"'],
  ['field path', 'resourceFieldRef divisor', { containers: c0({ env: [{ name: 'R', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '2' } } }] }) }, 'containers[0].env[0].valueFrom.resourceFieldRef.divisor', "only divisor's values 1m and 1 are supported with the cpu resource"],
  ['port', 'container port out of range', { containers: c0({ ports: [{ containerPort: 70000 }] }) }, 'containers[0].ports[0].containerPort', 'must be between 1 and 65535, inclusive'],
  ['port', 'port name without a letter', { containers: c0({ ports: [{ name: '8080', containerPort: 8080 }] }) }, 'containers[0].ports[0].name', 'must contain at least one letter (a-z)'],
  ['port', 'host port out of range', { containers: c0({ ports: [{ containerPort: 80, hostPort: 65536 }] }) }, 'containers[0].ports[0].hostPort', 'must be between 1 and 65535, inclusive'],
  ['port', 'protocol', { containers: c0({ ports: [{ containerPort: 80, protocol: 'HTTP' }] }) }, 'containers[0].ports[0].protocol', 'Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"'],
  ['ip', 'host alias', { hostAliases: [{ ip: '10.0.0.256', hostnames: ['a.local'] }] }, 'hostAliases[0].ip', 'must be a valid IP address'],
  ['ip', 'dns nameserver', { dnsPolicy: 'None', dnsConfig: { nameservers: ['dns.example'] } }, 'dnsConfig.nameservers[0]', 'must be a valid IP address'],
  ['toleration', 'operator', { tolerations: [{ key: 'k', operator: 'Contains' }] }, 'tolerations[0].operator', 'Unsupported value: "Contains": supported values: "Equal", "Exists"'],
  ['toleration', 'effect', { tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoRun' }] }, 'tolerations[0].effect', 'Unsupported value: "NoRun"'],
  ['toleration', 'value with Exists', { tolerations: [{ key: 'k', operator: 'Exists', value: 'v' }] }, 'tolerations[0].operator', "value must be empty when `operator` is 'Exists'"],
  ['toleration', 'seconds without NoExecute', { tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 5 }] }, 'tolerations[0].effect', "effect must be 'NoExecute' when `tolerationSeconds` is set"],
  ['probe', 'no handler', { containers: c0({ livenessProbe: { periodSeconds: 5 } }) }, 'containers[0].livenessProbe', 'Required value: must specify a handler type'],
  ['probe', 'two handlers', { containers: c0({ readinessProbe: { exec: { command: ['true'] }, tcpSocket: { port: 80 } } }) }, 'containers[0].readinessProbe.tcpSocket', 'may not specify more than 1 handler type'],
  ['probe', 'liveness successThreshold', { containers: c0({ livenessProbe: { tcpSocket: { port: 80 }, successThreshold: 3 } }) }, 'containers[0].livenessProbe.successThreshold', 'must be 1'],
  ['probe', 'negative period', { containers: c0({ startupProbe: { exec: { command: ['true'] }, periodSeconds: -1 } }) }, 'containers[0].startupProbe.periodSeconds', 'must be greater than or equal to 0'],
  ['probe', 'http port as a numeric string', { containers: c0({ livenessProbe: { httpGet: { path: '/', port: '8080' } } }) }, 'containers[0].livenessProbe.httpGet.port', 'must contain at least one letter (a-z)'],
  ['probe', 'host', { containers: c0({ readinessProbe: { tcpSocket: { port: 80, host: 'not a host' } } }) }, 'containers[0].readinessProbe.tcpSocket.host', 'a lowercase RFC 1123 subdomain'],
  ['duration', 'negative grace period', { terminationGracePeriodSeconds: -1 }, 'terminationGracePeriodSeconds', 'must be greater than or equal to 0'],
  ['duration', 'preStop sleep beyond grace period', { terminationGracePeriodSeconds: 10, containers: c0({ lifecycle: { preStop: { sleep: { seconds: 20 } } } }) }, 'containers[0].lifecycle.preStop.sleep', 'must be greater than 0 and less than terminationGracePeriodSeconds (10)'],
  ['image', 'uppercase repository', { containers: c0({ image: 'k8ts/Web:1.0' }) }, 'containers[0].image', 'invalid reference format: repository name (k8ts/Web) must be lowercase'],
  ['image', 'empty', { containers: c0({ image: '' }) }, 'containers[0].image', 'Required value'],
  ['image', 'bad tag', { containers: c0({ image: 'k8ts/web:1.0!' }) }, 'containers[0].image', 'invalid reference format'],
  ['env', 'variable name with =', { containers: c0({ env: [{ name: 'A=B', value: 'x' }] }) }, 'containers[0].env[0].name', "printable ASCII characters other than '='"],
  ['env', 'envFrom prefix', { containers: c0({ envFrom: [{ prefix: 'É', configMapRef: { name: 'cm' } }] }) }, 'containers[0].envFrom[0].prefix', "printable ASCII characters other than '='"],
  ['volume', 'name', { volumes: [{ name: 'Bad_Name', emptyDir: {} }] }, 'volumes[0].name', 'a lowercase RFC 1123 label'],
  ['volume', 'duplicate name', { volumes: [{ name: 'v', emptyDir: {} }, { name: 'v', emptyDir: {} }] }, 'volumes[1].name', 'Duplicate value: "v"'],
  ['volume', 'no source', { volumes: [{ name: 'v' }] }, 'volumes[0]', 'must specify a volume type'],
  ['mount', 'unknown volume', { containers: c0({ volumeMounts: [{ name: 'nope', mountPath: '/x' }] }) }, 'containers[0].volumeMounts[0].name', 'Not found: "nope"'],
  ['mount', 'missing mount path', { volumes: [{ name: 'v', emptyDir: {} }], containers: c0({ volumeMounts: [{ name: 'v', mountPath: '' }] }) }, 'containers[0].volumeMounts[0].mountPath', 'Required value'],
  ['mount', 'subPath with ..', { volumes: [{ name: 'v', emptyDir: {} }], containers: c0({ volumeMounts: [{ name: 'v', mountPath: '/x', subPath: '../etc' }] }) }, 'containers[0].volumeMounts.subPath', "must not contain '..'"],
  ['dns', 'hostname', { hostname: 'a.b' }, 'hostname', 'must not contain dots'],
  ['dns', 'subdomain', { subdomain: 'Web' }, 'subdomain', 'a lowercase RFC 1123 label'],
  ['dns', 'search domain', { dnsConfig: { searches: ['bad_domain.local'] } }, 'dnsConfig.searches[0]', 'a lowercase RFC 1123 subdomain'],
];

/** Every pod spec case, for Pods and every template-carrying kind. */
function podSpecCases(): FieldCase[] {
  const out: FieldCase[] = [];
  for (const [resource, at] of Object.entries(POD_SPEC_AT))
    for (const [category, what, changes, field, message] of POD_SPEC_CASES) {
      const body = clone(bases[resource]);
      for (const [k, v] of Object.entries(changes)) set(body, `${at}.${k}`, clone(v));
      out.push({ name: `${body.kind} ${category}: ${what}`, resource, body, field: `${at}.${field}`, message });
    }
  return out;
}

/** [resource, category, what, path → value changes, field, message] for the kinds' own fields. */
type KindCase = [string, string, string, Record<string, unknown>, string, string];
const KIND_CASES: KindCase[] = [
  ['pods', 'quantity', 'bound to a node with memory "12xyz"', { 'spec.nodeName': 'node-a', 'spec.containers': c0({ resources: { requests: { memory: '12xyz' } } }) }, 'spec.containers[0].resources.requests[memory]', `Invalid value: "12xyz": ${QRE}`],
  ['pods', 'image', 'leading whitespace', { 'spec.containers': c0({ image: ' k8ts/web:1.0' }) }, 'spec.containers[0].image', 'must not have leading or trailing whitespace'],
  ['pods', 'duration', 'active deadline', { 'spec.activeDeadlineSeconds': 0 }, 'spec.activeDeadlineSeconds', 'must be between 1 and 2147483647, inclusive'],
  ['pods', 'dns', 'node name', { 'spec.nodeName': 'Node_1' }, 'spec.nodeName', 'a lowercase RFC 1123 subdomain'],
  ['pods', 'labels', 'label key', { 'metadata.labels': { '-bad': 'x' } }, 'metadata.labels', 'name part must consist of alphanumeric characters'],
  ['pods', 'labels', 'label value', { 'metadata.labels': { app: 'x'.repeat(64) } }, 'metadata.labels', 'must be no more than 63 characters'],
  ['pods', 'annotations', 'annotation key', { 'metadata.annotations': { 'a/b/c': 'x' } }, 'metadata.annotations', 'a qualified name must consist'],
  ['pods', 'annotations', 'total size', { 'metadata.annotations': { big: 'x'.repeat(262144) } }, 'metadata.annotations', 'Too long: may not be more than 262144 bytes'],
  ['deployments', 'labels', 'template label', { 'spec.template.metadata.labels': { app: 'fv', 'bad key!': 'x' } }, 'spec.template.labels', 'name part must consist'],
  ['deployments', 'selector', 'selector operator', { 'spec.selector': { matchLabels: { app: 'fv' }, matchExpressions: [{ key: 'tier', operator: 'in', values: ['a'] }] } }, 'spec.selector.matchExpressions[0].operator', 'not a valid selector operator'],
  ['deployments', 'percent', 'maxSurge', { 'spec.strategy': { type: 'RollingUpdate', rollingUpdate: { maxSurge: '10x', maxUnavailable: 1 } } }, 'spec.strategy.rollingUpdate.maxSurge', "a valid percent string must be a numeric string followed by an ending '%'"],
  ['deployments', 'percent', 'both zero', { 'spec.strategy': { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: '0%' } } }, 'spec.strategy.rollingUpdate.maxUnavailable', 'may not be 0 when `maxSurge` is 0'],
  ['deployments', 'percent', 'over 100%', { 'spec.strategy': { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: '150%' } } }, 'spec.strategy.rollingUpdate.maxUnavailable', 'must not be greater than 100%'],
  ['deployments', 'duration', 'progress deadline', { 'spec.progressDeadlineSeconds': 5, 'spec.minReadySeconds': 10 }, 'spec.progressDeadlineSeconds', 'must be greater than minReadySeconds'],
  ['deployments', 'duration', 'minReadySeconds', { 'spec.minReadySeconds': -1 }, 'spec.minReadySeconds', 'must be greater than or equal to 0'],
  ['replicasets', 'duration', 'active deadline in a template', { 'spec.template.spec.activeDeadlineSeconds': 30 }, 'spec.template.spec.activeDeadlineSeconds', 'activeDeadlineSeconds in ReplicaSet is not Supported'],
  ['daemonsets', 'percent', 'maxUnavailable', { 'spec.updateStrategy': { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '101%', maxSurge: 0 } } }, 'spec.updateStrategy.rollingUpdate.maxUnavailable', 'must not be greater than 100%'],
  ['daemonsets', 'percent', 'surge and unavailable', { 'spec.updateStrategy': { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: '10%' } } }, 'spec.updateStrategy.rollingUpdate.maxSurge', 'may not be set when maxUnavailable is non-zero'],
  ['statefulsets', 'percent', 'partition', { 'spec.updateStrategy': { type: 'RollingUpdate', rollingUpdate: { partition: -1 } } }, 'spec.updateStrategy.rollingUpdate.partition', 'must be greater than or equal to 0'],
  ['statefulsets', 'quantity', 'claim template storage', { 'spec.volumeClaimTemplates': [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: 'lots' } } } }] }, 'spec.volumeClaimTemplates[0].spec.resources[storage]', QRE],
  ['jobs', 'duration', 'ttlSecondsAfterFinished', { 'spec.ttlSecondsAfterFinished': -1 }, 'spec.ttlSecondsAfterFinished', 'must be greater than or equal to 0'],
  ['jobs', 'duration', 'activeDeadlineSeconds', { 'spec.activeDeadlineSeconds': -5 }, 'spec.activeDeadlineSeconds', 'must be greater than or equal to 0'],
  ['jobs', 'duration', 'backoffLimit', { 'spec.backoffLimit': -1 }, 'spec.backoffLimit', 'must be greater than or equal to 0'],
  ['cronjobs', 'cron', 'minute out of range', { 'spec.schedule': '61 * * * *' }, 'spec.schedule', 'end of range (61) above maximum (59): 61'],
  ['cronjobs', 'cron', 'field count', { 'spec.schedule': '* * *' }, 'spec.schedule', 'expected exactly 5 fields, found 3: [* * *]'],
  ['cronjobs', 'cron', 'descriptor', { 'spec.schedule': '@sometimes' }, 'spec.schedule', 'unrecognized descriptor: @sometimes'],
  ['cronjobs', 'cron', 'TZ in the schedule', { 'spec.schedule': 'TZ=UTC 0 * * * *' }, 'spec.schedule', 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'],
  ['cronjobs', 'time zone', 'unknown zone', { 'spec.timeZone': 'Europe/Pariss' }, 'spec.timeZone', 'unknown time zone Europe/Pariss'],
  ['cronjobs', 'time zone', 'Local', { 'spec.timeZone': 'Local' }, 'spec.timeZone', 'timeZone must be an explicit time zone'],
  ['cronjobs', 'duration', 'startingDeadlineSeconds', { 'spec.startingDeadlineSeconds': -1 }, 'spec.startingDeadlineSeconds', 'must be greater than or equal to 0'],
  ['services', 'port', 'target port as numeric string', { 'spec.ports': [{ port: 80, targetPort: '8080' }] }, 'spec.ports[0].targetPort', 'must contain at least one letter (a-z)'],
  ['services', 'port', 'port out of range', { 'spec.ports': [{ port: 0 }] }, 'spec.ports[0].port', 'must be between 1 and 65535, inclusive'],
  ['services', 'port', 'port name', { 'spec.ports': [{ name: 'HTTP', port: 80 }] }, 'spec.ports[0].name', 'a lowercase RFC 1123 label'],
  ['services', 'port', 'node port on ClusterIP', { 'spec.ports': [{ port: 80, nodePort: 30080 }] }, 'spec.ports[0].nodePort', "may not be used when `type` is 'ClusterIP'"],
  ['services', 'ip', 'cluster IP', { 'spec.clusterIP': '10.96.0.300' }, 'spec.clusterIPs[0]', 'must be a valid IP address'],
  ['services', 'ip', 'external IP', { 'spec.externalIPs': ['1.2.3'] }, 'spec.externalIPs[0]', 'must be a valid IP address'],
  ['services', 'cidr', 'load balancer source range', { 'spec.type': 'LoadBalancer', 'spec.loadBalancerSourceRanges': ['10.0.0.0/40'] }, 'spec.LoadBalancerSourceRanges[0]', 'must be a valid CIDR value'],
  ['services', 'dns', 'external name', { 'spec.type': 'ExternalName', 'spec.externalName': 'bad_name.example', 'spec.ports': [], 'spec.selector': undefined }, 'spec.externalName', 'a lowercase RFC 1123 subdomain'],
  ['services', 'duration', 'affinity timeout', { 'spec.sessionAffinity': 'ClientIP', 'spec.sessionAffinityConfig': { clientIP: { timeoutSeconds: 0 } } }, 'spec.sessionAffinityConfig.clientIP.timeoutSeconds', 'must be greater than 0 and less than 86400'],
  ['services', 'labels', 'selector', { 'spec.selector': { app: 'a b' } }, 'spec.selector', 'a valid label must be an empty string'],
  ['endpoints', 'ip', 'address', { subsets: [{ addresses: [{ ip: '10.244.0.500' }] }] }, 'subsets[0].addresses[0].ip', 'must be a valid IP address'],
  ['endpoints', 'ip', 'link-local address', { subsets: [{ addresses: [{ ip: '169.254.169.254' }] }] }, 'subsets[0].addresses[0].ip', 'may not be in the link-local range'],
  ['endpoints', 'port', 'port', { subsets: [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 70000 }] }] }, 'subsets[0].ports[0].port', 'must be between 1 and 65535, inclusive'],
  ['endpoints', 'dns', 'hostname', { subsets: [{ addresses: [{ ip: '10.0.0.1', hostname: 'Web_0' }] }] }, 'subsets[0].addresses[0].hostname', 'a lowercase RFC 1123 label'],
  ['endpointslices', 'ip', 'address of the wrong family', { endpoints: [{ addresses: ['fd00::1'] }] }, 'endpoints[0].addresses[0]', 'must be a valid IPv4 address'],
  ['endpointslices', 'port', 'port', { ports: [{ port: 0 }] }, 'ports[0].port', 'must be between 1 and 65535, inclusive'],
  ['nodes', 'quantity', 'capacity', { 'status.capacity': { memory: '12xyz' } }, 'status.capacity.memory', QRE],
  ['nodes', 'quantity', 'allocatable', { 'status.allocatable': { pods: '1.5' } }, 'status.allocatable.pods', 'must be an integer'],
  ['nodes', 'taint', 'effect', { 'spec.taints': [{ key: 'dedicated', effect: 'NoRun' }] }, 'metadata.taints[0].effect', 'Unsupported value: "NoRun"'],
  ['nodes', 'taint', 'key', { 'spec.taints': [{ key: 'a b', effect: 'NoSchedule' }] }, 'metadata.taints[0].key', 'name part must consist'],
  ['nodes', 'cidr', 'pod CIDR', { 'spec.podCIDR': '10.244.0.0/99' }, 'spec.podCIDRs[0]', 'must be a valid CIDR value'],
  ['nodes', 'ip', 'internal IP address', { 'status.addresses': [{ type: 'InternalIP', address: 'node-a' }] }, 'status.addresses[0].address', 'must be a valid IP address'],
  ['persistentvolumes', 'quantity', 'capacity', { 'spec.capacity': { storage: 'lots' } }, 'spec.capacity[storage]', QRE],
  ['persistentvolumes', 'quantity', 'zero capacity', { 'spec.capacity': { storage: '0' } }, 'spec.capacity[storage]', 'must be greater than zero'],
  ['persistentvolumes', 'selector', 'node affinity operator', { 'spec.nodeAffinity': { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'k', operator: 'Near' }] }] } } }, 'spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].operator', 'not a valid selector operator'],
  ['persistentvolumeclaims', 'quantity', 'storage request', { 'spec.resources': { requests: { storage: '1 Gi' } } }, 'spec.resources[storage]', QRE],
  ['persistentvolumeclaims', 'quantity', 'storage limit', { 'spec.resources': { requests: { storage: '1Gi' }, limits: { storage: 'big' } } }, 'spec.resources.limits[storage]', QRE],
  ['persistentvolumeclaims', 'quantity', 'zero request', { 'spec.resources': { requests: { storage: '0' } } }, 'spec.resources[storage]', 'must be greater than zero'],
  ['persistentvolumeclaims', 'selector', 'selector value', { 'spec.selector': { matchExpressions: [{ key: 'disk', operator: 'In', values: ['a b'] }] } }, 'spec.selector.matchExpressions[0].values[0]', 'a valid label must be an empty string'],
  ['horizontalpodautoscalers', 'quantity', 'target average value', { 'spec.metrics': [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'AverageValue', averageValue: '500 m' } } }] }, 'spec.metrics[0].resource.target.averageValue', QRE],
  ['horizontalpodautoscalers', 'quantity', 'negative target value', { 'spec.metrics': [{ type: 'External', external: { metric: { name: 'q' }, target: { type: 'Value', value: '-1' } } }] }, 'spec.metrics[0].external.target.value', 'Invalid value: -1: must be positive'],
  ['horizontalpodautoscalers', 'duration', 'policy period', { 'spec.behavior': { scaleUp: { policies: [{ type: 'Pods', value: 1, periodSeconds: 0 }] } } }, 'spec.behavior.scaleUp.policies[0].periodSeconds', 'must be greater than zero'],
  ['ingresses', 'dns', 'host is an IP', { 'spec.rules': [{ host: '10.0.0.1', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] }, 'spec.rules[0].host', 'must be a DNS name, not an IP address'],
  ['ingresses', 'dns', 'wildcard host', { 'spec.rules': [{ host: 'a.*.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] }, 'spec.rules[0].host', "a wildcard DNS-1123 subdomain must start with '*.'"],
  ['ingresses', 'port', 'backend port', { 'spec.rules': [{ host: 'a.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 0 } } } }] } }] }, 'spec.rules[0].http.paths[0].backend.service.port.number', 'must be between 1 and 65535, inclusive'],
  ['ingresses', 'port', 'backend port name', { 'spec.rules': [{ host: 'a.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { name: '80' } } } }] } }] }, 'spec.rules[0].http.paths[0].backend.service.port.name', 'must contain at least one letter (a-z)'],
  ['clusterroles', 'selector', 'aggregation selector', { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'a/b/c': 'x' } }] } }, 'aggregationRule.clusterRoleSelectors[0].matchLabels', 'a qualified name must consist'],
];

function kindCases(): FieldCase[] {
  return KIND_CASES.map(([resource, category, what, changes, field, message]) => {
    const body = clone(bases[resource]);
    for (const [k, v] of Object.entries(changes)) set(body, k, v === undefined ? undefined : clone(v));
    return { name: `${body.kind} ${category}: ${what}`, resource, body, field, message };
  });
}

/** Every case, each object with a name of its own. */
export function fieldCases(): FieldCase[] {
  return [...podSpecCases(), ...kindCases()].map((c, i) => ({ ...c, body: { ...c.body, metadata: { ...c.body.metadata, name: `fv-${i}` } } }));
}

/** A status write (merge patch and PUT of the status subresource) carrying a bad value. */
export interface StatusCase {
  resource: string;
  status: Obj;
  field: string;
  message: string;
}

export const statusCases: StatusCase[] = [
  { resource: 'pods', status: { podIP: '10.0.0.300' }, field: 'status.podIPs[0]', message: 'must be a valid IP address' },
  { resource: 'pods', status: { hostIP: 'node-a' }, field: 'status.hostIPs[0]', message: 'must be a valid IP address' },
  { resource: 'pods', status: { nominatedNodeName: 'Node_A' }, field: 'status.nominatedNodeName', message: 'a lowercase RFC 1123 subdomain' },
  { resource: 'nodes', status: { capacity: { memory: '12xyz' } }, field: 'status.capacity.memory', message: QRE },
  { resource: 'nodes', status: { allocatable: { cpu: '-1' } }, field: 'status.allocatable.cpu', message: 'must be greater than or equal to 0' },
  { resource: 'nodes', status: { addresses: [{ type: 'ExternalIP', address: '1.2.3.4.5' }] }, field: 'status.addresses[0].address', message: 'must be a valid IP address' },
  { resource: 'services', status: { loadBalancer: { ingress: [{ ip: 'lb' }] } }, field: 'status.loadBalancer.ingress[0].ip', message: 'must be a valid IP address' },
  { resource: 'services', status: { loadBalancer: { ingress: [{ ip: '1.2.3.4', ipMode: 'Direct' }] } }, field: 'status.loadBalancer.ingress[0].ipMode', message: 'Unsupported value: "Direct"' },
  { resource: 'ingresses', status: { loadBalancer: { ingress: [{ hostname: '10.0.0.1' }] } }, field: 'status.loadBalancer.ingress[0].hostname', message: 'must be a DNS name, not an IP address' },
  { resource: 'persistentvolumeclaims', status: { capacity: { storage: 'lots' } }, field: 'status.capacity[storage]', message: QRE },
  { resource: 'deployments', status: { readyReplicas: -1 }, field: 'status.readyReplicas', message: 'must be greater than or equal to 0' },
  { resource: 'replicasets', status: { availableReplicas: -2 }, field: 'status.availableReplicas', message: 'must be greater than or equal to 0' },
  { resource: 'statefulsets', status: { currentReplicas: -1 }, field: 'status.currentReplicas', message: 'must be greater than or equal to 0' },
  { resource: 'daemonsets', status: { numberReady: -1 }, field: 'status.numberReady', message: 'must be greater than or equal to 0' },
  { resource: 'jobs', status: { failed: -1 }, field: 'status.failed', message: 'must be greater than or equal to 0' },
  {
    resource: 'horizontalpodautoscalers',
    status: { desiredReplicas: 1, currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageValue: '1 core' } } }] },
    field: 'status.currentMetrics[0].resource.current.averageValue',
    message: QRE,
  },
];

/** An update (PUT of the whole object) that brings in a bad value: [resource, path → value, field, message]. */
export const updateCases: [string, Record<string, unknown>, string, string][] = [
  ['deployments', { 'spec.template.spec.containers': c0({ resources: { requests: { cpu: 'abc' } } }) }, 'spec.template.spec.containers[0].resources.requests[cpu]', QRE],
  ['services', { 'spec.ports': [{ name: 'http', port: 80, targetPort: '80' }] }, 'spec.ports[0].targetPort', 'must contain at least one letter (a-z)'],
  ['cronjobs', { 'spec.schedule': 'CRON_TZ=UTC * * * * *' }, 'spec.schedule', 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'],
  ['nodes', { 'spec.taints': [{ key: 'k', value: 'a b', effect: 'NoSchedule' }] }, 'metadata.taints[0].value', 'a valid label must be an empty string'],
  ['persistentvolumes', { 'spec.capacity': { storage: '1Gi', memory: '1Gi' } }, 'spec.capacity', 'supported values: "storage"'],
  ['pods', { 'metadata.labels': { 'example.com/': 'x' } }, 'metadata.labels', 'name part must be non-empty'],
];

/** Applies path → value changes (dotted paths) to a copy of an object. */
export function changed(o: Obj, changes: Record<string, unknown>): Obj {
  const body = clone(o);
  for (const [k, v] of Object.entries(changes)) set(body, k, v === undefined ? undefined : clone(v));
  return body;
}
