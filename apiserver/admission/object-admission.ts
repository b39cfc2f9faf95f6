// The admission steps that read other objects: Priority (a new pod's priority from its
// PriorityClass; one global default class), LimitRanger (defaults into a new pod's containers,
// then min/max/ratio checks for pods and claims) and ResourceQuota (charges a create against the
// namespace's quotas). Quota charging is a compare-and-swap on each quota's status.used, done
// before the object is stored, as upstream's quota evaluator does: two parallel creates read the
// same usage, one write wins, the other re-reads the quota from etcd and is judged again, so a
// limit of 1 admits one. A charge whose object then fails to store stays until the resource quota
// controller recalculates (upstream behaves the same).
import type { KObject, Pod } from '../../lib/api/types';
import { apiError, isConflict } from '../../lib/errors';
import { componentLogger } from '../../lib/log';
import type { ResourceQuotaLike } from '../../lib/api/quota-usage';
import { aggregate, applyLimitRangeDefaults, claimLimitViolations, podLimitViolations, type LimitRangeLike } from './limit-ranger';
import { checkQuotas } from './quota-check';
import { admitPodPriority, defaultPriorityClass, globalDefaultConflict, priorityClassNameOf, type PriorityClassLike } from './priority';

const log = componentLogger('apiserver', { part: 'admission' });

/** Attempts at charging quotas that keep losing compare-and-swap races before the create fails. */
const QUOTA_RETRIES = 10;

export interface ObjectAdmissionDeps {
  /** The namespace's objects of a core kind (resourcequotas, limitranges) from the watch cache. */
  listCached(resource: 'resourcequotas' | 'limitranges', namespace: string): Promise<KObject[]>;
  /** The same from etcd, for a judgement after a lost race. */
  listFresh(resource: 'resourcequotas', namespace: string): Promise<KObject[]>;
  /** Writes the quota (its status.used changed) if its resourceVersion is still current; 409 otherwise. */
  writeQuota(quota: KObject): Promise<void>;
  /** Every PriorityClass, from the watch cache. */
  priorityClasses(): Promise<KObject[]>;
  /**
   * One PriorityClass by name: the watch cache, then etcd when the cache does not have it (a class
   * created a moment ago may not have reached the cache; refusing the pod for that would be wrong).
   */
  priorityClass(name: string): Promise<KObject | undefined>;
  now(): Date;
}

export interface AdmittedKind {
  group: string;
  resource: string;
  kind: string;
}

/** apierrors.NewForbidden as admission.NewForbidden calls it. */
export function admissionForbidden(s: AdmittedKind, name: string | undefined, message: string) {
  const qualified = s.group ? `${s.resource}.${s.group}` : s.resource;
  return apiError(403, 'Forbidden', name ? `${qualified} "${name}" is forbidden: ${message}` : `${qualified} is forbidden: ${message}`, {
    name: name || undefined,
    group: s.group || undefined,
    kind: s.resource,
  });
}

const isCore = (s: AdmittedKind, resource: string) => !s.group && s.resource === resource;

export class ObjectAdmission {
  constructor(private readonly deps: ObjectAdmissionDeps) {}

  /** Mutating: LimitRanger's defaults for a new pod, then Priority (upstream's plugin order). */
  async mutate(s: AdmittedKind, obj: KObject): Promise<void> {
    if (!isCore(s, 'pods') || !obj.metadata.namespace) return;
    await this.limitRangeDefaults(obj);
    await this.podPriority(s, obj as Pod);
  }

  private async podPriority(s: AdmittedKind, pod: Pod): Promise<void> {
    if (!pod.spec || typeof pod.spec !== 'object') return; // validation refuses it
    const name = priorityClassNameOf(pod);
    const named = name ? ((await this.deps.priorityClass(name)) as PriorityClassLike | undefined) ?? null : undefined;
    const dflt = name ? undefined : defaultPriorityClass((await this.deps.priorityClasses()) as PriorityClassLike[]);
    const why = admitPodPriority(pod, named, dflt);
    if (why) throw admissionForbidden(s, pod.metadata.name || (pod.metadata.generateName as string | undefined), why);
  }

  /** Validating, for PriorityClass creates and updates: at most one global default. */
  async validatePriorityClass(s: AdmittedKind, pc: KObject, op: 'create' | 'update'): Promise<void> {
    const why = globalDefaultConflict(pc as PriorityClassLike, (await this.deps.priorityClasses()) as PriorityClassLike[], op);
    if (why) throw admissionForbidden(s, pc.metadata.name, why);
  }

  private async limitRangeDefaults(obj: KObject): Promise<void> {
    const ranges = (await this.deps.listCached('limitranges', obj.metadata.namespace!)) as LimitRangeLike[];
    if (!ranges.length) return;
    try {
      applyLimitRangeDefaults(obj, ranges);
    } catch (e) {
      // A body of the wrong shape is validation's to refuse, with the schema's causes.
      log.debug({ err: String(e) }, 'limit range defaults skipped');
    }
  }

  /** Validating, on the final object just before it is stored: LimitRanger's checks, then quota. */
  async validate(s: AdmittedKind, obj: KObject, dryRun: boolean): Promise<void> {
    const ns = obj.metadata.namespace;
    if (!ns) return;
    if (isCore(s, 'pods') || isCore(s, 'persistentvolumeclaims')) {
      const ranges = (await this.deps.listCached('limitranges', ns)) as LimitRangeLike[];
      const errs = isCore(s, 'pods') ? podLimitViolations(obj, ranges) : claimLimitViolations(obj, ranges);
      if (errs.length) throw admissionForbidden(s, obj.metadata.name, aggregate(errs));
    }
    await this.chargeQuotas(s, obj, dryRun);
  }

  /**
   * Validating, on an update of the main resource: what can grow on an update is charged — a
   * Service's node ports and load balancers, a claim's storage (checked against LimitRanges too).
   * Pods' resources cannot change on update and are not judged again, as upstream.
   */
  async validateUpdate(s: AdmittedKind, obj: KObject, old: KObject, dryRun: boolean): Promise<void> {
    if (!obj.metadata.namespace || !(isCore(s, 'services') || isCore(s, 'persistentvolumeclaims'))) return;
    if (isCore(s, 'persistentvolumeclaims')) {
      const errs = claimLimitViolations(obj, (await this.deps.listCached('limitranges', obj.metadata.namespace)) as LimitRangeLike[]);
      if (errs.length) throw admissionForbidden(s, obj.metadata.name, aggregate(errs));
    }
    await this.chargeQuotas(s, obj, dryRun, old);
  }

  private async chargeQuotas(s: AdmittedKind, obj: KObject, dryRun: boolean, old?: KObject): Promise<void> {
    const ns = obj.metadata.namespace!;
    const gr = { group: s.group, resource: s.resource };
    let quotas = (await this.deps.listCached('resourcequotas', ns)) as ResourceQuotaLike[];
    if (quotas.length === 0) return;
    const charged = new Set<string>();
    for (let attempt = 0; ; attempt++) {
      const pending = quotas.filter((q) => !charged.has(q.metadata.uid ?? q.metadata.name!));
      const decision = checkQuotas(pending, gr, obj, this.deps.now(), old);
      if (!decision.allowed) throw admissionForbidden(s, obj.metadata.name, decision.message);
      if (dryRun || decision.updates.length === 0) return;
      try {
        for (const u of decision.updates) {
          const next = { ...u.quota, status: { ...(u.quota.status ?? {}), used: u.used } };
          await this.deps.writeQuota(next);
          charged.add(u.quota.metadata.uid ?? u.quota.metadata.name!);
        }
        return;
      } catch (e) {
        if (!isConflict(e) || attempt >= QUOTA_RETRIES) {
          if (isConflict(e)) log.warn({ namespace: ns, resource: s.resource }, 'quota charge kept conflicting');
          throw e;
        }
        quotas = (await this.deps.listFresh('resourcequotas', ns)) as ResourceQuotaLike[];
      }
    }
  }
}
