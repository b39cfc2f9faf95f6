// Deployments and ReplicaSets as their controllers read them: replica counts, selectors, the
// rollout strategy's numbers, and a template whose labels and spec can be copied. The template's
// pod spec is not judged here: a pod made from a bad template is refused by the apiserver, and the
// controller reports that on the owner as a FailedCreate Warning Event, as upstream does.
import { Checker } from './checker';
import { checkLabelSelector, checkMetadata } from './metadata';

const INT32_MAX = 2 ** 31 - 1;

/** maxSurge / maxUnavailable: a non-negative count or a percentage ("25%"). */
export function checkIntOrPercent(c: Checker, path: string, v: unknown): void {
  if (v === undefined || v === null) return;
  if (typeof v === 'number') c.integer(path, v, { min: 0 });
  else if (typeof v === 'string') c.string(path, v, { pattern: [/^(\d+%?)$/, 'a valid percent string must be a numeric string followed by an ending \'%\' (e.g. \'1%\',  or \'93%\')'] });
  else c.fail(path, `expected integer or string, got ${Array.isArray(v) ? 'array' : typeof v}`);
}

export function checkTemplate(c: Checker, path: string, v: unknown, required: boolean): void {
  const t = c.object(path, v, required);
  if (!t) return;
  const m = c.object(`${path}.metadata`, t.metadata);
  if (m) {
    c.stringMap(`${path}.metadata.labels`, m.labels);
    c.stringMap(`${path}.metadata.annotations`, m.annotations);
  }
  c.object(`${path}.spec`, t.spec, true);
}

function checkReplicaCounts(c: Checker, spec: Record<string, unknown>): void {
  c.integer('spec.replicas', spec.replicas, { min: 0, max: INT32_MAX });
  c.integer('spec.minReadySeconds', spec.minReadySeconds, { min: 0 });
}

function checkWorkloadStatus(c: Checker, v: unknown): void {
  const st = c.object('status', v);
  if (!st) return;
  for (const f of ['replicas', 'readyReplicas', 'availableReplicas', 'updatedReplicas', 'unavailableReplicas', 'fullyLabeledReplicas', 'observedGeneration'] as const)
    c.integer(`status.${f}`, st[f]);
  c.objects('status.conditions', st.conditions, (p, cond) => {
    c.string(`${p}.type`, cond.type, { required: true });
    c.string(`${p}.status`, cond.status, { required: true });
  });
}

export function checkReplicaSet(c: Checker, obj: unknown): void {
  const o = checkMetadata(c, obj, { namespaced: true });
  if (!o) return;
  const spec = c.object('spec', o.spec, true);
  if (spec) {
    checkReplicaCounts(c, spec);
    checkLabelSelector(c, 'spec.selector', spec.selector, true);
    checkTemplate(c, 'spec.template', spec.template, true);
  }
  checkWorkloadStatus(c, o.status);
}

/**
 * A ReplicationController's selector is a label map: an empty one would select every pod of the
 * namespace once read as a ReplicaSet's matchLabels, so it is a problem here (the apiserver never
 * stores one).
 */
export function checkReplicationController(c: Checker, obj: unknown): void {
  const o = checkMetadata(c, obj, { namespaced: true });
  if (!o) return;
  const spec = c.object('spec', o.spec, true);
  if (spec) {
    checkReplicaCounts(c, spec);
    const sel = spec.selector === undefined || spec.selector === null ? undefined : c.stringMap('spec.selector', spec.selector);
    if (spec.selector === undefined || spec.selector === null || (sel && Object.keys(sel).length === 0)) c.fail('spec.selector', 'must be a non-empty map of labels');
    checkTemplate(c, 'spec.template', spec.template, true);
  }
  checkWorkloadStatus(c, o.status);
}

export function checkDeployment(c: Checker, obj: unknown): void {
  const o = checkMetadata(c, obj, { namespaced: true });
  if (!o) return;
  const spec = c.object('spec', o.spec, true);
  if (spec) {
    checkReplicaCounts(c, spec);
    checkLabelSelector(c, 'spec.selector', spec.selector, true);
    checkTemplate(c, 'spec.template', spec.template, true);
    c.integer('spec.revisionHistoryLimit', spec.revisionHistoryLimit, { min: 0 });
    c.integer('spec.progressDeadlineSeconds', spec.progressDeadlineSeconds, { min: 0 });
    c.boolean('spec.paused', spec.paused);
    const strategy = c.object('spec.strategy', spec.strategy);
    if (strategy) {
      c.string('spec.strategy.type', strategy.type, { oneOf: ['RollingUpdate', 'Recreate'] });
      const ru = c.object('spec.strategy.rollingUpdate', strategy.rollingUpdate);
      if (ru) {
        checkIntOrPercent(c, 'spec.strategy.rollingUpdate.maxSurge', ru.maxSurge);
        checkIntOrPercent(c, 'spec.strategy.rollingUpdate.maxUnavailable', ru.maxUnavailable);
      }
    }
  }
  checkWorkloadStatus(c, o.status);
}
