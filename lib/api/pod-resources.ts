// Kubernetes' rule for what a whole pod needs from its containers' requests or limits (upstream's
// PodRequests / PodLimits container aggregation, the sidecar KEP's formula), written once for the
// scheduler (requests on a node), resource quota (requests and limits charged) and the kubelet
// (the pod cgroup's shares, quota and memory limit):
// - app containers run together: their amounts add up;
// - sidecars (init containers with restartPolicy Always) start in order and keep running beside
//   everything that starts after them: each adds to the app containers' sum and to every later
//   init container;
// - ordinary init containers run one at a time, each beside the sidecars started before it;
// - the pod needs the larger of the running sum and the largest init-phase step.
// Generic over the amount type so each caller keeps its own representation (numbers, quantities).

export interface PodSpecLike<C> {
  containers?: C[] | null;
  initContainers?: C[] | null;
}

/** How to combine amounts: the empty amount, a sum, and a per-resource maximum. */
export interface AmountOps<T> {
  zero: () => T;
  add: (a: T, b: T) => T;
  max: (a: T, b: T) => T;
}

export const isSidecar = (c: unknown): boolean => (c as { restartPolicy?: unknown } | null)?.restartPolicy === 'Always';

/** The pod's amount by the rule above; `of` reads one container's amount (it sees init containers too). */
export function aggregatePodAmounts<C, T>(spec: PodSpecLike<C>, of: (c: C, init: boolean) => T, ops: AmountOps<T>): T {
  let total = ops.zero();
  for (const c of spec.containers ?? []) total = ops.add(total, of(c, false));
  let sidecars = ops.zero();
  let initPeak = ops.zero();
  for (const c of spec.initContainers ?? []) {
    const own = of(c, true);
    let step: T;
    if (isSidecar(c)) {
      total = ops.add(total, own);
      sidecars = ops.add(sidecars, own);
      step = sidecars;
    } else step = ops.add(own, sidecars);
    initPeak = ops.max(initPeak, step);
  }
  return ops.max(total, initPeak);
}

/** Amounts as plain numbers per resource name (millicores, bytes, counts). */
export type NumberAmounts = Record<string, number>;

export const numberAmountOps: AmountOps<NumberAmounts> = {
  zero: () => ({}),
  add: (a, b) => {
    const out = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
    return out;
  },
  max: (a, b) => {
    const out = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = Math.max(out[k] ?? 0, v);
    return out;
  },
};
