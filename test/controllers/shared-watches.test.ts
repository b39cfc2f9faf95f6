// The whole controller-manager (every controller and the garbage collector) against the real
// apiserver: each resource is watched once from this process, as the apiserver's own
// apiserver_registered_watchers gauge counts it, apart from the views that are different watches.
import assert from 'node:assert/strict';
import { apiserverMetrics } from '../../apiserver/metrics';
import { controllerManagerFlags } from '../../controller-manager/flags';
import { startControllerManager } from '../../controller-manager/start';
import { startTestApiserver, type TestApiserver } from '../helpers/apiserver';
import { waitFor } from '../harness/exec';

/** Resources watched in two views: all of them (quota, the collector) and a narrower one. */
const TWO_VIEWS: Record<string, string> = {
  '/secrets': "kube-system's, for the token cleaner",
  '/configmaps': 'kube-root-ca.crt by name, for the root CA publisher',
  'coordination.k8s.io/leases': "kube-node-lease's, for node lifecycle",
};

/** apiserver_registered_watchers by "group/resource", from the process-wide gauge's rendering. */
function registeredWatchers(): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of apiserverMetrics.registry.render().matchAll(/^apiserver_registered_watchers\{group="([^"]*)",resource="([^"]*)"\} (\S+)$/gm)) out.set(`${m[1]}/${m[2]}`, Number(m[3]));
  return out;
}

describe('the controller-manager watches each resource once (real apiserver, every controller)', function () {
  this.timeout(120_000);
  let api: TestApiserver | undefined;
  let cm: { stop(): Promise<void> } | undefined;

  before(async () => {
    api = await startTestApiserver({ name: 'shared-watches' });
  });
  after(async () => {
    await cm?.stop();
    await api?.stop();
  });

  it('pods, workloads and every kind the garbage collector discovers: one watch each', async () => {
    const before = registeredWatchers();
    const delta = () => new Map([...registeredWatchers()].map(([k, v]) => [k, v - (before.get(k) ?? 0)] as const).filter(([, v]) => v !== 0));
    cm = await startControllerManager({ ...controllerManagerFlags, leaderElect: false, healthPort: 0, bindAddress: '127.0.0.1', client: api!.client, rootCaFile: `${api!.dir}/ca.pem` });
    // Roles are watched by the garbage collector alone: once they are, its discovery has run.
    const watched = await waitFor('the collector watching what it discovered', async () => {
      const d = delta();
      return (d.get('rbac.authorization.k8s.io/roles') ?? 0) > 0 && d;
    }, 60_000, 200);
    const more = [...watched].filter(([k, n]) => n !== (TWO_VIEWS[k] ? 2 : 1));
    assert.deepEqual(more, [], 'resources watched more than once');
    for (const r of ['/pods', 'apps/replicasets', 'apps/daemonsets', 'apps/statefulsets', '/persistentvolumeclaims', 'batch/jobs', '/configmaps']) assert.ok(watched.has(r), r);
  });
});
