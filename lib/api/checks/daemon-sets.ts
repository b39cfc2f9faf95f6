// DaemonSets and ControllerRevisions as the DaemonSet controller reads them: the selector and
// template it copies, the update strategy's numbers, the history limit, and revisions whose number
// it compares and whose data it matches against templates.
import { Checker } from './checker';
import { checkLabelSelector, checkMetadata } from './metadata';
import { checkIntOrPercent, checkTemplate } from './workloads';

export function checkDaemonSet(c: Checker, obj: unknown): void {
  const o = checkMetadata(c, obj, { namespaced: true });
  if (!o) return;
  const spec = c.object('spec', o.spec, true);
  if (spec) {
    checkLabelSelector(c, 'spec.selector', spec.selector, true);
    checkTemplate(c, 'spec.template', spec.template, true);
    c.integer('spec.minReadySeconds', spec.minReadySeconds, { min: 0 });
    c.integer('spec.revisionHistoryLimit', spec.revisionHistoryLimit, { min: 0 });
    const strategy = c.object('spec.updateStrategy', spec.updateStrategy);
    if (strategy) {
      c.string('spec.updateStrategy.type', strategy.type, { oneOf: ['RollingUpdate', 'OnDelete'] });
      const ru = c.object('spec.updateStrategy.rollingUpdate', strategy.rollingUpdate);
      if (ru) {
        checkIntOrPercent(c, 'spec.updateStrategy.rollingUpdate.maxSurge', ru.maxSurge);
        checkIntOrPercent(c, 'spec.updateStrategy.rollingUpdate.maxUnavailable', ru.maxUnavailable);
      }
    }
  }
  const st = c.object('status', o.status);
  if (st) {
    for (const f of ['currentNumberScheduled', 'numberMisscheduled', 'desiredNumberScheduled', 'numberReady', 'observedGeneration', 'updatedNumberScheduled', 'numberAvailable', 'numberUnavailable', 'collisionCount'])
      c.integer(`status.${f}`, st[f], { min: 0 });
  }
}

export function checkControllerRevision(c: Checker, obj: unknown): void {
  const o = checkMetadata(c, obj, { namespaced: true });
  if (!o) return;
  c.integer('revision', o.revision, { min: 0 });
}
