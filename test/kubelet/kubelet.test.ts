// The kubelet in-process against a real containerd (own netns + temp dirs) and an in-memory API:
// registration, CNI config from the podCIDR, a web pod answering over the pod network, crash
// restarts, re-adoption after a kubelet restart, graceful deletion and orphan teardown.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import type { Lease, Node, Pod } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import { startKubelet } from '../../kubelet/kubelet';
import { CNI_CONF_FILE } from '../../kubelet/network/cni-config';
import { LABEL_POD_UID } from '../../kubelet/pods/cri-state';
import { kubeletConfigFor, startNodeEnv, type NodeEnv } from './node-env';
import { buildTestImages } from './busybox-image';
import { FakeApi } from './fake-api';
import { pollUntil, sleep, type Poll } from './pod-harness';

let finished = false; // stops pending waits once the suite ended (e.g. after a mocha timeout)
const waitFor = <T>(what: string, fn: Poll<T>): Promise<T> => pollUntil(what, fn, () => finished);

describe('kubelet against a real containerd', function () {
  this.timeout(300_000);
  let env: NodeEnv;
  let api: FakeApi;
  let kubelet: { stop(): Promise<void> } | undefined;
  let refs: { webRef: string };
  const NODE = 'kt-node';

  const start = async () => {
    kubelet = await startKubelet(kubeletConfigFor(env, { nodeName: NODE, nodeIp: '10.99.0.2', client: api, backoff: { baseMs: 200, maxMs: 1000 } }));
  };
  const stop = async () => {
    await kubelet?.stop();
    kubelet = undefined;
  };
  const pod = (name: string, image: string, command?: string[]): Pod => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { nodeName: NODE, containers: [{ name: 'main', image, ...(command ? { command } : {}) }] },
  });
  const getPod = (name: string) => api.get<Pod>(Resources.pods, 'default', name);

  before(async () => {
    env = await startNodeEnv({ sandboxImage: 'docker.io/k8ts/pause:1.0' });
    refs = await buildTestImages(env.imageDir);
    api = new FakeApi();
  });

  after(async () => {
    finished = true;
    await stop().catch(() => undefined);
    if (env) await env.teardown();
  });

  it('registers the node, becomes Ready once the podCIDR arrives, and renews its lease', async () => {
    await start();
    const node = await api.get<Node>(Resources.nodes, undefined, NODE);
    assert.equal(node.metadata.labels!['kubernetes.io/hostname'], NODE);
    assert.equal(node.status!.nodeInfo!.kubeletVersion, 'v1.32.0-k8ts');
    assert.match(node.status!.nodeInfo!.containerRuntimeVersion, /^containerd:\/\//);
    assert.equal(node.status!.capacity!.pods, '110');
    assert.equal(node.status!.conditions!.find((c) => c.type === 'Ready')!.status, 'False');
    await api.update(Resources.nodes, { ...node, spec: { podCIDR: '10.244.251.0/24' } });
    await waitFor('Ready', async () => (await api.get<Node>(Resources.nodes, undefined, NODE)).status!.conditions!.find((c) => c.type === 'Ready')!.status === 'True');
    const conf = JSON.parse(fs.readFileSync(path.join(env.cniConfDir, CNI_CONF_FILE), 'utf8'));
    assert.equal(conf.plugins[0].ipam.ranges[0][0].subnet, '10.244.251.0/24');
    const lease = await api.get<Lease>(Resources.leases, 'kube-node-lease', NODE);
    assert.equal(lease.spec.holderIdentity, NODE);
    assert.equal(lease.spec.leaseDurationSeconds, 40);
  });

  it('runs a web pod that answers on its pod IP', async () => {
    await api.create(Resources.pods, pod('web', refs.webRef));
    const p = await waitFor('web running', async () => {
      const x = await getPod('web');
      return x.status?.phase === 'Running' && x.status.podIP ? x : undefined;
    });
    assert.match(p.status!.podIP!, /^10\.244\.251\.\d+$/);
    const cs = p.status!.containerStatuses![0];
    assert.ok(cs.ready && cs.state.running && cs.containerID!.startsWith('containerd://'));
    assert.equal(p.status!.conditions!.find((c) => c.type === 'Ready')!.status, 'True');
    const body = await waitFor('http answer', () =>
      execFileSync('ip', ['netns', 'exec', env.netns, 'busybox', 'wget', '-qO-', `http://${p.status!.podIP}:8080/`], { timeout: 10_000 }).toString(),
    );
    assert.match(body, /web/);
  });

  it('restarts a crashing container with a growing restart count', async () => {
    await api.create(Resources.pods, pod('crash', refs.webRef, ['/bin/sh', '-c', 'exit 3']));
    const p = await waitFor('restarted twice', async () => {
      const x = await getPod('crash');
      return (x.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 2 ? x : undefined;
    });
    const cs = p.status!.containerStatuses![0];
    assert.equal(p.status!.phase, 'Running');
    const term = cs.lastState?.terminated ?? cs.state.terminated;
    assert.equal(term?.exitCode, 3);
  });

  it('re-adopts running containers after a kubelet restart', async () => {
    const before = (await getPod('web')).status!.containerStatuses![0].containerID;
    await stop();
    await start();
    await sleep(1500); // several housekeeping rounds
    const after = (await getPod('web')).status!.containerStatuses![0];
    assert.equal(after.containerID, before);
    assert.equal(after.restartCount, 0);
  });

  it('tears down a deleted pod and removes it from the API', async () => {
    const uid = (await getPod('web')).metadata.uid!;
    await api.delete(Resources.pods, 'default', 'web', { gracePeriodSeconds: 1 });
    await waitFor('pod gone', async () => {
      try {
        await getPod('web');
        return false;
      } catch {
        return true;
      }
    });
    const left = await env.cri.listPodSandbox({ labelSelector: { [LABEL_POD_UID]: uid } });
    assert.deepEqual(left, []);
  });

  it('tears down pods deleted while the kubelet was down', async () => {
    const uid = (await getPod('crash')).metadata.uid!;
    await stop();
    api.forceRemove(Resources.pods, 'default', 'crash');
    await start();
    await waitFor('orphan removed', async () => (await env.cri.listPodSandbox({ labelSelector: { [LABEL_POD_UID]: uid } })).length === 0);
    await stop();
  });
});
