// What a Service update keeps from the stored object and what it drops. A PUT (kubectl replace)
// that leaves out an allocated value keeps it; a change of type or traffic policy drops the fields
// the new shape no longer uses — but only those the client did not also change, so that a
// contradictory request still fails validation instead of being silently repaired.
import type { KObject, Service, ServicePort } from '../../lib/api/types';
import { immutable, invalid, type FieldError } from './field-errors';

type Spec = Service['spec'];

const needsNodePorts = (s: Spec) => s.type === 'NodePort' || s.type === 'LoadBalancer';
const needsHealthCheck = (s: Spec) => s.type === 'LoadBalancer' && s.externalTrafficPolicy === 'Local';
/** apiservice.ExternallyAccessible. */
const externallyAccessible = (s: Spec) =>
  s.type === 'LoadBalancer' || s.type === 'NodePort' || (s.type === 'ClusterIP' && (s.externalIPs ?? []).length > 0);
const nodePortsOf = (ports: ServicePort[] | undefined) => JSON.stringify((ports ?? []).map((p) => p?.nodePort ?? 0));

/** patchAllocatedValues: values the registry allocated survive an update that omits them. */
export function keepAllocations(o: KObject, old: KObject): void {
  const s = (o as Service).spec;
  const prev = (old as Service).spec;
  if (!s || !prev) return;
  if ((s.clusterIP === undefined || s.clusterIP === '') && prev.clusterIP && s.type !== 'ExternalName') {
    s.clusterIP = prev.clusterIP;
    s.clusterIPs = prev.clusterIPs ?? [prev.clusterIP];
  }
  if (needsNodePorts(s)) {
    for (const p of s.ports ?? []) {
      if (!p || p.nodePort) continue;
      const match = (prev.ports ?? []).find((q) => q.nodePort && q.port === p.port && (q.protocol ?? 'TCP') === (p.protocol ?? 'TCP'));
      if (match) p.nodePort = match.nodePort;
    }
  }
  if (needsHealthCheck(s) && needsHealthCheck(prev) && !s.healthCheckNodePort && prev.healthCheckNodePort) s.healthCheckNodePort = prev.healthCheckNodePort;
}

/** dropTypeDependentFields: what the new type or policy no longer uses, when left as it was. */
export function dropTypeDependentFields(o: KObject, old: KObject): void {
  const svc = o as Service;
  const s = svc.spec;
  const prev = (old as Service).spec;
  if (!s || !prev) return;
  if (needsNodePorts(prev) && !needsNodePorts(s) && nodePortsOf(prev.ports) === nodePortsOf(s.ports))
    for (const p of s.ports ?? []) if (p) delete p.nodePort;
  if (needsHealthCheck(prev) && !needsHealthCheck(s) && prev.healthCheckNodePort === s.healthCheckNodePort) delete s.healthCheckNodePort;
  if (prev.type === 'LoadBalancer' && s.type !== 'LoadBalancer') {
    if (s.allocateLoadBalancerNodePorts !== undefined && s.allocateLoadBalancerNodePorts === prev.allocateLoadBalancerNodePorts) delete s.allocateLoadBalancerNodePorts;
    if (s.loadBalancerClass !== undefined && s.loadBalancerClass === prev.loadBalancerClass) delete s.loadBalancerClass;
    // The load balancer controller releases the address; the status must not claim it meanwhile.
    if (svc.status?.loadBalancer) svc.status.loadBalancer = {};
  }
  if (externallyAccessible(prev) && !externallyAccessible(s) && s.externalTrafficPolicy === prev.externalTrafficPolicy) delete s.externalTrafficPolicy;
}

export function prepareServiceUpdate(o: KObject, old: KObject): void {
  keepAllocations(o, old);
  dropTypeDependentFields(o, old);
}

/** ValidateServiceUpdate: the cluster IP and (between LoadBalancers) the loadBalancerClass stay. */
export function validateServiceUpdate(o: KObject, old: KObject): FieldError[] {
  const a = (old as Service).spec ?? {};
  const b = (o as Service).spec ?? {};
  const errs: FieldError[] = [];
  if (a.type === 'LoadBalancer' && b.type === 'LoadBalancer' && (a.loadBalancerClass ?? null) !== (b.loadBalancerClass ?? null))
    errs.push(invalid('spec.loadBalancerClass', b.loadBalancerClass ?? null, 'may not change once set'));
  if (a.type === 'ExternalName' || b.type === 'ExternalName') return errs;
  if (a.clusterIP && b.clusterIP !== a.clusterIP) errs.push(immutable('spec.clusterIPs[0]', b.clusterIP ?? ''));
  return errs;
}
