// A pod's QoS class, computed as Kubernetes 1.32 computes it (GetPodQOS / ComputePodQOS), and
// the one place that does it: the apiserver stores it in status.qosClass at creation, the kubelet
// puts the pod's cgroup into that tier. Rules:
// - app and init containers count (ephemeral containers have no resources);
// - only cpu and memory decide; a quantity counts when its value is above zero;
// - a container's missing requests default from its limits (the Pod defaulting kube-apiserver
//   applies before storing, so the class is the one the stored pod would give);
// - requests and limits are summed per resource over all containers, compared by value ("1" and
//   "1000m" are equal);
// - BestEffort: no request or limit at all; Guaranteed: every container limits both cpu and
//   memory and the summed requests equal the summed limits for each; Burstable otherwise.
// Pod-level resources (spec.resources) are alpha and off by default in 1.32 (the PodLevelResources
// gate), so they do not decide the class here. Pure; a quantity that does not parse counts as
// absent (admission rejects it; a corrupt stored pod must not stop whoever asks).
import { decodeQuantity } from './quantity';

export type QosClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

type ResourceList = Record<string, string | number | undefined>;

interface ContainerLike {
  resources?: { requests?: ResourceList; limits?: ResourceList } | null;
}

export interface PodLike {
  spec?: { containers?: ContainerLike[] | null; initContainers?: ContainerLike[] | null } | null;
  status?: { qosClass?: string } | null;
}

const QOS_RESOURCES = ['cpu', 'memory'] as const;

/**
 * The exact value of a quantity in nano units (every parsed quantity is rounded to nano units, so
 * this is a whole number), or undefined when it is absent or does not parse. Exact, so "0.7" and
 * "700m" are equal as upstream's Quantity.Cmp finds them.
 */
function valueOf(q: string | number | undefined): bigint | undefined {
  if (q === undefined || q === null || q === '') return undefined;
  try {
    const d = decodeQuantity(q);
    if (d.sign === 0) return 0n;
    const shift = d.exponent + 9;
    const magnitude = shift >= 0 ? d.mantissa * 10n ** BigInt(shift) : d.mantissa / 10n ** BigInt(-shift);
    return d.sign < 0 ? -magnitude : magnitude;
  } catch {
    return undefined;
  }
}

function isQosClass(v: unknown): v is QosClass {
  return v === 'Guaranteed' || v === 'Burstable' || v === 'BestEffort';
}

/** The QoS class from the pod's spec alone (ComputePodQOS). */
export function computePodQos(pod: PodLike): QosClass {
  const requests = new Map<string, bigint>();
  const limits = new Map<string, bigint>();
  let guaranteed = true;
  const all = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  for (const c of all) {
    const lim = c?.resources?.limits ?? {};
    const req = { ...lim, ...(c?.resources?.requests ?? {}) };
    const limited = new Set<string>();
    for (const name of QOS_RESOURCES) {
      const r = valueOf(req[name]);
      if (r !== undefined && r > 0n) requests.set(name, (requests.get(name) ?? 0n) + r);
      const l = valueOf(lim[name]);
      if (l !== undefined && l > 0n) {
        limited.add(name);
        limits.set(name, (limits.get(name) ?? 0n) + l);
      }
    }
    if (!limited.has('cpu') || !limited.has('memory')) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [name, r] of requests) {
      const l = limits.get(name);
      if (l !== r) guaranteed = false;
    }
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}

/**
 * The pod's QoS class (GetPodQOS): the one the apiserver stored in status.qosClass, which never
 * changes for a pod, else computed from the spec.
 */
export function podQos(pod: PodLike): QosClass {
  const stored = pod.status?.qosClass;
  return isQosClass(stored) ? stored : computePodQos(pod);
}
