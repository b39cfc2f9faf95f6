// Compatibility, field validation of the pod-side kinds: the real kubectl 1.32 (which sends
// fieldValidation=Strict on create and apply; patch sends none, so the server's Warn applies)
// creates, applies and status-patches fully loaded Pods, workloads, Jobs, CronJobs, HPAs and
// claims through the real registry on etcd with no warning, and a misspelt field is refused with
// Kubernetes' strict decoding error.
import { strict as assert } from 'node:assert';
import YAML from 'yaml';
import { startControlPlane, type ControlPlane } from './control-plane';
import { specManifests, statusManifests } from '../fixtures/apiserver/pod-kind-manifests';

describe('kubectl 1.32 compatibility: strict field validation of pod-side kinds', function () {
  this.timeout(60_000);
  let cp: ControlPlane | undefined;
  const kubectl = (args: string[], stdin?: string) => cp!.h.kubectl(args, stdin);
  // A YAML stream of documents, as users keep several objects in one file.
  const stream = (items: unknown[]) => items.map((i) => YAML.stringify(i)).join('---\n');

  before(async () => {
    cp = await startControlPlane();
    // The manifests name PriorityClass "high" at priority 1000: Priority admission resolves it.
    const r = await kubectl(['create', 'priorityclass', 'high', '--value=1000']);
    if (r.code !== 0) throw new Error(r.stderr);
  });
  after(async () => {
    await cp?.stop();
  });

  it('kubectl create -f accepts every fully loaded manifest with no warning', async () => {
    const r = await kubectl(['create', '-f', '-'], stream(specManifests().map((m) => m.manifest)));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    for (const { manifest } of specManifests()) assert.match(r.stdout, new RegExp(`/${manifest.metadata.name} created`));
  });

  it('kubectl create -f takes a v1 List too (kubectl reads /openapi/v2 for it)', async () => {
    const items = specManifests().slice(0, 2).map(({ manifest }) => ({ ...manifest, metadata: { ...manifest.metadata, name: `${manifest.metadata.name}-listed` } }));
    const r = await kubectl(['create', '-f', '-'], YAML.stringify({ apiVersion: 'v1', kind: 'List', items }));
    assert.equal(r.code, 0, r.stderr);
    for (const m of items) assert.match(r.stdout, new RegExp(`/${m.metadata.name} created`));
  });

  it('kubectl apply -f of the changed manifests has no warning either', async () => {
    const changed = specManifests().map(({ manifest }) => ({ ...manifest, metadata: { ...manifest.metadata, labels: { ...manifest.metadata.labels, applied: 'enabled' } } }));
    const r = await kubectl(['apply', '-f', '-'], stream(changed));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^(Warning: resource \S+ is missing the kubectl.kubernetes.io\/last-applied-configuration annotation[^\n]*\n)*$/);
    assert.doesNotMatch(r.stderr, /unknown field/);
    assert.equal((r.stdout.match(/ configured$/gm) ?? []).length, changed.length, r.stdout);
  });

  it('kubectl patch --subresource=status takes every fully loaded status with no warning', async () => {
    for (const { resource, status } of statusManifests()) {
      const name = specManifests().find((m) => m.resource === resource)!.manifest.metadata.name;
      const r = await kubectl(['patch', resource, name, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status })]);
      assert.equal(r.code, 0, `${resource}: ${r.stderr}`);
      assert.equal(r.stderr, '', resource);
    }
    // kubectl patch sends no fieldValidation, so the server's default (Warn) applies: a misspelt
    // status field comes back as a warning, which the patches above would have shown.
    const typo = await kubectl(['patch', 'pods', 'strict-pod', '--subresource=status', '--type=merge', '-p', '{"status":{"podIp":"10.0.0.9"}}']);
    assert.equal(typo.code, 0, typo.stderr);
    assert.equal(typo.stderr, 'Warning: unknown field "status.podIp"\n');
    const pod = JSON.parse((await kubectl(['get', 'pod', 'strict-pod', '-o', 'json'])).stdout);
    assert.equal(pod.status.podIP, '10.244.0.5');
    assert.equal(pod.status.containerStatuses[0].user.linux.uid, 1000);
  });

  it('refuses a misspelt field deep in a pod template with the strict decoding error', async () => {
    const d = JSON.parse(JSON.stringify(specManifests().find((m) => m.resource === 'deployments')!.manifest));
    d.metadata.name = 'typo';
    d.spec.template.spec.containers[0].livenessProbe.httpGet.pathh = '/';
    const r = await kubectl(['create', '-f', '-'], JSON.stringify(d));
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /strict decoding error: unknown field "spec\.template\.spec\.containers\[0\]\.livenessProbe\.httpGet\.pathh"/);
  });

  it('kubectl explain documents the new fields and the opaque volume sources', async () => {
    const spread = await kubectl(['explain', 'pod.spec.topologySpreadConstraints']);
    assert.equal(spread.code, 0, spread.stderr);
    assert.match(spread.stdout, /whenUnsatisfiable\s+<string> -required-/);
    const probe = await kubectl(['explain', 'deployment.spec.template.spec.containers.startupProbe.httpGet']);
    assert.equal(probe.code, 0, probe.stderr);
    assert.match(probe.stdout, /httpHeaders\s+<\[\]Object>/);
  });
});
