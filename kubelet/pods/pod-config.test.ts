import { strict as assert } from 'node:assert';
import type { Pod } from '../../lib/api/types';
import { linuxResourcesOf, securityContextOf } from './pod-config';
import { ContainerConfigError } from './env';

const pod = (over: Partial<Pod['spec']> = {}): Pod => ({ metadata: { name: 'p', namespace: 'd', uid: 'u' }, spec: { containers: [], ...over } });

describe('pod config', () => {
  it('turns CPU and memory into cgroup v1 shares, CFS quota and a memory limit', () => {
    assert.deepEqual(linuxResourcesOf({ name: 'c', image: 'i', resources: { requests: { cpu: '250m' }, limits: { cpu: '500m', memory: '64Mi' } } }), {
      cpuShares: 256,
      cpuPeriod: 100_000,
      cpuQuota: 50_000,
      memoryLimitInBytes: 64 * 1024 * 1024,
    });
    assert.deepEqual(linuxResourcesOf({ name: 'c', image: 'i' }), { cpuShares: 2 });
  });

  it('maps securityContext over the pod defaults, capabilities with the CAP_ prefix', () => {
    const c = { name: 'c', image: 'i', securityContext: { runAsGroup: 7, readOnlyRootFilesystem: true, capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] } } };
    assert.deepEqual(securityContextOf(pod({ hostNetwork: true, securityContext: { runAsUser: 1000 } }), c), {
      namespaceOptions: { network: 'NODE', pid: 'CONTAINER', ipc: 'POD' },
      runAsUser: { value: 1000 },
      runAsGroup: { value: 7 },
      readonlyRootfs: true,
      capabilities: { addCapabilities: ['CAP_NET_ADMIN'], dropCapabilities: ['ALL'] },
    });
  });

  it('refuses privileged containers with a CreateContainerConfigError', () => {
    assert.throws(() => securityContextOf(pod(), { name: 'c', image: 'i', securityContext: { privileged: true } }), ContainerConfigError);
  });
});
