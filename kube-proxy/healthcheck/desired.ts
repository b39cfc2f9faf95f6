// Which service health checks this node must serve, and what each answers — decided from the plan
// apart from the listeners (service-health-server.ts). A Service with externalTrafficPolicy Local on
// a LoadBalancer gets spec.healthCheckNodePort; the cloud load balancer probes that port on every
// node and sends traffic only to nodes that answer 200, i.e. nodes with a ready local endpoint.
import type { ProxyPlan } from '../plan/types';

export interface HealthCheck {
  port: number;
  namespace: string;
  name: string;
  /**
   * This node's ready endpoints of the Service, counted by address across its ports (a pod
   * serving 80 and 443 is one endpoint). Terminating endpoints do not count even when they still
   * serve: a node with only terminating endpoints must fail the check so the balancer drains it.
   */
  localEndpoints: number;
}

export interface DesiredHealthChecks {
  /** One per port, sorted by port. */
  checks: HealthCheck[];
  /** Services left without a check because another Service claims their port ("ns/name: why"). */
  conflicts: string[];
}

export function desiredHealthChecks(plan: ProxyPlan): DesiredHealthChecks {
  const byService = new Map<string, { port: number; namespace: string; name: string; ips: Set<string> }>();
  const conflicts: string[] = [];
  for (const sp of plan.servicePorts) {
    if (sp.healthCheckNodePort <= 0) continue;
    const key = `${sp.namespace}/${sp.service}`;
    let entry = byService.get(key);
    if (!entry) {
      entry = { port: sp.healthCheckNodePort, namespace: sp.namespace, name: sp.service, ips: new Set() };
      byService.set(key, entry);
    } else if (entry.port !== sp.healthCheckNodePort) {
      // The field is per Service, so its ports agree; a disagreement is a planner bug, not a crash.
      conflicts.push(`${key}: ports disagree on healthCheckNodePort (${entry.port} and ${sp.healthCheckNodePort}); serving ${entry.port}`);
    }
    for (const e of sp.allEndpoints) if (e.local && e.ready && !e.terminating) entry.ips.add(e.ip);
  }
  const byPort = new Map<number, HealthCheck>();
  for (const [key, e] of [...byService].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const owner = byPort.get(e.port);
    if (owner) {
      // The apiserver allocates health-check ports uniquely; two Services cannot share a listener.
      conflicts.push(`${key}: health check node port ${e.port} is already served for ${owner.namespace}/${owner.name}`);
      continue;
    }
    byPort.set(e.port, { port: e.port, namespace: e.namespace, name: e.name, localEndpoints: e.ips.size });
  }
  return { checks: [...byPort.values()].sort((a, b) => a.port - b.port), conflicts };
}

/** Upstream's answer body, byte for byte: tab-indented JSON, no trailing newline. */
export function healthCheckBody(check: Pick<HealthCheck, 'namespace' | 'name' | 'localEndpoints'>, proxyHealthy: boolean): string {
  return [
    '{',
    '\t"service": {',
    `\t\t"namespace": ${JSON.stringify(check.namespace)},`,
    `\t\t"name": ${JSON.stringify(check.name)}`,
    '\t},',
    `\t"localEndpoints": ${check.localEndpoints},`,
    `\t"serviceProxyHealthy": ${proxyHealthy}`,
    '}',
  ].join('\n');
}

/** 200 only when this node has a ready local endpoint and the proxier itself is healthy. */
export function healthCheckStatus(localEndpoints: number, proxyHealthy: boolean): 200 | 503 {
  return localEndpoints > 0 && proxyHealthy ? 200 : 503;
}
