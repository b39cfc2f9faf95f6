// Compatibility suite: the real kubectl 1.32 against the real REST door over the real registry on
// a throwaway etcd, checking what kubectl prints. Covers discovery (aggregated), the generator
// commands (protobuf bodies), every output format, selectors, watch, apply/patch/edit flows.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import YAML from 'yaml';
import { waitFor } from '../harness/exec';
import { kubectlSuite } from './kubectl-suite';

const CM = (data: Record<string, string>, labels: Record<string, string> = {}) =>
  YAML.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', labels }, data });

const DEPLOY = (env: { name: string; value: string }[]) =>
  YAML.stringify({
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'app', labels: { app: 'app' } },
    spec: {
      replicas: 1, selector: { matchLabels: { app: 'app' } },
      template: { metadata: { labels: { app: 'app' } }, spec: { containers: [{ name: 'web', image: 'k8ts/web:1.0', env }] } },
    },
  });

describe('kubectl 1.32 compatibility (real registry on etcd)', function () {
  this.timeout(180_000);
  const suite = kubectlSuite();
  const { raw } = suite;
  const ok = async (args: string[], stdin?: string, env?: Record<string, string>): Promise<string> => (await suite.ok(args, stdin, env)).stdout;

  it('version, api-versions, api-resources (aggregated discovery)', async () => {
    assert.match(await ok(['version']), /Server Version: v1\.32\.0-k8ts/);
    assert.deepEqual((await ok(['api-versions'])).trim().split('\n').filter((l) => l === 'v1' || l === 'apps/v1').sort(), ['apps/v1', 'v1']);
    assert.match(await ok(['api-resources']), /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    const r = await raw('GET', '/apis', { Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json' });
    assert.equal(r.code, 200);
    assert.match(String(r.headers['content-type']), /as=APIGroupDiscoveryList/);
    const doc = JSON.parse(r.body) as { kind: string; items: { metadata: { name: string }; versions: { resources: { resource: string; subresources?: { subresource: string; responseKind: { kind: string } }[] }[] }[] }[] };
    assert.equal(doc.kind, 'APIGroupDiscoveryList');
    const deploy = doc.items.find((g) => g.metadata.name === 'apps')!.versions[0].resources.find((x) => x.resource === 'deployments')!;
    assert.equal(deploy.subresources!.find((s) => s.subresource === 'scale')!.responseKind.kind, 'Scale');
    const legacy = await raw('GET', '/apis', { Accept: 'application/json' });
    assert.equal(JSON.parse(legacy.body).kind, 'APIGroupList');
  });

  it('generator commands send protobuf and succeed', async () => {
    assert.match(await ok(['create', 'namespace', 'x']), /namespace\/x created/);
    assert.match(await ok(['create', 'deployment', 'web', '--image=k8ts/web:1.0', '--replicas=2']), /deployment.apps\/web created/);
    assert.match(await ok(['expose', 'deployment', 'web', '--port=80', '--target-port=8080']), /service\/web exposed/);
    assert.match(await ok(['create', 'configmap', 'c', '--from-literal=a=b']), /configmap\/c created/);
    assert.match(await ok(['create', 'secret', 'generic', 's', '--from-literal=a=b']), /secret\/s created/);
    const d = JSON.parse(await ok(['get', 'deploy', 'web', '-o', 'json']));
    assert.equal(d.spec.replicas, 2);
    assert.equal(d.spec.template.spec.containers[0].image, 'k8ts/web:1.0');
    const svc = JSON.parse(await ok(['get', 'svc', 'web', '-o', 'json']));
    assert.deepEqual(svc.spec.ports.map((p: { port: number; targetPort: number }) => [p.port, p.targetPort]), [[80, 8080]]);
    assert.deepEqual(svc.spec.selector, { app: 'web' });
    assert.equal(JSON.parse(await ok(['get', 'secret', 's', '-o', 'json'])).data.a, Buffer.from('b').toString('base64'));
    assert.equal(await ok(['get', 'cm', 'c', '-o', 'jsonpath={.data.a}']), 'b');
  });

  it('get: output formats, selectors, -A, labels, sorting', async () => {
    await ok(['create', '-f', '-'], CM({ k: 'v' }, { tier: 'front' }));
    assert.match(await ok(['get', 'cm', 'cfg']), /^NAME\s+DATA\s+AGE\ncfg\s+1\s+\S+\n$/);
    assert.match(await ok(['get', 'deploy', '-o', 'wide']), /CONTAINERS\s+IMAGES\s+SELECTOR[\s\S]*web\s+k8ts\/web:1\.0\s+app=web/);
    assert.equal(YAML.parse(await ok(['get', 'cm', 'cfg', '-o', 'yaml'])).data.k, 'v');
    assert.equal(await ok(['get', 'cm', '-l', 'tier=front', '-o', 'name']), 'configmap/cfg\n');
    assert.equal(await ok(['get', 'cm', '--field-selector', 'metadata.name=c', '-o', 'name']), 'configmap/c\n');
    assert.match(await ok(['get', 'ns', '--show-labels']), /^x\s+Active\s+\S+\s+kubernetes\.io\/metadata\.name=x$/m);
    assert.match(await ok(['get', 'cm', '-A']), /^NAMESPACE\s+NAME\s+DATA\s+AGE$[\s\S]*^default\s+cfg\s+1/m);
    const sorted = await ok(['get', 'cm', '--sort-by=.metadata.name', '-o', 'custom-columns=N:.metadata.name,D:.data']);
    const names = sorted.trim().split('\n').slice(1).map((l) => l.split(/\s+/)[0]);
    assert.deepEqual(names, [...names].sort());
    assert.ok(names.includes('cfg') && names.includes('c'));
  });

  it('get -w prints a change', async () => {
    const child = spawn('kubectl', ['--kubeconfig', suite.h.kubeconfig, 'get', 'cm', 'c', '-w', '--output-watch-events'], { env: { ...process.env, HOME: suite.h.dir } });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    try {
      await waitFor('first watch row', async () => /ADDED\s+c\s+1/.test(out), 20_000, 100);
      await ok(['patch', 'cm', 'c', '--type=merge', '-p', '{"data":{"x":"y"}}']);
      await waitFor('modified row', async () => /MODIFIED\s+c\s+2/.test(out), 20_000, 100);
    } finally {
      child.kill();
    }
  });

  it('apply twice keeps the other list entries (strategic merge); --dry-run=server stores nothing', async () => {
    await ok(['apply', '-f', '-'], DEPLOY([{ name: 'A', value: '1' }, { name: 'B', value: '2' }]));
    assert.match(await ok(['apply', '-f', '-'], DEPLOY([{ name: 'A', value: '1' }, { name: 'B', value: '3' }])), /deployment.apps\/app configured/);
    let d = JSON.parse(await ok(['get', 'deploy', 'app', '-o', 'json']));
    assert.deepEqual(d.spec.template.spec.containers[0].env, [{ name: 'A', value: '1' }, { name: 'B', value: '3' }]);
    assert.match(await ok(['apply', '--dry-run=server', '-f', '-'], DEPLOY([{ name: 'A', value: '9' }])), /configured \(server dry run\)/);
    d = JSON.parse(await ok(['get', 'deploy', 'app', '-o', 'json']));
    assert.equal(d.spec.template.spec.containers[0].env[0].value, '1');
  });

  it('patch (json, merge, strategic), label, annotate, scale', async () => {
    await ok(['patch', 'cm', 'cfg', '--type=json', '-p', '[{"op":"add","path":"/data/j","value":"1"}]']);
    await ok(['patch', 'cm', 'cfg', '--type=merge', '-p', '{"data":{"m":"2"}}']);
    await ok(['patch', 'deploy', 'app', '--type=strategic', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"web","env":[{"name":"C","value":"4"}]}]}}}}']);
    assert.deepEqual(JSON.parse(await ok(['get', 'cm', 'cfg', '-o', 'jsonpath={.data}'])), { k: 'v', j: '1', m: '2' });
    const env = JSON.parse(await ok(['get', 'deploy', 'app', '-o', 'jsonpath={.spec.template.spec.containers[0].env}'])) as { name: string }[];
    assert.deepEqual(env.map((e) => e.name).sort(), ['A', 'B', 'C']);
    await ok(['label', 'cm', 'cfg', 'team=blue']);
    await ok(['annotate', 'cm', 'cfg', 'note=hello']);
    const cm = JSON.parse(await ok(['get', 'cm', 'cfg', '-o', 'json']));
    assert.equal(cm.metadata.labels.team, 'blue');
    assert.equal(cm.metadata.annotations.note, 'hello');
    assert.match(await ok(['scale', 'deploy', 'app', '--replicas=3']), /deployment.apps\/app scaled/);
    assert.equal(await ok(['get', 'deploy', 'app', '-o', 'jsonpath={.spec.replicas}']), '3');
  });

  it('edit with EDITOR set to a script', async () => {
    const script = path.join(suite.h.dir, 'editor.sh');
    fs.writeFileSync(script, '#!/bin/sh\nsed -i "s/^  k: v$/  k: edited/" "$1"\n', { mode: 0o755 });
    assert.match(await ok(['edit', 'cm', 'cfg'], undefined, { EDITOR: script, KUBE_EDITOR: script }), /configmap\/cfg edited/);
    assert.equal(await ok(['get', 'cm', 'cfg', '-o', 'jsonpath={.data.k}']), 'edited');
  });

  it('delete waits for DELETED; --cascade=orphan; dryRun; deletecollection; preconditions', async () => {
    assert.match(await ok(['delete', 'cm', 'c']), /configmap "c" deleted/);
    assert.equal((await suite.kubectl(['get', 'cm', 'c'])).code, 1);
    // Orphan deletion leaves the object to the garbage collector (orphan finalizer); no GC runs here.
    assert.match(await ok(['delete', 'deploy', 'web', '--cascade=orphan', '--wait=false']), /deployment.apps "web" deleted/);
    assert.match(await ok(['delete', 'cm', 'cfg', '--dry-run=server']), /deleted \(server dry run\)/);
    const cfg = JSON.parse(await ok(['get', 'cm', 'cfg', '-o', 'json']));
    const pre = await raw('DELETE', '/api/v1/namespaces/default/configmaps/cfg', { 'Content-Type': 'application/json' },
      JSON.stringify({ kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: 'not-the-uid' } }));
    assert.equal(pre.code, 409);
    await ok(['create', 'cm', 'd1', '--from-literal=a=b', '-n', 'x']);
    await ok(['create', 'cm', 'd2', '--from-literal=a=b', '-n', 'x']);
    const dc = await raw('DELETE', '/api/v1/namespaces/x/configmaps');
    assert.equal(dc.code, 200);
    assert.equal(await ok(['get', 'cm', '-n', 'x', '-o', 'name', '--field-selector', 'metadata.name!=kube-root-ca.crt']), '');
    assert.equal(JSON.parse(await ok(['get', 'cm', 'cfg', '-o', 'json'])).metadata.uid, cfg.metadata.uid);
  });

  it('405 for verbs a resource does not serve; /metrics counts requests by verb and resource', async () => {
    const r = await raw('PUT', '/api/v1/namespaces/default/configmaps');
    assert.equal(r.code, 405);
    assert.equal(JSON.parse(r.body).reason, 'MethodNotAllowed');
    const fv = await raw('POST', '/api/v1/namespaces/default/configmaps?fieldValidation=Sometimes', { 'Content-Type': 'application/json' }, JSON.stringify({ metadata: { name: 'fv' } }));
    assert.equal(fv.code, 400);
    const strict = await raw('POST', '/api/v1/namespaces/default/configmaps?fieldValidation=Strict', { 'Content-Type': 'application/json' }, JSON.stringify({ metadata: { name: 'fv' }, data: { a: 'b' } }));
    assert.equal(strict.code, 201);
    const m = await raw('GET', '/metrics');
    assert.equal(m.code, 200);
    assert.match(m.body, /apiserver_request_total\{[^}]*verb="POST"[^}]*resource="configmaps"[^}]*code="201"[^}]*\} \d+/);
    assert.match(m.body, /apiserver_request_duration_seconds_bucket\{[^}]*verb="LIST"[^}]*resource="configmaps"/);
    assert.equal((await raw('GET', '/livez/ping')).body, 'ok');
    assert.equal((await raw('GET', '/readyz/etcd')).code, 200);
  });
});
