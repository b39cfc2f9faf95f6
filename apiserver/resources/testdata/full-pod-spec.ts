// A fully loaded pod spec and container: every Kubernetes 1.32 field users commonly set and the
// rarer ones too, with every volume source kind, for the strict field validation tests.

type Obj = Record<string, any>;

const probe = (kind: 'http' | 'tcp' | 'exec' | 'grpc'): Obj => ({
  ...(kind === 'http' ? { httpGet: { path: '/healthz', port: 'http', host: '', scheme: 'HTTP', httpHeaders: [{ name: 'X-Probe', value: 'enabled' }] } } : {}),
  ...(kind === 'tcp' ? { tcpSocket: { port: 8080, host: '' } } : {}),
  ...(kind === 'exec' ? { exec: { command: ['cat', '/tmp/ready'] } } : {}),
  ...(kind === 'grpc' ? { grpc: { port: 9090, service: 'health' } } : {}),
  initialDelaySeconds: 1,
  timeoutSeconds: 2,
  periodSeconds: 5,
  successThreshold: 1,
  failureThreshold: 3,
  ...(kind === 'http' ? { terminationGracePeriodSeconds: 10 } : {}),
});

const securityContext: Obj = {
  allowPrivilegeEscalation: false,
  capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] },
  privileged: false,
  procMount: 'Default',
  readOnlyRootFilesystem: true,
  runAsGroup: 1000,
  runAsNonRoot: true,
  runAsUser: 1000,
  seLinuxOptions: { level: 's0:c123,c456', role: 'object_r', type: 'svirt_sandbox_file_t', user: 'system_u' },
  seccompProfile: { type: 'RuntimeDefault' },
  appArmorProfile: { type: 'Localhost', localhostProfile: 'k8ts-web' },
  windowsOptions: { gmsaCredentialSpecName: 'gmsa', gmsaCredentialSpec: '{}', runAsUserName: 'web', hostProcess: false },
};

/** A container with every Container field set. */
export function fullContainer(name: string, extra: Obj = {}): Obj {
  return {
    name,
    image: 'k8ts/web:1.0',
    imagePullPolicy: 'IfNotPresent',
    command: ['/bin/web'],
    args: ['--port=8080'],
    workingDir: '/srv',
    ports: [
      { name: 'http', containerPort: 8080, protocol: 'TCP' },
      { name: 'metrics', containerPort: 9090, hostPort: 19090, hostIP: '127.0.0.1', protocol: 'TCP' },
    ],
    envFrom: [
      { prefix: 'CFG_', configMapRef: { name: 'web-config', optional: true } },
      { secretRef: { name: 'web-secret', optional: true } },
    ],
    env: [
      { name: 'PLAIN', value: 'x' },
      { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
      { name: 'CPU_LIMIT', valueFrom: { resourceFieldRef: { containerName: name, resource: 'limits.cpu', divisor: '1m' } } },
      { name: 'FROM_CM', valueFrom: { configMapKeyRef: { name: 'web-config', key: 'color', optional: true } } },
      { name: 'FROM_SECRET', valueFrom: { secretKeyRef: { name: 'web-secret', key: 'token', optional: true } } },
    ],
    resources: { limits: { cpu: '500m', memory: '128Mi', 'ephemeral-storage': '1Gi' }, requests: { cpu: 0.1, memory: '64Mi' }, claims: [{ name: 'gpu', request: 'one' }] },
    resizePolicy: [
      { resourceName: 'cpu', restartPolicy: 'NotRequired' },
      { resourceName: 'memory', restartPolicy: 'RestartContainer' },
    ],
    volumeMounts: [
      { name: 'data', mountPath: '/data', readOnly: false, subPath: 'web', mountPropagation: 'None' },
      { name: 'config', mountPath: '/etc/web', readOnly: true, recursiveReadOnly: 'IfPossible' },
      { name: 'scratch', mountPath: '/scratch', subPathExpr: '$(POD_NAME)' },
    ],
    volumeDevices: [{ name: 'block', devicePath: '/dev/xvda' }],
    livenessProbe: probe('http'),
    readinessProbe: probe('tcp'),
    startupProbe: probe('exec'),
    lifecycle: {
      postStart: { exec: { command: ['touch', '/tmp/started'] } },
      preStop: { sleep: { seconds: 5 } },
    },
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'FallbackToLogsOnError',
    securityContext,
    stdin: false,
    stdinOnce: false,
    tty: false,
    ...extra,
  };
}

const volumes: Obj[] = [
  { name: 'data', persistentVolumeClaim: { claimName: 'web-data', readOnly: false } },
  { name: 'block', persistentVolumeClaim: { claimName: 'web-block' } },
  { name: 'config', configMap: { name: 'web-config', items: [{ key: 'color', path: 'color.txt', mode: 0o444 }], defaultMode: 0o644, optional: true } },
  { name: 'secret', secret: { secretName: 'web-secret', items: [{ key: 'token', path: 'token' }], defaultMode: 0o400, optional: true } },
  { name: 'scratch', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
  { name: 'host', hostPath: { path: '/var/log', type: 'Directory' } },
  {
    name: 'podinfo',
    downwardAPI: {
      defaultMode: 0o644,
      items: [
        { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
        { path: 'cpu', resourceFieldRef: { containerName: 'web', resource: 'limits.cpu', divisor: '1m' }, mode: 0o444 },
      ],
    },
  },
  {
    name: 'all-in-one',
    projected: {
      defaultMode: 0o440,
      sources: [
        { configMap: { name: 'web-config', items: [{ key: 'color', path: 'color' }], optional: true } },
        { secret: { name: 'web-secret', optional: true } },
        { downwardAPI: { items: [{ path: 'name', fieldRef: { fieldPath: 'metadata.name' } }] } },
        { serviceAccountToken: { audience: 'vault', expirationSeconds: 3600, path: 'token' } },
        { clusterTrustBundle: { signerName: 'example.com/signer', labelSelector: { matchLabels: { trust: 'enabled' } }, optional: true, path: 'ca.pem' } },
      ],
    },
  },
  {
    name: 'ephemeral',
    ephemeral: {
      volumeClaimTemplate: {
        metadata: { labels: { type: 'scratch' } },
        spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'local', resources: { requests: { storage: '1Gi' } } },
      },
    },
  },
  { name: 'nfs', nfs: { server: '10.0.0.5', path: '/exports/web', readOnly: true } },
  { name: 'csi', csi: { driver: 'inline.storage.example.com', readOnly: true, fsType: 'ext4', volumeAttributes: { size: '1Gi' }, nodePublishSecretRef: { name: 'csi-secret' } } },
  { name: 'oci', image: { reference: 'k8ts/web:1.0', pullPolicy: 'IfNotPresent' } },
  { name: 'git', gitRepo: { repository: 'https://example.com/repo.git', revision: 'main', directory: '.' } },
  { name: 'ebs', awsElasticBlockStore: { volumeID: 'vol-1', fsType: 'ext4', partition: 1, readOnly: true } },
  { name: 'rbd', rbd: { monitors: ['10.0.0.1:6789'], image: 'web', pool: 'rbd', user: 'admin', secretRef: { name: 'ceph' } } },
];

export const term = { matchExpressions: [{ key: 'kubernetes.io/os', operator: 'In', values: ['linux'] }], matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['bad-node'] }] };
const podTerm = (app: string): Obj => ({
  labelSelector: { matchLabels: { app }, matchExpressions: [{ key: 'tier', operator: 'Exists' }] },
  namespaceSelector: { matchLabels: { team: 'web' } },
  namespaces: ['default'],
  topologyKey: 'kubernetes.io/hostname',
  matchLabelKeys: ['pod-template-hash'],
  mismatchLabelKeys: ['tenant'],
});

/** A pod spec with every PodSpec field set (apart from those that exclude each other). */
export function fullPodSpec(app: string, restartPolicy: string): Obj {
  return {
    volumes,
    initContainers: [
      { name: 'init', image: 'k8ts/web:1.0', command: ['true'] },
      fullContainer('sidecar', { restartPolicy: 'Always', ports: [], volumeDevices: [] }),
    ],
    containers: [fullContainer('web')],
    restartPolicy,
    terminationGracePeriodSeconds: 30,
    activeDeadlineSeconds: restartPolicy === 'Always' ? undefined : 600,
    dnsPolicy: 'None',
    nodeSelector: { 'kubernetes.io/os': 'linux' },
    serviceAccountName: 'default',
    serviceAccount: 'default',
    automountServiceAccountToken: false,
    hostNetwork: false,
    hostPID: false,
    hostIPC: false,
    shareProcessNamespace: true,
    securityContext: {
      runAsUser: 1000,
      runAsGroup: 1000,
      runAsNonRoot: true,
      supplementalGroups: [2000],
      supplementalGroupsPolicy: 'Merge',
      fsGroup: 3000,
      fsGroupChangePolicy: 'OnRootMismatch',
      sysctls: [{ name: 'net.ipv4.ip_local_port_range', value: '1024 65535' }],
      seccompProfile: { type: 'Localhost', localhostProfile: 'profiles/web.json' },
      appArmorProfile: { type: 'RuntimeDefault' },
      seLinuxOptions: { level: 's0:c1,c2' },
      seLinuxChangePolicy: 'MountOption',
      windowsOptions: { runAsUserName: 'web' },
    },
    imagePullSecrets: [{ name: 'registry-cred' }],
    hostname: 'web-0',
    subdomain: 'web',
    setHostnameAsFQDN: false,
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [term] },
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, preference: term }],
      },
      podAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [podTerm('cache')],
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, podAffinityTerm: podTerm('db') }],
      },
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [podTerm(app)],
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: podTerm(app) }],
      },
    },
    schedulerName: 'default-scheduler',
    tolerations: [
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' },
    ],
    hostAliases: [{ ip: '127.0.0.1', hostnames: ['foo.local', 'bar.local'] }],
    priorityClassName: 'high',
    priority: 1000,
    preemptionPolicy: 'PreemptLowerPriority',
    dnsConfig: { nameservers: ['10.96.0.10'], searches: ['svc.cluster.local'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] },
    readinessGates: [{ conditionType: 'example.com/feature-1' }],
    runtimeClassName: 'runc',
    enableServiceLinks: false,
    overhead: { cpu: '10m', memory: '8Mi' },
    topologySpreadConstraints: [
      {
        maxSkew: 1,
        topologyKey: 'topology.kubernetes.io/zone',
        whenUnsatisfiable: 'DoNotSchedule',
        labelSelector: { matchLabels: { app } },
        minDomains: 2,
        nodeAffinityPolicy: 'Honor',
        nodeTaintsPolicy: 'Ignore',
        matchLabelKeys: ['pod-template-hash'],
      },
    ],
    os: { name: 'linux' },
    hostUsers: true,
    schedulingGates: [{ name: 'example.com/quota' }],
    resourceClaims: [
      { name: 'gpu', resourceClaimTemplateName: 'gpu-template' },
      { name: 'shared', resourceClaimName: 'shared-gpu' },
    ],
    resources: { limits: { cpu: '2', memory: '1Gi' }, requests: { cpu: '1', memory: '512Mi' } },
  };
}
