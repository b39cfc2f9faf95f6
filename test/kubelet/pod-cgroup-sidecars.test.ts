// A pod with a sidecar on a real kubelet and containerd: the pod cgroup the kubelet creates on
// cgroup v1 is sized by upstream's sidecar rule — the sidecar's limits add to the app container's,
// and an ordinary init container that starts after the sidecar runs beside it — so the CFS quota
// and memory limit hold the larger of the two sums, and the shares follow the requests.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Resources } from '../../lib/api/resources';
import { CGROUP_MOUNT } from '../../kubelet/pods/cgroups';
import { podCgroupPath } from '../../kubelet/pods/pod-cgroups';
import { sh, startPodHarness, type PodHarness } from './pod-harness';

const Mi = 1024 * 1024;

describe('kubelet pod cgroup with sidecars', function () {
  this.timeout(90_000);
  let h: PodHarness | undefined;
  before(async () => {
    h = await startPodHarness({ nodeName: 'kt-sidecg', nodeIp: '10.99.0.9', podCIDR: '10.244.246.0/24' });
  });
  after(async () => {
    await h?.stop();
  });

  it('sizes the pod cgroup: max(app + sidecar, init + sidecar) for limits, the same rule for requests', async () => {
    const { api, mkPod, waitFor, getPod, web } = h!;
    const res = (cpu: string, memory: string) => ({ requests: { cpu: '100m', memory: '8Mi' }, limits: { cpu, memory } });
    const pod = mkPod('sc', [{ name: 'app', command: sh('sleep 1000'), resources: res('300m', '32Mi') }], {
      initContainers: [
        { name: 'proxy', image: web, restartPolicy: 'Always', command: sh('sleep 1000'), resources: res('200m', '16Mi') },
        { name: 'setup', image: web, command: sh('true'), resources: res('600m', '8Mi') },
      ],
    });
    await api.create(Resources.pods, pod);
    const running = await waitFor('app running', async () => {
      const p = await getPod('sc');
      return p.status?.containerStatuses?.find((c) => c.name === 'app')?.state?.running ? p : undefined;
    });
    const rel = podCgroupPath(h!.env.cgroupRoot, running);
    assert.match(rel, /\/burstable\/pod/);
    const read = (hier: string, file: string) => fs.readFileSync(path.join(CGROUP_MOUNT, hier, rel, file), 'utf8').trim();
    // cpu limits: app 300m + sidecar 200m = 500m < setup 600m + sidecar 200m = 800m.
    assert.equal(read('cpu', 'cpu.cfs_quota_us'), '80000');
    assert.equal(read('cpu', 'cpu.cfs_period_us'), '100000');
    // memory limits: app 32Mi + sidecar 16Mi = 48Mi > setup 8Mi + sidecar 16Mi.
    assert.equal(read('memory', 'memory.limit_in_bytes'), String(48 * Mi));
    // cpu requests: 100m + 100m either way = 200m → 204 shares.
    assert.equal(read('cpu', 'cpu.shares'), '204');
    await api.delete(Resources.pods, 'default', 'sc');
    await waitFor('pod gone', async () => !(await api.list(Resources.pods, 'default')).items.some((p) => p.metadata.name === 'sc'));
  });
});
