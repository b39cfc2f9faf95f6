// Server-side field validation through the real kubectl 1.32, which sends fieldValidation=Strict
// by default (Warn with --validate=warn, Ignore with --validate=false): unknown and repeated
// fields, merge patches, and the fully-loaded manifests of the kinds outside the pod side, which
// must go through create and apply without a single warning.
import { strict as assert } from 'node:assert';
import YAML from 'yaml';
import { configMap, fullManifests, ingress, service } from './full-manifests';
import { kubectlSuite } from './kubectl-suite';

type Obj = Record<string, any>;

const svc = (name: string, specExtra: Obj = {}) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { ports: [{ port: 80 }], ...specExtra } });

describe('field validation through kubectl 1.32 (real registry on etcd)', function () {
  this.timeout(180_000);
  const { kubectl, ok, raw } = kubectlSuite();

  it('create -f: an unknown field fails under the default Strict with kubectl\'s message', async () => {
    const r = await kubectl(['create', '-f', '-'], svc('strict-a', { foo: 1 }));
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /unknown field "spec\.foo"/);
    assert.match(r.stderr, /Service in version "v1" cannot be handled as a Service: strict decoding error/);
    assert.equal((await kubectl(['get', 'svc', 'strict-a'])).code, 1, 'nothing was stored');
  });

  it('--validate=warn: succeeds with a Warning line and drops the field', async () => {
    const r = await ok(['create', '--validate=warn', '-f', '-'], svc('warn-a', { foo: 1, ports: [{ port: 80, bar: 2 }] }));
    assert.match(r.stderr, /^Warning: unknown field "spec\.foo"$/m);
    assert.match(r.stderr, /^Warning: unknown field "spec\.ports\[0\]\.bar"$/m);
    const stored = JSON.parse((await ok(['get', 'svc', 'warn-a', '-o', 'json'])).stdout) as Obj;
    assert.equal(stored.spec.foo, undefined);
    assert.equal(stored.spec.ports[0].bar, undefined);
    assert.equal(stored.spec.ports[0].port, 80);
  });

  it('--validate=false (Ignore): succeeds silently and drops the field', async () => {
    const r = await ok(['create', '--validate=false', '-f', '-'], svc('ignore-a', { foo: 1 }));
    assert.doesNotMatch(r.stderr, /Warning/);
    assert.equal(JSON.parse((await ok(['get', 'svc', 'ignore-a', '-o', 'json'])).stdout).spec.foo, undefined);
  });

  it('a repeated key fails under Strict (YAML and JSON bodies) and warns under Warn, keeping the last value', async () => {
    const yaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dup-a\ndata:\n  k: one\n  k: two\n';
    // kubectl turns YAML into JSON itself (the last repeat wins there, as with a real cluster), so
    // the repeats the server judges are those of YAML or JSON bodies sent as they are.
    await ok(['create', '-f', '-'], yaml.replace('dup-a', 'dup-k'));
    assert.equal(JSON.parse((await ok(['get', 'cm', 'dup-k', '-o', 'json'])).stdout).data.k, 'two');
    const strictYaml = await raw('POST', '/api/v1/namespaces/default/configmaps?fieldValidation=Strict', { 'Content-Type': 'application/yaml' }, yaml);
    assert.equal(strictYaml.code, 400);
    assert.match(JSON.parse(strictYaml.body).message, /strict decoding error: line 7: key "k" already set in map/);
    const json = '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"dup-a"},"data":{"k":"one","k":"two"}}';
    const strictJson = await raw('POST', '/api/v1/namespaces/default/configmaps?fieldValidation=Strict', { 'Content-Type': 'application/json' }, json);
    assert.equal(strictJson.code, 400);
    assert.match(JSON.parse(strictJson.body).message, /strict decoding error: duplicate field "data\.k"/);
    const warned = await raw('POST', '/api/v1/namespaces/default/configmaps', { 'Content-Type': 'application/yaml' }, yaml);
    assert.equal(warned.code, 201);
    assert.deepEqual(warned.headers.warning, '299 - "line 7: key \\"k\\" already set in map"');
    assert.deepEqual(JSON.parse(warned.body).data, { k: 'two' });
    const ignored = await raw('POST', '/api/v1/namespaces/default/configmaps?fieldValidation=Ignore', { 'Content-Type': 'application/json' }, json.replace('dup-a', 'dup-b'));
    assert.equal(ignored.code, 201);
    assert.equal(ignored.headers.warning, undefined);
  });

  it('patch: Strict rejects an unknown field for each patch type; kubectl patch (Warn) warns and drops it', async () => {
    await ok(['create', '-f', '-'], svc('patch-a'));
    const path = '/api/v1/namespaces/default/services/patch-a?fieldValidation=Strict';
    const merge = await raw('PATCH', path, { 'Content-Type': 'application/merge-patch+json' }, '{"spec":{"bogus":1}}');
    assert.equal(merge.code, 400);
    assert.equal(JSON.parse(merge.body).message, 'strict decoding error: unknown field "spec.bogus"');
    const strategic = await raw('PATCH', path, { 'Content-Type': 'application/strategic-merge-patch+json' }, '{"spec":{"bogus":1}}');
    assert.equal(strategic.code, 422);
    assert.match(JSON.parse(strategic.body).message, /patch: Invalid value: .*strict decoding error: unknown field "spec\.bogus"/);
    const json = await raw('PATCH', path, { 'Content-Type': 'application/json-patch+json' }, '[{"op":"add","path":"/spec/bogus","value":1}]');
    assert.equal(json.code, 400);
    assert.match(JSON.parse(json.body).message, /unknown field "spec\.bogus"/);
    // kubectl 1.32 sends no fieldValidation on patch: the server's default, Warn, applies.
    for (const type of ['merge', 'strategic']) {
      const r = await ok(['patch', 'svc', 'patch-a', `--type=${type}`, '-p', '{"spec":{"bogus":1},"metadata":{"labels":{"patched":"' + type + '"}}}']);
      assert.match(r.stderr, /^Warning: unknown field "spec\.bogus"$/m);
    }
    const j = await ok(['patch', 'svc', 'patch-a', '--type=json', '-p', '[{"op":"add","path":"/spec/bogus","value":1}]']);
    assert.match(j.stderr, /^Warning: unknown field "spec\.bogus"$/m);
    const patched = JSON.parse((await ok(['get', 'svc', 'patch-a', '-o', 'json'])).stdout) as Obj;
    assert.equal(patched.spec.bogus, undefined);
    assert.equal(patched.metadata.labels.patched, 'strategic');
    const dup = await raw('PATCH', '/api/v1/namespaces/default/services/patch-a?fieldValidation=Strict', { 'Content-Type': 'application/merge-patch+json' }, '{"metadata":{"labels":{"a":"1","a":"2"}}}');
    assert.equal(dup.code, 400);
    assert.match(JSON.parse(dup.body).message, /duplicate field "metadata\.labels\.a"/);
    const dry = await raw('PATCH', '/api/v1/namespaces/default/services/patch-a?fieldValidation=Strict&dryRun=All', { 'Content-Type': 'application/merge-patch+json' }, '{"spec":{"bogus":1}}');
    assert.equal(dry.code, 400);
    const warn = await raw('PATCH', '/api/v1/namespaces/default/services/patch-a/status?fieldValidation=Warn', { 'Content-Type': 'application/merge-patch+json' }, '{"status":{"bogus":1,"loadBalancer":{"ingress":[{"ip":"192.0.2.1"}]}}}');
    assert.equal(warn.code, 200);
    assert.equal(warn.headers.warning, '299 - "unknown field \\"status.bogus\\""');
    const after = JSON.parse((await ok(['get', 'svc', 'patch-a', '-o', 'json'])).stdout) as Obj;
    assert.equal(after.status.bogus, undefined);
    assert.equal(after.status.loadBalancer.ingress[0].ip, '192.0.2.1');
    assert.equal(after.spec.bogus, undefined);
  });

  it('fully-loaded manifests of every kind outside the pod side pass create and apply with no warning', async () => {
    await ok(['create', 'namespace', 'full']);
    const docs = fullManifests.map(([, m]) => {
      const o = JSON.parse(JSON.stringify(m)) as Obj;
      if (o.metadata.namespace) o.metadata.namespace = 'full';
      if (o.kind === 'Namespace') o.metadata.name = 'full-ns-2';
      return o;
    });
    const stream = docs.map((d) => YAML.stringify(d)).join('---\n');
    const created = await ok(['create', '--save-config', '-f', '-'], stream);
    assert.doesNotMatch(created.stderr, /Warning|unknown|duplicate/);
    // apply over the created objects: a three-way strategic merge patch of each, checked strictly.
    const changed = docs.map((d) => YAML.stringify({ ...d, metadata: { ...d.metadata, labels: { ...d.metadata.labels, applied: 'again' } } })).join('---\n');
    const applied = await ok(['apply', '-f', '-'], changed);
    assert.doesNotMatch(applied.stderr, /Warning|unknown|duplicate/);
    for (const [m, resource] of [[service, 'svc'], [ingress, 'ingress'], [configMap, 'cm']] as const) {
      const got = JSON.parse((await ok(['get', resource, String((m.metadata as Obj).name), '-n', 'full', '-o', 'json'])).stdout) as Obj;
      assert.equal(got.metadata.labels.applied, 'again');
      if (resource === 'svc') assert.deepEqual(got.spec.sessionAffinityConfig, { clientIP: { timeoutSeconds: 600 } });
      if (resource === 'ingress') assert.equal(got.spec.rules[0].http.paths[1].backend.service.port.number, 8080);
      if (resource === 'cm') assert.equal(got.immutable, false);
    }
    // And a fresh apply (create through apply) in another namespace.
    await ok(['create', 'namespace', 'full2']);
    const freshDocs = [service, ingress, configMap].map((d) => {
      const o = JSON.parse(JSON.stringify(d)) as Obj;
      o.metadata.namespace = 'full2';
      // The first Service holds its fixed clusterIP and node ports: let the allocator choose.
      if (o.kind === 'Service') {
        delete o.spec.clusterIP;
        delete o.spec.clusterIPs;
        delete o.spec.healthCheckNodePort;
        for (const p of o.spec.ports) delete p.nodePort;
      }
      return YAML.stringify(o);
    });
    const fresh = await ok(['apply', '-n', 'full2', '-f', '-'], freshDocs.join('---\n'));
    assert.doesNotMatch(fresh.stderr, /Warning/);
  });

  it('kubectl explain prints the completed schemas, opaque subtrees included', async () => {
    assert.match((await ok(['explain', 'service.spec.sessionAffinityConfig.clientIP'])).stdout, /timeoutSeconds\s+<integer>\s+The seconds of ClientIP type session sticky time/);
    assert.match((await ok(['explain', 'ingress.spec.rules.http.paths.backend'])).stdout, /resource\s+<TypedLocalObjectReference>[\s\S]*service\s+<IngressServiceBackend>/);
    assert.match((await ok(['explain', 'node.status.nodeInfo'])).stdout, /containerRuntimeVersion\s+<string> -required-/);
    assert.match((await ok(['explain', 'clusterrole.aggregationRule'])).stdout, /clusterRoleSelectors\s+<\[\]LabelSelector>/);
  });
});
