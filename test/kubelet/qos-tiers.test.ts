// The QoS tiers on real cgroup v1 follow the node's pods: with two Burstable pods requesting 100m
// and 200m the burstable tier holds the shares of 300m (Kubernetes converts the sum once: 307),
// and once one pod is deleted it drops to the other's; the besteffort tier keeps the minimum.
// Pod cgroups stay where the stats endpoint looks for them.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Resources } from '../../lib/api/resources';
import { CGROUP_MOUNT } from '../../kubelet/pods/cgroups';
import { milliCpuToShares, podCgroupPath, qosCgroupPath } from '../../kubelet/pods/pod-cgroups';
import { readCgroup } from '../../kubelet/stats/cgroup-reader';
import { sh, startPodHarness, type PodHarness } from './pod-harness';

describe('kubelet QoS tier cgroups', function () {
  this.timeout(90_000);
  let h: PodHarness | undefined;
  before(async () => {
    h = await startPodHarness({ nodeName: 'kt-qos', nodeIp: '10.99.0.8', podCIDR: '10.244.245.0/24' });
  });
  after(async () => {
    await h?.stop();
  });

  const shares = (tier: 'Burstable' | 'BestEffort') => fs.readFileSync(path.join(CGROUP_MOUNT, 'cpu', qosCgroupPath(h!.env.cgroupRoot, tier), 'cpu.shares'), 'utf8').trim();

  it('sets the burstable tier from the active Burstable pods, and lowers it when one goes', async () => {
    const { api, mkPod, waitFor, getPod } = h!;
    // The kubelet makes both tiers at start, before any pod.
    assert.equal(shares('Burstable'), '2');
    assert.equal(shares('BestEffort'), '2');
    for (const [name, cpu] of [['qos-a', '100m'], ['qos-b', '200m']]) {
      await api.create(Resources.pods, mkPod(name, [{ command: sh('sleep 1000'), resources: { requests: { cpu } } }]));
    }
    for (const name of ['qos-a', 'qos-b']) await waitFor(`${name} running`, async () => (await getPod(name)).status?.containerStatuses?.[0]?.state?.running);
    // The tier is brought up to date before a pod cgroup goes into it, not a debounce later:
    // with both pods running it already holds both requests.
    assert.equal(shares('Burstable'), String(milliCpuToShares(300)));
    assert.equal(shares('Burstable'), '307');
    assert.equal(shares('BestEffort'), '2');
    // The stats endpoint reads the pod cgroup from the same path the pod was put in.
    const b = await getPod('qos-b');
    assert.equal(fs.readFileSync(path.join(CGROUP_MOUNT, 'cpu', podCgroupPath(h!.env.cgroupRoot, b), 'cpu.shares'), 'utf8').trim(), '204');
    assert.equal(typeof readCgroup(podCgroupPath(h!.env.cgroupRoot, b)).usageCoreNanoSeconds, 'number');

    await api.delete(Resources.pods, 'default', 'qos-a');
    await waitFor('qos-a gone', async () => !(await api.list(Resources.pods, 'default')).items.some((p) => p.metadata.name === 'qos-a'));
    await waitFor('burstable tier = shares(200m)', () => shares('Burstable') === '204');
    await api.delete(Resources.pods, 'default', 'qos-b');
    await waitFor('qos-b gone', async () => !(await api.list(Resources.pods, 'default')).items.some((p) => p.metadata.name === 'qos-b'));
    await waitFor('burstable tier back to the minimum', () => shares('Burstable') === '2');
  });
});
