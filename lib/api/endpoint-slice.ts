// discovery.k8s.io/v1 EndpointSlice as its readers (cluster DNS, kube-proxy) see it: the whole API
// shape (every address type, nullable conditions), wider than the one
// controller-manager/endpoints/slices.ts writes.
import type { KObject } from './types';

/** The label tying a slice to its Service (discovery.k8s.io/v1). */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

export interface EndpointConditions {
  /** nil means unknown, which consumers must treat as ready (EndpointSlice API docs). */
  ready?: boolean | null;
  serving?: boolean | null;
  terminating?: boolean | null;
}

export interface SliceEndpoint {
  /** Of the slice's addressType; at least one. */
  addresses: string[];
  conditions?: EndpointConditions;
  /** Set by the endpoints controller from pod.spec.hostname when pod.spec.subdomain names the Service. */
  hostname?: string;
  nodeName?: string;
  zone?: string;
  targetRef?: { kind?: string; namespace?: string; name?: string; uid?: string };
}

export interface SlicePort {
  /** '' or absent for an unnamed port, which gets no SRV record. */
  name?: string;
  port?: number;
  protocol?: 'TCP' | 'UDP' | 'SCTP';
  appProtocol?: string;
}

export interface EndpointSlice extends KObject {
  addressType: 'IPv4' | 'IPv6' | 'FQDN';
  endpoints?: SliceEndpoint[] | null;
  ports?: SlicePort[] | null;
}
