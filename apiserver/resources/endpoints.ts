// core/v1 Endpoints: written by the endpoints controller, read by kube-proxy and DNS.
import type { Endpoints } from '../../lib/api/types';
import { defineResource, col, objAge, NAME_COLUMN, AGE_COLUMN } from './common';
import { kindSchema, Str, Int, obj, opt, req, list, named, ObjectReference } from './schemas';
import { validateEndpoints } from './validation-endpoints';

/** "ip:port,ip:port,ip:port + N more..." as kubectl shows it. */
export function endpointsText(ep: Endpoints): string {
  const all: string[] = [];
  for (const s of ep.subsets ?? []) {
    const ports = s.ports?.length ? s.ports : [undefined];
    for (const a of s.addresses ?? []) for (const p of ports) all.push(p ? `${a.ip}:${p.port}` : a.ip);
  }
  if (all.length === 0) return '<none>';
  const shown = all.slice(0, 3).join(',');
  return all.length > 3 ? `${shown} + ${all.length - 3} more...` : shown;
}

const EndpointAddress = named(
  'io.k8s.api.core.v1.EndpointAddress',
  obj(
    {
      ip: req(Str, 'The IP of this endpoint (IPv4 or IPv6); may not be loopback, link-local or multicast.'),
      hostname: opt(Str, 'The hostname of this endpoint.'),
      nodeName: opt(Str, 'The node hosting this endpoint, used to pick endpoints local to a node.'),
      targetRef: opt(ObjectReference, 'A reference to the object providing the endpoint.'),
    },
    'EndpointAddress is a tuple that describes a single IP address.',
  ),
);

const EndpointPort = named(
  'io.k8s.api.core.v1.EndpointPort',
  obj(
    {
      name: opt(Str, 'The name of this port, matching the name of the ServicePort; optional when only one port is defined.'),
      port: req(Int, 'The port number of the endpoint.'),
      protocol: opt(Str, 'The IP protocol for this port: TCP, UDP or SCTP. Default is TCP.'),
      appProtocol: opt(Str, 'The application protocol for this port.'),
    },
    'EndpointPort is a tuple that describes a single port.',
  ),
);

const EndpointSubset = named(
  'io.k8s.api.core.v1.EndpointSubset',
  obj(
    {
      addresses: opt(list(EndpointAddress), 'IP addresses which offer the related ports and are marked as ready.'),
      notReadyAddresses: opt(list(EndpointAddress), 'IP addresses which offer the related ports but are not currently marked as ready.'),
      ports: opt(list(EndpointPort), 'Port numbers available on the related IP addresses.'),
    },
    'EndpointSubset is a group of addresses with a common set of ports.',
  ),
);

export const endpoints = defineResource({
  group: '',
  version: 'v1',
  kind: 'Endpoints',
  resource: 'endpoints',
  singular: 'endpoints',
  namespaced: true,
  shortNames: ['ep'],
  schema: kindSchema(
    { subsets: opt(list(EndpointSubset), 'The sets of addresses and ports that comprise a service.') },
    'Endpoints is a collection of endpoints that implement the actual service.',
  ),
  printerColumns: [NAME_COLUMN, col('Endpoints', 'string', 'Endpoints of the service'), AGE_COLUMN],
  printRow: (o) => [o.metadata.name, endpointsText(o as Endpoints), objAge(o)],
  defaults: (o) => {
    for (const s of (o as Endpoints).subsets ?? []) for (const p of s.ports ?? []) p.protocol ??= 'TCP';
  },
  validate: validateEndpoints,
});
