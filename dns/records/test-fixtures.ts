// Snapshots for the resolver's tests: the spec's own example names (kubernetes.default,
// headless.default with my-pet, foo → www.example.com, my-svc.my-namespace) plus the edge cases
// the spec implies (dual stack, not-ready endpoints, in-zone CNAME chains and loops).
import type { Pod, Service } from '../../lib/api/types';
import type { AnswerRecord } from './answer-types';
import type { EndpointSlice, SliceEndpoint, SlicePort } from '../../lib/api/endpoint-slice';
import type { ClusterSnapshot } from './zone-index';

export function service(ns: string, name: string, spec: Service['spec'], annotations?: Record<string, string>): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { namespace: ns, name, ...(annotations ? { annotations } : {}) }, spec };
}

export function slice(
  ns: string,
  svc: string,
  suffix: string,
  addressType: EndpointSlice['addressType'],
  endpoints: SliceEndpoint[],
  ports: SlicePort[] = [],
): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { namespace: ns, name: `${svc}-${suffix}`, labels: { 'kubernetes.io/service-name': svc } },
    addressType,
    endpoints,
    ports,
  };
}

export function pod(ns: string, name: string, ips: string[]): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { namespace: ns, name },
    spec: { containers: [] },
    status: { podIP: ips[0], podIPs: ips.map((ip) => ({ ip })) },
  };
}

const ready = (addresses: string[], hostname?: string): SliceEndpoint => ({
  addresses,
  conditions: { ready: true },
  ...(hostname ? { hostname } : {}),
});
const notReady = (addresses: string[], hostname?: string): SliceEndpoint => ({
  addresses,
  conditions: { ready: false },
  ...(hostname ? { hostname } : {}),
});

export const specSnapshot: ClusterSnapshot = {
  namespaces: ['quiet'],
  services: [
    service('default', 'kubernetes', { type: 'ClusterIP', clusterIP: '10.3.0.1', ports: [{ name: 'https', protocol: 'TCP', port: 443 }] }),
    service('my-namespace', 'my-svc', {
      type: 'ClusterIP',
      clusterIP: '10.96.5.5',
      clusterIPs: ['10.96.5.5', 'fd00:10:96::5'],
      ports: [{ name: 'http', protocol: 'TCP', port: 80 }, { name: 'DNS', protocol: 'UDP', port: 53 }],
    }),
    service('default', 'single', { type: 'ClusterIP', clusterIP: '10.96.7.7', ports: [{ protocol: 'TCP', port: 8080 }] }),
    service('default', 'headless', { clusterIP: 'None', ports: [{ name: 'https', protocol: 'TCP', port: 443 }] }),
    service('default', 'empty-headless', { clusterIP: 'None', ports: [{ name: 'http', port: 80 }] }),
    service('default', 'unready-headless', { clusterIP: 'None' }),
    service('default', 'pna', { clusterIP: 'None', publishNotReadyAddresses: true }),
    service('default', 'legacy', { clusterIP: 'None' }, { 'service.alpha.kubernetes.io/tolerate-unready-endpoints': 'true' }),
    service('default', 'db', { clusterIP: 'None', clusterIPs: ['None'], ports: [{ name: 'pg', protocol: 'TCP', port: 5432 }] }),
    service('default', 'foo', { type: 'ExternalName', externalName: 'www.example.com' }),
    service('default', 'alias', { type: 'ExternalName', externalName: 'my-svc.my-namespace.svc.cluster.local.' }),
    service('default', 'dangling', { type: 'ExternalName', externalName: 'gone.default.svc.cluster.local' }),
    service('default', 'loop-a', { type: 'ExternalName', externalName: 'loop-b.default.svc.cluster.local' }),
    service('default', 'loop-b', { type: 'ExternalName', externalName: 'loop-a.default.svc.cluster.local' }),
  ],
  endpointSlices: [
    // kubernetes' own endpoints: a ClusterIP Service's endpoints make no records (§2.3 lists none).
    slice('default', 'kubernetes', 'a', 'IPv4', [ready(['192.168.1.10'])], [{ name: 'https', protocol: 'TCP', port: 6443 }]),
    slice(
      'default',
      'headless',
      'a',
      'IPv4',
      [ready(['10.3.0.100'], 'my-pet'), ready(['10.3.0.101'], 'my-pet-2'), ready(['10.3.0.102']), notReady(['10.3.0.103'], 'sick')],
      [{ name: 'https', protocol: 'TCP', port: 443 }],
    ),
    // The same endpoint listed again in a second slice (a slice split in progress) is one record.
    slice('default', 'headless', 'b', 'IPv4', [ready(['10.3.0.100'], 'my-pet')], [{ name: 'https', protocol: 'TCP', port: 443 }]),
    slice('default', 'empty-headless', 'a', 'IPv4', []),
    slice('default', 'unready-headless', 'a', 'IPv4', [notReady(['10.244.9.9'])]),
    slice('default', 'pna', 'a', 'IPv4', [notReady(['10.244.2.9'], 'warming')]),
    slice('default', 'legacy', 'a', 'IPv4', [notReady(['10.244.2.10'])]),
    // Dual stack: one pod, one slice per family; its target port differs from the Service's 5432.
    slice('default', 'db', 'v4', 'IPv4', [ready(['10.244.3.7'], 'db-0')], [{ name: 'pg', protocol: 'TCP', port: 15432 }]),
    slice('default', 'db', 'v6', 'IPv6', [ready(['fd00:244::7'], 'db-0')], [{ name: 'pg', protocol: 'TCP', port: 15432 }]),
    slice('default', 'db', 'fqdn', 'FQDN', [ready(['db.example.com'])]),
  ],
  pods: [pod('default', 'web-1', ['10.244.1.5']), pod('other', 'web-2', ['10.244.1.6', 'fd00::6'])],
};

/** A record in zone-file form without the class: `name ttl TYPE data`. */
export function fmt(r: AnswerRecord): string {
  const d = r.data;
  const data = (() => {
    switch (d.kind) {
      case 'A':
      case 'AAAA':
        return d.address;
      case 'CNAME':
      case 'NS':
      case 'PTR':
        return d.target;
      case 'SRV':
        return `${d.priority} ${d.weight} ${d.port} ${d.target}`;
      case 'TXT':
        return d.strings.map((s) => JSON.stringify(s)).join(' ');
      case 'SOA':
        return `${d.mname} ${d.rname} ${d.serial} ${d.refresh} ${d.retry} ${d.expire} ${d.minimum}`;
    }
  })();
  return `${r.name} ${r.ttl} ${d.kind} ${data}`;
}
