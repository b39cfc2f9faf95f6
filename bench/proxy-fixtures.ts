// bench:proxy's cluster state, built in memory: N ClusterIP Services of one TCP port, each with
// one EndpointSlice of M ready endpoints on another node. Pure, so the unit test can pin the
// shapes and the address plan; the same objects feed the planner directly (full-sync phases) and
// the apiserver (change phase).
import type { EndpointSlice, SliceEndpoint } from '../lib/api/endpoint-slice';
import { SERVICE_NAME_LABEL } from '../lib/api/endpoint-slice';
import type { Service } from '../lib/api/types';

export const TARGET_PORT = 8080;
export const NAMESPACE = 'default';

/** 10.96.0.0/16 without .0 and .255, so 1,000 Services never take a network or broadcast-looking address. */
export function serviceIP(i: number): string {
  return `10.96.${100 + Math.floor(i / 250)}.${(i % 250) + 1}`;
}

/** The k-th endpoint of the fixture: 10.244.0.0/16, 250 a /24 (room for 250 × 200 = 50,000). */
export function endpointIP(k: number): string {
  if (k < 0 || k >= 50_000) throw new RangeError(`endpoint ${k} out of the fixture's range`);
  return `10.244.${Math.floor(k / 250)}.${(k % 250) + 1}`;
}

/**
 * The n-th endpoint added by the change phase: 10.244.200.0 and up, always a three-digit last
 * octet, so no added address is a text prefix of another one or of a fixture endpoint — the
 * phase finds "its" address in a payload by plain substring search.
 */
export function addedEndpointIP(n: number): string {
  if (n < 0 || n >= 50 * 150) throw new RangeError(`added endpoint ${n} out of range`);
  return `10.244.${200 + Math.floor(n / 150)}.${100 + (n % 150)}`;
}

export function benchService(i: number): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { namespace: NAMESPACE, name: `svc-${i}` },
    spec: { type: 'ClusterIP', clusterIP: serviceIP(i), ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: TARGET_PORT }] },
  } as Service;
}

const endpoint = (ip: string): SliceEndpoint => ({ addresses: [ip], conditions: { ready: true, serving: true, terminating: false }, nodeName: 'bench-other-node' });

export function benchSlice(i: number, perService: number): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { namespace: NAMESPACE, name: `svc-${i}-bench`, labels: { [SERVICE_NAME_LABEL]: `svc-${i}` } },
    addressType: 'IPv4',
    ports: [{ name: 'http', protocol: 'TCP', port: TARGET_PORT }],
    endpoints: Array.from({ length: perService }, (_, j) => endpoint(endpointIP(i * perService + j))),
  };
}

export function benchState(services: number, perService: number): { services: Service[]; endpointSlices: EndpointSlice[] } {
  return {
    services: Array.from({ length: services }, (_, i) => benchService(i)),
    endpointSlices: Array.from({ length: services }, (_, i) => benchSlice(i, perService)),
  };
}

/** The slice with one more ready endpoint (a copy: the caller's object is left as it was). */
export function withEndpoint(slice: EndpointSlice, ip: string): EndpointSlice {
  return { ...slice, endpoints: [...(slice.endpoints ?? []), endpoint(ip)] };
}
