// Table-driven checks of the kinds added for issue 3: defaulting, semantic validation (reason and
// field of each cause) and printed rows.
import assert from 'node:assert/strict';
import type { KObject } from '../../lib/api/types';
import {
  serviceaccounts, endpointslices, daemonsets, statefulsets, jobs, cronjobs, horizontalpodautoscalers,
  persistentvolumes, persistentvolumeclaims, ingresses, roles, clusterroles, rolebindings, clusterrolebindings,
} from './index';
import type { ResourceSpec } from './types';
import { schemaErrors } from '../registry/schema-check';
import { cronScheduleErrors } from './cron';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));
const meta = (name = 'x') => ({ name, namespace: 'default', uid: 'u-1', creationTimestamp: new Date().toISOString() });
const tmpl = (restartPolicy?: string) => ({
  metadata: { labels: { app: 'x' } },
  spec: { ...(restartPolicy ? { restartPolicy } : {}), containers: [{ name: 'c', image: 'k8ts/web:1.0' }] },
});
const selector = { matchLabels: { app: 'x' } };

const ds = { metadata: meta('agent'), spec: { selector, template: tmpl() } };
const sts = { metadata: meta('db'), spec: { selector, serviceName: 'db', template: tmpl() } };
const job = { metadata: meta('once'), spec: { template: tmpl('Never') } };
const cj = { metadata: meta('nightly'), spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: tmpl('OnFailure') } } } };
const hpa = { metadata: meta('h'), spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 3 } };
const pv = { metadata: { name: 'disk' }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/tmp/d' } } };
const pvc = { metadata: meta('data'), spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } };
const ing = { metadata: meta('web'), spec: { rules: [{ host: 'a.example', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] } };
const slice = { metadata: meta('s'), addressType: 'IPv4', endpoints: [{ addresses: ['10.0.0.1'] }], ports: [{ port: 80 }] };
const role = { metadata: meta('r'), rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] };
const rb = { metadata: meta('rb'), roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' }, subjects: [{ kind: 'User', name: 'alice' }] };

/** Defaults then validation, as the registry runs them; returns "Reason field" per cause. */
function check(spec: ResourceSpec, input: object): string[] {
  const o = clone(input) as KObject;
  spec.defaults?.(o);
  const errs = [...schemaErrors(spec.schema, o), ...(spec.validate?.(o) ?? [])];
  return errs.map((e) => `${e.reason} ${e.field}`);
}

function defaulted(spec: ResourceSpec, input: object): any {
  const o = clone(input) as KObject;
  spec.defaults?.(o);
  spec.prepareForCreate?.(o);
  return o;
}

describe('new kinds: defaulting', () => {
  const cases: [string, ResourceSpec, object, (o: any) => unknown, unknown][] = [
    ['daemonset update strategy', daemonsets, ds, (o) => o.spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } }],
    ['daemonset history', daemonsets, ds, (o) => o.spec.revisionHistoryLimit, 10],
    ['statefulset policies', statefulsets, sts, (o) => [o.spec.replicas, o.spec.podManagementPolicy, o.spec.updateStrategy], [1, 'OrderedReady', { type: 'RollingUpdate', rollingUpdate: { partition: 0 } }]],
    ['statefulset pvc retention', statefulsets, sts, (o) => o.spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Retain', whenScaled: 'Retain' }],
    ['job counts', jobs, job, (o) => [o.spec.completions, o.spec.parallelism, o.spec.backoffLimit, o.spec.completionMode, o.spec.suspend], [1, 1, 6, 'NonIndexed', false]],
    ['job with parallelism keeps completions unset', jobs, { ...job, spec: { ...job.spec, parallelism: 3 } }, (o) => [o.spec.completions, o.spec.parallelism], [undefined, 3]],
    ['job template restartPolicy is not defaulted', jobs, { ...job, spec: { template: tmpl() } }, (o) => o.spec.template.spec.restartPolicy, undefined],
    ['cronjob policies', cronjobs, cj, (o) => [o.spec.concurrencyPolicy, o.spec.suspend, o.spec.successfulJobsHistoryLimit, o.spec.failedJobsHistoryLimit], ['Allow', false, 3, 1]],
    ['hpa min replicas and cpu metric', horizontalpodautoscalers, hpa, (o) => [o.spec.minReplicas, o.spec.metrics[0].resource], [1, { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } }]],
    ['hpa without behavior keeps none', horizontalpodautoscalers, hpa, (o) => o.spec.behavior, undefined],
    [
      'hpa behavior filled with the defaults, the scale-down window left to the controller',
      horizontalpodautoscalers,
      { ...hpa, spec: { ...(hpa as any).spec, behavior: { scaleDown: { stabilizationWindowSeconds: 10, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } } } },
      (o) => o.spec.behavior,
      {
        scaleUp: { selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }], stabilizationWindowSeconds: 0 },
        scaleDown: { stabilizationWindowSeconds: 10, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }], selectPolicy: 'Max' },
      },
    ],
    ['pv reclaim and phase', persistentvolumes, pv, (o) => [o.spec.persistentVolumeReclaimPolicy, o.spec.volumeMode, o.status.phase], ['Retain', 'Filesystem', 'Pending']],
    ['pvc mode and phase', persistentvolumeclaims, pvc, (o) => [o.spec.volumeMode, o.status.phase], ['Filesystem', 'Pending']],
    ['endpointslice port protocol', endpointslices, slice, (o) => o.ports[0], { port: 80, name: '', protocol: 'TCP' }],
    ['binding user apiGroup', rolebindings, rb, (o) => o.subjects[0].apiGroup, 'rbac.authorization.k8s.io'],
  ];
  for (const [name, spec, input, pick, want] of cases) it(name, () => assert.deepEqual(pick(defaulted(spec, input)), want));

  it('a job gets its selector from its uid during validation', () => {
    const o = defaulted(jobs, job);
    assert.deepEqual(jobs.validate!(o), []);
    assert.deepEqual(o.spec.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u-1' } });
    assert.equal(o.spec.template.metadata.labels['job-name'], 'once');
  });
});

describe('new kinds: validation', () => {
  const cases: [string, ResourceSpec, object, string[]][] = [
    ['valid service account', serviceaccounts, { metadata: meta() }, []],
    ['pull secret without name', serviceaccounts, { metadata: meta(), imagePullSecrets: [{}] }, ['FieldValueRequired imagePullSecrets[0].name']],
    ['valid endpointslice', endpointslices, slice, []],
    ['bad address type', endpointslices, { ...slice, addressType: 'IPv5' }, ['FieldValueNotSupported addressType']],
    ['ipv6 address in ipv4 slice', endpointslices, { ...slice, endpoints: [{ addresses: ['fd00::1'] }] }, ['FieldValueInvalid endpoints[0].addresses[0]']],
    ['valid daemonset', daemonsets, ds, []],
    ['daemonset selector mismatch', daemonsets, { ...ds, spec: { ...ds.spec, selector: { matchLabels: { app: 'y' } } } }, ['FieldValueInvalid spec.template.metadata.labels']],
    ['daemonset bad strategy', daemonsets, { ...ds, spec: { ...ds.spec, updateStrategy: { type: 'Sometimes' } } }, ['FieldValueNotSupported spec.updateStrategy']],
    ['valid statefulset', statefulsets, sts, []],
    ['statefulset bad pod policy', statefulsets, { ...sts, spec: { ...sts.spec, podManagementPolicy: 'Random' } }, ['FieldValueInvalid spec.podManagementPolicy']],
    ['valid job', jobs, job, []],
    ['job template restartPolicy required', jobs, { ...job, spec: { template: tmpl() } }, ['FieldValueRequired spec.template.spec.restartPolicy']],
    ['job template restartPolicy Always', jobs, { ...job, spec: { template: tmpl('Always') } }, ['FieldValueRequired spec.template.spec.restartPolicy']],
    ['job negative backoff', jobs, { ...job, spec: { ...job.spec, backoffLimit: -1 } }, ['FieldValueInvalid spec.backoffLimit']],
    ['valid cronjob', cronjobs, cj, []],
    ['cronjob bad schedule', cronjobs, { ...cj, spec: { ...cj.spec, schedule: '* * *' } }, ['FieldValueInvalid spec.schedule']],
    ['cronjob missing schedule', cronjobs, { ...cj, spec: { jobTemplate: cj.spec.jobTemplate } }, ['FieldValueRequired spec.schedule']],
    ['cronjob bad concurrency', cronjobs, { ...cj, spec: { ...cj.spec, concurrencyPolicy: 'Sometimes' } }, ['FieldValueNotSupported spec.concurrencyPolicy']],
    ['cronjob name too long', cronjobs, { ...cj, metadata: meta('a'.repeat(53)) }, ['FieldValueInvalid metadata.name']],
    ['valid hpa', horizontalpodautoscalers, hpa, []],
    ['hpa max below min', horizontalpodautoscalers, { ...hpa, spec: { ...hpa.spec, minReplicas: 5 } }, ['FieldValueInvalid spec.maxReplicas']],
    ['hpa min zero', horizontalpodautoscalers, { ...hpa, spec: { ...hpa.spec, minReplicas: 0 } }, ['FieldValueInvalid spec.minReplicas']],
    ['hpa without target', horizontalpodautoscalers, { metadata: meta(), spec: { maxReplicas: 2 } }, ['FieldValueRequired spec.scaleTargetRef.kind', 'FieldValueRequired spec.scaleTargetRef.name']],
    ['valid pv', persistentvolumes, pv, []],
    ['pv without source', persistentvolumes, { ...pv, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'] } }, ['FieldValueRequired spec']],
    ['pv bad access mode', persistentvolumes, { ...pv, spec: { ...pv.spec, accessModes: ['WriteSometimes'] } }, ['FieldValueNotSupported spec.accessModes']],
    ['pv bad reclaim policy', persistentvolumes, { ...pv, spec: { ...pv.spec, persistentVolumeReclaimPolicy: 'Keep' } }, ['FieldValueNotSupported spec.persistentVolumeReclaimPolicy']],
    ['valid pvc', persistentvolumeclaims, pvc, []],
    ['pvc without storage request', persistentvolumeclaims, { ...pvc, spec: { accessModes: ['ReadWriteOnce'] } }, ['FieldValueRequired spec.resources[storage]']],
    ['valid ingress', ingresses, ing, []],
    ['ingress path without pathType', ingresses, { ...ing, spec: { rules: [{ http: { paths: [{ path: '/', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] } }, ['FieldValueRequired spec.rules[0].http.paths[0].pathType']],
    ['ingress relative prefix path', ingresses, { ...ing, spec: { rules: [{ http: { paths: [{ path: 'x', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] } }, ['FieldValueInvalid spec.rules[0].http.paths[0].path']],
    ['ingress with nothing', ingresses, { metadata: meta(), spec: {} }, ['FieldValueInvalid spec.rules']],
    ['valid role', roles, role, []],
    ['role rule without verbs', roles, { ...role, rules: [{ apiGroups: [''], resources: ['pods'] }] }, ['FieldValueRequired rules[0].verbs']],
    ['namespaced role with URLs', roles, { ...role, rules: [{ nonResourceURLs: ['/healthz'], verbs: ['get'] }] }, ['FieldValueInvalid rules[0].nonResourceURLs']],
    ['cluster role with URLs', clusterroles, { metadata: { name: 'c' }, rules: [{ nonResourceURLs: ['/healthz'], verbs: ['get'] }] }, []],
    ['valid rolebinding', rolebindings, rb, []],
    ['rolebinding bad role kind', rolebindings, { ...rb, roleRef: { ...rb.roleRef, kind: 'Pod' } }, ['FieldValueNotSupported roleRef.kind']],
    ['clusterrolebinding to a Role', clusterrolebindings, { ...rb, metadata: { name: 'c' }, roleRef: { ...rb.roleRef, kind: 'Role' } }, ['FieldValueNotSupported roleRef.kind']],
    ['clusterrolebinding SA without namespace', clusterrolebindings, { ...rb, metadata: { name: 'c' }, roleRef: { ...rb.roleRef, kind: 'ClusterRole' }, subjects: [{ kind: 'ServiceAccount', name: 'sa' }] }, ['FieldValueRequired subjects[0].namespace']],
  ];
  for (const [name, spec, input, want] of cases) it(name, () => assert.deepEqual(check(spec, input), want));

  const updates: [string, ResourceSpec, object, (o: any) => void, string[]][] = [
    ['statefulset serviceName is fixed', statefulsets, sts, (o) => (o.spec.serviceName = 'other'), ['FieldValueForbidden spec']],
    ['statefulset replicas may change', statefulsets, sts, (o) => (o.spec.replicas = 5), []],
    ['daemonset selector immutable', daemonsets, ds, (o) => (o.spec.selector = { matchLabels: { app: 'x', b: 'c' } }), ['FieldValueInvalid spec.selector']],
    ['job completions immutable', jobs, job, (o) => (o.spec.completions = 4), ['FieldValueInvalid spec.completions']],
    ['pvc may grow', persistentvolumeclaims, pvc, (o) => (o.spec.resources.requests.storage = '2Gi'), []],
    ['pvc access modes fixed', persistentvolumeclaims, pvc, (o) => (o.spec.accessModes = ['ReadWriteMany']), ['FieldValueForbidden spec']],
    ['rolebinding roleRef immutable', rolebindings, rb, (o) => (o.roleRef.name = 'other'), ['FieldValueInvalid roleRef']],
    ['endpointslice addressType immutable', endpointslices, slice, (o) => (o.addressType = 'FQDN'), ['FieldValueInvalid addressType']],
  ];
  for (const [name, spec, input, change, want] of updates)
    it(`update: ${name}`, () => {
      const old = defaulted(spec, input);
      const next = clone(old);
      change(next);
      assert.deepEqual((spec.validateUpdate?.(next, old) ?? []).map((e) => `${e.reason} ${e.field}`), want);
    });
});

describe('cron schedules', () => {
  const cases: [string, boolean][] = [
    ['*/5 * * * *', true], ['0 3 * * mon-fri', true], ['@hourly', true], ['0 0 1 jan,jul *', true], ['@every 5m', true],
    ['* * *', false], ['60 * * * *', false], ['* * * 13 *', false], ['@sometimes', false], ['TZ=UTC 0 * * * *', false], ['*/0 * * * *', false],
  ];
  for (const [s, good] of cases) it(`${s} is ${good ? 'valid' : 'invalid'}`, () => assert.equal(cronScheduleErrors(s, undefined).length === 0, good));
});

describe('new kinds: printing', () => {
  const now = new Date().toISOString();
  const cases: [string, ResourceSpec, object, unknown[]][] = [
    ['service account', serviceaccounts, { metadata: meta('sa1'), secrets: [{ name: 'a' }] }, ['sa1', 1]],
    ['endpointslice', endpointslices, { ...slice, endpoints: [{ addresses: ['1.1.1.1', '1.1.1.2'] }, { addresses: ['1.1.1.3', '1.1.1.4'] }] }, ['s', 'IPv4', '80', '1.1.1.1,1.1.1.2,1.1.1.3 + 1 more...']],
    ['daemonset', daemonsets, { ...ds, spec: { ...ds.spec, template: { ...tmpl(), spec: { ...tmpl().spec, nodeSelector: { disk: 'ssd' } } } }, status: { desiredNumberScheduled: 2, currentNumberScheduled: 2, numberReady: 1, updatedNumberScheduled: 2, numberAvailable: 1 } }, ['agent', 2, 2, 1, 2, 1, 'disk=ssd']],
    ['statefulset', statefulsets, { ...sts, spec: { ...sts.spec, replicas: 3 }, status: { readyReplicas: 2 } }, ['db', '2/3']],
    ['complete job', jobs, { ...job, spec: { completions: 1 }, status: { succeeded: 1, startTime: '2024-01-01T00:00:00Z', completionTime: '2024-01-01T00:00:42Z', conditions: [{ type: 'Complete', status: 'True' }] } }, ['once', 'Complete', '1/1', '42s']],
    ['parallel job', jobs, { ...job, spec: { parallelism: 3 } }, ['once', 'Running', '0/1 of 3', '']],
    ['cronjob', cronjobs, { ...cj, spec: { ...cj.spec, suspend: true, timeZone: 'Etc/UTC' } }, ['nightly', '*/5 * * * *', 'Etc/UTC', 'True', 0, '<none>']],
    ['hpa with current value', horizontalpodautoscalers, { ...hpa, spec: { ...hpa.spec, minReplicas: 2, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }] }, status: { currentReplicas: 2, currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 12 } } }] } }, ['h', 'Deployment/web', 'cpu: 12%/50%', 2, 3, 2]],
    ['bound pv', persistentvolumes, { ...pv, spec: { ...pv.spec, persistentVolumeReclaimPolicy: 'Delete', accessModes: ['ReadWriteMany', 'ReadWriteOnce'], claimRef: { namespace: 'default', name: 'data' }, storageClassName: 'local' }, status: { phase: 'Bound' } }, ['disk', '1Gi', 'RWO,RWX', 'Delete', 'Bound', 'default/data', 'local', '<unset>', '']],
    ['bound pvc', persistentvolumeclaims, { ...pvc, spec: { ...pvc.spec, volumeName: 'disk' }, status: { phase: 'Bound', capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'] } }, ['data', 'Bound', 'disk', '1Gi', 'RWO', '', '<unset>']],
    ['ingress with tls and address', ingresses, { ...ing, spec: { ...ing.spec, ingressClassName: 'nginx', tls: [{ hosts: ['a.example'] }] }, status: { loadBalancer: { ingress: [{ ip: '10.0.0.9' }] } } }, ['web', 'nginx', 'a.example', '10.0.0.9', '80, 443']],
    ['role', roles, { ...role, metadata: { ...meta('r'), creationTimestamp: '2024-01-01T00:00:00Z' } }, ['r', '2024-01-01T00:00:00Z']],
    ['rolebinding wide', rolebindings, { ...rb, subjects: [{ kind: 'User', name: 'alice' }, { kind: 'ServiceAccount', name: 'robot', namespace: 'default' }, { kind: 'Group', name: 'devs' }] }, ['rb', 'Role/r']],
  ];
  for (const [name, spec, input, want] of cases)
    it(name, () => {
      const row = spec.printRow({ ...(input as KObject), metadata: { ...(input as KObject).metadata, creationTimestamp: (input as KObject).metadata.creationTimestamp ?? now } });
      assert.equal(row.length, spec.printerColumns.length);
      assert.deepEqual(row.slice(0, want.length), want);
    });

  it('rolebinding wide cells name users, groups and service accounts', () => {
    const row = rolebindings.printRow({ ...rb, subjects: [{ kind: 'User', name: 'alice' }, { kind: 'ServiceAccount', name: 'robot', namespace: 'default' }, { kind: 'Group', name: 'devs' }] } as KObject);
    assert.deepEqual(row.slice(3), ['alice', 'devs', 'default/robot']);
  });
});
