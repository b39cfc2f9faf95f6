// A plugin's verdict, as upstream's framework.Status: a code, the reasons a user reads in the
// FailedScheduling event, and the plugin that gave it. Success is the one shared frozen value so
// the hot path (every filter on every node) allocates nothing when a node fits.

export enum Code {
  Success = 'Success',
  /** Something broke (unreadable object, API failure): the pod is retried with backoff. */
  Error = 'Error',
  /** The pod does not fit this node now; preemption may help. */
  Unschedulable = 'Unschedulable',
  /** The pod does not fit this node and evicting pods would not change that (no preemption). */
  UnschedulableAndUnresolvable = 'UnschedulableAndUnresolvable',
  /** A Permit plugin holds the pod until it is allowed or rejected. */
  Wait = 'Wait',
  /** PreFilter / PreScore: this plugin has nothing to do for the pod; its Filter / Score is skipped. */
  Skip = 'Skip',
  /** The pod waits for something outside the scheduler (a claim being provisioned). */
  Pending = 'Pending',
}

export interface Status {
  readonly code: Code;
  readonly reasons: readonly string[];
  /** The plugin that returned it; set by the framework. */
  plugin?: string;
  /** The error behind an Error status (the scheduler tells a 409 from a 500 by it). */
  cause?: unknown;
}

export const SUCCESS: Status = Object.freeze({ code: Code.Success, reasons: Object.freeze([]) as readonly string[] });

export const success = (): Status => SUCCESS;
export const unschedulable = (...reasons: string[]): Status => ({ code: Code.Unschedulable, reasons });
export const unresolvable = (...reasons: string[]): Status => ({ code: Code.UnschedulableAndUnresolvable, reasons });
export const error = (reason: string, cause?: unknown): Status => ({ code: Code.Error, reasons: [reason], cause });
export const skip = (): Status => ({ code: Code.Skip, reasons: [] });
export const wait = (): Status => ({ code: Code.Wait, reasons: [] });
export const pending = (...reasons: string[]): Status => ({ code: Code.Pending, reasons });

export const isSuccess = (s: Status | undefined): boolean => !s || s.code === Code.Success;
/** Unschedulable or UnschedulableAndUnresolvable: the pod was rejected, nothing broke. */
export const isRejected = (s: Status | undefined): boolean =>
  !!s && (s.code === Code.Unschedulable || s.code === Code.UnschedulableAndUnresolvable || s.code === Code.Pending);

/** The same status tagged with the plugin that produced it (never mutates SUCCESS). */
export function withPlugin(s: Status, plugin: string): Status {
  if (s.code === Code.Success || s.plugin === plugin) return s;
  return { ...s, plugin };
}

/** Everything a status says, on one line (for logs and error messages). */
export const statusMessage = (s: Status): string => s.reasons.join(', ');
