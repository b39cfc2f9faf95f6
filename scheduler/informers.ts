// The informers the scheduler watches and the Listers the plugins read through the handle. Pods
// and nodes drive the cache and queue; the rest are lookups (claims, volumes and classes for the
// volume plugins, namespaces for affinity namespaceSelectors, PDBs for preemption, and the owners
// whose selectors give PodTopologySpread its system default constraints).
import type { KObject, Node, Pod } from '../lib/api/types';
import type { PodDisruptionBudget } from '../lib/api/pdb';
import { Resources, type ResourceType } from '../lib/api/resources';
import type { ApiClient } from '../lib/client/api-client';
import { Informer } from '../lib/client/informer';
import type { Listers } from './framework/types';

const NAMESPACE_INDEX = 'namespace';

export class SchedulerInformers {
  readonly pods: Informer<Pod>;
  readonly nodes: Informer<Node>;
  readonly claims: Informer<KObject>;
  readonly volumes: Informer<KObject>;
  readonly classes: Informer<KObject>;
  readonly namespaces: Informer<KObject>;
  readonly pdbs: Informer<PodDisruptionBudget>;
  readonly services: Informer<KObject>;
  readonly replicaSets: Informer<KObject>;
  readonly statefulSets: Informer<KObject>;
  readonly replicationControllers: Informer<KObject>;
  readonly listers: Listers;

  constructor(client: ApiClient) {
    const make = <T extends KObject>(rt: ResourceType, name: string, byNamespace = false) => {
      const inf = new Informer<T>(client, rt, { name: `scheduler-${name}` });
      if (byNamespace) inf.addIndex(NAMESPACE_INDEX, (o) => [o.metadata.namespace ?? '']);
      return inf;
    };
    this.pods = make<Pod>(Resources.pods, 'pods');
    this.nodes = make<Node>(Resources.nodes, 'nodes');
    this.claims = make(Resources.persistentvolumeclaims, 'claims');
    this.volumes = make(Resources.persistentvolumes, 'volumes');
    this.classes = make(Resources.storageclasses, 'storageclasses');
    this.namespaces = make(Resources.namespaces, 'namespaces');
    this.pdbs = make<PodDisruptionBudget>(Resources.poddisruptionbudgets, 'pdbs');
    this.services = make(Resources.services, 'services', true);
    this.replicaSets = make(Resources.replicasets, 'replicasets', true);
    this.statefulSets = make(Resources.statefulsets, 'statefulsets', true);
    this.replicationControllers = make(Resources.replicationcontrollers, 'replicationcontrollers', true);
    this.listers = {
      namespaceLabels: (ns) => this.namespaces.get(undefined, ns)?.metadata.labels ?? {},
      claim: (ns, name) => this.claims.get(ns, name),
      volume: (name) => this.volumes.get(undefined, name),
      volumes: () => this.volumes.list(),
      storageClass: (name) => this.classes.get(undefined, name),
      // k8ts serves no CSINode kind: no node reports CSI volume limits.
      csiNode: () => undefined,
      pdbs: () => this.pdbs.list(),
      services: (ns) => this.services.byIndex(NAMESPACE_INDEX, ns),
      replicaSets: (ns) => this.replicaSets.byIndex(NAMESPACE_INDEX, ns),
      statefulSets: (ns) => this.statefulSets.byIndex(NAMESPACE_INDEX, ns),
      replicationControllers: (ns) => this.replicationControllers.byIndex(NAMESPACE_INDEX, ns),
    };
  }

  private all(): Informer<KObject>[] {
    return [this.pods, this.nodes, this.claims, this.volumes, this.classes, this.namespaces, this.pdbs, this.services, this.replicaSets, this.statefulSets, this.replicationControllers] as unknown as Informer<KObject>[];
  }

  async start(): Promise<void> {
    await Promise.all(this.all().map((i) => i.start()));
  }

  stop(): void {
    for (const i of this.all()) i.stop();
  }

  hasSynced(): boolean {
    return this.pods.hasSynced() && this.nodes.hasSynced();
  }
}
