// PodDisruptionBudgets as the disruption controller reads them: the budget (a count or a
// percentage), the selector it compiles, and the status counters and disrupted-pod times it
// updates.
import { Checker } from './checker';
import { checkLabelSelector, checkMetadata } from './metadata';

function checkIntOrPercent(c: Checker, path: string, v: unknown): void {
  if (v === undefined || v === null) return;
  if (typeof v === 'number') c.integer(path, v, { min: 0 });
  else if (typeof v === 'string') c.string(path, v, { pattern: [/^\d+%$/, 'a valid percent string must be a numeric string followed by an ending \'%\''] });
  else c.fail(path, `expected integer or string, got ${Array.isArray(v) ? 'array' : typeof v}`);
}

export function checkPodDisruptionBudget(c: Checker, obj: unknown): void {
  const o = checkMetadata(c, obj, { namespaced: true });
  if (!o) return;
  const spec = c.object('spec', o.spec);
  if (spec) {
    checkIntOrPercent(c, 'spec.minAvailable', spec.minAvailable);
    checkIntOrPercent(c, 'spec.maxUnavailable', spec.maxUnavailable);
    checkLabelSelector(c, 'spec.selector', spec.selector);
    c.string('spec.unhealthyPodEvictionPolicy', spec.unhealthyPodEvictionPolicy);
  }
  const st = c.object('status', o.status);
  if (!st) return;
  for (const f of ['observedGeneration', 'disruptionsAllowed', 'currentHealthy', 'desiredHealthy', 'expectedPods'] as const) c.integer(`status.${f}`, st[f]);
  c.stringMap('status.disruptedPods', st.disruptedPods);
  c.objects('status.conditions', st.conditions, (p, cond) => {
    c.string(`${p}.type`, cond.type, { required: true });
    c.string(`${p}.status`, cond.status, { required: true });
  });
}
