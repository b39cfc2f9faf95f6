import assert from 'node:assert/strict';
import type { KObject, Service } from '../../lib/api/types';
import { services } from './services';
import { prepareServiceUpdate, validateServiceUpdate } from './service-update';

type Spec = Record<string, unknown>;
const mk = (spec: Spec, status: Service['status'] = { loadBalancer: {} }): Service =>
  ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'default' }, spec: JSON.parse(JSON.stringify(spec)), status }) as Service;
const lbStored: Spec = {
  type: 'LoadBalancer', clusterIP: '10.96.0.50', clusterIPs: ['10.96.0.50'], ports: [{ port: 80, protocol: 'TCP', targetPort: 80, nodePort: 30080 }],
  externalTrafficPolicy: 'Local', healthCheckNodePort: 31000, allocateLoadBalancerNodePorts: true, loadBalancerClass: 'k8ts.io/service-lb',
  sessionAffinity: 'None', internalTrafficPolicy: 'Cluster', ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack',
};
const lbStatus = { loadBalancer: { ingress: [{ ip: '198.19.255.1', ipMode: 'VIP' }] } };

/** The update path's order: defaults, prepareForUpdate, then validation. */
function update(stored: Spec, next: Spec): { svc: Service; errs: string[] } {
  const old = mk(stored, lbStatus);
  const svc = mk(next, lbStatus);
  services.defaults!(svc as KObject);
  prepareServiceUpdate(svc, old);
  const errs = [...services.validate!(svc), ...validateServiceUpdate(svc, old)].map((e) => `${e.field}: ${e.message}`);
  return { svc, errs };
}
const without = (spec: Spec, ...keys: string[]) => Object.fromEntries(Object.entries(spec).filter(([k]) => !keys.includes(k)));

describe('service update: kept and dropped fields', () => {
  it('a PUT that leaves out the allocated values keeps them', () => {
    const { svc, errs } = update(lbStored, { ...without(lbStored, 'clusterIP', 'clusterIPs', 'healthCheckNodePort'), ports: [{ port: 80 }] });
    assert.deepEqual(errs, []);
    assert.deepEqual([svc.spec.clusterIP, svc.spec.ports![0].nodePort, svc.spec.healthCheckNodePort], ['10.96.0.50', 30080, 31000]);
  });

  it('LoadBalancer → ClusterIP drops node ports, the health check port, LB fields, the traffic policy and the LB status', () => {
    const { svc, errs } = update(lbStored, { ...lbStored, type: 'ClusterIP' });
    assert.deepEqual(errs, []);
    const s = svc.spec;
    assert.deepEqual([s.ports![0].nodePort, s.healthCheckNodePort, s.allocateLoadBalancerNodePorts, s.loadBalancerClass, s.externalTrafficPolicy], [undefined, undefined, undefined, undefined, undefined]);
    assert.deepEqual(svc.status?.loadBalancer, {});
  });

  it('externalTrafficPolicy Local → Cluster drops the health check port', () => {
    const { svc, errs } = update(lbStored, { ...lbStored, externalTrafficPolicy: 'Cluster' });
    assert.deepEqual(errs, []);
    assert.equal(svc.spec.healthCheckNodePort, undefined);
    assert.deepEqual(svc.status, lbStatus, 'still a LoadBalancer: the status stays');
  });

  it('LoadBalancer → NodePort keeps the node ports', () => {
    const { svc, errs } = update(lbStored, { ...lbStored, type: 'NodePort' });
    assert.deepEqual(errs, []);
    assert.equal(svc.spec.ports![0].nodePort, 30080);
    assert.equal(svc.spec.externalTrafficPolicy, 'Local');
  });

  const refused: [string, Spec, Spec, string[]][] = [
    ['changing the loadBalancerClass', lbStored, { ...lbStored, loadBalancerClass: 'example.com/other' }, ['spec.loadBalancerClass: Invalid value: "example.com/other": may not change once set']],
    ['setting a loadBalancerClass on an existing LoadBalancer', without(lbStored, 'loadBalancerClass'), lbStored, ['spec.loadBalancerClass: Invalid value: "k8ts.io/service-lb": may not change once set']],
    ['removing the loadBalancerClass', lbStored, without(lbStored, 'loadBalancerClass'), ['spec.loadBalancerClass: Invalid value: null: may not change once set']],
    ['a class changed together with a type change away from LoadBalancer', lbStored, { ...lbStored, type: 'ClusterIP', loadBalancerClass: 'example.com/other' }, ["spec.loadBalancerClass: Forbidden: may only be used when service type is 'LoadBalancer'"]],
    ['changing the cluster IP', lbStored, { ...lbStored, clusterIP: '10.96.0.51', clusterIPs: ['10.96.0.51'] }, ['spec.clusterIPs[0]: Invalid value: "10.96.0.51": field is immutable']],
  ];
  for (const [name, stored, next, want] of refused) it(`refuses ${name}`, () => assert.deepEqual(update(stored, next).errs, want));

  it('a class may be set when the type becomes LoadBalancer', () => {
    const clusterIp = { ...without(lbStored, 'healthCheckNodePort', 'allocateLoadBalancerNodePorts', 'loadBalancerClass', 'externalTrafficPolicy'), type: 'ClusterIP', ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }] };
    const { svc, errs } = update(clusterIp, { ...clusterIp, type: 'LoadBalancer', loadBalancerClass: 'k8ts.io/service-lb' });
    assert.deepEqual(errs, []);
    assert.deepEqual([svc.spec.allocateLoadBalancerNodePorts, svc.spec.externalTrafficPolicy], [true, 'Cluster']);
  });
});
