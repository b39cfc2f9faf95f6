// The Metrics API built into the apiserver: a Registry decorator that adds metrics.k8s.io/v1beta1
// nodes and pods beside the stored kinds, so both doors serve them (kubectl top over REST, the HPA
// controller over gRPC) and discovery lists them only where the apiserver can scrape kubelets.
// Names, labels and selectors come from the Nodes and Pods themselves (a PodMetrics carries its
// pod's labels, so `kubectl top pods -l` selects as `kubectl get pods -l` does); usage comes
// from the scraper's samples. Read-only: every other verb is the generic 405.
import type { KList, KObject } from '../../lib/api/types';
import { apiError, isNotFound } from '../../lib/errors';
import { parseFieldSelector } from '../registry/field-selector';
import type { Registry, ResourceDef } from '../registry/types';
import { METRICS_API_VERSION, METRICS_GROUP, nodeMetricsDef, nodeMetricsObject, podMetricsDef, podMetricsObject } from './resources';
import type { SampleStore } from './samples';

const methodNotAllowed = (def: ResourceDef) => apiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource (${def.resource}.${METRICS_GROUP})`);

const notFound = (def: ResourceDef, name: string) =>
  apiError(404, 'NotFound', `${def.resource === 'nodes' ? 'nodemetrics' : 'podmetrics'}.${METRICS_GROUP} "${name}" not found`, { name, group: METRICS_GROUP, kind: def.resource });

export function withMetricsApi(core: Registry, store: SampleStore, now: () => number = Date.now): Registry {
  const defs = [...core.all(), nodeMetricsDef, podMetricsDef];
  const isMetrics = (d: ResourceDef) => d.group === METRICS_GROUP;
  const coreDef = (plural: 'nodes' | 'pods') => {
    const d = core.resolve('v1', plural);
    if (!d) throw apiError(503, 'ServiceUnavailable', `${plural} are not served`);
    return d;
  };

  async function get(def: ResourceDef, ns: string | undefined, name: string, sub?: string): Promise<KObject> {
    if (sub) throw apiError(404, 'NotFound', 'the server could not find the requested resource');
    const plural = def.resource as 'nodes' | 'pods';
    let obj: KObject;
    try {
      obj = await core.get(coreDef(plural), ns, name);
    } catch (e) {
      throw isNotFound(e) ? notFound(def, name) : e;
    }
    if (plural === 'nodes') {
      const u = store.node(name);
      if (!u) throw notFound(def, name);
      return nodeMetricsObject(u, obj, now());
    }
    const u = store.pods().get(`${obj.metadata.namespace}/${name}`);
    if (!u || (u.uid && u.uid !== obj.metadata.uid)) throw notFound(def, name);
    return podMetricsObject(u, obj, now());
  }

  async function list(def: ResourceDef, ns: string | undefined, labelSelector?: string, fieldSelector?: string): Promise<KList> {
    parseFieldSelector(def, fieldSelector); // a 400 for a field PodMetrics/NodeMetrics cannot select on
    const plural = def.resource as 'nodes' | 'pods';
    const objs = (await core.list(coreDef(plural), def.namespaced ? ns : undefined, { labelSelector, fieldSelector })).items;
    const at = now();
    const items: KObject[] = [];
    if (plural === 'nodes') {
      for (const n of objs) {
        const u = store.node(n.metadata.name!);
        if (u) items.push(nodeMetricsObject(u, n, at));
      }
    } else {
      const usages = store.pods();
      for (const p of objs) {
        const u = usages.get(`${p.metadata.namespace}/${p.metadata.name}`);
        if (u && (!u.uid || u.uid === p.metadata.uid)) items.push(podMetricsObject(u, p, at));
      }
    }
    return { apiVersion: METRICS_API_VERSION, kind: def.listKind, metadata: {}, items };
  }

  return {
    all: () => defs,
    resolve(apiVersion, resource) {
      if (apiVersion === METRICS_API_VERSION) return [nodeMetricsDef, podMetricsDef].find((d) => d.resource === resource.toLowerCase());
      return core.resolve(apiVersion, resource);
    },
    get: (def, ns, name, sub) => (isMetrics(def) ? get(def, ns, name, sub) : core.get(def, ns, name, sub)),
    list: (def, ns, q) => (isMetrics(def) ? list(def, ns, q.labelSelector, q.fieldSelector) : core.list(def, ns, q)),
    create: (def, ns, obj, o) => (isMetrics(def) ? Promise.reject(methodNotAllowed(def)) : core.create(def, ns, obj, o)),
    update: (def, ns, name, obj, o) => (isMetrics(def) ? Promise.reject(methodNotAllowed(def)) : core.update(def, ns, name, obj, o)),
    patch: (def, ns, name, t, p, o) => (isMetrics(def) ? Promise.reject(methodNotAllowed(def)) : core.patch(def, ns, name, t, p, o)),
    delete: (def, ns, name, q) => (isMetrics(def) ? Promise.reject(methodNotAllowed(def)) : core.delete(def, ns, name, q)),
    watch: (def, ns, q, sink) => (isMetrics(def) ? Promise.reject(methodNotAllowed(def)) : core.watch(def, ns, q, sink)),
  };
}
