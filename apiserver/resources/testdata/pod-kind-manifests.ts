// Fully loaded manifests of the pod-side kinds: every field users commonly set and the rarer ones
// too (Kubernetes 1.32 field names), so tests can prove that fieldValidation=Strict accepts them.
// Each also passes the kinds' semantic validation, so it can be created for real.
import { fullContainer, fullPodSpec, term } from './full-pod-spec';

type Obj = Record<string, any>;

const meta = (name: string, app: string): Obj => ({
  name,
  namespace: 'default',
  labels: { app, tier: 'frontend' },
  annotations: { 'example.com/owner': 'team-web' },
  finalizers: ['example.com/cleanup'],
});

const template = (app: string, restartPolicy: string): Obj => ({
  metadata: { labels: { app, tier: 'frontend' }, annotations: { 'example.com/scrape': 'true' } },
  spec: fullPodSpec(app, restartPolicy),
});

const selector = (app: string): Obj => ({ matchLabels: { app }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['frontend'] }] });

const claimSpec: Obj = {
  accessModes: ['ReadWriteOnce'],
  selector: { matchLabels: { disk: 'ssd' } },
  resources: { requests: { storage: '1Gi' }, limits: { storage: '2Gi' } },
  storageClassName: 'local',
  volumeMode: 'Filesystem',
  dataSource: { apiGroup: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshot', name: 'snap-1' },
  dataSourceRef: { apiGroup: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshot', name: 'snap-1' },
};

const condition = (type: string, extra: Obj = {}): Obj => ({ type, status: 'True', reason: 'Ok', message: 'fine', lastTransitionTime: '2025-01-01T00:00:00Z', ...extra });

/** The spec-side manifests, one per kind, that `kubectl create -f` sends. */
export function specManifests(): { resource: string; manifest: Obj }[] {
  return [
    { resource: 'pods', manifest: { apiVersion: 'v1', kind: 'Pod', metadata: meta('strict-pod', 'pod'), spec: fullPodSpec('pod', 'Always') } },
    {
      resource: 'deployments',
      manifest: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: meta('strict-deploy', 'deploy'),
        spec: {
          replicas: 0,
          selector: selector('deploy'),
          template: template('deploy', 'Always'),
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
          minReadySeconds: 5,
          revisionHistoryLimit: 3,
          progressDeadlineSeconds: 120,
          paused: true,
        },
      },
    },
    {
      resource: 'replicasets',
      manifest: { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: meta('strict-rs', 'rs'), spec: { replicas: 0, minReadySeconds: 1, selector: selector('rs'), template: template('rs', 'Always') } },
    },
    {
      resource: 'daemonsets',
      manifest: {
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: meta('strict-ds', 'ds'),
        spec: {
          selector: selector('ds'),
          template: template('ds', 'Always'),
          updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '10%', maxSurge: 0 } },
          minReadySeconds: 2,
          revisionHistoryLimit: 5,
        },
      },
    },
    {
      resource: 'statefulsets',
      manifest: {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: meta('strict-sts', 'sts'),
        spec: {
          replicas: 0,
          serviceName: 'strict-sts',
          selector: selector('sts'),
          template: template('sts', 'Always'),
          volumeClaimTemplates: [
            { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', labels: { app: 'sts' } }, spec: claimSpec },
            { metadata: { name: 'block' }, spec: { accessModes: ['ReadWriteOncePod'], volumeMode: 'Block', resources: { requests: { storage: '1Gi' } } } },
          ],
          podManagementPolicy: 'Parallel',
          updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0, maxUnavailable: 1 } },
          revisionHistoryLimit: 4,
          minReadySeconds: 3,
          persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' },
          ordinals: { start: 1 },
        },
      },
    },
    { resource: 'jobs', manifest: { apiVersion: 'batch/v1', kind: 'Job', metadata: meta('strict-job', 'job'), spec: jobSpec('job') } },
    {
      resource: 'cronjobs',
      manifest: {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: meta('strict-cron', 'cron'),
        spec: {
          schedule: '*/5 * * * *',
          timeZone: 'Etc/UTC',
          startingDeadlineSeconds: 60,
          concurrencyPolicy: 'Forbid',
          suspend: true,
          successfulJobsHistoryLimit: 2,
          failedJobsHistoryLimit: 1,
          jobTemplate: { metadata: { labels: { app: 'cron' }, annotations: { 'example.com/from': 'cron' } }, spec: jobSpec('cron') },
        },
      },
    },
    {
      resource: 'horizontalpodautoscalers',
      manifest: {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: meta('strict-hpa', 'hpa'),
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'strict-deploy' },
          minReplicas: 1,
          maxReplicas: 10,
          metrics: [
            { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
            { type: 'ContainerResource', containerResource: { name: 'memory', container: 'web', target: { type: 'AverageValue', averageValue: '100Mi' } } },
            { type: 'Pods', pods: { metric: { name: 'requests_per_second', selector: { matchLabels: { verb: 'GET' } } }, target: { type: 'AverageValue', averageValue: '1k' } } },
            {
              type: 'Object',
              object: { describedObject: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'web' }, metric: { name: 'hits' }, target: { type: 'Value', value: '10k' } },
            },
            { type: 'External', external: { metric: { name: 'queue_depth', selector: { matchLabels: { queue: 'jobs' } } }, target: { type: 'AverageValue', averageValue: 30 } } },
          ],
          behavior: {
            scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }, { type: 'Pods', value: 4, periodSeconds: 15 }] },
            scaleDown: { stabilizationWindowSeconds: 300, selectPolicy: 'Min', policies: [{ type: 'Percent', value: 10, periodSeconds: 60 }] },
          },
        },
      },
    },
    {
      resource: 'persistentvolumeclaims',
      manifest: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: meta('strict-pvc', 'pvc'), spec: { ...claimSpec, volumeAttributesClassName: 'gold' } },
    },
    {
      resource: 'persistentvolumes',
      manifest: {
        apiVersion: 'v1',
        kind: 'PersistentVolume',
        metadata: { name: 'strict-pv', labels: { disk: 'ssd' } },
        spec: {
          capacity: { storage: '10Gi' },
          accessModes: ['ReadWriteOnce', 'ReadOnlyMany'],
          persistentVolumeReclaimPolicy: 'Retain',
          storageClassName: 'local',
          mountOptions: ['noatime'],
          volumeMode: 'Filesystem',
          claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: 'default', name: 'strict-pvc', uid: '1234', resourceVersion: '1' },
          nodeAffinity: { required: { nodeSelectorTerms: [term] } },
          local: { path: '/mnt/disks/ssd1', fsType: 'ext4' },
        },
      },
    },
  ];
}

function jobSpec(app: string): Obj {
  return {
    parallelism: 2,
    completions: 4,
    completionMode: 'Indexed',
    activeDeadlineSeconds: 600,
    backoffLimitPerIndex: 1,
    maxFailedIndexes: 2,
    ttlSecondsAfterFinished: 100,
    suspend: true,
    podReplacementPolicy: 'Failed',
    managedBy: 'kubernetes.io/job-controller',
    podFailurePolicy: {
      rules: [
        { action: 'FailJob', onExitCodes: { containerName: 'web', operator: 'In', values: [42] } },
        { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
      ],
    },
    successPolicy: { rules: [{ succeededIndexes: '0-2', succeededCount: 2 }] },
    template: { metadata: { labels: { app } }, spec: fullPodSpec(app, 'Never') },
  };
}

const containerStatus = (name: string): Obj => ({
  name,
  state: { running: { startedAt: '2025-01-01T00:00:00Z' } },
  lastState: { terminated: { exitCode: 137, signal: 9, reason: 'OOMKilled', message: 'killed', startedAt: '2025-01-01T00:00:00Z', finishedAt: '2025-01-01T00:01:00Z', containerID: 'containerd://abc' } },
  ready: true,
  restartCount: 1,
  image: 'k8ts/web:1.0',
  imageID: 'sha256:abc',
  containerID: 'containerd://def',
  started: true,
  allocatedResources: { cpu: '500m' },
  resources: { limits: { cpu: '500m' }, requests: { cpu: '100m' } },
  volumeMounts: [{ name: 'data', mountPath: '/data', readOnly: false, recursiveReadOnly: 'Disabled' }],
  user: { linux: { uid: 1000, gid: 1000, supplementalGroups: [2000] } },
  allocatedResourcesStatus: [{ name: 'claim:gpu', resources: [{ resourceID: 'gpu-0', health: 'Healthy' }] }],
});

/** Statuses as the controllers and kubelets (and client-node users) write them. */
export function statusManifests(): { resource: string; status: Obj }[] {
  return [
    {
      resource: 'pods',
      status: {
        phase: 'Running',
        conditions: [condition('Ready', { lastProbeTime: null }), condition('PodScheduled')],
        message: 'running',
        reason: 'Started',
        nominatedNodeName: 'node-1',
        hostIP: '10.0.0.1',
        hostIPs: [{ ip: '10.0.0.1' }],
        podIP: '10.244.0.5',
        podIPs: [{ ip: '10.244.0.5' }, { ip: 'fd00::5' }],
        startTime: '2025-01-01T00:00:00Z',
        initContainerStatuses: [{ ...containerStatus('init'), state: { terminated: { exitCode: 0, reason: 'Completed' } } }],
        containerStatuses: [containerStatus('web'), { ...containerStatus('waiting'), state: { waiting: { reason: 'ImagePullBackOff', message: 'no' } } }],
        ephemeralContainerStatuses: [containerStatus('debugger')],
        qosClass: 'Burstable',
        resize: 'InProgress',
        resourceClaimStatuses: [{ name: 'gpu', resourceClaimName: 'strict-pod-gpu-x1' }],
      },
    },
    {
      resource: 'deployments',
      status: {
        observedGeneration: 2,
        replicas: 3,
        updatedReplicas: 3,
        readyReplicas: 3,
        availableReplicas: 3,
        unavailableReplicas: 0,
        collisionCount: 1,
        conditions: [condition('Available', { lastUpdateTime: '2025-01-01T00:00:00Z' })],
      },
    },
    { resource: 'replicasets', status: { replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 3, availableReplicas: 3, observedGeneration: 1, conditions: [condition('ReplicaFailure')] } },
    {
      resource: 'daemonsets',
      status: {
        currentNumberScheduled: 2, numberMisscheduled: 0, desiredNumberScheduled: 2, numberReady: 2, observedGeneration: 1,
        updatedNumberScheduled: 2, numberAvailable: 2, numberUnavailable: 0, collisionCount: 0, conditions: [condition('Progressing')],
      },
    },
    {
      resource: 'statefulsets',
      status: {
        observedGeneration: 1, replicas: 2, readyReplicas: 2, currentReplicas: 2, updatedReplicas: 2, currentRevision: 'sts-1', updateRevision: 'sts-1',
        collisionCount: 0, conditions: [condition('Progressing')], availableReplicas: 2,
      },
    },
    {
      resource: 'jobs',
      status: {
        conditions: [condition('Complete', { lastProbeTime: '2025-01-01T00:00:00Z' })],
        startTime: '2025-01-01T00:00:00Z', completionTime: '2025-01-01T00:05:00Z', active: 0, succeeded: 4, failed: 1, terminating: 0,
        completedIndexes: '0-3', failedIndexes: '', uncountedTerminatedPods: { succeeded: ['uid-1'], failed: [] }, ready: 0,
      },
    },
    {
      resource: 'cronjobs',
      status: { active: [{ apiVersion: 'batch/v1', kind: 'Job', namespace: 'default', name: 'strict-cron-1', uid: 'u1', resourceVersion: '5' }], lastScheduleTime: '2025-01-01T00:00:00Z', lastSuccessfulTime: '2025-01-01T00:01:00Z' },
    },
    {
      resource: 'horizontalpodautoscalers',
      status: {
        observedGeneration: 1,
        lastScaleTime: '2025-01-01T00:00:00Z',
        currentReplicas: 2,
        desiredReplicas: 3,
        currentMetrics: [
          { type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 80, averageValue: '400m' } } },
          { type: 'ContainerResource', containerResource: { name: 'memory', container: 'web', current: { averageValue: '90Mi' } } },
          { type: 'Pods', pods: { metric: { name: 'rps' }, current: { averageValue: '900' } } },
          { type: 'Object', object: { describedObject: { kind: 'Ingress', name: 'web', apiVersion: 'networking.k8s.io/v1' }, metric: { name: 'hits' }, current: { value: '9k' } } },
          { type: 'External', external: { metric: { name: 'queue_depth' }, current: { value: 12 } } },
        ],
        conditions: [condition('AbleToScale'), condition('ScalingActive')],
      },
    },
    {
      resource: 'persistentvolumeclaims',
      status: {
        phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' }, conditions: [condition('Resizing', { lastProbeTime: null })],
        allocatedResources: { storage: '2Gi' }, allocatedResourceStatuses: { storage: 'ControllerResizeInProgress' }, currentVolumeAttributesClassName: 'gold',
        modifyVolumeStatus: { targetVolumeAttributesClassName: 'gold', status: 'InProgress' },
      },
    },
    { resource: 'persistentvolumes', status: { phase: 'Bound', message: 'bound', reason: 'Bound', lastPhaseTransitionTime: '2025-01-01T00:00:00Z' } },
  ];
}

/** Server-set metadata, as a GET returns it and an `apply`/`replace` round trip sends it back. */
export const serverMetadata: Obj = {
  uid: '0f3c7d2a-0000-4000-8000-000000000001',
  resourceVersion: '42',
  generation: 2,
  creationTimestamp: '2025-01-01T00:00:00Z',
  selfLink: '',
  ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: 'u-1', controller: true, blockOwnerDeletion: true }],
  managedFields: [
    { manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: 'v1', time: '2025-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } } } },
    { manager: 'kubelet', operation: 'Update', apiVersion: 'v1', time: '2025-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:status': {} }, subresource: 'status' },
  ],
};

/** A pod-only addition: ephemeral containers cannot be set on create, only through their subresource. */
export const ephemeralContainers: Obj[] = [{ ...fullContainer('debugger', { ports: undefined, resources: undefined, lifecycle: undefined, livenessProbe: undefined, readinessProbe: undefined, startupProbe: undefined, resizePolicy: undefined }), targetContainerName: 'web' }];
