// The Service features through the REST door with the real kubectl 1.32, on the real registry over
// a throwaway etcd: LoadBalancer defaults, the health check node port of externalTrafficPolicy
// Local (allocated, kept, released, checked for collisions), allocateLoadBalancerNodePorts,
// loadBalancerClass immutability, type changes, and session affinity validation as a 422 Status.
import { strict as assert } from 'node:assert';
import { startRestHarness, type RestHarness } from './harness';
import { etcdRegistry, type RegistryUnderTest } from './registry-under-test';
import { rawRequest } from './https-request';

const lbYaml = (name: string, extra: string) => `apiVersion: v1
kind: Service
metadata: {name: ${name}}
spec:
  type: LoadBalancer
  selector: {app: ${name}}
  ports: [{port: 80, targetPort: 8080}]
${extra}`;

describe('Service features with kubectl (etcd registry)', function () {
  this.timeout(120_000);
  let rut: RegistryUnderTest | undefined;
  let h: RestHarness;
  const ok = async (args: string[], stdin?: string): Promise<string> => {
    const r = await h.kubectl(args, stdin);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };
  const refused = async (args: string[], stdin: string | undefined, message: RegExp) => {
    const r = await h.kubectl(args, stdin);
    assert.notEqual(r.code, 0, `kubectl ${args.join(' ')} succeeded`);
    assert.match(r.stderr, message);
  };
  const svc = async (name: string) => JSON.parse(await ok(['get', 'svc', name, '-o', 'json']));

  before(async function () {
    rut = await etcdRegistry();
    h = await startRestHarness(rut.registry, rut.etcdHealthy);
  });
  after(async () => {
    await h?.stop();
    await rut?.stop();
  });

  it('kubectl create service loadbalancer: node ports, Cluster policies, no health check port', async () => {
    assert.match(await ok(['create', 'service', 'loadbalancer', 'lb', '--tcp=80:8080']), /service\/lb created/);
    const s = await svc('lb');
    assert.equal(s.spec.type, 'LoadBalancer');
    assert.ok(s.spec.ports[0].nodePort >= 30000 && s.spec.ports[0].nodePort <= 32767);
    assert.deepEqual([s.spec.externalTrafficPolicy, s.spec.internalTrafficPolicy, s.spec.allocateLoadBalancerNodePorts, s.spec.healthCheckNodePort], ['Cluster', 'Cluster', true, undefined]);
    assert.match(await ok(['get', 'svc', 'lb']), /^lb\s+LoadBalancer\s+10\.96\.\d+\.\d+\s+<pending>\s+80:\d+\/TCP/m);
  });

  let hc = 0;
  it('kubectl patch to externalTrafficPolicy Local allocates a health check node port, kept by later updates', async () => {
    await ok(['patch', 'svc', 'lb', '-p', '{"spec":{"externalTrafficPolicy":"Local"}}']);
    const s = await svc('lb');
    hc = s.spec.healthCheckNodePort;
    assert.ok(hc >= 30000 && hc <= 32767 && hc !== s.spec.ports[0].nodePort, `healthCheckNodePort ${hc}`);
    await ok(['label', 'svc', 'lb', 'tier=edge']);
    // A replace that leaves it out keeps it (as it keeps the cluster IP and node ports).
    delete s.spec.healthCheckNodePort;
    delete s.metadata.resourceVersion;
    await ok(['replace', '-f', '-'], JSON.stringify(s));
    assert.equal((await svc('lb')).spec.healthCheckNodePort, hc);
  });

  it('refuses a health check port that is taken, or a change of it', async () => {
    await refused(['create', '-f', '-'], lbYaml('clash', `  externalTrafficPolicy: Local\n  healthCheckNodePort: ${hc}\n`),
      new RegExp(`spec.healthCheckNodePort: Invalid value: ${hc}: failed to allocate requested HealthCheck NodePort ${hc}: provided port is already allocated`));
    await refused(['create', '-f', '-'], lbYaml('clash2', '').replace('targetPort: 8080}', `targetPort: 8080, nodePort: ${hc}}`), /provided port is already allocated/);
    const other = hc === 32767 ? 32766 : hc + 1;
    await refused(['patch', 'svc', 'lb', '-p', `{"spec":{"healthCheckNodePort":${other}}}`], undefined,
      /cannot change healthCheckNodePort on loadBalancer service with externalTraffic=Local during update/);
  });

  it('back to Cluster releases the health check port; a type change drops the LoadBalancer fields', async () => {
    await ok(['patch', 'svc', 'lb', '-p', '{"spec":{"externalTrafficPolicy":"Cluster"}}']);
    assert.equal((await svc('lb')).spec.healthCheckNodePort, undefined);
    // Released: another Service may now have it.
    await ok(['create', '-f', '-'], lbYaml('taker', `  externalTrafficPolicy: Local\n  healthCheckNodePort: ${hc}\n`));
    assert.equal((await svc('taker')).spec.healthCheckNodePort, hc);
    await ok(['patch', 'svc', 'lb', '-p', '{"spec":{"type":"ClusterIP"}}']);
    const s = await svc('lb');
    assert.deepEqual([s.spec.ports[0].nodePort, s.spec.externalTrafficPolicy, s.spec.allocateLoadBalancerNodePorts], [undefined, undefined, undefined]);
    // Deleting the Service releases its health check port too.
    await ok(['delete', 'svc', 'taker']);
    await ok(['create', '-f', '-'], lbYaml('taker2', `  externalTrafficPolicy: Local\n  healthCheckNodePort: ${hc}\n`));
    await ok(['delete', 'svc', 'taker2', 'lb']);
  });

  it('allocateLoadBalancerNodePorts: false allocates no node ports', async () => {
    await ok(['create', '-f', '-'], lbYaml('bare', '  allocateLoadBalancerNodePorts: false\n'));
    assert.equal((await svc('bare')).spec.ports[0].nodePort, undefined);
    await ok(['delete', 'svc', 'bare']);
  });

  it('loadBalancerClass may not change once set', async () => {
    await ok(['create', '-f', '-'], lbYaml('classy', '  loadBalancerClass: k8ts.io/service-lb\n'));
    await refused(['patch', 'svc', 'classy', '-p', '{"spec":{"loadBalancerClass":"example.com/other"}}'], undefined,
      /spec.loadBalancerClass: Invalid value: "example.com\/other": may not change once set/);
    await ok(['delete', 'svc', 'classy']);
  });

  it('ClientIP affinity: 10800 s by default, a timeout past a day is a 422 Status with its cause', async () => {
    await ok(['create', '-f', '-'], lbYaml('sticky', '  sessionAffinity: ClientIP\n'));
    assert.deepEqual((await svc('sticky')).spec.sessionAffinityConfig, { clientIP: { timeoutSeconds: 10800 } });
    await refused(['patch', 'svc', 'sticky', '-p', '{"spec":{"sessionAffinityConfig":{"clientIP":{"timeoutSeconds":86401}}}}'], undefined,
      /spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 86401: must be greater than 0 and less than 86400/);
    const body = JSON.stringify({
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'sticky2' },
      spec: { ports: [{ port: 80 }], sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 0 } } },
    });
    const r = await rawRequest(h.port, { method: 'POST', path: '/api/v1/namespaces/default/services', headers: { 'Content-Type': 'application/json' }, body, ca: h.ca, cert: h.admin.cert, key: h.admin.key });
    assert.equal(r.code, 422);
    const st = JSON.parse(r.body);
    assert.deepEqual([st.kind, st.reason, st.details.causes], ['Status', 'Invalid', [{ reason: 'FieldValueInvalid', message: 'Invalid value: 0: must be greater than 0 and less than 86400', field: 'spec.sessionAffinityConfig.clientIP.timeoutSeconds' }]]);
    await ok(['delete', 'svc', 'sticky']);
  });
});
