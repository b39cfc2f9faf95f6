// core/v1 Endpoints: written by the endpoints controller, read by kube-proxy and DNS.
import type { Endpoints, KObject } from '../../lib/api/types';
import { defineResource, col, objAge, NAME_COLUMN, AGE_COLUMN } from './common';
import { kindSchema, Type, Open, Str, Int } from './schemas';
import { invalid, port, protocol, type FieldError } from './validation';

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

function validateEndpoints(o: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const ep = o as Endpoints;
  (ep.subsets ?? []).forEach((s, i) => {
    for (const [list, name] of [[s.addresses, 'addresses'], [s.notReadyAddresses, 'notReadyAddresses']] as const)
      (list ?? []).forEach((a, j) => {
        if (!a?.ip || !/^(\d{1,3}\.){3}\d{1,3}$|:/.test(a.ip)) errs.push(invalid(`subsets[${i}].${name}[${j}].ip`, a?.ip ?? '', 'must be a valid IP address'));
      });
    (s.ports ?? []).forEach((p, j) => errs.push(...port(`subsets[${i}].ports[${j}].port`, p?.port), ...protocol(`subsets[${i}].ports[${j}].protocol`, p?.protocol)));
  });
  return errs;
}

const Address = Type.Object({ ip: Str, nodeName: Type.Optional(Str), hostname: Type.Optional(Str) }, Open);

export const endpoints = defineResource({
  group: '',
  version: 'v1',
  kind: 'Endpoints',
  resource: 'endpoints',
  singular: 'endpoints',
  namespaced: true,
  shortNames: ['ep'],
  schema: kindSchema({
    subsets: Type.Array(
      Type.Object(
        {
          addresses: Type.Optional(Type.Array(Address)),
          notReadyAddresses: Type.Optional(Type.Array(Address)),
          ports: Type.Optional(Type.Array(Type.Object({ name: Type.Optional(Str), port: Int, protocol: Type.Optional(Str) }, Open))),
        },
        Open,
      ),
    ),
  }),
  printerColumns: [NAME_COLUMN, col('Endpoints', 'string', 'Endpoints of the service'), AGE_COLUMN],
  printRow: (o) => [o.metadata.name, endpointsText(o as Endpoints), objAge(o)],
  defaults: (o) => {
    for (const s of (o as Endpoints).subsets ?? []) for (const p of s.ports ?? []) p.protocol ??= 'TCP';
  },
  validate: validateEndpoints,
});
