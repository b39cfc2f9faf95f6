// The pure part of the Endpoints controller: from a Service and the pods in its namespace, the
// subsets its Endpoints object must hold. Ready pods go to `addresses`, not-ready ones to
// `notReadyAddresses`; each service port's targetPort is resolved per pod (a named targetPort
// looks up the pod's container port of that name), and pods that resolve to the same port set
// share one subset.
import type { EndpointAddress, EndpointPort, EndpointSubset, Pod, Service } from '../../lib/api/types';
import { mapSelectorMatches } from '../../lib/api/labels';
import { canonicalJson } from '../common/pod-utils';
import { isPodReady } from '../common/pod-utils';

/** Resolves a service port's targetPort on one pod; undefined when the pod has no such named port. */
export function resolveTargetPort(target: number | string | undefined, servicePort: number, pod: Pod, protocol = 'TCP'): number | undefined {
  if (target === undefined || target === '' || target === 0) return servicePort;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  for (const c of pod.spec.containers ?? []) {
    for (const p of c.ports ?? []) if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
  }
  return undefined;
}

/** Pods that belong in the Endpoints: selected, with an IP, and neither finished nor terminating. */
export function selectedPods(svc: Service, pods: Pod[]): Pod[] {
  return pods.filter(
    (p) =>
      p.metadata.namespace === svc.metadata.namespace &&
      mapSelectorMatches(svc.spec.selector, p.metadata.labels) &&
      !!p.status?.podIP &&
      !p.metadata.deletionTimestamp &&
      p.status?.phase !== 'Succeeded' &&
      p.status?.phase !== 'Failed',
  );
}

function addressOf(p: Pod): EndpointAddress {
  const a: EndpointAddress = {
    ip: p.status!.podIP!,
    targetRef: { kind: 'Pod', namespace: p.metadata.namespace, name: p.metadata.name!, uid: p.metadata.uid },
  };
  if (p.spec.nodeName) a.nodeName = p.spec.nodeName;
  return a;
}

export function computeSubsets(svc: Service, pods: Pod[]): EndpointSubset[] {
  const groups = new Map<string, { ports: EndpointPort[]; ready: EndpointAddress[]; notReady: EndpointAddress[] }>();
  for (const p of selectedPods(svc, pods)) {
    const ports: EndpointPort[] = [];
    for (const sp of svc.spec.ports ?? []) {
      const protocol = sp.protocol ?? 'TCP';
      const port = resolveTargetPort(sp.targetPort, sp.port, p, protocol);
      if (port === undefined) continue;
      const ep: EndpointPort = { port, protocol };
      if (sp.name) ep.name = sp.name;
      ports.push(ep);
    }
    if ((svc.spec.ports ?? []).length > 0 && ports.length === 0) continue;
    const key = canonicalJson(ports);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { ports, ready: [], notReady: [] }));
    (isPodReady(p) ? g.ready : g.notReady).push(addressOf(p));
  }
  const byIp = (a: EndpointAddress, b: EndpointAddress) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0);
  const subsets: EndpointSubset[] = [];
  for (const g of groups.values()) {
    const s: EndpointSubset = {};
    if (g.ready.length) s.addresses = g.ready.sort(byIp);
    if (g.notReady.length) s.notReadyAddresses = g.notReady.sort(byIp);
    if (g.ports.length) s.ports = g.ports;
    subsets.push(s);
  }
  return subsets.sort((a, b) => (canonicalJson(a.ports) < canonicalJson(b.ports) ? -1 : 1));
}

export const subsetsEqual = (a: EndpointSubset[] | undefined, b: EndpointSubset[]) => canonicalJson(a ?? []) === canonicalJson(b);
