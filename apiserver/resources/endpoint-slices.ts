// discovery.k8s.io/v1 EndpointSlice: a slice of a service's backends of one address type.
// addressType is immutable; addresses are checked against it; ports default to TCP.
import type { KObject } from '../../lib/api/types';
import { defineResource, col, objAge, NAME_COLUMN, AGE_COLUMN } from './common';
import { kindSchema, Str, Int, Bool, StrMap, obj, opt, req, list, named, ObjectReference } from './schemas';
import { joinWithMore } from './printing';
import { immutable } from './validation';
import { validateEndpointSlice } from './validation-endpoints';

type Obj = Record<string, any>;
type Slice = KObject & { addressType?: string; endpoints?: Obj[]; ports?: Obj[] };


const ForZone = named('io.k8s.api.discovery.v1.ForZone', obj({ name: req(Str, 'The name of the zone.') }, 'A zone this endpoint should be consumed by.'));
const ForNode = named('io.k8s.api.discovery.v1.ForNode', obj({ name: req(Str, 'The name of the node.') }, 'A node this endpoint should be consumed by.'));

const Endpoint = named(
  'io.k8s.api.discovery.v1.Endpoint',
  obj(
    {
      addresses: req(list(Str), 'Addresses of this endpoint, interpreted according to the slice addressType. 1 to 100 entries.'),
      conditions: opt(
        named(
          'io.k8s.api.discovery.v1.EndpointConditions',
          obj(
            {
              ready: opt(Bool, 'Whether this endpoint is ready to receive traffic; a terminating endpoint is never ready.'),
              serving: opt(Bool, 'Whether this endpoint is ready, regardless of whether it is terminating.'),
              terminating: opt(Bool, 'Whether this endpoint is terminating.'),
            },
            'The current condition of an endpoint.',
          ),
        ),
        'The current state of the endpoint.',
      ),
      hostname: opt(Str, 'Hostname of this endpoint, usable by consumers (such as DNS) to tell endpoints apart.'),
      targetRef: opt(ObjectReference, 'A reference to the object this endpoint stands for (usually a Pod).'),
      deprecatedTopology: opt(StrMap, 'Deprecated topology information kept for the v1beta1 API; use nodeName and zone.'),
      nodeName: opt(Str, 'Name of the Node hosting this endpoint.'),
      zone: opt(Str, 'The zone this endpoint exists in.'),
      hints: opt(
        named(
          'io.k8s.api.discovery.v1.EndpointHints',
          obj(
            {
              forZones: opt(list(ForZone), 'The zones this endpoint should be consumed by, for topology aware routing.'),
              forNodes: opt(list(ForNode), 'The nodes this endpoint should be consumed by, for topology aware routing.'),
            },
            'Information about how an endpoint should be consumed.',
          ),
        ),
        'Information about how this endpoint should be consumed.',
      ),
    },
    'A single logical backend implementing a service.',
  ),
);
const EndpointPort = named(
  'io.k8s.api.discovery.v1.EndpointPort',
  obj(
    {
      name: opt(Str, 'The name of this port, matching a Service port name.'),
      protocol: opt(Str, 'The IP protocol: TCP, UDP or SCTP. Defaults to TCP.'),
      port: opt(Int, 'The port number of the endpoint; unset means all ports.'),
      appProtocol: opt(Str, 'The application protocol for this port.'),
    },
    'A port used by an endpoint.',
  ),
);

export const endpointslices = defineResource({
  group: 'discovery.k8s.io',
  version: 'v1',
  kind: 'EndpointSlice',
  resource: 'endpointslices',
  singular: 'endpointslice',
  namespaced: true,
  schema: kindSchema(
    {
      addressType: req(Str, 'The type of address carried by this slice: IPv4, IPv6 or FQDN. Immutable.'),
      endpoints: opt(list(Endpoint), 'A list of unique endpoints in this slice, at most 1000.'),
      ports: opt(list(EndpointPort), 'The network ports exposed by each endpoint in this slice.'),
    },
    'EndpointSlice represents a subset of the endpoints that implement a service.',
  ),
  printerColumns: [
    NAME_COLUMN,
    col('AddressType', 'string', 'The type of address carried by this EndpointSlice.'),
    col('Ports', 'string', 'Ports exposed by the endpoints.'),
    col('Endpoints', 'string', 'The addresses of the endpoints.'),
    AGE_COLUMN,
  ],
  printRow: (o) => {
    const s = o as Slice;
    const ports = (s.ports ?? []).map((p) => (typeof p?.port === 'number' ? String(p.port) : '<unset>'));
    const addrs = (s.endpoints ?? []).flatMap((e) => (Array.isArray(e?.addresses) ? e.addresses.map(String) : []));
    return [s.metadata.name, s.addressType ?? '', ports.length ? joinWithMore(ports) : '<unset>', addrs.length ? joinWithMore(addrs) : '<unset>', objAge(s)];
  },
  defaults: (o) => {
    for (const p of (o as Slice).ports ?? []) if (p && typeof p === 'object') {
      p.name ??= '';
      p.protocol ??= 'TCP';
    }
  },
  validate: validateEndpointSlice,
  validateUpdate: (o, old) => ((o as Slice).addressType === (old as Slice).addressType ? [] : [immutable('addressType', (o as Slice).addressType)]),
});
