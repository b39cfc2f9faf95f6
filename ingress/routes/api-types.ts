// networking.k8s.io/v1 Ingress and IngressClass, and the kubernetes.io/tls Secret, as the
// ingress controller reads them: every field optional, because the informer's kind check only
// guarantees metadata for these kinds and a route table must survive whatever a client stored.
import type { KObject } from '../../lib/api/types';

export interface ServiceBackendPort {
  name?: string;
  number?: number;
}

export interface IngressBackend {
  service?: { name?: string; port?: ServiceBackendPort };
  resource?: { apiGroup?: string; kind?: string; name?: string };
}

export type PathType = 'Exact' | 'Prefix' | 'ImplementationSpecific';

export interface HTTPIngressPath {
  path?: string;
  pathType?: PathType | string;
  backend?: IngressBackend;
}

export interface IngressRule {
  host?: string;
  http?: { paths?: HTTPIngressPath[] | null } | null;
}

export interface IngressTLS {
  hosts?: string[] | null;
  secretName?: string;
}

export interface Ingress extends KObject {
  spec?: {
    ingressClassName?: string;
    defaultBackend?: IngressBackend;
    tls?: IngressTLS[] | null;
    rules?: IngressRule[] | null;
  };
  status?: { loadBalancer?: { ingress?: LoadBalancerIngress[] | null } };
}

export interface LoadBalancerIngress {
  ip?: string;
  hostname?: string;
  ports?: unknown[];
}

export interface IngressClass extends KObject {
  spec?: { controller?: string; parameters?: Record<string, unknown> };
}

export interface Secret extends KObject {
  type?: string;
  /** base64 values. */
  data?: Record<string, string> | null;
}

/** The annotation that marks an IngressClass as the cluster's default. */
export const DEFAULT_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';
/** The class annotation that came before spec.ingressClassName (deprecated, still honoured). */
export const CLASS_ANNOTATION = 'kubernetes.io/ingress.class';
/** Upstream's Secret type for TLS key pairs. */
export const TLS_SECRET_TYPE = 'kubernetes.io/tls';
