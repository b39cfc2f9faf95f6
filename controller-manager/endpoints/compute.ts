// The pure part of the Endpoints controller: from a Service and the pods in its namespace, the
// subsets its Endpoints object must hold, following upstream's endpoints controller:
// - a pod counts when it is selected, has an IP and is not terminal (Succeeded/Failed); a
//   terminating pod (deletionTimestamp set) only when the Service publishes not-ready addresses;
// - ready pods go to `addresses`, not-ready ones to `notReadyAddresses`, except that with
//   `spec.publishNotReadyAddresses` every counted pod is an address (StatefulSet peers find each
//   other through DNS before they are ready). The legacy annotation
//   `service.alpha.kubernetes.io/tolerate-unready-endpoints` is ignored, as upstream does today;
// - an address carries `hostname` = pod.spec.hostname when pod.spec.subdomain names this Service
//   in the pod's namespace: that is what gives StatefulSet pods their
//   `<hostname>.<service>.<ns>.svc` DNS names;
// - each service port's targetPort is resolved per pod (a named targetPort looks up the pod's
//   container port of that name and protocol); a pod that resolves none of them is left out, and
//   pods that resolve to the same port set share one subset; name, protocol and appProtocol come
//   from the service port. A Service without ports gets
//   portless addresses only when it is headless (clusterIP None).
import type { EndpointAddress, EndpointPort, EndpointSubset, Pod, Service } from '../../lib/api/types';
import { mapSelectorMatches } from '../../lib/api/labels';
import { canonicalJson } from '../common/pod-utils';
import { isPodReady } from '../common/pod-utils';

/** The label upstream puts on the Endpoints and EndpointSlices of a Service without a cluster IP. */
export const HEADLESS_LABEL = 'service.kubernetes.io/headless';

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

/** Upstream's "no service IP set": the headless label goes on for None and for an empty clusterIP. */
export const isHeadless = (svc: Service): boolean => !svc.spec.clusterIP || svc.spec.clusterIP === 'None';

export const publishesNotReady = (svc: Service): boolean => svc.spec.publishNotReadyAddresses === true;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * Whether an endpoint of this pod gets the pod's hostname (its subdomain names the Service).
 * Upstream's pod validation guarantees a DNS-label hostname; k8ts' apiserver does not check it
 * yet, and one bad hostname would make the apiserver reject the whole Endpoints update, so a
 * hostname that is not a DNS label is left off rather than blocking the Service.
 */
export const shouldSetHostname = (pod: Pod, svc: Service): boolean =>
  !!pod.spec.hostname && DNS_LABEL.test(pod.spec.hostname) && pod.spec.subdomain === svc.metadata.name && pod.metadata.namespace === svc.metadata.namespace;

/**
 * Selected pods that belong in endpoints at all: with an IP, not terminal, and — unless
 * includeTerminating — not being deleted. Endpoints include terminating pods only for
 * publishNotReadyAddresses; EndpointSlices always include them, marked terminating.
 */
export function selectedPods(svc: Service, pods: Pod[], includeTerminating = publishesNotReady(svc)): Pod[] {
  return pods.filter(
    (p) =>
      p.metadata.namespace === svc.metadata.namespace &&
      mapSelectorMatches(svc.spec.selector, p.metadata.labels) &&
      !!p.status?.podIP &&
      (includeTerminating || !p.metadata.deletionTimestamp) &&
      p.status?.phase !== 'Succeeded' &&
      p.status?.phase !== 'Failed',
  );
}

/** The pod's endpoint ports for the Service; undefined when the pod must be left out. */
export function podPorts(svc: Service, pod: Pod): EndpointPort[] | undefined {
  const servicePorts = svc.spec.ports ?? [];
  if (servicePorts.length === 0) return svc.spec.clusterIP === 'None' ? [] : undefined;
  const ports: EndpointPort[] = [];
  for (const sp of servicePorts) {
    const protocol = sp.protocol ?? 'TCP';
    const port = resolveTargetPort(sp.targetPort, sp.port, pod, protocol);
    if (port === undefined) continue;
    const ep: EndpointPort = { port, protocol };
    if (sp.name) ep.name = sp.name;
    if (sp.appProtocol) ep.appProtocol = sp.appProtocol;
    ports.push(ep);
  }
  return ports.length ? ports : undefined;
}

/** The pod as an Endpoints address of this Service. */
export function addressOf(p: Pod, svc: Service): EndpointAddress {
  const a: EndpointAddress = { ip: p.status!.podIP! };
  if (shouldSetHostname(p, svc)) a.hostname = p.spec.hostname;
  if (p.spec.nodeName) a.nodeName = p.spec.nodeName;
  a.targetRef = { kind: 'Pod', namespace: p.metadata.namespace, name: p.metadata.name!, uid: p.metadata.uid };
  return a;
}

/** Pods grouped by the port set they resolve to, in a stable order (by ports, then pod IP). */
export function groupByPorts(svc: Service, pods: Pod[]): { ports: EndpointPort[]; pods: Pod[] }[] {
  const groups = new Map<string, { ports: EndpointPort[]; pods: Pod[] }>();
  for (const p of pods) {
    const ports = podPorts(svc, p);
    if (!ports) continue;
    const key = canonicalJson(ports);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { ports, pods: [] }));
    g.pods.push(p);
  }
  const ipOf = (p: Pod) => p.status!.podIP!;
  for (const g of groups.values()) g.pods.sort((a, b) => (ipOf(a) < ipOf(b) ? -1 : ipOf(a) > ipOf(b) ? 1 : 0));
  return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, g]) => g);
}

export function computeSubsets(svc: Service, pods: Pod[]): EndpointSubset[] {
  const all = publishesNotReady(svc);
  return groupByPorts(svc, selectedPods(svc, pods)).map((g) => {
    const s: EndpointSubset = {};
    const ready = g.pods.filter((p) => all || isPodReady(p)).map((p) => addressOf(p, svc));
    const notReady = g.pods.filter((p) => !all && !isPodReady(p)).map((p) => addressOf(p, svc));
    if (ready.length) s.addresses = ready;
    if (notReady.length) s.notReadyAddresses = notReady;
    if (g.ports.length) s.ports = g.ports;
    return s;
  });
}

/** The labels of the Service's Endpoints and slices: the Service's own, plus the headless mark. */
export function endpointsLabels(svc: Service): Record<string, string> {
  const labels = { ...(svc.metadata.labels ?? {}) };
  if (isHeadless(svc)) labels[HEADLESS_LABEL] = '';
  else delete labels[HEADLESS_LABEL];
  return labels;
}

export const subsetsEqual = (a: EndpointSubset[] | undefined, b: EndpointSubset[]) => canonicalJson(a ?? []) === canonicalJson(b);
