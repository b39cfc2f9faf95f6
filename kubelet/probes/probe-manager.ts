// Probe workers: one per running container and probe kind, each a timer loop that runs the
// handler and folds the outcome through probe-state.ts. Verdict changes poke the pod's worker
// (onChange), which reads them through verdict(): readiness → Ready, liveness/startup failure →
// the container is killed and restarted by the pod sync.
import type { Container, Pod } from '../../lib/api/types';
import type { EventRecorder } from '../../lib/client/event-recorder';
import type { CriClient } from '../cri/client';
import { asX, type Probe } from '../pods/spec-types';
import { runHandler } from './handlers';
import { initialProbeState, nextProbeAtMs, observeProbe, probeTiming, type ProbeKind, type ProbeState } from './probe-state';

export interface RunningContainer {
  id: string;
  spec: Container;
  startedAtMs: number;
}

interface Worker {
  kind: ProbeKind;
  probe: Probe;
  state: ProbeState;
  timer?: NodeJS.Timeout;
  running: boolean;
}

interface ContainerProbes {
  uid: string;
  workers: Worker[];
}

const KIND_TITLE: Record<ProbeKind, string> = { liveness: 'Liveness', readiness: 'Readiness', startup: 'Startup' };

export class ProbeManager {
  private readonly byContainer = new Map<string, ContainerProbes>();
  private stopped = false;

  constructor(
    private readonly cri: Pick<CriClient, 'execSync'>,
    private readonly recorder: EventRecorder | undefined,
    private readonly onChange: (uid: string) => void,
  ) {}

  /** Starts workers for running containers that have probes and stops those of containers gone. */
  sync(pod: Pod, podIP: string, running: RunningContainer[]): void {
    const uid = pod.metadata.uid!;
    const keep = new Set(running.map((r) => r.id));
    for (const [id, cp] of this.byContainer) if (cp.uid === uid && !keep.has(id)) this.drop(id);
    if (this.stopped) return;
    for (const r of running) {
      if (this.byContainer.has(r.id)) continue;
      const x = asX(r.spec);
      const workers: Worker[] = [];
      for (const [kind, probe] of [['startup', x.startupProbe], ['liveness', x.livenessProbe], ['readiness', x.readinessProbe]] as const) {
        if (probe) workers.push({ kind, probe, state: initialProbeState(kind), running: false });
      }
      if (!workers.length) continue;
      this.byContainer.set(r.id, { uid, workers });
      for (const w of workers) this.schedule(pod, podIP, r, w);
    }
  }

  /** What the probes say about a container; containers without probes are ready and started. */
  verdict(containerId: string, spec: Container): { ready: boolean; started: boolean; unhealthy: boolean } {
    const cp = this.byContainer.get(containerId);
    const x = asX(spec);
    const get = (k: ProbeKind) => cp?.workers.find((w) => w.kind === k);
    const startup = get('startup');
    const started = x.startupProbe ? !!startup?.state.result : true;
    const readiness = get('readiness');
    const ready = started && (x.readinessProbe ? !!readiness?.state.result : true);
    const liveness = get('liveness');
    const unhealthy = (!!liveness && !liveness.state.result) || (!!startup && !startup.state.result && startup.state.lastOutcome === false && startup.state.streak >= probeTiming('startup', startup.probe).failureThreshold);
    return { ready, started, unhealthy };
  }

  forgetPod(uid: string): void {
    for (const [id, cp] of this.byContainer) if (cp.uid === uid) this.drop(id);
  }

  stop(): void {
    this.stopped = true;
    for (const id of [...this.byContainer.keys()]) this.drop(id);
  }

  private drop(id: string): void {
    const cp = this.byContainer.get(id);
    if (!cp) return;
    for (const w of cp.workers) if (w.timer) clearTimeout(w.timer);
    this.byContainer.delete(id);
  }

  private schedule(pod: Pod, podIP: string, r: RunningContainer, w: Worker): void {
    if (this.stopped || !this.byContainer.has(r.id)) return;
    const delay = Math.max(0, nextProbeAtMs(probeTiming(w.kind, w.probe), r.startedAtMs, w.state) - Date.now());
    w.timer = setTimeout(() => void this.tick(pod, podIP, r, w), delay);
    w.timer.unref?.();
  }

  private async tick(pod: Pod, podIP: string, r: RunningContainer, w: Worker): Promise<void> {
    const cp = this.byContainer.get(r.id);
    if (!cp) return;
    const timing = probeTiming(w.kind, w.probe);
    // Liveness and readiness wait until the startup probe has succeeded.
    const startup = cp.workers.find((x) => x.kind === 'startup');
    const gated = w.kind !== 'startup' && startup && !startup.state.result;
    // A startup probe stops once it succeeded; a failed one stops too (the container is killed).
    const finished = w.kind === 'startup' && (w.state.result || (w.state.lastOutcome === false && w.state.streak >= timing.failureThreshold));
    if (!gated && !finished) {
      const out = await runHandler(this.cri, w.probe, { containerId: r.id, container: r.spec, podIP }, timing.timeoutSec);
      if (!this.byContainer.has(r.id)) return;
      const before = w.state.result;
      w.state = observeProbe(timing, w.state, out.ok, Date.now());
      if (!out.ok) this.recorder?.event(pod, 'Warning', 'Unhealthy', `${KIND_TITLE[w.kind]} probe failed: ${out.output}`);
      const startupFailed = w.kind === 'startup' && !out.ok && w.state.streak >= timing.failureThreshold;
      if (w.state.result !== before || startupFailed) this.onChange(cp.uid);
    } else {
      w.state = { ...w.state, lastRunMs: Date.now() };
    }
    this.schedule(pod, podIP, r, w);
  }
}
