// The readiness predicates tests and benchmarks wait on, for pods and nodes alike, over the
// loose views of objects they read back from kubectl or a client (only the fields asked about).
export interface WithConditions {
  status?: { phase?: string; conditions?: readonly { type: string; status: string }[] };
}

/** The object has a condition of this type whose status is True. */
export const conditionTrue = (o: WithConditions | undefined, type: string): boolean => o?.status?.conditions?.some((c) => c.type === type && c.status === 'True') ?? false;

/** Ready: a pod serving, a node taking pods. */
export const isReady = (o: WithConditions | undefined): boolean => conditionTrue(o, 'Ready');

/** A pod Running and Ready. */
export const isRunningReady = (p: WithConditions | undefined): boolean => p?.status?.phase === 'Running' && isReady(p);
