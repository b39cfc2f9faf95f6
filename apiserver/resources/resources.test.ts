import assert from 'node:assert/strict';
import type { KObject } from '../../lib/api/types';
import { allResources, pods, services, deployments, replicasets, nodes, endpoints, namespaces } from './index';
import { humanDuration } from './common';
import { objectMeta, labels } from './validation';
import { schemaErrors } from '../registry/schema-check';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));
const defaulted = (spec: { defaults?(o: KObject): void }, o: KObject) => {
  const c = clone(o);
  spec.defaults?.(c);
  return c as any;
};
const fields = (errs: { field: string; reason: string }[]) => errs.map((e) => `${e.reason} ${e.field}`);

const basePod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'web', image: 'k8ts/web:1.0' }] } };
const baseDeploy = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'd', namespace: 'default' },
  spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'k8ts/web:1.0' }] } } },
};

describe('resource definitions', () => {
  it('serve the expected names, short names and categories', () => {
    const table = Object.fromEntries(allResources().map((r) => [r.resource, [r.apiVersion, r.kind, r.shortNames.join(','), r.categories.join(','), r.namespaced]]));
    assert.deepEqual(table, {
      namespaces: ['v1', 'Namespace', 'ns', '', false],
      pods: ['v1', 'Pod', 'po', 'all', true],
      nodes: ['v1', 'Node', 'no', '', false],
      services: ['v1', 'Service', 'svc', 'all', true],
      endpoints: ['v1', 'Endpoints', 'ep', '', true],
      events: ['v1', 'Event', 'ev', '', true],
      configmaps: ['v1', 'ConfigMap', 'cm', '', true],
      secrets: ['v1', 'Secret', '', '', true],
      serviceaccounts: ['v1', 'ServiceAccount', 'sa', '', true],
      persistentvolumes: ['v1', 'PersistentVolume', 'pv', '', false],
      persistentvolumeclaims: ['v1', 'PersistentVolumeClaim', 'pvc', '', true],
      leases: ['coordination.k8s.io/v1', 'Lease', '', '', true],
      endpointslices: ['discovery.k8s.io/v1', 'EndpointSlice', '', '', true],
      replicasets: ['apps/v1', 'ReplicaSet', 'rs', 'all', true],
      deployments: ['apps/v1', 'Deployment', 'deploy', 'all', true],
      replicationcontrollers: ['v1', 'ReplicationController', 'rc', 'all', true],
      daemonsets: ['apps/v1', 'DaemonSet', 'ds', 'all', true],
      statefulsets: ['apps/v1', 'StatefulSet', 'sts', 'all', true],
      controllerrevisions: ['apps/v1', 'ControllerRevision', '', '', true],
      jobs: ['batch/v1', 'Job', '', 'all', true],
      cronjobs: ['batch/v1', 'CronJob', 'cj', 'all', true],
      horizontalpodautoscalers: ['autoscaling/v2', 'HorizontalPodAutoscaler', 'hpa', 'all', true],
      ingresses: ['networking.k8s.io/v1', 'Ingress', 'ing', '', true],
      ingressclasses: ['networking.k8s.io/v1', 'IngressClass', '', '', false],
      roles: ['rbac.authorization.k8s.io/v1', 'Role', '', '', true],
      rolebindings: ['rbac.authorization.k8s.io/v1', 'RoleBinding', '', '', true],
      clusterroles: ['rbac.authorization.k8s.io/v1', 'ClusterRole', '', '', false],
      clusterrolebindings: ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', '', '', false],
      poddisruptionbudgets: ['policy/v1', 'PodDisruptionBudget', 'pdb', '', true],
      certificatesigningrequests: ['certificates.k8s.io/v1', 'CertificateSigningRequest', 'csr', '', false],
      storageclasses: ['storage.k8s.io/v1', 'StorageClass', 'sc', '', false],
      resourcequotas: ['v1', 'ResourceQuota', 'quota', '', true],
      limitranges: ['v1', 'LimitRange', 'limits', '', true],
      priorityclasses: ['scheduling.k8s.io/v1', 'PriorityClass', 'pc', '', false],
    });
  });

  it('print one cell per printer column', () => {
    const samples: Record<string, KObject> = { pods: basePod, deployments: baseDeploy };
    for (const r of allResources()) {
      const o = samples[r.resource] ?? { metadata: { name: 'x', namespace: 'default' } };
      assert.equal(r.printRow(o).length, r.printerColumns.length, r.resource);
    }
  });
});

describe('defaulting', () => {
  const cases: [string, { defaults?(o: KObject): void }, KObject, (o: any) => unknown, unknown][] = [
    ['pod restartPolicy', pods, basePod, (o) => o.spec.restartPolicy, 'Always'],
    ['pod grace period', pods, basePod, (o) => o.spec.terminationGracePeriodSeconds, 30],
    ['pod dnsPolicy', pods, basePod, (o) => o.spec.dnsPolicy, 'ClusterFirst'],
    ['pod schedulerName', pods, basePod, (o) => o.spec.schedulerName, 'default-scheduler'],
    ['tagged image pulls IfNotPresent', pods, basePod, (o) => o.spec.containers[0].imagePullPolicy, 'IfNotPresent'],
    ['latest image pulls Always', pods, { ...basePod, spec: { containers: [{ name: 'a', image: 'x:latest' }] } }, (o) => o.spec.containers[0].imagePullPolicy, 'Always'],
    ['untagged image pulls Always', pods, { ...basePod, spec: { containers: [{ name: 'a', image: 'reg:5000/x' }] } }, (o) => o.spec.containers[0].imagePullPolicy, 'Always'],
    ['termination message path', pods, basePod, (o) => o.spec.containers[0].terminationMessagePath, '/dev/termination-log'],
    ['container port protocol', pods, { ...basePod, spec: { containers: [{ name: 'a', image: 'x:1', ports: [{ containerPort: 80 }] }] } }, (o) => o.spec.containers[0].ports[0].protocol, 'TCP'],
    ['service type', services, { metadata: { name: 's' }, spec: { ports: [{ port: 80 }] } }, (o) => o.spec.type, 'ClusterIP'],
    ['service affinity', services, { metadata: { name: 's' }, spec: { ports: [{ port: 80 }] } }, (o) => o.spec.sessionAffinity, 'None'],
    ['service targetPort = port', services, { metadata: { name: 's' }, spec: { ports: [{ port: 80 }] } }, (o) => [o.spec.ports[0].targetPort, o.spec.ports[0].protocol], [80, 'TCP']],
    ['deployment replicas', deployments, baseDeploy, (o) => o.spec.replicas, 1],
    ['deployment strategy', deployments, baseDeploy, (o) => o.spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } }],
    ['deployment history + deadline', deployments, baseDeploy, (o) => [o.spec.revisionHistoryLimit, o.spec.progressDeadlineSeconds], [10, 600]],
    ['deployment template pod spec', deployments, baseDeploy, (o) => o.spec.template.spec.restartPolicy, 'Always'],
    ['replicaset replicas', replicasets, { ...baseDeploy, kind: 'ReplicaSet' }, (o) => o.spec.replicas, 1],
    ['namespace name label', namespaces, { metadata: { name: 'team' } }, (o) => o.metadata.labels, { 'kubernetes.io/metadata.name': 'team' }],
  ];
  for (const [name, spec, input, pick, want] of cases) it(name, () => assert.deepEqual(pick(defaulted(spec, input)), want));
});

describe('validation', () => {
  const cases: [string, { validate?(o: KObject): any[] }, KObject, string[]][] = [
    ['valid pod', pods, basePod, []],
    ['pod without containers', pods, { ...basePod, spec: { containers: [] } }, ['FieldValueRequired spec.containers']],
    ['container without name and image', pods, { ...basePod, spec: { containers: [{}] } }, ['FieldValueRequired spec.containers[0].name', 'FieldValueRequired spec.containers[0].image']],
    ['duplicate container names', pods, { ...basePod, spec: { containers: [{ name: 'a', image: 'x:1' }, { name: 'a', image: 'x:1' }] } }, ['FieldValueDuplicate spec.containers[1].name']],
    ['container port out of range', pods, { ...basePod, spec: { containers: [{ name: 'a', image: 'x:1', ports: [{ containerPort: 70000 }] }] } }, ['FieldValueInvalid spec.containers[0].ports[0].containerPort']],
    ['bad restartPolicy', pods, { ...basePod, spec: { ...basePod.spec, restartPolicy: 'Sometimes' } }, ['FieldValueNotSupported spec.restartPolicy']],
    ['valid deployment', deployments, defaulted(deployments, baseDeploy), []],
    ['selector not matching template', deployments, { ...baseDeploy, spec: { ...baseDeploy.spec, selector: { matchLabels: { app: 'other' } } } }, ['FieldValueInvalid spec.template.metadata.labels']],
    ['empty selector', replicasets, { ...baseDeploy, spec: { ...baseDeploy.spec, selector: {} } }, ['FieldValueInvalid spec.selector']],
    ['missing selector', replicasets, { ...baseDeploy, spec: { ...baseDeploy.spec, selector: undefined } }, ['FieldValueRequired spec.selector']],
    ['negative replicas', replicasets, { ...baseDeploy, spec: { ...baseDeploy.spec, replicas: -1 } }, ['FieldValueInvalid spec.replicas']],
    ['service without ports', services, defaulted(services, { metadata: { name: 's' }, spec: { type: 'ClusterIP' } }), ['FieldValueRequired spec.ports']],
    ['service port range + unnamed multi ports', services, defaulted(services, { metadata: { name: 's' }, spec: { ports: [{ port: 0 }, { port: 80 }] } }), ['FieldValueRequired spec.ports[0].name', 'FieldValueInvalid spec.ports[0].port', 'FieldValueInvalid spec.ports[0].targetPort', 'FieldValueRequired spec.ports[1].name']],
    ['nodePort on ClusterIP', services, defaulted(services, { metadata: { name: 's' }, spec: { type: 'ClusterIP', ports: [{ port: 80, nodePort: 30001 }] } }), ['FieldValueForbidden spec.ports[0].nodePort']],
    ['bad service type', services, defaulted(services, { metadata: { name: 's' }, spec: { type: 'Magic', ports: [{ port: 80 }] } }), ['FieldValueNotSupported spec.type']],
    ['endpoints with bad IP', endpoints, { metadata: { name: 'e' }, subsets: [{ addresses: [{ ip: 'nope' }] }] } as KObject, ['FieldValueInvalid subsets[0].addresses[0].ip']],
  ];
  for (const [name, spec, obj, want] of cases) it(name, () => assert.deepEqual(fields(spec.validate!(obj)), want));

  const updates: [string, { validateUpdate?(o: KObject, old: KObject): any[] }, KObject, KObject, string[]][] = [
    ['deployment selector is immutable', deployments, { ...baseDeploy, spec: { ...baseDeploy.spec, selector: { matchLabels: { app: 'x' } } } }, baseDeploy, ['FieldValueInvalid spec.selector']],
    ['service clusterIP is immutable', services, { metadata: { name: 's' }, spec: { clusterIP: '10.96.0.5' } }, { metadata: { name: 's' }, spec: { clusterIP: '10.96.0.4' } }, ['FieldValueInvalid spec.clusterIPs[0]']],
    ['pod image may change', pods, { ...basePod, spec: { containers: [{ name: 'web', image: 'k8ts/web:2.0' }] } }, basePod, []],
    ['pod other spec fields may not', pods, { ...basePod, spec: { ...basePod.spec, nodeName: 'n1' } }, basePod, ['FieldValueForbidden spec']],
    ['node podCIDR set once', nodes, { metadata: { name: 'n' }, spec: { podCIDR: '10.244.2.0/24' } }, { metadata: { name: 'n' }, spec: { podCIDR: '10.244.1.0/24' } }, ['FieldValueInvalid spec.podCIDR']],
  ];
  for (const [name, spec, obj, old, want] of updates) it(name, () => assert.deepEqual(fields(spec.validateUpdate!(obj, old)), want));

  const metas: [string, Parameters<typeof objectMeta>, string[]][] = [
    ['good subdomain name', [{ name: 'a.b-c', namespace: 'd' }, true, 'subdomain'], []],
    ['uppercase name', [{ name: 'Web', namespace: 'd' }, true, 'subdomain'], ['FieldValueInvalid metadata.name']],
    ['dots in a label name', [{ name: 'a.b' }, false, 'label'], ['FieldValueInvalid metadata.name']],
    ['service name must start with a letter', [{ name: '1web', namespace: 'd' }, true, 'dns1035'], ['FieldValueInvalid metadata.name']],
    ['missing name', [{ namespace: 'd' }, true, 'subdomain'], ['FieldValueRequired metadata.name']],
    ['missing namespace', [{ name: 'a' }, true, 'subdomain'], ['FieldValueRequired metadata.namespace']],
    ['bad label key and value', [{ name: 'a', namespace: 'd', labels: { '-bad': 'ok', good: 'not ok' } }, true, 'subdomain'], ['FieldValueInvalid metadata.labels', 'FieldValueInvalid metadata.labels']],
  ];
  for (const [name, args, want] of metas) it(name, () => assert.deepEqual(fields(objectMeta(...args)), want));

  it('accepts prefixed label keys', () => assert.deepEqual(labels('l', { 'app.kubernetes.io/name': 'web', 'node-role.kubernetes.io/control-plane': '' }), []));

  it('reports schema type errors with Kubernetes field paths', () => {
    const errs = schemaErrors(deployments.schema, { ...baseDeploy, spec: { ...baseDeploy.spec, replicas: 'three' } });
    assert.deepEqual(errs.map((e) => e.field), ['spec.replicas']);
    const perr = schemaErrors(pods.schema, { ...basePod, spec: { containers: [{ name: 'a', image: 'x', ports: [{ containerPort: '80' }] }] } });
    assert.deepEqual(perr.map((e) => e.field), ['spec.containers[0].ports[0].containerPort']);
  });
});

describe('printing', () => {
  // Read the clock when each timestamp is made, not when the file loads: a busy suite can take
  // seconds between loading this file and running these cases.
  const ago = (s: number) => new Date(Date.now() - s * 1000).toISOString();
  it('formats ages the way kubectl does', () => {
    const table: [number, string][] = [[5, '5s'], [119, '119s'], [150, '2m30s'], [600, '10m'], [3 * 3600, '3h'], [3 * 3600 + 60 * 5, '3h5m'], [30 * 3600, '30h'], [50 * 3600, '2d2h'], [20 * 86400, '20d'], [800 * 86400, '2y70d']];
    for (const [s, want] of table) assert.equal(humanDuration(s * 1000), want, String(s));
  });
  it('prints pods: ready, status, restarts, wide IP/node', () => {
    const p = {
      ...basePod,
      metadata: { ...basePod.metadata, creationTimestamp: ago(65) },
      spec: { ...basePod.spec, nodeName: 'n1' },
      status: { phase: 'Running', podIP: '10.244.1.5', containerStatuses: [{ name: 'web', ready: true, restartCount: 2, state: { running: {} }, image: '', imageID: '' }] },
    };
    assert.deepEqual(pods.printRow(p), ['p', '1/1', 'Running', '2', '65s', '10.244.1.5', 'n1', '<none>', '<none>']);
    const waiting = { ...p, status: { phase: 'Pending', containerStatuses: [{ name: 'web', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }] } };
    assert.equal(pods.printRow(waiting)[2], 'ContainerCreating');
    assert.equal(pods.printRow({ ...p, metadata: { ...p.metadata, deletionTimestamp: ago(0) } })[2], 'Terminating');
  });
  it('prints deployments, services and nodes', () => {
    const d = { ...baseDeploy, metadata: { ...baseDeploy.metadata, creationTimestamp: ago(30) }, spec: { ...baseDeploy.spec, replicas: 3 }, status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 } };
    assert.deepEqual(deployments.printRow(d).slice(0, 5), ['d', '2/3', 3, 2, '30s']);
    const s = { metadata: { name: 'web', creationTimestamp: ago(10) }, spec: { type: 'NodePort', clusterIP: '10.96.4.2', selector: { app: 'web' }, ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }] } };
    assert.deepEqual(services.printRow(s), ['web', 'NodePort', '10.96.4.2', '<none>', '80:30080/TCP', '10s', 'app=web']);
    const n = { metadata: { name: 'n1', creationTimestamp: ago(10), labels: { 'node-role.kubernetes.io/control-plane': '' } }, spec: { unschedulable: true }, status: { conditions: [{ type: 'Ready', status: 'True' }], nodeInfo: { kubeletVersion: 'v1.32.0-k8ts' } } };
    assert.deepEqual(nodes.printRow(n).slice(0, 5), ['n1', 'Ready,SchedulingDisabled', 'control-plane', '10s', 'v1.32.0-k8ts']);
  });
});
