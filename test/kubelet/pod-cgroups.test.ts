// The pod cgroup applier on the real cgroup v1 hierarchies: the pod cgroup is created in its QoS
// tier with the pod limits, a second pass (a restarted kubelet) writes nothing, and removal takes
// the pod directory (and a container's leftover) but leaves the tier.
import { strict as assert } from 'node:assert';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CGROUP_MOUNT, ensurePodCgroup, removeCgroupDirs } from '../../kubelet/pods/cgroups';
import { podCgroupConfig, podCgroupPath, qosCgroupPath } from '../../kubelet/pods/pod-cgroups';
import type { Pod } from '../../lib/api/types';

const read = (h: string, rel: string, file: string) => fs.readFileSync(path.join(CGROUP_MOUNT, h, rel, file), 'utf8').trim();
const exists = (h: string, rel: string) => fs.existsSync(path.join(CGROUP_MOUNT, h, rel));

describe('pod cgroups on cgroup v1', () => {
  const root = `/k8ts-cgtest-${crypto.randomBytes(3).toString('hex')}`;
  after(() => {
    for (const h of fs.readdirSync(CGROUP_MOUNT)) {
      for (const rel of [`${root}/burstable/podu1/ctr`, `${root}/burstable/podu1`, `${root}/burstable/podu3`, `${root}/besteffort/podu2`, `${root}/burstable`, `${root}/besteffort`, root]) {
        try {
          fs.rmdirSync(path.join(CGROUP_MOUNT, h, rel));
        } catch {
          /* absent */
        }
      }
    }
  });

  const burstable: Pod = {
    metadata: { name: 'b', namespace: 'd', uid: 'u1' },
    spec: { containers: [{ name: 'c', image: 'i', resources: { requests: { cpu: '250m' }, limits: { cpu: '500m', memory: '48Mi' } } }] },
  };
  const ensure = (p: Pod) => {
    const qos = p.metadata.uid === 'u2' ? 'BestEffort' : 'Burstable';
    return ensurePodCgroup({ podPath: podCgroupPath(root, p), tierPath: qosCgroupPath(root, qos), qos, config: podCgroupConfig(p) });
  };

  it('creates a Burstable pod cgroup with its limits, then writes nothing on the next pass', () => {
    const rel = podCgroupPath(root, burstable);
    assert.equal(rel, `${root}/burstable/podu1`);
    const first = ensure(burstable);
    assert.equal(first.created, true);
    // The period already holds the default 100000: only differing files are written.
    assert.deepEqual(first.written.sort(), ['cpu/cpu.cfs_quota_us', 'cpu/cpu.shares', 'memory/memory.limit_in_bytes']);
    for (const h of ['cpu', 'cpuacct', 'memory', 'pids']) assert.ok(exists(h, rel), `${h}${rel}`);
    assert.equal(read('cpu', rel, 'cpu.shares'), '256');
    assert.equal(read('cpu', rel, 'cpu.cfs_quota_us'), '50000');
    assert.equal(read('memory', rel, 'memory.limit_in_bytes'), String(48 * 1024 * 1024));
    assert.deepEqual(ensure(burstable), { created: false, written: [] });
  });

  it('sizes a pod with a sidecar by the sidecar rule: the sidecar adds to the app, a later init container to the sidecar', () => {
    const lim = (cpu: string, memory: string) => ({ requests: { cpu: '100m' }, limits: { cpu, memory } });
    const p: Pod = {
      metadata: { name: 's', namespace: 'd', uid: 'u3' },
      spec: {
        containers: [{ name: 'app', image: 'i', resources: lim('300m', '32Mi') }],
        initContainers: [
          { name: 'proxy', image: 'i', restartPolicy: 'Always', resources: lim('200m', '16Mi') },
          { name: 'setup', image: 'i', resources: lim('600m', '8Mi') },
        ],
      },
    };
    const rel = podCgroupPath(root, p);
    ensure(p);
    // cpu: max(app 300m + sidecar 200m, setup 600m + sidecar 200m) = 800m; memory: max(48Mi, 24Mi).
    assert.equal(read('cpu', rel, 'cpu.cfs_quota_us'), '80000');
    assert.equal(read('memory', rel, 'memory.limit_in_bytes'), String(48 * 1024 * 1024));
    // requests: app 100m + sidecar 100m = 200m beats setup + sidecar (200m): 204 shares.
    assert.equal(read('cpu', rel, 'cpu.shares'), '204');
    removeCgroupDirs(rel);
  });

  it('gives the BestEffort tier and pod the minimum shares', () => {
    const be: Pod = { metadata: { name: 'e', namespace: 'd', uid: 'u2' }, spec: { containers: [{ name: 'c', image: 'i' }] } };
    ensure(be);
    assert.equal(read('cpu', `${root}/besteffort`, 'cpu.shares'), '2');
    assert.equal(read('cpu', `${root}/besteffort/podu2`, 'cpu.shares'), '2');
    assert.equal(read('memory', `${root}/besteffort/podu2`, 'memory.limit_in_bytes'), read('memory', root, 'memory.limit_in_bytes'));
  });

  it('removes the pod cgroup and a container leftover, keeping the tier', () => {
    const rel = `${root}/burstable/podu1`;
    fs.mkdirSync(path.join(CGROUP_MOUNT, 'memory', rel, 'ctr'));
    removeCgroupDirs(rel);
    for (const h of ['cpu', 'cpuacct', 'memory', 'pids']) {
      assert.equal(exists(h, rel), false, `${h}${rel} removed`);
      assert.equal(exists(h, `${root}/burstable`), true, `${h} tier kept`);
    }
  });
});
