// Field validation of the pod-side kinds: fully loaded manifests (every Kubernetes 1.32 field of
// PodSpec, Container, the volume sources, the workloads, jobs, autoscalers, claims and their
// statuses) have no unknown fields, pass the structural check and the kinds' own rules; misspelt
// fields anywhere in the tree are found; and no described object is silently open.
import { strict as assert } from 'node:assert';
import type { TSchema } from '@sinclair/typebox';
import type { KObject } from '../../lib/api/types';
import { unknownFields } from '../rest/field-validation';
import { schemaErrors } from '../registry/schema-check';
import { convert } from '../openapi/from-typebox';
import { PRESERVE_UNKNOWN } from './schema-builders';
import type { ResourceSpec } from './types';
import { pods } from './pods';
import { deployments, replicasets } from './workloads';
import { daemonsets, statefulsets } from './daemon-stateful-sets';
import { jobs, cronjobs } from './jobs';
import { horizontalpodautoscalers } from './autoscalers';
import { persistentvolumeclaims, persistentvolumes } from './volumes';
import { ephemeralContainers, serverMetadata, specManifests, statusManifests } from '../../test/fixtures/apiserver/pod-kind-manifests';

type Obj = Record<string, any>;

const KINDS: Record<string, ResourceSpec> = {
  pods, deployments, replicasets, daemonsets, statefulsets, jobs, cronjobs, horizontalpodautoscalers, persistentvolumeclaims, persistentvolumes,
};
const copy = <T>(v: T): T => JSON.parse(JSON.stringify(v));

/** The manifest as a GET returns it: server metadata and status filled in. */
function roundTripped(resource: string, manifest: Obj): Obj {
  const o = copy(manifest);
  o.metadata = { ...o.metadata, ...copy(serverMetadata) };
  o.status = statusManifests().find((s) => s.resource === resource)?.status;
  if (resource === 'pods') o.spec.ephemeralContainers = copy(ephemeralContainers);
  return o;
}

describe('strict field validation: pod-side kinds', () => {
  it('covers every pod-side kind with a spec and a status manifest', () => {
    assert.deepEqual(specManifests().map((m) => m.resource).sort(), Object.keys(KINDS).sort());
    assert.deepEqual(statusManifests().map((m) => m.resource).sort(), Object.keys(KINDS).sort());
  });

  for (const { resource, manifest } of specManifests()) {
    describe(resource, () => {
      const spec = KINDS[resource];

      it('a fully loaded manifest has no unknown fields', () => {
        assert.deepEqual(unknownFields(spec.schema, manifest), []);
      });

      it('nor does the object read back with server metadata, status (and ephemeral containers)', () => {
        assert.deepEqual(unknownFields(spec.schema, roundTripped(resource, manifest)), []);
      });

      it('passes the structural check and the kind rules', () => {
        const o = roundTripped(resource, manifest);
        assert.deepEqual(schemaErrors(spec.schema, o), []);
        const created = copy(manifest) as KObject;
        created.metadata.uid = 'u-1';
        spec.defaults?.(created);
        assert.deepEqual(spec.validate?.(created) ?? [], []);
      });
    });
  }

  it('finds misspelt fields deep in the pod tree, with their paths', () => {
    const pod = copy(specManifests()[0].manifest);
    const c = pod.spec.containers[0];
    c.livenessProbe.httpGet.pathh = '/';
    c.env[1].valueFrom.fieldRef.fieldpath = 'x';
    c.securityContext.capabilities.addd = [];
    pod.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologykey = 'x';
    pod.spec.volumes[2].configMap.items[0].mod = 1;
    pod.spec.volumes[8].ephemeral.volumeClaimTemplate.spec.resource = {};
    pod.spec.tolerations[0].effects = 'x';
    pod.spec.securityContext.sysctl = [];
    pod.spec.initContainers[1].lifecycle.preStop.sleep.second = 1;
    pod.metadata.managedFields = [{ manager: 'x', operations: 'Update' }];
    pod.status = { phase: 'Running', containerStatuses: [{ name: 'web', state: { running: { started: 'x' } } }], podIp: 'x' };
    assert.deepEqual(unknownFields(pods.schema, pod), [
      'metadata.managedFields[0].operations',
      'spec.volumes[2].configMap.items[0].mod',
      'spec.volumes[8].ephemeral.volumeClaimTemplate.spec.resource',
      'spec.initContainers[1].lifecycle.preStop.sleep.second',
      'spec.containers[0].env[1].valueFrom.fieldRef.fieldpath',
      'spec.containers[0].livenessProbe.httpGet.pathh',
      'spec.containers[0].securityContext.capabilities.addd',
      'spec.securityContext.sysctl',
      'spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologykey',
      'spec.tolerations[0].effects',
      'status.containerStatuses[0].state.running.started',
      'status.podIp',
    ]);
  });

  it('finds misspelt fields in workload, job, autoscaler and claim specs and statuses', () => {
    const cases: [string, (o: Obj) => void, string][] = [
      ['deployments', (o) => (o.spec.strategy.rollingUpdate.maxsurge = 1), 'spec.strategy.rollingUpdate.maxsurge'],
      ['deployments', (o) => (o.status = { conditions: [{ type: 'Available', status: 'True', lastUpdate: 'x' }] }), 'status.conditions[0].lastUpdate'],
      ['replicasets', (o) => (o.spec.template.spec.containers[0].imagePolicy = 'x'), 'spec.template.spec.containers[0].imagePolicy'],
      ['daemonsets', (o) => (o.spec.updateStrategy.rollingUpdate.partition = 1), 'spec.updateStrategy.rollingUpdate.partition'],
      ['statefulsets', (o) => (o.spec.volumeClaimTemplates[0].spec.storageClass = 'x'), 'spec.volumeClaimTemplates[0].spec.storageClass'],
      ['statefulsets', (o) => (o.spec.ordinals.begin = 1), 'spec.ordinals.begin'],
      ['jobs', (o) => (o.spec.podFailurePolicy.rules[0].onExitCodes.value = [1]), 'spec.podFailurePolicy.rules[0].onExitCodes.value'],
      ['jobs', (o) => (o.status = { uncountedTerminatedPods: { succeed: [] } }), 'status.uncountedTerminatedPods.succeed'],
      ['cronjobs', (o) => (o.spec.jobTemplate.spec.backofflimit = 1), 'spec.jobTemplate.spec.backofflimit'],
      ['horizontalpodautoscalers', (o) => (o.spec.metrics[0].resource.target.utilization = 1), 'spec.metrics[0].resource.target.utilization'],
      ['horizontalpodautoscalers', (o) => (o.spec.behavior.scaleUp.policies[0].period = 1), 'spec.behavior.scaleUp.policies[0].period'],
      ['persistentvolumeclaims', (o) => (o.spec.dataSourceRef.group = 'x'), 'spec.dataSourceRef.group'],
      ['persistentvolumes', (o) => (o.spec.nodeAffinity.preferred = {}), 'spec.nodeAffinity.preferred'],
    ];
    for (const [resource, mutate, path] of cases) {
      const o = copy(specManifests().find((m) => m.resource === resource)!.manifest);
      mutate(o);
      assert.deepEqual(unknownFields(KINDS[resource].schema, o), [path], resource);
    }
  });

  it('keeps the fields of opaque subtrees (unimplemented volume sources, managed field sets) unchecked', () => {
    const pod = copy(specManifests()[0].manifest);
    pod.spec.volumes.push({ name: 'cinder', cinder: { volumeID: 'v', anything: { deep: true } } });
    pod.metadata.managedFields = [{ manager: 'm', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:whatever': {} } } }];
    assert.deepEqual(unknownFields(pods.schema, pod), []);
  });

  it('no described object is silently open: each is closed, a map, or marked preserve-unknown', () => {
    const open: string[] = [];
    const walk = (s: Obj, path: string, seen: Set<Obj>) => {
      if (!s || typeof s !== 'object' || seen.has(s)) return;
      seen.add(s);
      if (s.anyOf) s.anyOf.forEach((b: Obj) => walk(b, path, seen));
      if (s.items) walk(s.items, `${path}[]`, seen);
      if (s.type === 'object') {
        const props = Object.keys(s.properties ?? {});
        if (props.length === 0 && !s.patternProperties && s[PRESERVE_UNKNOWN] !== true) open.push(path);
        for (const k of props) walk(s.properties[k], `${path}.${k}`, seen);
        for (const v of Object.values(s.patternProperties ?? {})) walk(v as Obj, `${path}{}`, seen);
      }
    };
    for (const [resource, spec] of Object.entries(KINDS)) walk(spec.schema as Obj, resource, new Set());
    assert.deepEqual(open, []);
  });

  it('publishes opaque subtrees with x-kubernetes-preserve-unknown-fields and documents the rest', () => {
    const components: Obj = {};
    convert(pods.schema as TSchema, { kind: 'Pod', components });
    const volume = components['io.k8s.api.core.v1.Volume'];
    assert.equal(volume.properties.awsElasticBlockStore['x-kubernetes-preserve-unknown-fields'], true);
    assert.match(volume.properties.configMap.description, /ConfigMap/);
    const container = components['io.k8s.api.core.v1.Container'];
    assert.ok(container.properties.resizePolicy && container.properties.startupProbe && container.properties.envFrom);
    assert.ok(components['io.k8s.api.core.v1.PodSpec'].properties.topologySpreadConstraints);
    assert.ok(components['io.k8s.api.core.v1.PodStatus'].properties.containerStatuses);
  });
});
