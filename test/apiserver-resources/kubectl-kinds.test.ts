// The kinds added for issue 3, driven by the real kubectl 1.32 against the real REST door over the
// real registry and a throwaway etcd: one object of each kind applied, `kubectl get` columns,
// `api-resources` short names, and `kubectl explain` reading the OpenAPI v3 documents.
import { strict as assert } from 'node:assert';
import { startRestHarness, type RestHarness } from '../apiserver-rest/harness';
import { etcdRegistry, type RegistryUnderTest } from '../apiserver-rest/registry-under-test';
import { rawRequest } from '../apiserver-rest/https-request';

const TEMPLATE = `    metadata: {labels: {app: x}}
    spec:
      containers: [{name: web, image: k8ts/web:1.0}]`;
const JOB_TEMPLATE = `    spec:
      restartPolicy: Never
      containers: [{name: work, image: k8ts/web:1.0}]`;

const MANIFESTS = `apiVersion: v1
kind: ServiceAccount
metadata: {name: robot}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: web-abc}
addressType: IPv4
endpoints: [{addresses: [10.244.0.5]}]
ports: [{port: 8080}]
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: x}}
  template:
${TEMPLATE}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  replicas: 2
  serviceName: db
  selector: {matchLabels: {app: x}}
  template:
${TEMPLATE}
---
apiVersion: batch/v1
kind: Job
metadata: {name: once}
spec:
  template:
${JOB_TEMPLATE}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
    ${JOB_TEMPLATE.replace(/\n/g, '\n    ')}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: db}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: StatefulSet, name: db}
  maxReplicas: 5
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: disk1}
spec:
  capacity: {storage: 1Gi}
  accessModes: [ReadWriteOnce]
  hostPath: {path: /tmp/disk1}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
  rules:
  - host: web.example
    http:
      paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader}
rules: [{apiGroups: [""], resources: [pods], verbs: [get, list]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: reader}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
subjects: [{kind: ServiceAccount, name: robot, namespace: default}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: node-reader}
rules: [{apiGroups: [""], resources: [nodes], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: node-reader}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: node-reader}
subjects: [{kind: User, name: alice}]
`;

describe('new kinds through kubectl (real registry over etcd)', function () {
  this.timeout(120_000);
  let rut: RegistryUnderTest | undefined;
  let h: RestHarness | undefined;
  const ok = async (args: string[], stdin?: string): Promise<string> => {
    const r = await h!.kubectl(args, stdin);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };
  /** The header line and the row of `name` from `kubectl get`, split into cells. */
  const table = async (args: string[]): Promise<string[][]> =>
    (await ok(['get', ...args])).trim().split('\n').map((l) => l.trim().split(/\s{2,}/));

  before(async () => {
    rut = await etcdRegistry();
    h = await startRestHarness(rut.registry, rut.etcdHealthy);
    await rawRequest(h.port, {
      method: 'POST', path: '/api/v1/namespaces', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } }), ca: h.ca, cert: h.admin.cert, key: h.admin.key,
    });
  });
  after(async () => {
    await h?.stop();
    await rut?.stop();
  });

  it('applies one object of each new kind', async () => {
    const out = await ok(['apply', '-n', 'default', '-f', '-'], MANIFESTS);
    for (const line of ['serviceaccount/robot created', 'endpointslice.discovery.k8s.io/web-abc created', 'daemonset.apps/agent created', 'statefulset.apps/db created', 'job.batch/once created', 'cronjob.batch/nightly created', 'horizontalpodautoscaler.autoscaling/db created', 'persistentvolume/disk1 created', 'persistentvolumeclaim/data created', 'ingress.networking.k8s.io/web created', 'role.rbac.authorization.k8s.io/reader created', 'rolebinding.rbac.authorization.k8s.io/reader created', 'clusterrole.rbac.authorization.k8s.io/node-reader created', 'clusterrolebinding.rbac.authorization.k8s.io/node-reader created'])
      assert.ok(out.includes(line), `missing "${line}" in:\n${out}`);
    // A second apply changes nothing.
    assert.match(await ok(['apply', '-n', 'default', '-f', '-'], MANIFESTS), /statefulset.apps\/db unchanged/);
  });

  it('kubectl get shows the kinds\' columns', async () => {
    const cases: [string[], string[], string[]][] = [
      [['sa'], ['NAME', 'SECRETS', 'AGE'], ['robot', '0']],
      [['endpointslices'], ['NAME', 'ADDRESSTYPE', 'PORTS', 'ENDPOINTS', 'AGE'], ['web-abc', 'IPv4', '8080', '10.244.0.5']],
      [['ds', '-o', 'wide'], ['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR'], ['agent', '0', '0', '0', '0', '0', '<none>']],
      [['sts'], ['NAME', 'READY', 'AGE'], ['db', '0/2']],
      [['jobs'], ['NAME', 'STATUS', 'COMPLETIONS', 'DURATION', 'AGE'], ['once', 'Running', '0/1']],
      [['cj'], ['NAME', 'SCHEDULE', 'TIMEZONE', 'SUSPEND', 'ACTIVE', 'LAST SCHEDULE', 'AGE'], ['nightly', '0 3 * * *', '<none>', 'False', '0', '<none>']],
      [['hpa'], ['NAME', 'REFERENCE', 'TARGETS', 'MINPODS', 'MAXPODS', 'REPLICAS', 'AGE'], ['db', 'StatefulSet/db', 'cpu: <unknown>/80%', '1', '5', '0']],
      [['pv'], ['NAME', 'CAPACITY', 'ACCESS MODES', 'RECLAIM POLICY', 'STATUS', 'CLAIM', 'STORAGECLASS', 'VOLUMEATTRIBUTESCLASS', 'REASON', 'AGE'], ['disk1', '1Gi', 'RWO', 'Retain', 'Pending']],
      [['pvc'], ['NAME', 'STATUS', 'VOLUME', 'CAPACITY', 'ACCESS MODES', 'STORAGECLASS', 'VOLUMEATTRIBUTESCLASS', 'AGE'], ['data', 'Pending']],
      [['ing'], ['NAME', 'CLASS', 'HOSTS', 'ADDRESS', 'PORTS', 'AGE'], ['web', '<none>', 'web.example', '80']],
      [['roles'], ['NAME', 'CREATED AT'], ['reader']],
      [['rolebindings', '-o', 'wide'], ['NAME', 'ROLE', 'AGE', 'USERS', 'GROUPS', 'SERVICEACCOUNTS'], ['reader', 'Role/reader']],
      [['clusterrolebindings'], ['NAME', 'ROLE', 'AGE'], ['node-reader', 'ClusterRole/node-reader']],
    ];
    for (const [args, header, row] of cases) {
      const [head, ...rows] = await table([...args, '-n', 'default']);
      assert.deepEqual(head, header, args.join(' '));
      const mine = rows.find((r) => r[0] === row[0]);
      assert.ok(mine, `${args.join(' ')}: no row ${row[0]} in ${JSON.stringify(rows)}`);
      assert.deepEqual(mine.slice(0, row.length), row, args.join(' '));
    }
  });

  it('the job got a generated selector and the statefulset scales', async () => {
    const job = JSON.parse(await ok(['get', 'job', 'once', '-n', 'default', '-o', 'json']));
    const uid = job.metadata.uid;
    assert.deepEqual(job.spec.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } });
    assert.equal(job.spec.template.metadata.labels['batch.kubernetes.io/job-name'], 'once');
    await ok(['scale', 'sts', 'db', '-n', 'default', '--replicas=4']);
    assert.equal(await ok(['get', 'sts', 'db', '-n', 'default', '-o', 'jsonpath={.spec.replicas}']), '4');
  });

  it('rejects invalid objects with the field at fault', async () => {
    const bad = `apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: bad}\nspec:\n  schedule: "61 * * * *"\n  jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: a, image: b:1}]}}}}\n`;
    const r = await h!.kubectl(['apply', '-n', 'default', '-f', '-'], bad);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /spec\.schedule: Invalid value: "61 \* \* \* \*"/);
  });

  it('kubectl api-resources lists every kind with its short names', async () => {
    const out = await ok(['api-resources']);
    for (const re of [
      /^serviceaccounts\s+sa\s+v1\s+true\s+ServiceAccount$/m,
      /^endpointslices\s+discovery\.k8s\.io\/v1\s+true\s+EndpointSlice$/m,
      /^daemonsets\s+ds\s+apps\/v1\s+true\s+DaemonSet$/m,
      /^statefulsets\s+sts\s+apps\/v1\s+true\s+StatefulSet$/m,
      /^jobs\s+batch\/v1\s+true\s+Job$/m,
      /^cronjobs\s+cj\s+batch\/v1\s+true\s+CronJob$/m,
      /^horizontalpodautoscalers\s+hpa\s+autoscaling\/v2\s+true\s+HorizontalPodAutoscaler$/m,
      /^persistentvolumes\s+pv\s+v1\s+false\s+PersistentVolume$/m,
      /^persistentvolumeclaims\s+pvc\s+v1\s+true\s+PersistentVolumeClaim$/m,
      /^ingresses\s+ing\s+networking\.k8s\.io\/v1\s+true\s+Ingress$/m,
      /^roles\s+rbac\.authorization\.k8s\.io\/v1\s+true\s+Role$/m,
      /^rolebindings\s+rbac\.authorization\.k8s\.io\/v1\s+true\s+RoleBinding$/m,
      /^clusterroles\s+rbac\.authorization\.k8s\.io\/v1\s+false\s+ClusterRole$/m,
      /^clusterrolebindings\s+rbac\.authorization\.k8s\.io\/v1\s+false\s+ClusterRoleBinding$/m,
      /^replicationcontrollers\s+rc\s+v1\s+true\s+ReplicationController$/m,
    ])
      assert.match(out, re);
  });

  it('kubectl explain prints field docs from the OpenAPI v3 documents', async () => {
    const strategy = await ok(['explain', 'deployment.spec.strategy']);
    assert.match(strategy, /GROUP:\s+apps/);
    assert.match(strategy, /FIELD: strategy <DeploymentStrategy>/);
    assert.match(strategy, /rollingUpdate\s+<RollingUpdateDeployment>/);
    assert.match(strategy, /Type of deployment\. Can be "Recreate" or "RollingUpdate"/);
    const containers = await ok(['explain', 'pod.spec.containers']);
    assert.match(containers, /FIELD: containers <\[\]Container>/);
    assert.match(containers, /image\s+<string>/);
    const cj = await ok(['explain', 'cronjob.spec.schedule']);
    assert.match(cj, /The schedule in Cron format/);
    const rc = await ok(['explain', 'rc.spec.selector']);
    assert.match(rc, /FIELD: selector <map\[string\]string>/);
    assert.match(rc, /defaulted to the labels of the pod template when\s+empty/);
  });
});
