// core/v1 Service: defaulting, validation and printing. ClusterIPs and NodePorts are allocated by
// the registry's service allocator (apiserver/registry/service-allocator.ts), not here.
import type { KObject, Service, ServicePort } from '../../lib/api/types';
import { defineResource, col, objAge, NAME_COLUMN, AGE_COLUMN } from './common';
import { kindSchema, Type, Open, Str, Int, StrMap, IntOrString } from './schemas';
import {
  dns1123Label,
  duplicate,
  forbidden,
  immutable,
  intOrNamedPort,
  invalid,
  labels,
  notSupported,
  port,
  protocol,
  required,
  type FieldError,
} from './validation';

const TYPES = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'];
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function servicePortsText(s: Service): string {
  const ports = s.spec?.ports ?? [];
  if (ports.length === 0) return '<none>';
  return ports.map((p) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol ?? 'TCP'}` : `${p.port}/${p.protocol ?? 'TCP'}`)).join(',');
}

export function serviceExternalIp(s: Service): string {
  const spec = s.spec ?? {};
  const ext = (spec.externalIPs as string[] | undefined) ?? [];
  switch (spec.type) {
    case 'ExternalName':
      return String(spec.externalName ?? '<none>');
    case 'LoadBalancer': {
      const ingress = ((s.status as { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } })?.loadBalancer?.ingress ?? [])
        .map((i) => i.ip ?? i.hostname ?? '')
        .filter(Boolean);
      const all = [...ingress, ...ext];
      return all.length ? all.join(',') : '<pending>';
    }
    default:
      return ext.length ? ext.join(',') : '<none>';
  }
}

function selectorText(sel: Record<string, string> | undefined): string {
  const parts = Object.entries(sel ?? {}).map(([k, v]) => `${k}=${v}`);
  return parts.length ? parts.sort().join(',') : '<none>';
}

export function defaultService(o: KObject): void {
  const s = o as Service;
  s.spec ??= {};
  const spec = s.spec;
  spec.type ??= 'ClusterIP';
  if (spec.type === 'ExternalName') return;
  spec.sessionAffinity ??= 'None';
  spec.internalTrafficPolicy ??= 'Cluster';
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') spec.externalTrafficPolicy ??= 'Cluster';
  spec.ipFamilies ??= ['IPv4'];
  spec.ipFamilyPolicy ??= 'SingleStack';
  for (const p of spec.ports ?? []) {
    if (!p || typeof p !== 'object') continue;
    p.protocol ??= 'TCP';
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
}

export function validateService(o: KObject): FieldError[] {
  const s = o as Service;
  const spec = s.spec;
  if (!spec) return [required('spec')];
  const errs: FieldError[] = [];
  const type = spec.type ?? 'ClusterIP';
  if (!TYPES.includes(type)) errs.push(notSupported('spec.type', type, TYPES));
  if (type === 'ExternalName') {
    if (!spec.externalName) errs.push(required('spec.externalName'));
    return errs;
  }
  const ports: ServicePort[] = spec.ports ?? [];
  if (ports.length === 0 && spec.clusterIP !== 'None') errs.push(required('spec.ports'));
  const names = new Set<string>();
  const seen = new Set<string>();
  ports.forEach((p, i) => {
    const f = `spec.ports[${i}]`;
    if (ports.length > 1 && !p.name) errs.push(required(`${f}.name`));
    if (p.name) {
      errs.push(...dns1123Label(`${f}.name`, p.name));
      if (names.has(p.name)) errs.push(duplicate(`${f}.name`, p.name));
      names.add(p.name);
    }
    errs.push(...port(`${f}.port`, p.port), ...protocol(`${f}.protocol`, p.protocol));
    if (p.targetPort !== undefined) errs.push(...intOrNamedPort(`${f}.targetPort`, p.targetPort));
    const key = `${p.port}/${p.protocol ?? 'TCP'}`;
    if (seen.has(key)) errs.push(duplicate(f, { port: p.port, protocol: p.protocol ?? 'TCP' }));
    seen.add(key);
    if (p.nodePort !== undefined && p.nodePort !== 0) {
      if (type === 'ClusterIP') errs.push(forbidden(`${f}.nodePort`, "may not be used when `type` is 'ClusterIP'"));
      else errs.push(...port(`${f}.nodePort`, p.nodePort));
    }
  });
  const ip = spec.clusterIP;
  if (ip !== undefined && ip !== '' && ip !== 'None' && !IPV4.test(ip))
    errs.push(invalid('spec.clusterIP', ip, 'must be empty, \'None\', or a valid IP address'));
  if (ip === 'None' && type !== 'ClusterIP') errs.push(invalid('spec.clusterIP', ip, 'may not be set to \'None\' for LoadBalancer or NodePort services'));
  const aff = spec.sessionAffinity;
  if (aff !== undefined && !['None', 'ClientIP'].includes(aff)) errs.push(notSupported('spec.sessionAffinity', aff, ['ClientIP', 'None']));
  if (spec.selector !== undefined) errs.push(...labels('spec.selector', spec.selector));
  return errs;
}

/** On update, keep what was allocated when the client left it out (kubectl replace, PUT without it). */
export function keepAllocations(o: KObject, old: KObject): void {
  const s = o as Service;
  const prev = old as Service;
  if (!s.spec || !prev.spec) return;
  if ((s.spec.clusterIP === undefined || s.spec.clusterIP === '') && prev.spec.clusterIP && s.spec.type !== 'ExternalName') {
    s.spec.clusterIP = prev.spec.clusterIP;
    s.spec.clusterIPs = prev.spec.clusterIPs ?? [prev.spec.clusterIP];
  }
  if ((s.spec.type === 'NodePort' || s.spec.type === 'LoadBalancer')) {
    for (const p of s.spec.ports ?? []) {
      if (p.nodePort) continue;
      const match = (prev.spec.ports ?? []).find((q) => q.nodePort && q.port === p.port && (q.protocol ?? 'TCP') === (p.protocol ?? 'TCP'));
      if (match) p.nodePort = match.nodePort;
    }
  }
}

function validateServiceUpdate(o: KObject, old: KObject): FieldError[] {
  const a = (old as Service).spec ?? {};
  const b = (o as Service).spec ?? {};
  if (a.type === 'ExternalName' || b.type === 'ExternalName') return [];
  if (a.clusterIP && b.clusterIP !== a.clusterIP) return [immutable('spec.clusterIPs[0]', b.clusterIP ?? '')];
  return [];
}

export const services = defineResource({
  group: '',
  version: 'v1',
  kind: 'Service',
  resource: 'services',
  singular: 'service',
  namespaced: true,
  shortNames: ['svc'],
  categories: ['all'],
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  subresources: ['status', 'proxy'],
  hasStatus: true,
  nameRule: 'dns1035',
  schema: kindSchema({
    spec: Type.Object(
      {
        type: Type.Optional(Str),
        selector: Type.Optional(StrMap),
        clusterIP: Type.Optional(Str),
        clusterIPs: Type.Optional(Type.Array(Str)),
        sessionAffinity: Type.Optional(Str),
        externalName: Type.Optional(Str),
        ports: Type.Optional(
          Type.Array(
            Type.Object(
              { name: Type.Optional(Str), protocol: Type.Optional(Str), port: Int, targetPort: Type.Optional(IntOrString), nodePort: Type.Optional(Int) },
              Open,
            ),
          ),
        ),
      },
      Open,
    ),
    status: Type.Object({}, Open),
  }),
  printerColumns: [
    NAME_COLUMN,
    col('Type', 'string', 'The type of the service.'),
    col('Cluster-IP', 'string', 'The cluster IP of the service.'),
    col('External-IP', 'string', 'The external IP of the service.'),
    col('Port(s)', 'string', 'The ports of the service.'),
    AGE_COLUMN,
    col('Selector', 'string', 'The label selector of the service.', 1),
  ],
  printRow: (o) => {
    const s = o as Service;
    const type = s.spec?.type ?? 'ClusterIP';
    return [
      s.metadata.name,
      type,
      type === 'ExternalName' ? '<none>' : s.spec?.clusterIP || '<none>',
      serviceExternalIp(s),
      servicePortsText(s),
      objAge(s),
      selectorText(s.spec?.selector),
    ];
  },
  fieldSelectors: {
    'spec.clusterIP': (o) => (o as Service).spec?.clusterIP ?? '',
    'spec.type': (o) => (o as Service).spec?.type ?? '',
  },
  defaults: defaultService,
  prepareForCreate: (o) => {
    (o as Service).status = { loadBalancer: {} };
  },
  prepareForUpdate: keepAllocations,
  validate: validateService,
  validateUpdate: validateServiceUpdate,
});
