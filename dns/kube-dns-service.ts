// The cluster DNS Service: `kube-dns` in kube-system at the DNS Service IP, without a selector (its
// endpoints are the DNS instances' Leases: lib/lease-endpoints), and the endpoint ports an
// instance serves. Every instance creates the Service when it is absent and never changes one that
// exists: an administrator's edits (or a Service someone made by hand) win, as kubeadm's addon
// leaves an existing kube-dns alone.
import type { EndpointPort, Service } from '../lib/api/types';
import { Resources } from '../lib/api/resources';
import type { ApiClient } from '../lib/client/api-client';
import { isAlreadyExists } from '../lib/errors';

export const KUBE_DNS_LABEL = { 'k8s-app': 'kube-dns' } as const;

export interface KubeDnsServiceSpec {
  namespace: string;
  name: string;
  clusterIP: string;
}

/** The Service as kubeadm's CoreDNS addon shapes it: dns/UDP, dns-tcp/TCP on 53, metrics on 9153. */
export function kubeDnsService(s: KubeDnsServiceSpec): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: s.name,
      namespace: s.namespace,
      labels: { ...KUBE_DNS_LABEL, 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' },
    },
    spec: {
      type: 'ClusterIP',
      clusterIP: s.clusterIP,
      clusterIPs: [s.clusterIP],
      sessionAffinity: 'None',
      ports: [
        { name: 'dns', protocol: 'UDP', port: 53, targetPort: 53 },
        { name: 'dns-tcp', protocol: 'TCP', port: 53, targetPort: 53 },
        { name: 'metrics', protocol: 'TCP', port: 9153, targetPort: 9153 },
      ],
    },
  };
}

/**
 * The ports of one instance's endpoint, named as the Service's ports: the DNS port it bound (UDP
 * and TCP) and its metrics port when it serves one.
 */
export function kubeDnsEndpointPorts(dnsPort: number, metricsPort?: number): EndpointPort[] {
  const ports: EndpointPort[] = [
    { name: 'dns', port: dnsPort, protocol: 'UDP' },
    { name: 'dns-tcp', port: dnsPort, protocol: 'TCP' },
  ];
  if (metricsPort) ports.push({ name: 'metrics', port: metricsPort, protocol: 'TCP' });
  return ports;
}

/** Creates the Service unless one of that name exists (whoever made it). */
export async function ensureKubeDnsService(client: ApiClient, s: KubeDnsServiceSpec): Promise<'created' | 'exists'> {
  try {
    await client.create<Service>(Resources.services, kubeDnsService(s));
    return 'created';
  } catch (err) {
    if (isAlreadyExists(err)) return 'exists';
    throw err;
  }
}
