// Hand-built ProxyPlans for the nftables tests (unit golden tests and the integration test that
// applies them with the real nft): one per Service feature, built with the plan types directly so
// the tests do not depend on the planner. Also the golden-file check the builders' tests share.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../lib/repo-root';
import type { PlannedEndpoint, ProxyPlan, ServicePortPlan } from '../plan/types';

export function ep(ip: string, port: number, local = false, state: 'ready' | 'terminating' = 'ready'): PlannedEndpoint {
  return { ip, port, endpoint: `${ip}:${port}`, local, ready: state === 'ready', serving: true, terminating: state === 'terminating' };
}

/** A service port; clusterEndpoints default to `endpoints`, localEndpoints to the local ones among them. */
export function port(p: Partial<ServicePortPlan> & { namespace: string; service: string; clusterIP: string; port: number; endpoints?: PlannedEndpoint[] }): ServicePortPlan {
  const { endpoints = [], ...rest } = p;
  const portName = p.name?.includes(':') ? p.name.slice(p.name.indexOf(':') + 1) : '';
  return {
    name: `${p.namespace}/${p.service}${portName ? ':' + portName : ''}`,
    protocol: 'tcp',
    nodePort: 0,
    externalIPs: [],
    loadBalancerIPs: [],
    externalPolicyLocal: false,
    internalPolicyLocal: false,
    healthCheckNodePort: 0,
    clusterEndpoints: endpoints,
    localEndpoints: endpoints.filter((e) => e.local),
    allEndpoints: endpoints,
    ...rest,
  };
}

export const plan = (...servicePorts: ServicePortPlan[]): ProxyPlan => ({ servicePorts, skipped: [] });

export const CLUSTER_CIDR = '10.244.0.0/16';
export const NODE_IPS = ['192.168.50.10'];

/** One plan per feature, keyed by the golden file's name. */
export const FEATURE_PLANS: Record<string, ProxyPlan> = {
  'cluster-ip': plan(
    port({ namespace: 'default', service: 'web', name: 'default/web:http', clusterIP: '10.96.12.34', port: 80, endpoints: [ep('10.244.0.7', 8080), ep('10.244.1.12', 8080)] }),
    // Two ports on one cluster IP: one cluster-ips element, two service-ips entries.
    port({ namespace: 'kube-system', service: 'kube-dns', name: 'kube-system/kube-dns:dns', protocol: 'udp', clusterIP: '10.96.0.10', port: 53, endpoints: [ep('10.244.0.2', 53)] }),
    port({ namespace: 'kube-system', service: 'kube-dns', name: 'kube-system/kube-dns:dns-tcp', clusterIP: '10.96.0.10', port: 53, endpoints: [ep('10.244.0.2', 53)] }),
  ),
  'node-port': plan(port({ namespace: 'default', service: 'np', clusterIP: '10.96.0.20', port: 80, nodePort: 30080, endpoints: [ep('10.244.0.7', 8080, true), ep('10.244.1.12', 8080)] })),
  'no-endpoints': plan(
    port({ namespace: 'default', service: 'empty', clusterIP: '10.96.0.99', port: 443, nodePort: 30443, externalIPs: ['203.0.113.9'], loadBalancerIPs: ['198.51.100.7'] }),
  ),
  'external-ips-lb': plan(
    port({
      namespace: 'default',
      service: 'lb',
      clusterIP: '10.96.0.30',
      port: 80,
      nodePort: 30081,
      externalIPs: ['203.0.113.10'],
      loadBalancerIPs: ['198.51.100.10'],
      endpoints: [ep('10.244.1.5', 80)],
    }),
  ),
  'external-policy-local': plan(
    port({
      namespace: 'default',
      service: 'etp',
      clusterIP: '10.96.0.40',
      port: 80,
      nodePort: 30082,
      loadBalancerIPs: ['198.51.100.20'],
      externalPolicyLocal: true,
      healthCheckNodePort: 32000,
      endpoints: [ep('10.244.0.9', 80, true), ep('10.244.1.9', 80)],
    }),
  ),
  'external-policy-local-none-here': plan(
    port({
      namespace: 'default',
      service: 'etp-remote',
      clusterIP: '10.96.0.41',
      port: 80,
      nodePort: 30083,
      externalIPs: ['203.0.113.41'],
      externalPolicyLocal: true,
      endpoints: [ep('10.244.1.41', 80)],
    }),
  ),
  'internal-policy-local': plan(
    port({ namespace: 'default', service: 'itp', clusterIP: '10.96.0.50', port: 80, internalPolicyLocal: true, endpoints: [ep('10.244.0.50', 80, true), ep('10.244.1.50', 80)] }),
    port({ namespace: 'default', service: 'itp-remote', clusterIP: '10.96.0.51', port: 80, internalPolicyLocal: true, endpoints: [ep('10.244.1.51', 80)] }),
  ),
  'both-policies-local': plan(
    port({
      namespace: 'default',
      service: 'all-local',
      clusterIP: '10.96.0.60',
      port: 80,
      nodePort: 30084,
      internalPolicyLocal: true,
      externalPolicyLocal: true,
      endpoints: [ep('10.244.0.60', 80, true), ep('10.244.1.60', 80)],
    }),
  ),
  'session-affinity': plan(
    port({ namespace: 'default', service: 'sticky', clusterIP: '10.96.0.70', port: 80, sessionAffinity: { timeoutSeconds: 600 }, endpoints: [ep('10.244.0.70', 80), ep('10.244.1.70', 80)] }),
  ),
  'terminating-fallback': plan(
    // The plan already chose the serving terminating endpoints; the builder must use them as given.
    port({ namespace: 'default', service: 'draining', protocol: 'sctp', clusterIP: '10.96.0.80', port: 9000, endpoints: [ep('10.244.0.80', 9000, false, 'terminating')] }),
  ),
};

/** Every feature in one plan, sorted by name as the planner sorts it. */
export function allFeaturesPlan(): ProxyPlan {
  const ports = Object.values(FEATURE_PLANS).flatMap((p) => p.servicePorts);
  ports.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.protocol < b.protocol ? -1 : a.protocol > b.protocol ? 1 : 0));
  return plan(...ports);
}

/** Golden files are test fixtures (test/fixtures/kube-proxy/nftables); the sources' copy is the one
 *  compared and rewritten (UPDATE_GOLDEN=1), whether the test runs from dist/ or from the sources. */
export function checkGolden(name: string, actual: string): void {
  const file = path.join(repoRoot(), 'test', 'fixtures', 'kube-proxy', 'nftables', name);
  if (process.env.UPDATE_GOLDEN) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, actual);
  }
  assert.equal(actual, fs.readFileSync(file, 'utf8'));
}
