import assert from 'node:assert/strict';
import type { KObject } from '../../lib/api/types';
import { services } from './services';
import { loadBalancerStatus } from './validation-service';

const msgs = (errs: { field: string; message: string }[]) => errs.map((e) => `${e.field}: ${e.message}`);
const svc = (spec: Record<string, unknown>): KObject => {
  const o = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'default' }, spec: JSON.parse(JSON.stringify(spec)) } as KObject;
  services.defaults!(o);
  return o;
};
const ports = [{ name: 'http', port: 80, targetPort: 8080 }];

describe('validation-service', () => {
  const cases: [string, Record<string, unknown>, string[]][] = [
    ['ClusterIP', { ports }, []],
    ['NodePort with node port', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }, []],
    ['headless without ports', { clusterIP: 'None' }, []],
    ['LoadBalancer', { type: 'LoadBalancer', ports, loadBalancerSourceRanges: ['10.0.0.0/8', ' 192.0.2.0/24 '] }, []],
    ['ExternalName', { type: 'ExternalName', externalName: 'db.example.com.' }, []],
    ['named target port', { ports: [{ port: 80, targetPort: 'http' }] }, []],
    ['numeric string target port', { ports: [{ port: 80, targetPort: '8080' }] }, ['spec.ports[0].targetPort: Invalid value: "8080": must contain at least one letter (a-z)']],
    ['port name', { ports: [{ name: 'HTTP', port: 80 }] }, ['spec.ports[0].name: Invalid value: "HTTP": a lowercase RFC 1123 label']],
    ['bad clusterIP', { ports, clusterIP: '10.96.300.1' }, ['spec.clusterIPs[0]: Invalid value: "10.96.300.1": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)']],
    ['clusterIPs out of step', { ports, clusterIP: '10.96.0.5', clusterIPs: ['10.96.0.6'] }, ['spec.clusterIPs: Invalid value: ["10.96.0.6"]: first value must match `clusterIP`']],
    ['headless NodePort', { type: 'NodePort', clusterIP: 'None', ports }, ["spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services"]],
    ['external IP', { ports, externalIPs: ['not-an-ip'] }, ['spec.externalIPs[0]: Invalid value: "not-an-ip": must be a valid IP address']],
    ['external IP loopback', { ports, externalIPs: ['127.0.0.1'] }, ['spec.externalIPs[0]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)']],
    ['source range on ClusterIP', { ports, loadBalancerSourceRanges: ['10.0.0.0/8'] }, ["spec.LoadBalancerSourceRanges: Forbidden: may only be used when `type` is 'LoadBalancer'"]],
    ['bad source range', { type: 'LoadBalancer', ports, loadBalancerSourceRanges: ['10.0.0.0/33'] }, ['spec.LoadBalancerSourceRanges[0]: Invalid value: "10.0.0.0/33": must be a valid CIDR value']],
    ['ClientIP timeout', { ports, sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 100000 } } }, ['spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 100000: must be greater than 0 and less than 86400']],
    ['affinity config with None', { ports, sessionAffinityConfig: { clientIP: { timeoutSeconds: 5 } } }, ['spec.sessionAffinityConfig: Forbidden: must not be set when session affinity is None']],
    ['external traffic policy on ClusterIP', { ports, externalTrafficPolicy: 'Local' }, ['spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services']],
    ['health check port elsewhere', { type: 'NodePort', ports, healthCheckNodePort: 31000 }, ["spec.healthCheckNodePort: Invalid value: 31000: may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"]],
    ['ExternalName name', { type: 'ExternalName', externalName: 'bad_name' }, ['spec.externalName: Invalid value: "bad_name": a lowercase RFC 1123 subdomain']],
    ['ExternalName missing name', { type: 'ExternalName' }, ['spec.externalName: Required value']],
    ['duplicate node ports', { type: 'NodePort', ports: [{ name: 'a', port: 80, nodePort: 30001 }, { name: 'b', port: 81, nodePort: 30001 }] }, ['spec.ports[1].nodePort: Duplicate value: 30001']],
    ['traffic distribution', { ports, trafficDistribution: 'Anywhere' }, ['spec.trafficDistribution: Unsupported value: "Anywhere": supported values: "PreferClose"']],
    // The Service features of issue 11, as upstream's ValidateService words them.
    ['ClientIP affinity defaults its timeout', { ports, sessionAffinity: 'ClientIP' }, []],
    ['ClientIP timeout at the maximum', { ports, sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 86400 } } }, []],
    ['ClientIP timeout 0', { ports, sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 0 } } }, ['spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 0: must be greater than 0 and less than 86400']],
    ['unknown affinity', { ports, sessionAffinity: 'Cookie' }, ['spec.sessionAffinity: Unsupported value: "Cookie": supported values: "ClientIP", "None"']],
    ['external IP unspecified', { ports, externalIPs: ['0.0.0.0'] }, ['spec.externalIPs[0]: Invalid value: "0.0.0.0": may not be unspecified (0.0.0.0)']],
    ['external IP link-local', { ports, externalIPs: ['169.254.1.1'] }, ['spec.externalIPs[0]: Invalid value: "169.254.1.1": may not be in the link-local range (169.254.0.0/16, fe80::/10)']],
    ['external IP link-local multicast', { ports, externalIPs: ['224.0.0.5'] }, ['spec.externalIPs[0]: Invalid value: "224.0.0.5": may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)']],
    ['external IPs of both families', { ports, externalIPs: ['192.0.2.10', '2001:db8::10'] }, []],
    ['external IP IPv6 loopback', { ports, externalIPs: ['::1'] }, ['spec.externalIPs[0]: Invalid value: "::1": may not be in the loopback range (127.0.0.0/8, ::1/128)']],
    ['ClusterIP with external IPs takes an external traffic policy', { ports, externalIPs: ['192.0.2.10'], externalTrafficPolicy: 'Local' }, []],
    ['external traffic policy on a headless Service', { clusterIP: 'None', externalTrafficPolicy: 'Cluster' }, ['spec.externalTrafficPolicy: Invalid value: "Cluster": may only be set for externally-accessible services']],
    ['unknown external traffic policy', { type: 'NodePort', ports, externalTrafficPolicy: 'Global' }, ['spec.externalTrafficPolicy: Unsupported value: "Global": supported values: "Cluster", "Local"']],
    ['unknown internal traffic policy', { ports, internalTrafficPolicy: 'Node' }, ['spec.internalTrafficPolicy: Unsupported value: "Node": supported values: "Cluster", "Local"']],
    ['LoadBalancer with Local policy and its health check port', { type: 'LoadBalancer', ports, externalTrafficPolicy: 'Local', healthCheckNodePort: 31000 }, []],
    ['health check port out of range', { type: 'LoadBalancer', ports, externalTrafficPolicy: 'Local', healthCheckNodePort: 70000 }, ['spec.healthCheckNodePort: Invalid value: 70000: must be between 1 and 65535, inclusive']],
    ['LoadBalancer without node ports', { type: 'LoadBalancer', ports, allocateLoadBalancerNodePorts: false }, []],
    ['allocateLoadBalancerNodePorts on NodePort', { type: 'NodePort', ports, allocateLoadBalancerNodePorts: false }, ["spec.allocateLoadBalancerNodePorts: Forbidden: may only be used when `type` is 'LoadBalancer'"]],
    ['loadBalancerClass on ClusterIP', { ports, loadBalancerClass: 'k8ts.io/service-lb' }, ["spec.loadBalancerClass: Forbidden: may only be used when service type is 'LoadBalancer'"]],
    ['loadBalancerClass not a qualified name', { type: 'LoadBalancer', ports, loadBalancerClass: 'bad class' }, ['spec.loadBalancerClass: Invalid value: "bad class": name part must consist of alphanumeric characters']],
  ];
  for (const [name, spec, want] of cases)
    it(name, () => {
      const got = msgs(services.validate!(svc(spec)));
      assert.equal(got.length, want.length, got.join('\n'));
      want.forEach((w, i) => assert.ok(got[i].startsWith(w), got[i]));
    });

  it('defaults: ClientIP timeout 10800, Cluster traffic policies, node ports allocated for LoadBalancers', () => {
    const lb = svc({ type: 'LoadBalancer', ports, sessionAffinity: 'ClientIP' }).spec as Record<string, any>;
    assert.deepEqual(
      [lb.sessionAffinityConfig, lb.externalTrafficPolicy, lb.internalTrafficPolicy, lb.allocateLoadBalancerNodePorts],
      [{ clientIP: { timeoutSeconds: 10800 } }, 'Cluster', 'Cluster', true],
    );
    const plain = svc({ ports }).spec as Record<string, any>;
    assert.deepEqual([plain.sessionAffinity, plain.externalTrafficPolicy, plain.internalTrafficPolicy, plain.allocateLoadBalancerNodePorts], ['None', undefined, 'Cluster', undefined]);
  });

  it('load balancer status: IPs, hostnames and IP modes', () => {
    assert.deepEqual(loadBalancerStatus({ ingress: [{ ip: '192.0.2.1', ipMode: 'VIP' }, { hostname: 'lb.example.com' }] }, 'status.loadBalancer', true), []);
    assert.deepEqual(msgs(loadBalancerStatus({ ingress: [{ ip: 'x' }, { hostname: '10.0.0.1' }, { ipMode: 'Proxy' }] }, 'status.loadBalancer', true)), [
      'status.loadBalancer.ingress[0].ip: Invalid value: "x": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
      'status.loadBalancer.ingress[1].hostname: Invalid value: "10.0.0.1": must be a DNS name, not an IP address',
      'status.loadBalancer.ingress[2].ipMode: Forbidden: may not be specified when `ip` is not set',
    ]);
  });
});
