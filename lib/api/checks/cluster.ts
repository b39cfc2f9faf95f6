// Cluster-level kinds as components read them: Nodes (the scheduler sums allocatable, kube-proxy
// routes podCIDRs, the kubelet writes its CNI config from its podCIDR), node Leases (node
// lifecycle), PersistentVolumes and their claims (the binder compares capacities) and Namespaces.
import { Checker, DNS1123_LABEL } from './checker';
import { checkMetadata, isIPv4Cidr } from './metadata';

export function checkNode(c: Checker, obj: unknown): void {
  const o = checkMetadata(c, obj, { namespaced: false });
  if (!o) return;
  const spec = c.object('spec', o.spec);
  if (spec) {
    const checkCidr = (p: string, v: unknown) => {
      const s = c.string(p, v);
      if (s && !isIPv4Cidr(s)) c.fail(p, `Invalid value: ${JSON.stringify(s)}: must be an IPv4 CIDR`);
    };
    checkCidr('spec.podCIDR', spec.podCIDR);
    c.array('spec.podCIDRs', spec.podCIDRs)?.forEach((x, i) => checkCidr(`spec.podCIDRs[${i}]`, x));
    c.boolean('spec.unschedulable', spec.unschedulable);
    c.string('spec.providerID', spec.providerID);
    c.objects('spec.taints', spec.taints, (p, t) => {
      c.string(`${p}.key`, t.key, { required: true });
      c.string(`${p}.value`, t.value);
      c.string(`${p}.effect`, t.effect, { required: true, oneOf: ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] });
      c.string(`${p}.timeAdded`, t.timeAdded);
    });
  }
  const st = c.object('status', o.status);
  if (!st) return;
  c.quantityMap('status.capacity', st.capacity);
  c.quantityMap('status.allocatable', st.allocatable);
  c.objects('status.conditions', st.conditions, (p, cond) => {
    c.string(`${p}.type`, cond.type, { required: true });
    c.string(`${p}.status`, cond.status, { required: true });
    for (const f of ['reason', 'message', 'lastHeartbeatTime', 'lastTransitionTime'] as const) c.string(`${p}.${f}`, cond[f]);
  });
  c.objects('status.addresses', st.addresses, (p, a) => {
    c.string(`${p}.type`, a.type, { required: true });
    c.string(`${p}.address`, a.address, { required: true });
  });
  c.object('status.nodeInfo', st.nodeInfo);
  c.array('status.images', st.images);
}

export function checkLease(c: Checker, obj: unknown): void {
  const o = checkMetadata(c, obj, { namespaced: true });
  const spec = o && c.object('spec', o.spec);
  if (!spec) return;
  for (const f of ['holderIdentity', 'renewTime', 'acquireTime'] as const) c.string(`spec.${f}`, spec[f]);
  c.integer('spec.leaseDurationSeconds', spec.leaseDurationSeconds, { min: 0 });
  c.integer('spec.leaseTransitions', spec.leaseTransitions, { min: 0 });
}

export function checkPersistentVolume(c: Checker, obj: unknown): void {
  const o = checkMetadata(c, obj, { namespaced: false });
  if (!o) return;
  const spec = c.object('spec', o.spec, true);
  if (spec) {
    c.quantityMap('spec.capacity', spec.capacity);
    c.array('spec.accessModes', spec.accessModes)?.forEach((x, i) => c.string(`spec.accessModes[${i}]`, x, { required: true }));
    c.string('spec.storageClassName', spec.storageClassName);
    const hp = c.object('spec.hostPath', spec.hostPath);
    if (hp) c.string('spec.hostPath.path', hp.path, { required: true });
    const ref = c.object('spec.claimRef', spec.claimRef);
    if (ref) for (const f of ['namespace', 'name', 'uid', 'kind', 'apiVersion', 'resourceVersion'] as const) c.string(`spec.claimRef.${f}`, ref[f]);
  }
  const st = c.object('status', o.status);
  if (st) c.string('status.phase', st.phase);
}

export function checkPersistentVolumeClaim(c: Checker, obj: unknown): void {
  const o = checkMetadata(c, obj, { namespaced: true });
  if (!o) return;
  const spec = c.object('spec', o.spec, true);
  if (spec) {
    c.array('spec.accessModes', spec.accessModes)?.forEach((x, i) => c.string(`spec.accessModes[${i}]`, x, { required: true }));
    const res = c.object('spec.resources', spec.resources);
    if (res) c.quantityMap('spec.resources.requests', res.requests);
    c.string('spec.storageClassName', spec.storageClassName);
    c.string('spec.volumeName', spec.volumeName);
  }
  const st = c.object('status', o.status);
  if (st) {
    c.string('status.phase', st.phase);
    c.quantityMap('status.capacity', st.capacity);
  }
}

export function checkNamespace(c: Checker, obj: unknown): void {
  const o = checkMetadata(c, obj, { namespaced: false, name: DNS1123_LABEL });
  const st = o && c.object('status', o.status);
  if (st) c.string('status.phase', st.phase);
}
