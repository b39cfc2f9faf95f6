// Scheduler profiles from a KubeSchedulerConfiguration file through the real start-up path
// (startScheduler with --config) on the real apiserver: each pod goes to the profile its
// spec.schedulerName names — a bin-packing profile (NodeResourcesFit MostAllocated) next to the
// default spreading one — a pod naming no profile of ours is left alone, and a bad file fails
// start-up with the file and field in the message.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KEvent, Node, Pod } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import { schedulerFlags } from '../../scheduler/flags';
import { startScheduler } from '../../scheduler/start';
import { startTestApiserver, type TestApiserver } from '../helpers/apiserver';
import { waitFor } from '../harness/exec';

const NS = 'default';

const CONFIG = `apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
profiles:
- schedulerName: default-scheduler
- schedulerName: packer
  plugins:
    score:
      disabled:
      - name: NodeResourcesBalancedAllocation
      - name: PodTopologySpread
  pluginConfig:
  - name: NodeResourcesFit
    args:
      scoringStrategy:
        type: MostAllocated
        resources:
        - name: cpu
          weight: 1
`;

describe('scheduler profiles from --config (real apiserver)', function () {
  this.timeout(180_000);
  let api: TestApiserver | undefined;
  let stop: (() => Promise<void>) | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-sched-profiles-'));

  const node = (name: string): Node =>
    ({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name, labels: { 'kubernetes.io/hostname': name } },
      spec: {},
      status: { allocatable: { cpu: '4', memory: '8Gi', pods: '110' }, capacity: { cpu: '4', memory: '8Gi', pods: '110' }, conditions: [{ type: 'Ready', status: 'True' }] },
    }) as Node;
  const pod = (name: string, schedulerName?: string, nodeName?: string): Pod =>
    ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: NS }, spec: { schedulerName, nodeName, containers: [{ name: 'c', image: 'k8ts/web:1.0', resources: { requests: { cpu: '1' } } }] } }) as unknown as Pod;
  const nodeOf = async (name: string) => (await api!.client.get<Pod>(Resources.pods, NS, name)).spec.nodeName;

  before(async () => {
    api = await startTestApiserver({ name: 'sched-profiles' });
    for (const n of [node('busy'), node('idle')]) {
      const created = await api.client.create<Node>(Resources.nodes, n);
      if (!created.status?.conditions?.some((x) => x.type === 'Ready')) await api.client.patch(Resources.nodes, undefined, n.metadata.name!, 'merge', { status: n.status }, 'status');
    }
    // "busy" already runs a 1-cpu pod (bound directly): the packer fills it, the default spreads.
    await api.client.create(Resources.pods, pod('existing', undefined, 'busy'));
    const file = join(dir, 'scheduler.yaml');
    writeFileSync(file, CONFIG);
    const s = await startScheduler({ ...schedulerFlags, client: api.client, config: file, leaderElect: false, healthPort: 0, bindAddress: '127.0.0.1' } as never);
    stop = () => s.stop();
  });
  after(async () => {
    await stop?.();
    await api?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the default profile spreads to the idle node', async () => {
    await api!.client.create(Resources.pods, pod('spread'));
    assert.equal(await waitFor('spread bound', () => nodeOf('spread'), 60_000, 100), 'idle');
  });

  it('the packer profile fills the busiest node that fits', async () => {
    await api!.client.create(Resources.pods, pod('packed', 'packer'));
    assert.equal(await waitFor('packed bound', () => nodeOf('packed'), 60_000, 100), 'busy');
    const events = (await api!.client.list<KEvent>(Resources.events, NS)).items.filter((e) => e.involvedObject.name === 'packed' && e.reason === 'Scheduled');
    assert.equal(events.length, 1);
  });

  it('a pod for a scheduler that is not ours stays pending, untouched', async () => {
    await api!.client.create(Resources.pods, pod('elsewhere', 'someone-else'));
    await new Promise((r) => setTimeout(r, 1500));
    const p = await api!.client.get<Pod>(Resources.pods, NS, 'elsewhere');
    assert.equal(p.spec.nodeName, undefined);
    assert.equal(p.status?.conditions?.find((c) => c.type === 'PodScheduled'), undefined);
  });

  it('a bad configuration fails start-up naming the file and the problem', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, CONFIG.replace('type: MostAllocated', 'type: Sideways'));
    await assert.rejects(startScheduler({ ...schedulerFlags, client: api!.client, config: bad, leaderElect: false, healthPort: 0, bindAddress: '127.0.0.1' } as never), /NodeResourcesFit/);
    const unknown = join(dir, 'unknown.yaml');
    writeFileSync(unknown, CONFIG.replace('    score:\n      disabled:', '    score:\n      enabled:\n      - name: NoSuchPlugin\n      disabled:'));
    await assert.rejects(startScheduler({ ...schedulerFlags, client: api!.client, config: unknown, leaderElect: false, healthPort: 0, bindAddress: '127.0.0.1' } as never), /plugin "NoSuchPlugin" is not registered/);
  });
});
