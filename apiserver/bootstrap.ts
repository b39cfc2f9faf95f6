// What a fresh (or restarted) apiserver makes sure of before serving: the system namespaces, the
// `kubernetes` Service at the first service IP with its Endpoints and EndpointSlice (what
// kube-proxy and cluster DNS read) pointing at this apiserver, and
// allocation claims that match the stored Services.
import type { EndpointSlice } from '../lib/api/endpoint-slice';
import type { Endpoints, KObject, Service } from '../lib/api/types';
import { ApiError, isAlreadyExists, isConflict, isNotFound } from '../lib/errors';
import { isCorruptObject } from './storage/errors';
import { componentLogger } from '../lib/log';
import { jsonEqual } from './resources/common';
import { SYSTEM_PRIORITY_CLASSES } from './resources/priority-classes';
import type { CoreRegistry } from './registry/registry';
import type { ResourceDef } from './registry/types';
import { localPathStorageClass } from '../lib/api/storage';

const log = componentLogger('apiserver', { part: 'bootstrap' });

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export interface BootstrapOptions {
  advertiseAddress: string;
  securePort: number;
}

/** The desired `kubernetes` Service (pure, for tests). */
export function kubernetesService(clusterIP: string, securePort: number): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: {
      type: 'ClusterIP',
      clusterIP,
      clusterIPs: [clusterIP],
      sessionAffinity: 'None',
      ports: [{ name: 'https', protocol: 'TCP', port: 443, targetPort: securePort }],
    },
  };
}

export function kubernetesEndpoints(address: string, securePort: number): Endpoints {
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
    subsets: [{ addresses: [{ ip: address }], ports: [{ name: 'https', port: securePort, protocol: 'TCP' }] }],
  };
}

/** The slice upstream's apiserver writes beside the Endpoints (they carry skip-mirror for that). */
export function kubernetesEndpointSlice(address: string, securePort: number): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { 'kubernetes.io/service-name': 'kubernetes' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: [address], conditions: { ready: true } }],
    ports: [{ name: 'https', port: securePort, protocol: 'TCP' }],
  };
}

async function ensure(registry: CoreRegistry, def: ResourceDef, desired: KObject, same: (cur: KObject) => boolean, patch: (cur: KObject) => KObject): Promise<void> {
  const ns = desired.metadata.namespace;
  const name = desired.metadata.name!;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const cur = await registry.get(def, ns, name);
      if (same(cur)) return;
      await registry.update(def, ns, name, patch(cur), {});
      log.info({ resource: def.resource, name }, 'bootstrap object updated');
      return;
    } catch (e) {
      if (isConflict(e)) continue;
      if (isCorruptObject(e) || (e instanceof ApiError && e.code === 422)) {
        // Ours, and unreadable (written around the apiserver) or no longer updatable: replace it
        // rather than refuse to start.
        log.warn({ resource: def.resource, name, err: e.message }, 'bootstrap object replaced');
        await registry.delete(def, ns, name, {}).catch((err) => {
          if (!isNotFound(err)) throw err;
        });
      } else if (!isNotFound(e)) throw e;
    }
    try {
      await registry.create(def, ns, desired, {});
      log.info({ resource: def.resource, name }, 'bootstrap object created');
      return;
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
    }
  }
}

/** system-node-critical and system-cluster-critical, as kube-apiserver's scheduling post-start hook creates them. */
async function ensureSystemPriorityClasses(registry: CoreRegistry): Promise<void> {
  const def = registry.resolve('scheduling.k8s.io/v1', 'priorityclasses')!;
  for (const c of SYSTEM_PRIORITY_CLASSES) {
    try {
      await registry.create(def, undefined, { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: c.name }, value: c.value, description: c.description } as KObject, {});
      log.info({ priorityClass: c.name }, 'priority class created');
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
    }
  }
}

export async function bootstrap(registry: CoreRegistry, o: BootstrapOptions): Promise<void> {
  const nsDef = registry.resolve('v1', 'namespaces')!;
  for (const name of SYSTEM_NAMESPACES) {
    try {
      await registry.create(nsDef, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, {});
      log.info({ namespace: name }, 'namespace created');
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
    }
  }

  await ensureSystemPriorityClasses(registry);

  const svcDef = registry.resolve('v1', 'services')!;
  const services = await registry.list(svcDef, undefined, {});
  await registry.allocator.repair(services.items);

  const clusterIP = registry.allocator.addressAt(1);
  const svc = kubernetesService(clusterIP, o.securePort);
  await ensure(
    registry,
    svcDef,
    svc,
    (cur) => jsonEqual((cur as Service).spec?.ports?.map((p) => [p.port, p.targetPort]), [[443, o.securePort]]),
    (cur) => ({ ...cur, spec: { ...(cur as Service).spec, ports: svc.spec.ports } }),
  );

  const epDef = registry.resolve('v1', 'endpoints')!;
  const ep = kubernetesEndpoints(o.advertiseAddress, o.securePort);
  await ensure(
    registry,
    epDef,
    ep,
    (cur) => jsonEqual((cur as Endpoints).subsets, ep.subsets),
    (cur) => ({ ...cur, subsets: ep.subsets }),
  );

  const sliceDef = registry.resolve('discovery.k8s.io/v1', 'endpointslices')!;
  const slice = kubernetesEndpointSlice(o.advertiseAddress, o.securePort);
  await ensure(
    registry,
    sliceDef,
    slice as KObject,
    (cur) => jsonEqual([(cur as EndpointSlice).endpoints, (cur as EndpointSlice).ports], [slice.endpoints, slice.ports]),
    (cur) => ({ ...cur, metadata: { ...cur.metadata, labels: { ...cur.metadata.labels, ...slice.metadata.labels } }, endpoints: slice.endpoints, ports: slice.ports } as KObject),
  );

  // The default StorageClass: created at a start when it is missing (as k3s re-applies its
  // local-path class), never overwritten, so an administrator's edits to it are kept.
  const sc = localPathStorageClass();
  try {
    await registry.create(registry.resolve('storage.k8s.io/v1', 'storageclasses')!, undefined, sc, {});
    log.info({ name: sc.metadata.name }, 'default storage class created');
  } catch (e) {
    if (!isAlreadyExists(e)) throw e;
  }

  await registry.resumeNamespaceCleanup();
}
