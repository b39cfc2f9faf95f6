// core/v1 Service: defaulting, validation and printing. ClusterIPs and NodePorts are allocated by
// the registry's service allocator (apiserver/registry/service-allocator.ts), not here.
import type { KObject, Service, ServicePort } from '../../lib/api/types';
import { defineResource, col, objAge, NAME_COLUMN, AGE_COLUMN } from './common';
import { kindSchema, Str, Int, Bool, StrMap, IntOrString, obj, opt, req, list, named, conditionSchema } from './schemas';
import { prepareServiceUpdate, validateServiceUpdate } from './service-update';
import { externallyAccessible, loadBalancerStatus as loadBalancerStatusErrors, validateService } from './validation-service';

export { validateService } from './validation-service';
export { keepAllocations } from './service-update';


const ServicePort = named(
  'io.k8s.api.core.v1.ServicePort',
  obj(
    {
      name: opt(Str, 'The name of this port within the service, a DNS_LABEL; required when the service has more than one port.'),
      protocol: opt(Str, 'The IP protocol for this port: TCP, UDP or SCTP. Default is TCP.'),
      appProtocol: opt(Str, 'The application protocol for this port, a hint for implementations (IANA service names or prefixed names).'),
      port: req(Int, 'The port that will be exposed by this service.'),
      targetPort: opt(IntOrString, "Number or name of the port to access on the pods targeted by the service; defaults to the value of 'port'."),
      nodePort: opt(Int, 'The port on each node on which this service is exposed when type is NodePort or LoadBalancer; allocated by the system when unset.'),
    },
    "ServicePort contains information on service's port.",
  ),
);

const SessionAffinityConfig = named(
  'io.k8s.api.core.v1.SessionAffinityConfig',
  obj(
    {
      clientIP: opt(
        named(
          'io.k8s.api.core.v1.ClientIPConfig',
          obj({ timeoutSeconds: opt(Int, 'The seconds of ClientIP type session sticky time (0 < x <= 86400, default 10800).') }, 'The configurations of Client IP based session affinity.'),
        ),
        'The configurations of Client IP based session affinity.',
      ),
    },
    'The configurations of session affinity.',
  ),
);

const ServiceSpec = named(
  'io.k8s.api.core.v1.ServiceSpec',
  obj(
    {
      ports: opt(list(ServicePort), 'The list of ports that are exposed by this service.'),
      selector: opt(StrMap, 'Route service traffic to pods with label keys and values matching this selector; ignored for ExternalName services.'),
      clusterIP: opt(Str, 'The IP address of the service, usually assigned randomly; "None" makes a headless service. Immutable once set.'),
      clusterIPs: opt(list(Str), 'The IP addresses assigned to this service, one per IP family; the first equals clusterIP.'),
      type: opt(Str, 'How the Service is exposed: ClusterIP (default), NodePort, LoadBalancer or ExternalName.'),
      externalIPs: opt(list(Str), 'IP addresses for which nodes in the cluster will also accept traffic for this service.'),
      sessionAffinity: opt(Str, 'ClientIP enables client IP based session affinity; None (default) disables it.'),
      loadBalancerIP: opt(Str, 'Deprecated: the IP asked of the load balancer, when the implementation supports it.'),
      loadBalancerSourceRanges: opt(list(Str), 'Client IP ranges (CIDRs) allowed through a cloud load balancer, where supported.'),
      externalName: opt(Str, 'The external reference returned as a CNAME record by discovery mechanisms; requires type ExternalName.'),
      externalTrafficPolicy: opt(Str, 'How externally-originated traffic is routed to the endpoints: Cluster (default) or Local.'),
      healthCheckNodePort: opt(Int, 'The health check node port for a LoadBalancer service with externalTrafficPolicy Local.'),
      publishNotReadyAddresses: opt(Bool, "If true, endpoints of this service include addresses of pods that are not ready."),
      sessionAffinityConfig: opt(SessionAffinityConfig, 'The configurations of session affinity.'),
      ipFamilies: opt(list(Str), 'The IP families (IPv4, IPv6) assigned to this service, in order.'),
      ipFamilyPolicy: opt(Str, 'The dual-stack-ness of this service: SingleStack, PreferDualStack or RequireDualStack.'),
      allocateLoadBalancerNodePorts: opt(Bool, 'Whether NodePorts are allocated for a LoadBalancer service. Defaults to true.'),
      loadBalancerClass: opt(Str, 'The class of the load balancer implementation this service belongs to. Immutable.'),
      internalTrafficPolicy: opt(Str, 'How cluster-internal traffic is routed to the endpoints: Cluster (default) or Local.'),
      trafficDistribution: opt(Str, 'A preference for how traffic is distributed to the endpoints, e.g. PreferClose.'),
    },
    'ServiceSpec describes the attributes that a user creates on a service.',
  ),
);

const PortStatus = named(
  'io.k8s.api.core.v1.PortStatus',
  obj(
    {
      port: req(Int, 'The port number of the service port of which status is recorded here.'),
      protocol: req(Str, 'The protocol of the service port: TCP, UDP or SCTP.'),
      error: opt(Str, 'The problem with this service port, as a CamelCase reason; empty means it is working.'),
    },
    'The status of a load balancer port.',
  ),
);

/** status.loadBalancer of a Service (the Ingress has its own, same-shaped type). */
export function loadBalancerStatus(prefix: string, ipMode: boolean) {
  return named(
    `${prefix}LoadBalancerStatus`,
    obj(
      {
        ingress: opt(
          list(
            named(
              `${prefix}LoadBalancerIngress`,
              obj(
                {
                  ip: opt(Str, 'The IP of an IP-based load-balancer ingress point.'),
                  hostname: opt(Str, 'The hostname of a DNS-based load-balancer ingress point.'),
                  ...(ipMode ? { ipMode: opt(Str, 'How the load-balancer IP behaves: VIP (traffic is delivered to the node with the destination set to the IP) or Proxy.') } : {}),
                  ports: opt(list(PortStatus), 'The records of service ports; each one names the port and its problem, if any.'),
                },
                'An ingress point for the load-balancer.',
              ),
            ),
          ),
          'A list containing ingress points for the load-balancer.',
        ),
      },
      'The status of a load-balancer.',
    ),
  );
}

const ServiceStatus = named(
  'io.k8s.api.core.v1.ServiceStatus',
  obj(
    {
      loadBalancer: opt(loadBalancerStatus('io.k8s.api.core.v1.', true), 'The current status of the load-balancer, if one is present.'),
      conditions: opt(
        list(conditionSchema('io.k8s.apimachinery.pkg.apis.meta.v1.Condition', ['lastTransitionTime'], { observedGeneration: opt(Int, 'The .metadata.generation the condition was set based upon.') })),
        'The current conditions of the service.',
      ),
    },
    'The current status of a service.',
  ),
);

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
  if (externallyAccessible(spec)) spec.externalTrafficPolicy ??= 'Cluster';
  if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
  // SetDefaults_Service: ClientIP affinity sticks for 3 hours unless told otherwise.
  if (spec.sessionAffinity === 'ClientIP') {
    const cfg: { clientIP?: { timeoutSeconds?: number } } = (spec.sessionAffinityConfig ??= {});
    cfg.clientIP ??= {};
    cfg.clientIP.timeoutSeconds ??= 10800;
  }
  spec.ipFamilies ??= ['IPv4'];
  spec.ipFamilyPolicy ??= 'SingleStack';
  for (const p of spec.ports ?? []) {
    if (!p || typeof p !== 'object') continue;
    p.protocol ??= 'TCP';
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
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
  schema: kindSchema({ spec: ServiceSpec, status: ServiceStatus }, 'Service is a named abstraction of software service (for example, mysql) consisting of local port (for example 3306) that the proxy listens on, and the selector that determines which pods will answer requests sent through the proxy.'),
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
  prepareForUpdate: prepareServiceUpdate,
  validate: validateService,
  validateStatus: (o) => loadBalancerStatusErrors((o as Service).status?.loadBalancer, 'status.loadBalancer', true),
  validateUpdate: validateServiceUpdate,
});
