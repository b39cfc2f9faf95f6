// Object builders for the route table tests: Ingresses, classes, Services and slices in the shapes
// the informers deliver.
import type { EndpointSlice } from '../../lib/api/endpoint-slice';
import type { Service } from '../../lib/api/types';
import type { HTTPIngressPath, Ingress, IngressBackend, IngressClass, IngressRule, Secret } from './api-types';

export const CONTROLLER = 'k8ts.io/ingress';

export function ingressClass(name: string, controller = CONTROLLER, isDefault = false, created = '2026-01-01T00:00:00Z'): IngressClass {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IngressClass',
    metadata: { name, creationTimestamp: created, ...(isDefault ? { annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } } : {}) },
    spec: { controller },
  };
}

export const svcBackend = (name: string, port: number | string): IngressBackend => ({ service: { name, port: typeof port === 'number' ? { number: port } : { name: port } } });

export const path = (p: string, pathType: string, backend: IngressBackend): HTTPIngressPath => ({ path: p, pathType, backend });

export function ingress(
  name: string,
  spec: { className?: string; rules?: IngressRule[]; defaultBackend?: IngressBackend; tls?: { hosts?: string[]; secretName?: string }[] },
  created = '2026-01-02T00:00:00Z',
  namespace = 'web',
): Ingress {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace, creationTimestamp: created, resourceVersion: '1' },
    spec: { ingressClassName: spec.className, rules: spec.rules, defaultBackend: spec.defaultBackend, tls: spec.tls },
  };
}

export function service(name: string, ports: { name?: string; port: number }[], namespace = 'web', type?: 'ExternalName'): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace },
    spec: { ...(type ? { type } : {}), ports: ports.map((p) => ({ ...p, protocol: 'TCP' as const })) },
  };
}

export function slice(
  svc: string,
  name: string,
  endpoints: { ip: string; ready?: boolean | null }[],
  ports: { name?: string; port: number }[],
  namespace = 'web',
): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name, namespace, labels: { 'kubernetes.io/service-name': svc } },
    addressType: 'IPv4',
    endpoints: endpoints.map((e) => ({ addresses: [e.ip], conditions: e.ready === undefined ? {} : { ready: e.ready } })),
    ports: ports.map((p) => ({ ...p, protocol: 'TCP' as const })),
  };
}

export function tlsSecret(name: string, cert: string, key: string, namespace = 'web', version = '7', type = 'kubernetes.io/tls'): Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace, resourceVersion: version },
    type,
    data: { 'tls.crt': Buffer.from(cert).toString('base64'), 'tls.key': Buffer.from(key).toString('base64') },
  };
}
