// The route source and the status writer on an in-memory ApiClient: the table follows changes,
// the elected writer sets status.loadBalancer of claimed Ingresses only, only when it differs, and
// follows node readiness.
import assert from 'node:assert/strict';
import { Resources } from '../../lib/api/resources';
import type { Node } from '../../lib/api/types';
import { componentLogger } from '../../lib/log';
import { FakeApiClient } from '../../test/fixtures/client/fake-client';
import { waitFor } from '../../test/harness/exec';
import { IngressMetrics } from '../metrics';
import type { Ingress } from '../routes/api-types';
import { route } from '../routes/route';
import { CONTROLLER, ingress, ingressClass, path, service, slice, svcBackend } from '../routes/test-fixtures';
import { StatusWriter } from '../status/status-writer';
import { RouteSource } from './route-source';

const log = componentLogger('ingress-test');
const election = { namespace: 'kube-system', name: 'k8ts-ingress', identity: 'test', leaseDurationMs: 15_000, renewMs: 50 };

function node(name: string, ip: string, ready: boolean): Node {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name }, spec: {}, status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }], addresses: [{ type: 'InternalIP', address: ip }] } };
}

describe('ingress route source and status writer (in-memory client)', function () {
  this.timeout(30_000);
  let client: FakeApiClient;
  let source: RouteSource | undefined;
  let writer: StatusWriter | undefined;
  let rebuilds = 0;

  beforeEach(() => {
    client = new FakeApiClient();
    client.seed(Resources.ingressclasses, ingressClass('k8ts'));
    client.seed(Resources.services, service('app', [{ port: 80 }]));
    client.seed(Resources.endpointslices, slice('app', 'app-1', [{ ip: '10.0.0.1' }], [{ port: 8080 }]));
    client.seed(Resources.ingresses, ingress('site', { className: 'k8ts', rules: [{ host: 'a.example.com', http: { paths: [path('/', 'Prefix', svcBackend('app', 80))] } }] }));
    client.seed(Resources.ingresses, ingress('foreign', { className: 'nginx', defaultBackend: svcBackend('app', 80) }));
  });
  afterEach(async () => {
    await writer?.stop();
    source?.stop();
    writer = undefined;
    source = undefined;
  });

  function start(publishAddresses: string[]) {
    const metrics = new IngressMetrics();
    rebuilds = 0;
    source = new RouteSource({
      client,
      controllerName: CONTROLLER,
      coalesceMs: 10,
      log,
      onRebuild: () => {
        rebuilds++;
        writer?.sync();
      },
    });
    const s = source;
    writer = new StatusWriter({ client, publishAddresses, election, claimed: () => s.table().ingresses.map((k) => s.ingress(k)).filter((i) => i !== undefined), metrics, log });
    return metrics;
  }

  const statusOf = (name: string) => JSON.stringify(client.peek<Ingress>(Resources.ingresses, 'web', name)?.status?.loadBalancer?.ingress ?? []);
  const statusWrites = () => client.actions.filter((a) => a.verb === 'updateStatus').map((a) => a.name);

  it('rebuilds the table after changes', async () => {
    start(['192.0.2.1']);
    await source!.start();
    assert.deepEqual(source!.table().ingresses, ['web/site']);
    assert.equal(route(source!.table(), 'a.example.com', '/x').kind, 'backend');
    client.mutate<Ingress>(Resources.ingresses, 'web', 'site', (i) => {
      i.spec!.rules![0].host = 'b.example.com';
    });
    await waitFor('the moved host', async () => route(source!.table(), 'b.example.com', '/').kind === 'backend', 10_000, 10);
    assert.equal(route(source!.table(), 'a.example.com', '/').kind, 'not-found');
  });

  it('writes the published addresses once, to claimed Ingresses only', async () => {
    const metrics = start(['192.0.2.1']);
    await source!.start();
    await writer!.start();
    await waitFor('status written', async () => statusOf('site') === JSON.stringify([{ ip: '192.0.2.1' }]), 10_000, 10);
    // More syncs (an explicit one, one after a rebuild) find nothing to change.
    const before = rebuilds;
    writer!.sync();
    client.seed(Resources.services, service('other', [{ port: 80 }]));
    await waitFor('the rebuild after the new Service', async () => rebuilds > before, 10_000, 10);
    await writer!.stop(); // waits for the syncs queued so far
    assert.equal(metrics.statusWrites.get({ result: 'ok' }), 1);
    assert.deepEqual(statusWrites(), ['site']);
    assert.equal(statusOf('foreign'), '[]');
  });

  it('publishes the InternalIPs of Ready nodes and follows readiness', async () => {
    client.seed(Resources.nodes, node('n1', '192.0.2.11', true));
    client.seed(Resources.nodes, node('n2', '192.0.2.12', true));
    client.seed(Resources.nodes, node('n3', '192.0.2.13', false));
    start([]);
    await source!.start();
    await writer!.start();
    await waitFor('status from nodes', async () => statusOf('site') === JSON.stringify([{ ip: '192.0.2.11' }, { ip: '192.0.2.12' }]), 10_000, 10);
    client.mutate<Node>(Resources.nodes, undefined, 'n2', (n) => {
      n.status!.conditions![0].status = 'False';
    });
    await waitFor('n2 gone from status', async () => statusOf('site') === JSON.stringify([{ ip: '192.0.2.11' }]), 10_000, 10);
  });
});
