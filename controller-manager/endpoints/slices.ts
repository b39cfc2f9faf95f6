// The EndpointSlices (discovery.k8s.io/v1) of a selector Service: kubectl 1.32 `describe
// service`, cluster DNS and newer clients read slices, not Endpoints. One slice per port set
// (pods that resolve the Service's ports alike), named after the Service with a suffix derived
// from its uid, so a reconcile finds its own slices again; an empty Service still has one slice
// without endpoints, as in Kubernetes. The slices are owned by the Service, so the garbage
// collector removes them.
//
// Slices are computed from the pods, not from the Endpoints subsets, because they say more, as
// upstream's EndpointSlice controller does: terminating pods stay listed (terminating: true,
// serving: their readiness, ready: false) so that consumers can drain them; with
// publishNotReadyAddresses every endpoint is ready; endpoints carry hostname (same rule as the
// Endpoints), nodeName, the node's topology zone, and a targetRef to the pod. Pods are IPv4 only
// in k8ts, so every slice has addressType IPv4.
import { createHash } from 'node:crypto';
import type { EndpointAddress, KObject, Pod, Service } from '../../lib/api/types';
import { canonicalJson, isPodReady, ownerRefFor } from '../common/pod-utils';
import { addressOf, endpointsLabels, groupByPorts, publishesNotReady, selectedPods } from './compute';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const MANAGED_BY = 'endpointslice-controller.k8s.io';

export interface SliceEndpoint {
  addresses: string[];
  conditions: { ready: boolean; serving: boolean; terminating: boolean };
  hostname?: string;
  nodeName?: string;
  zone?: string;
  targetRef?: EndpointAddress['targetRef'];
}

export interface EndpointSlice extends KObject {
  addressType: 'IPv4';
  endpoints: SliceEndpoint[];
  ports?: { name: string; port: number; protocol: string; appProtocol?: string }[];
}

/** A node's topology zone (label topology.kubernetes.io/zone), undefined when unknown. */
export type ZoneOf = (nodeName: string) => string | undefined;

export function sliceName(svc: Service, index: number): string {
  const h = createHash('sha256').update(`${svc.metadata.uid}/${index}`).digest('hex').slice(0, 5);
  return `${svc.metadata.name}-${h}`;
}

/** One pod as a slice endpoint: upstream's conditions, where ready is never true for a terminating pod unless the Service publishes not-ready addresses. */
export function sliceEndpoint(svc: Service, pod: Pod, zoneOf: ZoneOf = () => undefined): SliceEndpoint {
  const a = addressOf(pod, svc);
  const serving = isPodReady(pod);
  const terminating = !!pod.metadata.deletionTimestamp;
  const e: SliceEndpoint = {
    addresses: [a.ip],
    conditions: { ready: publishesNotReady(svc) || (serving && !terminating), serving, terminating },
  };
  if (a.hostname) e.hostname = a.hostname;
  if (a.nodeName) {
    e.nodeName = a.nodeName;
    const zone = zoneOf(a.nodeName);
    if (zone) e.zone = zone;
  }
  e.targetRef = a.targetRef;
  return e;
}

/** The slices a Service's pods map to (terminating pods included, see above). */
export function desiredSlices(svc: Service, pods: Pod[], zoneOf?: ZoneOf): EndpointSlice[] {
  const groups = groupByPorts(svc, selectedPods(svc, pods, true));
  const shaped = groups.length ? groups : [{ ports: [], pods: [] }];
  return shaped.map((g, i) => {
    const slice: EndpointSlice = {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        name: sliceName(svc, i),
        namespace: svc.metadata.namespace,
        labels: { ...endpointsLabels(svc), [SERVICE_NAME_LABEL]: svc.metadata.name!, [MANAGED_BY_LABEL]: MANAGED_BY },
        ownerReferences: [ownerRefFor(svc, 'v1', 'Service')],
      },
      addressType: 'IPv4',
      endpoints: g.pods.map((p) => sliceEndpoint(svc, p, zoneOf)),
    };
    if (g.ports.length) slice.ports = g.ports.map((p) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP', ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}) }));
    return slice;
  });
}

/** Whether a stored slice already holds what the desired one says (labels, endpoints, ports). */
export function sliceUpToDate(current: EndpointSlice, desired: EndpointSlice): boolean {
  return (
    canonicalJson(current.metadata.labels ?? {}) === canonicalJson(desired.metadata.labels) &&
    canonicalJson(current.endpoints ?? []) === canonicalJson(desired.endpoints) &&
    canonicalJson(current.ports ?? []) === canonicalJson(desired.ports ?? [])
  );
}
