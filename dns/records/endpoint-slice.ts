// discovery.k8s.io/v1 EndpointSlice as the DNS index reads it. lib/api/types.ts has no slice type
// (controller-manager/endpoints/slices.ts has a narrower one that omits `hostname`, which DNS needs
// for StatefulSet pods); the lead may move this one into lib/ at merge.
import type { KObject } from '../../lib/api/types';

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
  targetRef?: { kind?: string; namespace?: string; name?: string; uid?: string };
}

export interface SlicePort {
  /** '' or absent for an unnamed port, which gets no SRV record. */
  name?: string;
  port?: number;
  protocol?: 'TCP' | 'UDP' | 'SCTP';
}

export interface EndpointSlice extends KObject {
  addressType: 'IPv4' | 'IPv6' | 'FQDN';
  endpoints?: SliceEndpoint[] | null;
  ports?: SlicePort[] | null;
}
