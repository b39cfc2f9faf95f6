// The Endpoints controller: for every Service with a selector, an Endpoints object of the same
// name listing exactly the selected pods (ready ones as addresses). Endpoints of services without
// a selector (the apiserver's own `kubernetes` Endpoints) and ExternalName Services are never
// touched; an Endpoints whose Service is gone is deleted. Which pods appear, how (ready or not,
// hostname) and with what labels is compute.ts; the slices beside them are slices.ts.
import type { Endpoints, Node, Pod, Service } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import type { ApiClient } from '../../lib/client/api-client';
import type { Informer } from '../../lib/client/informer';
import { WorkQueue, keyOf, splitKey } from '../../lib/client/workqueue';
import { isAlreadyExists, isNotFound } from '../../lib/errors';
import { componentLogger } from '../../lib/log';
import { mapSelectorMatches } from '../../lib/api/labels';
import { canonicalJson, deepCopy } from '../common/pod-utils';
import { computeSubsets, endpointsLabels, subsetsEqual } from './compute';
import { SERVICE_NAME_LABEL, desiredSlices, sliceUpToDate, type EndpointSlice } from './slices';

/** Never managed here: the apiserver maintains it and its Service has no selector. */
const RESERVED = new Set(['default/kubernetes']);

export class EndpointsController {
  private readonly log = componentLogger('endpoints-controller');
  private readonly queue = new WorkQueue({ name: 'endpoints' });

  constructor(
    private readonly client: ApiClient,
    private readonly services: Informer<Service>,
    private readonly pods: Informer<Pod>,
    private readonly endpoints: Informer<Endpoints>,
    /** For the slices' zones; without it slice endpoints carry no zone. */
    private readonly nodes?: Informer<Node>,
  ) {}

  start(workers = 2): void {
    const svc = (s: Service) => this.queue.add(keyOf(s));
    this.services.addHandler({ onAdd: svc, onUpdate: (_o, s) => svc(s), onDelete: svc });
    const pod = (p: Pod) => {
      for (const s of this.services.list(p.metadata.namespace)) {
        if (mapSelectorMatches(s.spec.selector, p.metadata.labels)) this.queue.add(keyOf(s));
      }
    };
    this.pods.addHandler({ onAdd: pod, onUpdate: (o, n) => (pod(o), pod(n)), onDelete: pod });
    // Someone else changing or deleting an Endpoints we manage: put it back.
    const ep = (e: Endpoints) => this.queue.add(keyOf(e));
    this.endpoints.addHandler({ onAdd: ep, onUpdate: (_o, e) => ep(e), onDelete: ep });
    this.queue.run(workers, (k) => this.reconcile(k));
  }

  stop(): Promise<void> {
    return this.queue.shutdown();
  }

  async reconcile(key: string): Promise<void> {
    if (RESERVED.has(key)) return;
    const { namespace, name } = splitKey(key);
    const svc = this.services.get(namespace, name);
    const current = this.endpoints.get(namespace, name);
    if (!svc) {
      if (!current) return;
      // The Services watch is a stream apart from the Endpoints watch: a Service created just
      // before its Endpoints may not be in the cache yet. Deleting on the cache's word would lose
      // a selector-less Service's hand-written Endpoints, so the apiserver has the last word; a
      // Service found there comes through the informer and reconciles this key again.
      try {
        await this.client.get<Service>(Resources.services, namespace, name);
        return;
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      try {
        await this.client.delete(Resources.endpoints, namespace, name, { preconditions: { uid: current.metadata.uid } });
        this.log.info({ service: key }, 'deleted endpoints of removed service');
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      return;
    }
    // Services without a selector have hand-managed Endpoints.
    if (!svc.spec.selector || Object.keys(svc.spec.selector).length === 0) return;
    // An ExternalName Service is a DNS alias: upstream gives it no endpoints even with a selector.
    if (svc.spec.type === 'ExternalName') return;

    const pods = this.pods.list(namespace);
    const subsets = computeSubsets(svc, pods);
    const labels = endpointsLabels(svc);
    if (current) {
      const labelsSame = canonicalJson(current.metadata.labels ?? {}) === canonicalJson(labels);
      if (!subsetsEqual(current.subsets, subsets) || !labelsSame) {
        const next = deepCopy(current);
        next.subsets = subsets;
        next.metadata.labels = labels;
        await this.client.update(Resources.endpoints, next);
      }
    } else {
      const ep: Endpoints = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace, labels }, subsets };
      try {
        await this.client.create(Resources.endpoints, ep);
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
        throw new Error(`endpoints ${key} exists but is not in the cache yet; retrying`);
      }
    }
    this.log.debug({ service: key, ready: subsets.reduce((n, s) => n + (s.addresses?.length ?? 0), 0) }, 'endpoints updated');
    await this.syncSlices(svc, pods);
  }

  private zoneOf = (nodeName: string): string | undefined => this.nodes?.get(undefined, nodeName)?.metadata.labels?.['topology.kubernetes.io/zone'];

  /** Brings the Service's EndpointSlices to what its pods say (create, update, drop the extra ones). */
  private async syncSlices(svc: Service, pods: Pod[]): Promise<void> {
    const namespace = svc.metadata.namespace;
    const existing = (await this.client.list<EndpointSlice>(Resources.endpointslices, namespace, {
      labelSelector: `${SERVICE_NAME_LABEL}=${svc.metadata.name}`,
    })).items.filter((e) => e.metadata.ownerReferences?.some((r) => r.uid === svc.metadata.uid));
    const want = desiredSlices(svc, pods, this.zoneOf);
    for (const d of want) {
      const cur = existing.find((e) => e.metadata.name === d.metadata.name);
      if (!cur) {
        try {
          await this.client.create(Resources.endpointslices, d);
        } catch (err) {
          if (!isAlreadyExists(err)) throw err;
        }
      } else if (!sliceUpToDate(cur, d)) {
        await this.client.update(Resources.endpointslices, { ...cur, metadata: { ...cur.metadata, labels: d.metadata.labels }, endpoints: d.endpoints, ports: d.ports });
      }
    }
    for (const e of existing) {
      if (want.some((d) => d.metadata.name === e.metadata.name)) continue;
      try {
        await this.client.delete(Resources.endpointslices, namespace, e.metadata.name!, { preconditions: { uid: e.metadata.uid } });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  }
}
