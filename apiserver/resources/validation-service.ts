// Services (ValidateService): ports and target ports, cluster IPs and families, external IPs,
// load balancer source ranges, session affinity, traffic policies, ExternalName, and the load
// balancer status — with upstream's paths (including its `spec.LoadBalancerSourceRanges`).
import type { KObject, Service, ServicePort } from '../../lib/api/types';
import { duplicate, eachInvalid, forbidden, invalid, notSupported, required, type FieldError } from './field-errors';
import { dns1123LabelErrors, dns1123SubdomainErrors, labels, qualifiedNameErrors } from './validation-names';
import { cidr, intOrNamedPort, ip, nonSpecialIP, parseIP, port, protocol } from './validation-network';

type Obj = Record<string, any>;
const present = (v: unknown): boolean => v !== undefined && v !== null;
const list = (v: unknown): any[] => (Array.isArray(v) ? v : []);

const TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const MAX_AFFINITY = 86400;

function servicePorts(ports: ServicePort[], field: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  ports.forEach((p, i) => {
    const f = `${field}[${i}]`;
    if (ports.length > 1 && !p?.name) errs.push(required(`${f}.name`));
    else if (p?.name) {
      errs.push(...eachInvalid(`${f}.name`, p.name, dns1123LabelErrors(p.name)));
      if (names.has(p.name)) errs.push(duplicate(`${f}.name`, p.name));
      else names.add(p.name);
    }
    errs.push(...port(`${f}.port`, p?.port));
    if ((p?.protocol as string) === '') errs.push(required(`${f}.protocol`));
    else errs.push(...protocol(`${f}.protocol`, p?.protocol));
    if (present(p?.targetPort)) errs.push(...intOrNamedPort(`${f}.targetPort`, p.targetPort));
    const app = (p as Obj)?.appProtocol;
    if (present(app)) errs.push(...eachInvalid(`${f}.appProtocol`, app, qualifiedNameErrors(String(app))));
    if (p?.nodePort) errs.push(...port(`${f}.nodePort`, p.nodePort));
  });
  return errs;
}

/** ValidateServiceClusterIPsRelatedFields, on the list the registry will store (clusterIP first). */
function clusterIPs(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const f = 'spec.clusterIPs';
  let ips: string[] = list(spec.clusterIPs);
  if (spec.clusterIP && ips.length === 0) ips = [spec.clusterIP];
  if (spec.clusterIP && ips.length > 0 && ips[0] !== spec.clusterIP) errs.push(invalid(f, ips, 'first value must match `clusterIP`'));
  const seen = new Set<string>();
  list(spec.ipFamilies).forEach((fam, i) => {
    if (!['IPv4', 'IPv6'].includes(fam)) errs.push(notSupported(`spec.ipFamilies[${i}]`, fam, ['IPv4', 'IPv6']));
    if (seen.has(fam)) errs.push(duplicate(`spec.ipFamilies[${i}]`, fam));
    seen.add(fam);
  });
  const policies = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];
  if (present(spec.ipFamilyPolicy) && !policies.includes(spec.ipFamilyPolicy)) errs.push(notSupported('spec.ipFamilyPolicy', spec.ipFamilyPolicy, policies));
  let bad = false;
  ips.forEach((v, i) => {
    if (i === 0 && v === 'None') {
      if (ips.length > 1) {
        bad = true;
        errs.push(invalid(f, ips, "'None' must be the first and only value"));
      }
      return;
    }
    const e = ip(`${f}[${i}]`, v);
    if (e.length) bad = true;
    errs.push(...e);
  });
  if (ips.length > 2) errs.push(invalid(f, ips, 'may only hold up to 2 values'));
  if (!bad && ips.length > 1 && parseIP(ips[0])?.v4 === parseIP(ips[1])?.v4) errs.push(invalid(f, ips, 'may specify no more than one IP for each IP family'));
  return errs;
}

function affinity(spec: Obj): FieldError[] {
  const aff = spec.sessionAffinity;
  if (!aff) return [required('spec.sessionAffinity')];
  if (!['ClientIP', 'None'].includes(aff)) return [notSupported('spec.sessionAffinity', aff, ['ClientIP', 'None'])];
  const f = 'spec.sessionAffinityConfig';
  const cfg = spec.sessionAffinityConfig;
  if (aff === 'None') return present(cfg) ? [forbidden(f, 'must not be set when session affinity is None')] : [];
  const when = 'when session affinity type is ClientIP';
  if (!cfg) return [required(f, when)];
  if (!cfg.clientIP) return [required(`${f}.clientIP`, when)];
  const t = cfg.clientIP.timeoutSeconds;
  if (!present(t)) return [required(`${f}.clientIP.timeoutSeconds`, when)];
  return t <= 0 || t > MAX_AFFINITY ? [invalid(`${f}.clientIP.timeoutSeconds`, t, `must be greater than 0 and less than ${MAX_AFFINITY}`)] : [];
}

/** apiservice.ExternallyAccessible: NodePort, LoadBalancer, or a ClusterIP service with external IPs. */
export const externallyAccessible = (spec: Obj) =>
  spec.type === 'LoadBalancer' || spec.type === 'NodePort' || (spec.type === 'ClusterIP' && list(spec.externalIPs).length > 0);

function trafficPolicies(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const etp = spec.externalTrafficPolicy;
  if (!externallyAccessible(spec)) {
    if (etp) errs.push(invalid('spec.externalTrafficPolicy', etp, 'may only be set for externally-accessible services'));
  } else if (!etp) errs.push(required('spec.externalTrafficPolicy'));
  else if (!['Cluster', 'Local'].includes(etp)) errs.push(notSupported('spec.externalTrafficPolicy', etp, ['Cluster', 'Local']));
  const needsHealthCheck = spec.type === 'LoadBalancer' && etp === 'Local';
  const hc = spec.healthCheckNodePort;
  if (!needsHealthCheck && hc) errs.push(invalid('spec.healthCheckNodePort', hc, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
  if (needsHealthCheck && hc) errs.push(...port('spec.healthCheckNodePort', hc));
  const itp = spec.internalTrafficPolicy;
  if (!present(itp) && ['NodePort', 'LoadBalancer', 'ClusterIP'].includes(spec.type)) errs.push(required('spec.internalTrafficPolicy'));
  if (present(itp) && !['Cluster', 'Local'].includes(itp)) errs.push(notSupported('spec.internalTrafficPolicy', itp, ['Cluster', 'Local']));
  if (present(spec.trafficDistribution) && spec.trafficDistribution !== 'PreferClose') errs.push(notSupported('spec.trafficDistribution', spec.trafficDistribution, ['PreferClose']));
  return errs;
}

export function validateService(o: KObject): FieldError[] {
  const spec = (o as Service).spec as Obj | undefined;
  if (!spec) return [required('spec')];
  const errs: FieldError[] = [];
  const type = spec.type;
  const headless = spec.clusterIP === 'None';
  const ports: ServicePort[] = list(spec.ports);
  if (ports.length === 0 && !headless && type !== 'ExternalName') errs.push(required('spec.ports'));
  if ((type === 'LoadBalancer' || type === 'NodePort') && headless) errs.push(invalid('spec.clusterIPs[0]', 'None', `may not be set to 'None' for ${type} services`));
  if (type === 'ExternalName') {
    if (spec.clusterIP || list(spec.clusterIPs).length) errs.push(forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
    if (list(spec.ipFamilies).length) errs.push(forbidden('spec.ipFamilies', 'may not be set for ExternalName services'));
    if (present(spec.ipFamilyPolicy)) errs.push(forbidden('spec.ipFamilyPolicy', 'may not be set for ExternalName services'));
    const cname = String(spec.externalName ?? '').replace(/\.$/, '');
    if (cname) errs.push(...eachInvalid('spec.externalName', cname, dns1123SubdomainErrors(cname)));
    else errs.push(required('spec.externalName'));
  }
  errs.push(...servicePorts(ports, 'spec.ports'), ...labels('spec.selector', spec.selector));
  if (type !== 'ExternalName') errs.push(...affinity(spec), ...clusterIPs(spec));
  list(spec.externalIPs).forEach((v, i) => {
    const e = ip(`spec.externalIPs[${i}]`, v);
    errs.push(...(e.length ? e : nonSpecialIP(`spec.externalIPs[${i}]`, v)));
  });
  if (!type) errs.push(required('spec.type'));
  else if (!TYPES.includes(type)) errs.push(notSupported('spec.type', type, TYPES));
  const nodePorts = new Set<string>();
  const seen = new Set<string>();
  ports.forEach((p, i) => {
    if (type === 'ClusterIP' && p?.nodePort) errs.push(forbidden(`spec.ports[${i}].nodePort`, "may not be used when `type` is 'ClusterIP'"));
    if (p?.nodePort) {
      const k = `${p.protocol}/${p.nodePort}`;
      if (nodePorts.has(k)) errs.push(duplicate(`spec.ports[${i}].nodePort`, p.nodePort));
      nodePorts.add(k);
    }
    const key = `${p?.protocol}/${p?.port}`;
    if (seen.has(key)) errs.push(duplicate(`spec.ports[${i}]`, { port: p?.port, protocol: p?.protocol }));
    seen.add(key);
  });
  const ranges = list(spec.loadBalancerSourceRanges);
  if (ranges.length) {
    if (type !== 'LoadBalancer') errs.push(forbidden('spec.LoadBalancerSourceRanges', "may only be used when `type` is 'LoadBalancer'"));
    ranges.forEach((r, i) => errs.push(...cidr(`spec.LoadBalancerSourceRanges[${i}]`, typeof r === 'string' ? r.trim() : r)));
  }
  if (present(spec.allocateLoadBalancerNodePorts) && type !== 'LoadBalancer')
    errs.push(forbidden('spec.allocateLoadBalancerNodePorts', "may only be used when `type` is 'LoadBalancer'"));
  if (type === 'LoadBalancer' && !present(spec.allocateLoadBalancerNodePorts)) errs.push(required('allocateLoadBalancerNodePorts'));
  if (present(spec.loadBalancerClass)) {
    if (type !== 'LoadBalancer') errs.push(forbidden('spec.loadBalancerClass', "may only be used when service type is 'LoadBalancer'"));
    else errs.push(...eachInvalid('spec.loadBalancerClass', spec.loadBalancerClass, qualifiedNameErrors(String(spec.loadBalancerClass))));
  }
  if (type !== 'ExternalName') errs.push(...trafficPolicies(spec));
  return errs;
}

/** ValidateLoadBalancerStatus (Service and Ingress statuses). */
export function loadBalancerStatus(status: unknown, field: string, ipModes: boolean): FieldError[] {
  const ingress = list((status as Obj)?.ingress);
  return ingress.flatMap((ing: Obj, i) => {
    const f = `${field}.ingress[${i}]`;
    const errs: FieldError[] = [];
    if (ing?.ip) errs.push(...ip(`${f}.ip`, ing.ip));
    if (ipModes && present(ing?.ipMode)) {
      if (!ing.ip) errs.push(forbidden(`${f}.ipMode`, 'may not be specified when `ip` is not set'));
      else if (!['Proxy', 'VIP'].includes(ing.ipMode)) errs.push(notSupported(`${f}.ipMode`, ing.ipMode, ['Proxy', 'VIP']));
    }
    if (ing?.hostname) {
      errs.push(...eachInvalid(`${f}.hostname`, ing.hostname, dns1123SubdomainErrors(String(ing.hostname))));
      if (parseIP(String(ing.hostname))) errs.push(invalid(`${f}.hostname`, ing.hostname, 'must be a DNS name, not an IP address'));
    }
    return errs;
  });
}
