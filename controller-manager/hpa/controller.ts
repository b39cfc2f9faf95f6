// The HorizontalPodAutoscaler controller (autoscaling/v2): every sync period it reads each HPA's
// target through the /scale subresource, the target's pods (by the Scale's selector) and their
// PodMetrics (metrics.k8s.io, served by the apiserver), decides with plan.ts, updates the Scale
// when the count changes and writes the status. New or changed HPAs are looked at at once; status
// writes (its own) do not trigger a look, so each HPA is decided at most once per sync period
// apart from spec changes, as upstream's rate-limited queue does.
import type { Pod } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import type { ApiClient } from '../../lib/client/api-client';
import type { Informer } from '../../lib/client/informer';
import { WorkQueue, keyOf, splitKey } from '../../lib/client/workqueue';
import type { EventRecorder } from '../../lib/client/event-recorder';
import { isNotFound } from '../../lib/errors';
import { componentLogger } from '../../lib/log';
import { matchesRequirements, parseSelector } from '../../lib/api/labels';
import { canonicalJson } from '../common/pod-utils';
import { pruneHistory } from './behavior';
import { DEFAULT_CALC_OPTIONS, type CalcOptions } from './replica-calculator';
import { nextStatus, planScale, proposeReplicas, setCondition, type History, type MetricsRead } from './plan';
import { PodMetricsResource, targetResource, type Hpa, type HpaCondition, type PodMetrics, type Scale } from './types';

export interface HpaControllerOptions {
  /** --horizontal-pod-autoscaler-sync-period (upstream 15 s). */
  syncPeriodMs: number;
  /** --horizontal-pod-autoscaler-downscale-stabilization (upstream 5 min): HPAs without behavior. */
  downscaleStabilizationMs: number;
  /** Tolerance and readiness periods; upstream's defaults when not given. */
  calc?: Partial<Omit<CalcOptions, 'nowMs'>>;
  now?: () => number;
}

/** The longest any history entry can matter: the largest window or period behavior allows. */
const HISTORY_KEEP_MS = 3600_000;

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export class HpaController {
  private readonly log = componentLogger('hpa-controller');
  private readonly queue = new WorkQueue({ name: 'horizontalpodautoscaler' });
  private readonly history = new Map<string, History>();
  private timer?: NodeJS.Timeout;
  private readonly now: () => number;

  constructor(
    private readonly client: ApiClient,
    private readonly hpas: Informer<Hpa>,
    private readonly pods: Informer<Pod>,
    private readonly recorder: EventRecorder,
    private readonly o: HpaControllerOptions,
  ) {
    this.now = o.now ?? Date.now;
  }

  start(workers = 1): void {
    this.hpas.addHandler({
      onAdd: (h) => this.queue.add(keyOf(h)),
      onUpdate: (old, h) => {
        if (canonicalJson(old.spec) !== canonicalJson(h.spec)) this.queue.add(keyOf(h));
      },
      onDelete: (h) => {
        this.history.delete(keyOf(h));
      },
    });
    this.timer = setInterval(() => {
      for (const h of this.hpas.list()) this.queue.add(keyOf(h));
    }, this.o.syncPeriodMs);
    this.queue.run(workers, (k) => this.reconcile(k));
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.queue.shutdown();
  }

  private historyOf(key: string, currentReplicas: number, nowMs: number): History {
    let h = this.history.get(key);
    // A new HPA starts from the current size as its first recommendation (upstream's
    // recordInitialRecommendation), so it never scales down before a window has passed.
    if (!h) this.history.set(key, (h = { recommendations: [{ replicas: currentReplicas, atMs: nowMs }], scaleUpEvents: [], scaleDownEvents: [] }));
    return h;
  }

  async reconcile(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const cached = this.hpas.get(namespace, name);
    if (!cached) {
      this.history.delete(key);
      return;
    }
    const hpa = JSON.parse(JSON.stringify(cached)) as Hpa;
    const nowMs = this.now();
    const nowIso = iso(nowMs);
    let conditions: HpaCondition[] = hpa.status?.conditions ?? [];
    const ref = hpa.spec.scaleTargetRef;
    const rt = targetResource(ref);
    const reference = `${ref.kind}/${ref.name}`;

    let scale: Scale;
    try {
      scale = await this.client.get<Scale>(rt, namespace, ref.name, 'scale');
    } catch (e) {
      const msg = (e as Error).message;
      this.recorder.event(hpa, 'Warning', 'FailedGetScale', msg);
      conditions = setCondition(conditions, 'AbleToScale', { status: 'False', reason: 'FailedGetScale', message: `the HPA controller was unable to get the target's current scale: ${msg}` }, nowIso);
      await this.writeStatus(hpa, nextStatus(hpa.status, { currentReplicas: hpa.status?.currentReplicas ?? 0, desiredReplicas: hpa.status?.desiredReplicas ?? 0, metrics: hpa.status?.currentMetrics ?? [], conditions }));
      this.log.info({ hpa: key, target: reference, err: msg }, 'target scale not read');
      return;
    }
    conditions = setCondition(conditions, 'AbleToScale', { status: 'True', reason: 'SucceededGetScale', message: "the HPA controller was able to get the target's current scale" }, nowIso);
    const currentReplicas = scale.spec?.replicas ?? 0;
    const h = this.historyOf(key, currentReplicas, nowMs);

    const selector = scale.status?.selector ?? '';
    const propose = () => {
      if (!selector) return { replicas: 0, metricName: '', statuses: [], scalingActive: { status: 'False' as const, reason: 'InvalidSelector', message: 'the HPA target\'s scale is missing a selector' }, error: { reason: 'InvalidSelector', message: 'selector is required' } };
      const reqs = parseSelector(selector);
      const pods = this.pods.list(namespace).filter((p) => matchesRequirements(reqs, p.metadata.labels));
      return proposeReplicas(hpa, currentReplicas, pods, metrics, { ...DEFAULT_CALC_OPTIONS(nowMs), ...(this.o.calc ?? {}) });
    };
    // PodMetrics are read before planning (plan.ts is synchronous), only when the plan needs them.
    let metrics: MetricsRead = { ok: true, items: [] };
    const minReplicas = hpa.spec.minReplicas ?? 1;
    const needsMetrics = !(currentReplicas === 0 && minReplicas !== 0) && currentReplicas <= hpa.spec.maxReplicas && currentReplicas >= minReplicas;
    if (needsMetrics && selector) metrics = await this.readMetrics(namespace, selector);
    const plan = planScale(hpa, currentReplicas, propose, h, nowMs, this.o.downscaleStabilizationMs);
    for (const c of plan.conditions) conditions = setCondition(conditions, c.type, c.c, nowIso);

    if (plan.error) {
      this.recorder.event(hpa, 'Warning', plan.error.reason, plan.error.message);
      this.recorder.event(hpa, 'Warning', 'FailedComputeMetricsReplicas', `invalid metrics (${plan.statuses.filter((s) => !s.type).length} invalid out of ${plan.statuses.length}), first error is: ${plan.error.message}`);
      await this.writeStatus(hpa, nextStatus(hpa.status, { currentReplicas, desiredReplicas: hpa.status?.desiredReplicas ?? currentReplicas, metrics: hpa.status?.currentMetrics ?? [], conditions }));
      return;
    }
    // What behavior's stabilization looks back on: this round's proposal, before normalization.
    if (plan.proposedReplicas !== undefined) h.recommendations.push({ replicas: plan.proposedReplicas, atMs: nowMs });

    let rescaledAt: string | undefined;
    let desired = plan.desiredReplicas;
    if (plan.rescale) {
      try {
        await this.client.patch(rt, namespace, ref.name, 'merge', { spec: { replicas: desired } }, 'scale');
      } catch (e) {
        const msg = (e as Error).message;
        this.recorder.event(hpa, 'Warning', 'FailedRescale', `New size: ${desired}; reason: ${plan.reason}; error: ${msg}`);
        conditions = setCondition(conditions, 'AbleToScale', { status: 'False', reason: 'FailedUpdateScale', message: `the HPA controller was unable to update the target scale: ${msg}` }, nowIso);
        await this.writeStatus(hpa, nextStatus(hpa.status, { currentReplicas, desiredReplicas: hpa.status?.desiredReplicas ?? currentReplicas, metrics: hpa.status?.currentMetrics ?? [], conditions }));
        throw new Error(`failed to rescale ${reference}: ${msg}`);
      }
      conditions = setCondition(conditions, 'AbleToScale', { status: 'True', reason: 'SucceededRescale', message: `the HPA controller was able to update the target scale to ${desired}` }, nowIso);
      this.recorder.event(hpa, 'Normal', 'SuccessfulRescale', `New size: ${desired}; reason: ${plan.reason}`);
      if (desired > currentReplicas) h.scaleUpEvents.push({ change: desired - currentReplicas, atMs: nowMs });
      else h.scaleDownEvents.push({ change: currentReplicas - desired, atMs: nowMs });
      rescaledAt = nowIso;
      this.log.info({ hpa: key, target: reference, from: currentReplicas, to: desired, reason: plan.reason }, 'rescaled');
    } else desired = currentReplicas;
    h.recommendations = pruneHistory(h.recommendations, HISTORY_KEEP_MS, nowMs);
    h.scaleUpEvents = pruneHistory(h.scaleUpEvents, HISTORY_KEEP_MS, nowMs);
    h.scaleDownEvents = pruneHistory(h.scaleDownEvents, HISTORY_KEEP_MS, nowMs);
    await this.writeStatus(hpa, nextStatus(hpa.status, { currentReplicas, desiredReplicas: desired, metrics: plan.statuses, conditions, rescaledAt }));
  }

  private async readMetrics(namespace: string | undefined, selector: string): Promise<MetricsRead> {
    try {
      const l = await this.client.list<PodMetrics>(PodMetricsResource, namespace, { labelSelector: selector });
      return { ok: true, items: l.items };
    } catch (e) {
      return { ok: false, error: (e as Error).message };
    }
  }

  private async writeStatus(hpa: Hpa, status: ReturnType<typeof nextStatus>): Promise<void> {
    if (canonicalJson(hpa.status ?? {}) === canonicalJson(status)) return;
    try {
      await this.client.updateStatus(Resources.horizontalpodautoscalers, { ...hpa, status });
    } catch (err) {
      if (!isNotFound(err)) {
        this.recorder.event(hpa, 'Warning', 'FailedUpdateStatus', (err as Error).message);
        throw err;
      }
    }
  }
}
