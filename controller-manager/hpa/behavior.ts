// Pure: how a metric's proposal becomes the replica count the HPA applies — stabilization over
// recent recommendations, then the limits. With spec.behavior (always present once the apiserver
// has defaulted an autoscaling/v2 object that set it): per-direction stabilization windows and
// rate policies (Pods/Percent per period, the Max/Min/Disabled choice among them), bounded by
// min/maxReplicas. Without it, upstream's older rules: only scale-downs are stabilized (over the
// controller's --horizontal-pod-autoscaler-downscale-stabilization window) and a scale-up goes to
// at most max(2 × current, 4). Each path also says which AbleToScale and ScalingLimited reasons
// apply, in upstream's words. The controller keeps the history (recommendations, scale events).

export interface ScalingPolicy {
  type: 'Pods' | 'Percent';
  value: number;
  periodSeconds: number;
}

export interface ScalingRules {
  stabilizationWindowSeconds: number;
  selectPolicy: 'Max' | 'Min' | 'Disabled';
  policies: ScalingPolicy[];
}

export interface Behavior {
  scaleUp: ScalingRules;
  scaleDown: ScalingRules;
}

type PartialRules = { stabilizationWindowSeconds?: number; selectPolicy?: string; policies?: ScalingPolicy[] } | undefined;

/** Upstream's defaults for the parts of spec.behavior left out. */
export function defaultScaleUp(r: PartialRules): ScalingRules {
  return {
    stabilizationWindowSeconds: r?.stabilizationWindowSeconds ?? 0,
    selectPolicy: (r?.selectPolicy as ScalingRules['selectPolicy']) ?? 'Max',
    policies: r?.policies?.length ? r.policies : [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }],
  };
}

export function defaultScaleDown(r: PartialRules, windowSeconds = 300): ScalingRules {
  return {
    stabilizationWindowSeconds: r?.stabilizationWindowSeconds ?? windowSeconds,
    selectPolicy: (r?.selectPolicy as ScalingRules['selectPolicy']) ?? 'Max',
    policies: r?.policies?.length ? r.policies : [{ type: 'Percent', value: 100, periodSeconds: 15 }],
  };
}

export interface Recommendation {
  replicas: number;
  atMs: number;
}

export interface ScaleEvent {
  /** Replicas added (scale-up history) or removed (scale-down history); always positive. */
  change: number;
  atMs: number;
}

export interface Condition {
  status: 'True' | 'False';
  reason: string;
  message: string;
}

export interface Normalized {
  replicas: number;
  ableToScale: Condition;
  scalingLimited: Condition;
}

export interface NormalizeInput {
  currentReplicas: number;
  desiredReplicas: number;
  minReplicas: number;
  maxReplicas: number;
  nowMs: number;
  /** Earlier recommendations, newest last; the caller then records desiredReplicas. */
  recommendations: Recommendation[];
  scaleUpEvents: ScaleEvent[];
  scaleDownEvents: ScaleEvent[];
}

const READY: Condition = { status: 'True', reason: 'ReadyForNewScale', message: 'recommended size matches current size' };
const WITHIN: Omit<Condition, 'status'> = { reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' };
const limited = (applied: number, wanted: number, c: Omit<Condition, 'status'>): Condition => ({ status: applied === wanted ? 'False' : 'True', ...c });

/** Replicas changed in the last periodSeconds, by these events. */
export function changeInPeriod(events: ScaleEvent[], periodSeconds: number, nowMs: number): number {
  const cutoff = nowMs - periodSeconds * 1000;
  return events.filter((e) => e.atMs > cutoff).reduce((s, e) => s + e.change, 0);
}

export function scaleUpLimit(current: number, events: ScaleEvent[], r: ScalingRules, nowMs: number): number {
  if (r.selectPolicy === 'Disabled') return current;
  const pick = r.selectPolicy === 'Min' ? Math.min : Math.max;
  let result: number | undefined;
  for (const p of r.policies) {
    const start = current - changeInPeriod(events, p.periodSeconds, nowMs);
    const proposed = p.type === 'Pods' ? start + p.value : Math.ceil(start * (1 + p.value / 100));
    result = result === undefined ? proposed : pick(result, proposed);
  }
  return result ?? current;
}

export function scaleDownLimit(current: number, events: ScaleEvent[], r: ScalingRules, nowMs: number): number {
  if (r.selectPolicy === 'Disabled') return current;
  const pick = r.selectPolicy === 'Min' ? Math.max : Math.min;
  let result: number | undefined;
  for (const p of r.policies) {
    const start = current + changeInPeriod(events, p.periodSeconds, nowMs);
    const proposed = p.type === 'Pods' ? start - p.value : Math.trunc(start * (1 - p.value / 100));
    result = result === undefined ? proposed : pick(result, proposed);
  }
  return result ?? current;
}

/** With spec.behavior: stabilize in the proposal's direction, then apply the rate limits and bounds. */
export function normalizeWithBehavior(i: NormalizeInput, b: Behavior): Normalized {
  const up = i.desiredReplicas >= i.currentReplicas;
  const windowMs = (up ? b.scaleUp : b.scaleDown).stabilizationWindowSeconds * 1000;
  let stabilized = i.desiredReplicas;
  for (const r of i.recommendations) {
    if (r.atMs > i.nowMs - windowMs) stabilized = up ? Math.min(stabilized, r.replicas) : Math.max(stabilized, r.replicas);
  }
  const ableToScale: Condition =
    stabilized === i.desiredReplicas
      ? READY
      : up
        ? { status: 'True', reason: 'ScaleUpStabilized', message: 'recent recommendations were lower than current one, applying the lowest recent recommendation' }
        : { status: 'True', reason: 'ScaleDownStabilized', message: 'recent recommendations were higher than current one, applying the highest recent recommendation' };
  let replicas = stabilized;
  let why = WITHIN;
  if (stabilized > i.currentReplicas) {
    const limit = Math.max(i.currentReplicas, scaleUpLimit(i.currentReplicas, i.scaleUpEvents, b.scaleUp, i.nowMs));
    const rateBound = i.maxReplicas > limit;
    const allowed = rateBound ? limit : i.maxReplicas;
    if (stabilized > allowed) {
      replicas = allowed;
      why = rateBound
        ? { reason: 'ScaleUpLimit', message: 'the desired replica count is increasing faster than the maximum scale rate' }
        : { reason: 'TooManyReplicas', message: 'the desired replica count is more than the maximum replica count' };
    }
  } else if (stabilized < i.currentReplicas) {
    const limit = Math.min(i.currentReplicas, scaleDownLimit(i.currentReplicas, i.scaleDownEvents, b.scaleDown, i.nowMs));
    const rateBound = i.minReplicas < limit;
    const allowed = rateBound ? limit : i.minReplicas;
    if (stabilized < allowed) {
      replicas = allowed;
      why = rateBound
        ? { reason: 'ScaleDownLimit', message: 'the desired replica count is decreasing faster than the maximum scale rate' }
        : { reason: 'TooFewReplicas', message: 'the desired replica count is less than the minimum replica count' };
    }
  }
  return { replicas, ableToScale, scalingLimited: limited(replicas, stabilized, why) };
}

/** Without spec.behavior: upstream's older normalization. */
export function normalizeWithoutBehavior(i: NormalizeInput, downscaleWindowMs: number): Normalized {
  let stabilized = i.desiredReplicas;
  for (const r of i.recommendations) if (r.atMs >= i.nowMs - downscaleWindowMs) stabilized = Math.max(stabilized, r.replicas);
  const ableToScale: Condition =
    stabilized === i.desiredReplicas
      ? READY
      : { status: 'True', reason: 'ScaleDownStabilized', message: 'recent recommendations were higher than current one, applying the highest recent recommendation' };
  const upLimit = Math.max(2 * i.currentReplicas, 4);
  const rateBound = i.maxReplicas > upLimit;
  const maxAllowed = rateBound ? upLimit : i.maxReplicas;
  let replicas = stabilized;
  let why = WITHIN;
  if (stabilized < i.minReplicas) {
    replicas = i.minReplicas;
    why = { reason: 'TooFewReplicas', message: 'the desired replica count is less than the minimum replica count' };
  } else if (stabilized > maxAllowed) {
    replicas = maxAllowed;
    why = rateBound
      ? { reason: 'ScaleUpLimit', message: 'the desired replica count is increasing faster than the maximum scale rate' }
      : { reason: 'TooManyReplicas', message: 'the desired replica count is more than the maximum replica count' };
  }
  return { replicas, ableToScale, scalingLimited: limited(replicas, stabilized, why) };
}

/** Keeps what a future decision can still look at: recommendations within the longest window, events within the longest period. */
export function pruneHistory<T extends { atMs: number }>(items: T[], keepMs: number, nowMs: number): T[] {
  return items.filter((x) => x.atMs > nowMs - keepMs);
}
