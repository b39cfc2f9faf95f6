// The EndpointSlices (discovery.k8s.io/v1) mirroring a selector Service's Endpoints: kubectl 1.32
// `describe service` and newer clients read slices, not Endpoints. One slice per subset (pods that
// resolve to the same port set), named after the Service with a suffix derived from its uid, so a
// reconcile finds its own slices again; an empty Service still has one slice without endpoints,
// as in Kubernetes. The slices are owned by the Service, so the garbage collector removes them.
import { createHash } from 'node:crypto';
import type { EndpointAddress, EndpointSubset, KObject, Service } from '../../lib/api/types';
import { canonicalJson, ownerRefFor } from '../common/pod-utils';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const MANAGED_BY = 'endpointslice-controller.k8s.io';

export interface EndpointSlice extends KObject {
  addressType: 'IPv4';
  endpoints: {
    addresses: string[];
    conditions: { ready: boolean; serving: boolean; terminating: boolean };
    nodeName?: string;
    targetRef?: EndpointAddress['targetRef'];
  }[];
  ports?: { name: string; port: number; protocol: string }[];
}

export function sliceName(svc: Service, index: number): string {
  const h = createHash('sha256').update(`${svc.metadata.uid}/${index}`).digest('hex').slice(0, 5);
  return `${svc.metadata.name}-${h}`;
}

/** The slices a Service's computed Endpoints subsets map to. */
export function desiredSlices(svc: Service, subsets: EndpointSubset[]): EndpointSlice[] {
  const groups: EndpointSubset[] = subsets.length ? subsets : [{}];
  return groups.map((s, i) => {
    const endpoint = (a: EndpointAddress, ready: boolean) => ({
      addresses: [a.ip],
      conditions: { ready, serving: ready, terminating: false },
      ...(a.nodeName ? { nodeName: a.nodeName } : {}),
      ...(a.targetRef ? { targetRef: a.targetRef } : {}),
    });
    const slice: EndpointSlice = {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        name: sliceName(svc, i),
        namespace: svc.metadata.namespace,
        labels: { ...(svc.metadata.labels ?? {}), [SERVICE_NAME_LABEL]: svc.metadata.name!, [MANAGED_BY_LABEL]: MANAGED_BY },
        ownerReferences: [ownerRefFor(svc, 'v1', 'Service')],
      },
      addressType: 'IPv4',
      endpoints: [...(s.addresses ?? []).map((a) => endpoint(a, true)), ...(s.notReadyAddresses ?? []).map((a) => endpoint(a, false))],
    };
    if (s.ports?.length) slice.ports = s.ports.map((p) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP' }));
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
