// ServiceAccounts, the root CA ConfigMap, ResourceQuota, LimitRange, PriorityClass and kubectl's
// generator commands, end to end with the real kubectl on a whole single-node cluster in its own
// netns: every namespace gets `default` and kube-root-ca.crt (and gets them back), quotas refuse
// with upstream's messages and keep status.used right, parallel creates cannot both pass a
// limit of 1, LimitRange defaults land in containers, and every `kubectl create <kind>` this
// cluster serves stores the object kubectl meant (they send protobuf bodies).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { singleNodeCluster } from '../harness/single-node';
import { run, waitFor } from '../harness/exec';
import { loadKubeconfig } from '../../lib/client/kubeconfig';

const podYaml = (name: string, ns: string, resources = '') => `
apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: ${ns}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: k8ts/web:1.0
${resources}`;
const cpuRequest = (cpu: string) => `    resources: {requests: {cpu: ${cpu}}}\n`;

describe('accounts and quota: service accounts, root CA, quotas, limit ranges, priority classes, generators', function () {
  const cluster = singleNodeCluster('aq');
  const { opts, k } = cluster;

  /** kubectl that is expected to fail: its stderr. */
  const fails = async (args: string[], input?: string): Promise<string> => {
    const r = await run(['kubectl', '--kubeconfig', cluster.info.kubeconfig, ...args], { netns: cluster.info.netns, input, check: false, timeoutMs: 120_000 });
    assert.notEqual(r.code, 0, `expected kubectl ${args.join(' ')} to fail, it printed ${r.stdout}`);
    return r.stderr.trim();
  };
  const quotaUsed = async (ns: string, name: string) => (await k.json(['get', 'quota', name, '-n', ns])).status?.used as Record<string, string> | undefined;
  const waitUsed = (ns: string, name: string, want: Record<string, string>) =>
    waitFor(`quota ${ns}/${name} used ${JSON.stringify(want)}`, async () => {
      const used = await quotaUsed(ns, name);
      return !!used && Object.entries(want).every(([r, v]) => used[r] === v) && used;
    }, 60_000, 300);



  it('a new namespace gets the default ServiceAccount and kube-root-ca.crt with the cluster CA, and gets them back', async () => {
    await k.run(['create', 'namespace', 'accounts']);
    const sa = await waitFor('default service account', () => k.json(['get', 'serviceaccount', 'default', '-n', 'accounts']).catch(() => undefined), 60_000, 300);
    const ca = loadKubeconfig(cluster.info.kubeconfig).ca!.toString('utf8');
    const cm = await waitFor('kube-root-ca.crt', () => k.json(['get', 'configmap', 'kube-root-ca.crt', '-n', 'accounts']).catch(() => undefined), 60_000, 300);
    assert.equal(cm.data['ca.crt'], ca);
    assert.match(cm.metadata.annotations['kubernetes.io/description'], /^Contains a CA bundle that can be used to verify the kube-apiserver/);

    await k.run(['delete', 'serviceaccount', 'default', '-n', 'accounts']);
    await waitFor('default recreated', async () => {
      const again = await k.json(['get', 'serviceaccount', 'default', '-n', 'accounts']).catch(() => undefined);
      return again && again.metadata.uid !== sa.metadata.uid;
    }, 60_000, 300);
    await k.run(['patch', 'configmap', 'kube-root-ca.crt', '-n', 'accounts', '--type', 'merge', '-p', '{"data":{"ca.crt":"tampered","extra":"x"}}']);
    await waitFor('ca restored', async () => {
      const now = await k.json(['get', 'configmap', 'kube-root-ca.crt', '-n', 'accounts']);
      return now.data['ca.crt'] === ca && !('extra' in now.data);
    }, 60_000, 300);
    await k.run(['delete', 'configmap', 'kube-root-ca.crt', '-n', 'accounts']);
    await waitFor('ca recreated', () => k.json(['get', 'configmap', 'kube-root-ca.crt', '-n', 'accounts']).catch(() => undefined), 60_000, 300);
    // The system namespaces have theirs too.
    for (const ns of ['default', 'kube-system', 'kube-public']) await waitFor(`default SA in ${ns}`, () => k.json(['get', 'sa', 'default', '-n', ns]).catch(() => undefined), 60_000, 300);
  });

  it('a quota refuses the pod over its limit with upstream\'s message and keeps status.used right', async () => {
    await k.run(['create', 'namespace', 'quota']);
    await k.run(['create', 'quota', 'q', '-n', 'quota', '--hard=pods=2,requests.cpu=1,count/configmaps=10']);
    // kube-root-ca.crt is a ConfigMap of the namespace: counted too.
    await waitUsed('quota', 'q', { pods: '0', 'requests.cpu': '0' });
    await k.run(['apply', '-f', '-'], podYaml('p1', 'quota', cpuRequest('100m')));
    await k.run(['apply', '-f', '-'], podYaml('p2', 'quota', cpuRequest('200m')));
    assert.deepEqual(await quotaUsed('quota', 'q').then((u) => [u?.pods, u?.['requests.cpu']]), ['2', '300m']);
    const err = await fails(['apply', '-f', '-'], podYaml('p3', 'quota', cpuRequest('100m')));
    assert.match(err, /pods "p3" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2$/);
    const table = await k.out(['get', 'quota', '-n', 'quota']);
    assert.match(table, /^NAME\s+AGE\s+REQUEST\s+LIMIT\n/);
    assert.match(table, /count\/configmaps: \d+\/10, pods: 2\/2, requests\.cpu: 300m\/1/);

    assert.match(await k.out(['describe', 'quota', 'q', '-n', 'quota']), /Resource\s+Used\s+Hard\n[-\s]+\n[\s\S]*pods\s+2\s+2\n\s*requests\.cpu\s+300m\s+1\n/);

    assert.match(await k.out(['describe', 'namespace', 'quota']), /Resource Quotas\n\s+Name:\s+q\n[\s\S]*pods\s+2\s+2/);

    await k.run(['delete', 'pod', 'p1', '-n', 'quota', '--wait=true']);
    await waitUsed('quota', 'q', { pods: '1', 'requests.cpu': '200m' });
    await k.run(['apply', '-f', '-'], podYaml('p3', 'quota', cpuRequest('100m')));
    await waitUsed('quota', 'q', { pods: '2', 'requests.cpu': '300m' });
  });

  it('a compute quota needs every container to state what it tracks', async () => {
    await k.run(['create', 'namespace', 'compute']);
    await k.run(['create', 'quota', 'compute', '-n', 'compute', '--hard=limits.cpu=2,limits.memory=1Gi']);
    await waitUsed('compute', 'compute', { 'limits.cpu': '0', 'limits.memory': '0' });
    const err = await fails(['apply', '-f', '-'], podYaml('bare', 'compute'));
    assert.match(err, /pods "bare" is forbidden: failed quota: compute: must specify limits.cpu for: main; limits.memory for: main$/);
  });

  it('an update that grows usage is charged: a Service retyped to NodePort', async () => {
    await k.run(['create', 'namespace', 'svcq']);
    await k.run(['create', 'quota', 'np', '-n', 'svcq', '--hard=services=2,services.nodeports=0']);
    await waitUsed('svcq', 'np', { services: '0', 'services.nodeports': '0' });
    await k.run(['create', 'service', 'clusterip', 'web', '-n', 'svcq', '--tcp=80:8080']);
    const err = await fails(['patch', 'service', 'web', '-n', 'svcq', '-p', '{"spec":{"type":"NodePort"}}']);
    assert.match(err, /services "web" is forbidden: exceeded quota: np, requested: services.nodeports=1, used: services.nodeports=0, limited: services.nodeports=0$/);
    assert.equal((await k.json(['get', 'svc', 'web', '-n', 'svcq'])).spec.type, 'ClusterIP');
    assert.match(await fails(['create', 'service', 'nodeport', 'np2', '-n', 'svcq', '--tcp=80:8080']), /exceeded quota: np, requested: services.nodeports=1/);
    await waitUsed('svcq', 'np', { services: '1', 'services.nodeports': '0' });
  });

  it('a BestEffort-scoped quota counts only pods without resources', async () => {
    await k.run(['create', 'namespace', 'scoped']);
    await k.run(['create', 'quota', 'be', '-n', 'scoped', '--hard=pods=1', '--scopes=BestEffort']);
    await waitUsed('scoped', 'be', { pods: '0' });
    await k.run(['apply', '-f', '-'], podYaml('be1', 'scoped'));
    await k.run(['apply', '-f', '-'], podYaml('burst', 'scoped', cpuRequest('10m')));
    assert.match(await fails(['apply', '-f', '-'], podYaml('be2', 'scoped')), /pods "be2" is forbidden: exceeded quota: be, requested: pods=1, used: pods=1, limited: pods=1$/);
    assert.equal((await quotaUsed('scoped', 'be'))?.pods, '1');
  });

  it('two parallel creates cannot both pass a limit of 1', async () => {
    await k.run(['create', 'namespace', 'race']);
    await k.run(['create', 'quota', 'one', '-n', 'race', '--hard=count/configmaps=2']);
    // kube-root-ca.crt already uses one of the two.
    await waitUsed('race', 'one', { 'count/configmaps': '1' });
    const results = await Promise.all(
      ['a', 'b', 'c', 'd'].map((n) => run(['kubectl', '--kubeconfig', cluster.info.kubeconfig, 'create', 'configmap', n, '-n', 'race'], { netns: cluster.info.netns, check: false })),
    );
    assert.equal(results.filter((r) => r.code === 0).length, 1, results.map((r) => r.stderr).join('\n'));
    for (const r of results.filter((x) => x.code !== 0)) assert.match(r.stderr, /exceeded quota: one, requested: count\/configmaps=1, used: count\/configmaps=2, limited: count\/configmaps=2/);
    const names = (await k.json(['get', 'configmaps', '-n', 'race'])).items.map((c: { metadata: { name: string } }) => c.metadata.name);
    assert.equal(names.length, 2);
    // A deletion gives the usage back without waiting for the resync.
    const mine = names.find((n: string) => n !== 'kube-root-ca.crt');
    await k.run(['delete', 'configmap', mine, '-n', 'race']);
    await waitUsed('race', 'one', { 'count/configmaps': '1' });
  });

  it('LimitRange defaults land in containers, and its maximum refuses a pod', async () => {
    await k.run(['create', 'namespace', 'limits']);
    await k.run(['apply', '-f', '-'], `
apiVersion: v1
kind: LimitRange
metadata: {name: lr, namespace: limits}
spec:
  limits:
  - type: Container
    max: {cpu: "1"}
    default: {cpu: 500m, memory: 128Mi}
    defaultRequest: {cpu: 250m}
`);
    const lr = await k.json(['get', 'limitrange', 'lr', '-n', 'limits']);
    assert.deepEqual(lr.spec.limits[0].defaultRequest, { cpu: '250m', memory: '128Mi' });
    await k.run(['apply', '-f', '-'], podYaml('defaulted', 'limits'));
    const pod = await k.json(['get', 'pod', 'defaulted', '-n', 'limits']);
    assert.deepEqual(pod.spec.containers[0].resources, { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '250m', memory: '128Mi' } });
    assert.equal(pod.metadata.annotations['kubernetes.io/limit-ranger'], 'LimitRanger plugin set: cpu, memory request for container main; cpu, memory limit for container main');
    assert.equal(pod.status.qosClass, 'Burstable');
    const err = await fails(['apply', '-f', '-'], podYaml('big', 'limits', '    resources: {limits: {cpu: "2"}}\n'));
    assert.match(err, /pods "big" is forbidden: maximum cpu usage per Container is 1, but limit is 2\.$/);
    assert.match(await k.out(['get', 'limits', '-n', 'limits']), /^NAME\s+CREATED AT\nlr\s+\d{4}-/);
    assert.match(await k.out(['describe', 'limits', 'lr', '-n', 'limits']), /Container\s+cpu\s+-\s+1\s+250m\s+500m\s+-/);
  });

  it('the system priority classes exist and are protected; user classes follow upstream\'s rules', async () => {
    const pcs = await k.json(['get', 'priorityclasses']);
    const byName = new Map(pcs.items.map((p: { metadata: { name: string }; value: number }) => [p.metadata.name, p.value]));
    assert.equal(byName.get('system-cluster-critical'), 2000000000);
    assert.equal(byName.get('system-node-critical'), 2000001000);
    assert.match(await fails(['delete', 'priorityclass', 'system-node-critical']), /this is a system priority class and cannot be deleted/);
    assert.match(await fails(['create', 'priorityclass', 'system-mine', '--value=5']), /priority class names with 'system-' prefix are reserved for system use only/);
    assert.match(await fails(['create', 'priorityclass', 'huge', '--value=2000000000']), /maximum allowed value of a user defined priority is 1000000000/);
  });

  it('every generator command stores the object kubectl meant', async () => {
    const ns = 'gen';
    await k.run(['create', 'namespace', ns]);
    const made = async (args: string[], get: string[], check: (o: any) => void) => {
      await k.run(['create', ...args]);
      check(await k.json(['get', ...get]));
    };
    await made(['serviceaccount', 'robot', '-n', ns], ['sa', 'robot', '-n', ns], (o) => assert.equal(o.metadata.namespace, ns));
    await made(['quota', 'gq', '-n', ns, '--hard=pods=5,requests.cpu=2', '--scopes=NotTerminating,NotBestEffort'], ['quota', 'gq', '-n', ns], (o) =>
      assert.deepEqual(o.spec, { hard: { pods: '5', 'requests.cpu': '2' }, scopes: ['NotTerminating', 'NotBestEffort'] }));
    assert.match(await fails(['create', 'quota', 'bad', '-n', ns, '--hard=services=2', '--scopes=BestEffort']), /spec\.scopes: Invalid value: \["BestEffort"\]: unsupported scope applied to resource/);
    await made(['poddisruptionbudget', 'gpdb', '-n', ns, '--selector=app=web', '--min-available=1'], ['pdb', 'gpdb', '-n', ns], (o) =>
      assert.deepEqual(o.spec, { minAvailable: 1, selector: { matchLabels: { app: 'web' } } }));
    await made(['priorityclass', 'gen-high', '--value=1000', '--description=important', '--preemption-policy=Never'], ['pc', 'gen-high'], (o) =>
      assert.deepEqual([o.value, o.description, o.preemptionPolicy, o.globalDefault ?? false], [1000, 'important', 'Never', false]));
    await made(['configmap', 'gcm', '-n', ns, '--from-literal=a=b'], ['cm', 'gcm', '-n', ns], (o) => assert.deepEqual(o.data, { a: 'b' }));
    await made(['secret', 'generic', 'gsec', '-n', ns, '--from-literal=a=b'], ['secret', 'gsec', '-n', ns], (o) => assert.deepEqual([o.type, o.data], ['Opaque', { a: 'Yg==' }]));
    await made(['secret', 'docker-registry', 'greg', '-n', ns, '--docker-server=r.local', '--docker-username=u', '--docker-password=p'], ['secret', 'greg', '-n', ns], (o) =>
      assert.equal(o.type, 'kubernetes.io/dockerconfigjson'));
    await made(['service', 'clusterip', 'gsvc', '-n', ns, '--tcp=80:8080'], ['svc', 'gsvc', '-n', ns], (o) =>
      assert.deepEqual([o.spec.type, o.spec.ports[0].port, o.spec.ports[0].targetPort], ['ClusterIP', 80, 8080]));
    await made(['service', 'nodeport', 'gnp', '-n', ns, '--tcp=80:8080'], ['svc', 'gnp', '-n', ns], (o) => assert.equal(o.spec.type, 'NodePort'));
    await made(['service', 'loadbalancer', 'glb', '-n', ns, '--tcp=80:8080'], ['svc', 'glb', '-n', ns], (o) => assert.equal(o.spec.type, 'LoadBalancer'));
    const certDir = fs.mkdtempSync(path.join(opts.home, 'tls-'));
    await run(['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=gen.test', '-keyout', path.join(certDir, 'k.pem'), '-out', path.join(certDir, 'c.pem')]);
    await made(['secret', 'tls', 'gtls', '-n', ns, `--cert=${path.join(certDir, 'c.pem')}`, `--key=${path.join(certDir, 'k.pem')}`], ['secret', 'gtls', '-n', ns], (o) =>
      assert.deepEqual([o.type, Buffer.from(o.data['tls.crt'], 'base64').toString()], ['kubernetes.io/tls', fs.readFileSync(path.join(certDir, 'c.pem'), 'utf8')]));
    await made(['service', 'externalname', 'gext', '-n', ns, '--external-name=example.test'], ['svc', 'gext', '-n', ns], (o) => assert.equal(o.spec.externalName, 'example.test'));
    await made(['deployment', 'gdep', '-n', ns, '--image=k8ts/web:1.0', '--replicas=0'], ['deploy', 'gdep', '-n', ns], (o) =>
      assert.deepEqual([o.spec.replicas, o.spec.template.spec.containers[0].image], [0, 'k8ts/web:1.0']));
    await made(['role', 'grole', '-n', ns, '--verb=get,list', '--resource=pods'], ['role', 'grole', '-n', ns], (o) =>
      assert.deepEqual(o.rules, [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }]));
    await made(['rolebinding', 'grb', '-n', ns, '--role=grole', '--user=alice', '--serviceaccount=gen:robot'], ['rolebinding', 'grb', '-n', ns], (o) => {
      assert.deepEqual(o.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'grole' });
      assert.deepEqual(o.subjects, [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice' }, { kind: 'ServiceAccount', name: 'robot', namespace: 'gen' }]);
    });
    await made(['clusterrole', 'gen-cr', '--verb=get', '--resource=nodes'], ['clusterrole', 'gen-cr'], (o) =>
      assert.deepEqual(o.rules, [{ verbs: ['get'], apiGroups: [''], resources: ['nodes'] }]));
    await made(['clusterrole', 'gen-agg', '--aggregation-rule=team=a'], ['clusterrole', 'gen-agg'], (o) =>
      assert.deepEqual(o.aggregationRule, { clusterRoleSelectors: [{ matchLabels: { team: 'a' } }] }));
    await made(['clusterrolebinding', 'gen-crb', '--clusterrole=gen-cr', '--group=devs'], ['clusterrolebinding', 'gen-crb'], (o) =>
      assert.deepEqual([o.roleRef.name, o.subjects], ['gen-cr', [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'devs' }]]));
    await made(['ingress', 'ging', '-n', ns, '--class=web', '--rule=foo.test/path*=gsvc:80', '--rule=bar.test/=gsvc:http,tls=sec'], ['ingress', 'ging', '-n', ns], (o) => {
      assert.equal(o.spec.ingressClassName, 'web');
      assert.deepEqual(o.spec.rules, [
        { host: 'foo.test', http: { paths: [{ path: '/path', pathType: 'Prefix', backend: { service: { name: 'gsvc', port: { number: 80 } } } }] } },
        { host: 'bar.test', http: { paths: [{ path: '/', pathType: 'Exact', backend: { service: { name: 'gsvc', port: { name: 'http' } } } }] } },
      ]);
      assert.deepEqual(o.spec.tls, [{ hosts: ['bar.test'], secretName: 'sec' }]);
    });
    await made(['namespace', 'gen-ns'], ['ns', 'gen-ns'], (o) => assert.equal(o.status.phase, 'Active'));
    const kinds = await k.out(['api-resources']);
    assert.match(kinds, /^resourcequotas\s+quota\s+v1\s+true\s+ResourceQuota$/m);
    assert.match(kinds, /^limitranges\s+limits\s+v1\s+true\s+LimitRange$/m);
    assert.match(kinds, /^priorityclasses\s+pc\s+scheduling\.k8s\.io\/v1\s+false\s+PriorityClass$/m);
    assert.match(await k.out(['explain', 'resourcequota.spec.hard']), /FIELD: hard <map\[string\]\w+>\n[\s\S]*The set of desired hard limits for each named resource/);
    assert.match(await k.out(['describe', 'sa', 'robot', '-n', ns]), /Name:\s+robot\nNamespace:\s+gen/);
    // Printed as kubectl prints them.
    assert.match(await k.out(['get', 'pc', 'gen-high']), /^NAME\s+VALUE\s+GLOBAL-DEFAULT\s+AGE\s+PREEMPTIONPOLICY\ngen-high\s+1000\s+false\s+\S+\s+Never\n$/);
  });
});
