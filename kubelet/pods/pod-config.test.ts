import { strict as assert } from 'node:assert';
import type { Pod } from '../../lib/api/types';
import { containerConfigOf, linuxResourcesOf, sandboxConfigOf, securityContextOf } from './pod-config';
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

  it('maps securityContext over the pod defaults, capabilities without the CAP_ prefix', () => {
    const c = { name: 'c', image: 'i', securityContext: { runAsGroup: 7, readOnlyRootFilesystem: true, capabilities: { add: ['NET_ADMIN', 'CAP_SYS_TIME'], drop: ['ALL'] } } };
    assert.deepEqual(securityContextOf(pod({ hostNetwork: true, securityContext: { runAsUser: 1000 } }), c), {
      namespaceOptions: { network: 'NODE', pid: 'CONTAINER', ipc: 'POD' },
      runAsUser: { value: 1000 },
      runAsGroup: { value: 7 },
      readonlyRootfs: true,
      capabilities: { addCapabilities: ['NET_ADMIN', 'SYS_TIME'], dropCapabilities: ['ALL'] },
    });
  });

  it('passes privileged on, and makes the sandbox privileged when any container is', () => {
    const priv = { name: 'c', image: 'i', securityContext: { privileged: true } };
    assert.equal(securityContextOf(pod(), priv).privileged, true);
    const ctx = { rootDir: '/r', cgroupRoot: '/k8ts' };
    assert.equal(sandboxConfigOf(pod({ initContainers: [priv], containers: [{ name: 'a', image: 'i' }] }), 0, ctx).linux!.securityContext!.privileged, true);
    assert.equal(sandboxConfigOf(pod({ containers: [{ name: 'a', image: 'i' }] }), 0, ctx).linux!.securityContext!.privileged, undefined);
  });

  it('refuses runAsUser 0 under runAsNonRoot with a CreateContainerConfigError', () => {
    assert.throws(() => securityContextOf(pod({ securityContext: { runAsNonRoot: true } }), { name: 'c', image: 'i', securityContext: { runAsUser: 0 } }), ContainerConfigError);
  });

  it('passes stdin, stdinOnce and tty on for kubectl attach', () => {
    const r = { envs: [], command: [], args: [], mounts: [], backoffStep: 0, init: false };
    const of = (c: Record<string, unknown>) => containerConfigOf(pod(), { name: 'c', image: 'i', ...c }, 0, r);
    const pick = (x: ReturnType<typeof of>) => [x.stdin, x.stdinOnce, x.tty];
    assert.deepEqual(pick(of({ stdin: true, stdinOnce: true, tty: true })), [true, true, true]);
    assert.deepEqual(pick(of({})), [false, false, false]);
  });

  it('puts the sandbox in the pod cgroup of its QoS tier; a host-network pod keeps the node hostname', () => {
    const ctx = { rootDir: '/r', cgroupRoot: '/k8ts' };
    const burst = sandboxConfigOf(pod({ containers: [{ name: 'a', image: 'i', resources: { requests: { memory: '1Mi' } } }] }), 0, ctx);
    assert.equal(burst.linux!.cgroupParent, '/k8ts/burstable/podu');
    assert.equal(burst.hostname, 'p');
    assert.equal(sandboxConfigOf(pod({ hostNetwork: true, containers: [] }), 0, ctx).hostname, '');
  });

  it('carries the DNS config it is given, and the FQDN as hostname when the pod asks for it', () => {
    const ctx = { rootDir: '/r', cgroupRoot: '/k8ts', clusterDomain: 'cluster.local' };
    const dns = { servers: ['10.96.0.10'], searches: ['d.svc.cluster.local'], options: ['ndots:5'] };
    assert.deepEqual(sandboxConfigOf(pod(), 0, ctx, dns).dnsConfig, dns);
    assert.equal(sandboxConfigOf(pod(), 0, ctx).dnsConfig, undefined);
    assert.equal(sandboxConfigOf(pod({ hostname: 'h', subdomain: 's', setHostnameAsFQDN: true }), 0, ctx).hostname, 'h.s.d.svc.cluster.local');
  });
});
