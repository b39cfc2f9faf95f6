// networking.k8s.io/v1 IngressClass through the real kubectl 1.32 against the REST door over the
// real registry and a throwaway etcd: api-resources, apply, the printed columns, validation
// errors as kubectl shows them, and the controller fixed after creation.
import { strict as assert } from 'node:assert';
import { startRestHarness, type RestHarness } from '../apiserver-rest/harness';
import { etcdRegistry, type RegistryUnderTest } from '../apiserver-rest/registry-under-test';

const CLASS = `apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: k8ts
  annotations: {ingressclass.kubernetes.io/is-default-class: "true"}
spec:
  controller: k8ts.io/ingress
  parameters: {apiGroup: k8ts.io, kind: IngressParameters, name: defaults}
`;

describe('IngressClass through kubectl (real registry over etcd)', function () {
  this.timeout(120_000);
  let rut: RegistryUnderTest | undefined;
  let h: RestHarness | undefined;
  const run = (args: string[], stdin?: string) => h!.kubectl(args, stdin);
  const ok = async (args: string[], stdin?: string): Promise<string> => {
    const r = await run(args, stdin);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };

  before(async () => {
    rut = await etcdRegistry();
    h = await startRestHarness(rut.registry, rut.etcdHealthy);
  });
  after(async () => {
    await h?.stop();
    await rut?.stop();
  });

  it('is served, applied, printed and validated', async () => {
    assert.match(await ok(['api-resources', '--api-group=networking.k8s.io']), /^ingressclasses\s+networking\.k8s\.io\/v1\s+false\s+IngressClass$/m);
    assert.match(await ok(['apply', '-f', '-'], CLASS), /^ingressclass\.networking\.k8s\.io\/k8ts created$/m);
    assert.match(await ok(['apply', '-f', '-'], CLASS), /^ingressclass\.networking\.k8s\.io\/k8ts unchanged$/m);
    const rows = (await ok(['get', 'ingressclass'])).trim().split('\n').map((l) => l.trim().split(/\s{2,}/));
    assert.deepEqual(rows[0], ['NAME', 'CONTROLLER', 'PARAMETERS', 'AGE']);
    assert.deepEqual(rows[1].slice(0, 3), ['k8ts', 'k8ts.io/ingress', 'IngressParameters.k8ts.io/defaults']);
    const got = JSON.parse(await ok(['get', 'ingressclass', 'k8ts', '-o', 'json']));
    assert.equal(got.spec.parameters.scope, 'Cluster', 'defaulted');

    const bad = await run(['apply', '-f', '-'], CLASS.replace('name: k8ts\n', 'name: bad\n').replace('controller: k8ts.io/ingress', 'controller: ingress'));
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /spec\.controller: Invalid value: "ingress": must be a domain-prefixed path/);
    const changed = await run(['apply', '-f', '-'], CLASS.replace('controller: k8ts.io/ingress', 'controller: k8ts.io/other'));
    assert.notEqual(changed.code, 0);
    assert.match(changed.stderr, /spec\.controller: Invalid value: "k8ts\.io\/other": field is immutable/);
  });
});
