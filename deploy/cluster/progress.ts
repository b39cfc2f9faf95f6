// Step output for people: `✓ etcd              0.6 s  pid 123` per step, `✗ step  reason` on
// failure; or the same events as JSON lines (--log-format=json). Formatting is pure.
import type { LauncherLogger } from './launcher-log';

export interface StepEvent {
  step: string;
  ok: boolean;
  ms?: number;
  detail?: string;
}

export interface Reporter {
  step(e: StepEvent): void;
}

export const silentReporter: Reporter = { step: () => undefined };

const NAME_WIDTH = 22;

export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** One line: mark, step name, duration, detail. Failures carry the first line of the reason. */
export function formatStep(e: StepEvent): string {
  const mark = e.ok ? '✓' : '✗';
  const time = e.ms !== undefined ? formatSeconds(e.ms).padStart(7) : ''.padStart(7);
  const detail = e.detail ? `  ${e.detail.split('\n')[0]}` : '';
  return `${mark} ${e.step.padEnd(NAME_WIDTH)}${time}${detail}`.trimEnd();
}

export function textReporter(write: (line: string) => void): Reporter {
  return { step: (e) => write(formatStep(e)) };
}

export function jsonReporter(log: LauncherLogger): Reporter {
  return { step: (e) => (e.ok ? log.info({ ...e }, 'step') : log.error({ ...e }, 'step failed')) };
}

/** Marks an error as already shown as a failed step, so the CLI prints only what follows. */
export interface ReportedError extends Error {
  reported?: boolean;
}

/** Runs one step, reporting its duration, or its failure (then rethrows). */
export async function step<T>(r: Reporter, name: string, fn: () => T | Promise<T>, detail?: (v: T) => string | undefined): Promise<T> {
  const t = performance.now();
  try {
    const v = await fn();
    const d = detail?.(v);
    r.step({ step: name, ok: true, ms: Math.round(performance.now() - t), ...(d ? { detail: d } : {}) });
    return v;
  } catch (e) {
    const err = e as ReportedError;
    if (!err.reported) {
      r.step({ step: name, ok: false, ms: Math.round(performance.now() - t), detail: err.message });
      err.reported = true;
    }
    throw e;
  }
}
