// What the components read of a pod: the scheduler sums container requests and matches selectors
// and tolerations; controllers read labels, phase and conditions; the kubelet builds sandboxes,
// containers, volumes and paths from the spec (container and volume names become directories).
// Pod templates (Deployments, ReplicaSets) are not checked this deep: creating a pod from a bad
// template is refused by the apiserver, which the owning controller reports as FailedCreate.
import { Checker, DNS1123_LABEL, IANA_SVC_NAME, PROTOCOLS } from './checker';
import { checkMetadata } from './metadata';

function checkProbe(c: Checker, path: string, v: unknown): void {
  const p = c.object(path, v);
  if (!p) return;
  const http = c.object(`${path}.httpGet`, p.httpGet);
  if (http) {
    c.portOrName(`${path}.httpGet.port`, http.port, true);
    c.string(`${path}.httpGet.path`, http.path);
    c.string(`${path}.httpGet.host`, http.host);
    c.string(`${path}.httpGet.scheme`, http.scheme);
  }
  const tcp = c.object(`${path}.tcpSocket`, p.tcpSocket);
  if (tcp) c.portOrName(`${path}.tcpSocket.port`, tcp.port, true);
  const exec = c.object(`${path}.exec`, p.exec);
  if (exec) c.array(`${path}.exec.command`, exec.command)?.forEach((x, i) => c.string(`${path}.exec.command[${i}]`, x, { required: true }));
  for (const f of ['initialDelaySeconds', 'periodSeconds', 'timeoutSeconds', 'successThreshold', 'failureThreshold'] as const) c.integer(`${path}.${f}`, p[f], { min: 0 });
}

function checkContainer(c: Checker, path: string, k: Record<string, unknown>): void {
  c.string(`${path}.name`, k.name, { required: true, max: 63, pattern: DNS1123_LABEL });
  c.string(`${path}.image`, k.image, { required: true });
  c.string(`${path}.imagePullPolicy`, k.imagePullPolicy, { oneOf: ['Always', 'IfNotPresent', 'Never'] });
  c.string(`${path}.workingDir`, k.workingDir);
  for (const f of ['command', 'args'] as const) c.array(`${path}.${f}`, k[f])?.forEach((x, i) => c.string(`${path}.${f}[${i}]`, x, { required: true }));
  c.objects(`${path}.env`, k.env, (p, e) => {
    c.string(`${p}.name`, e.name, { required: true });
    c.string(`${p}.value`, e.value);
    c.object(`${p}.valueFrom`, e.valueFrom);
  });
  c.objects(`${path}.envFrom`, k.envFrom, (p, e) => {
    c.string(`${p}.prefix`, e.prefix);
    for (const f of ['configMapRef', 'secretRef'] as const) {
      const ref = c.object(`${p}.${f}`, e[f]);
      if (ref) c.string(`${p}.${f}.name`, ref.name);
    }
  });
  c.objects(`${path}.ports`, k.ports, (p, port) => {
    c.integer(`${p}.containerPort`, port.containerPort, { required: true, min: 1, max: 65535 });
    c.integer(`${p}.hostPort`, port.hostPort, { min: 0, max: 65535 });
    c.string(`${p}.name`, port.name, { pattern: IANA_SVC_NAME });
    c.string(`${p}.protocol`, port.protocol, { oneOf: PROTOCOLS });
  });
  const res = c.object(`${path}.resources`, k.resources);
  if (res) {
    c.quantityMap(`${path}.resources.requests`, res.requests);
    c.quantityMap(`${path}.resources.limits`, res.limits);
  }
  c.objects(`${path}.volumeMounts`, k.volumeMounts, (p, m) => {
    c.string(`${p}.name`, m.name, { required: true });
    c.string(`${p}.mountPath`, m.mountPath, { required: true });
    c.string(`${p}.subPath`, m.subPath);
    c.boolean(`${p}.readOnly`, m.readOnly);
  });
  for (const f of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) checkProbe(c, `${path}.${f}`, k[f]);
  c.object(`${path}.securityContext`, k.securityContext);
  c.object(`${path}.lifecycle`, k.lifecycle);
}

function checkVolume(c: Checker, path: string, v: Record<string, unknown>): void {
  c.string(`${path}.name`, v.name, { required: true, max: 63, pattern: DNS1123_LABEL });
  const items = (p: string, list: unknown) =>
    c.objects(p, list, (ip, it) => {
      c.string(`${ip}.key`, it.key);
      c.string(`${ip}.path`, it.path, { required: true });
      c.integer(`${ip}.mode`, it.mode);
    });
  const cm = c.object(`${path}.configMap`, v.configMap);
  if (cm) {
    c.string(`${path}.configMap.name`, cm.name);
    items(`${path}.configMap.items`, cm.items);
    c.integer(`${path}.configMap.defaultMode`, cm.defaultMode);
  }
  const secret = c.object(`${path}.secret`, v.secret);
  if (secret) {
    c.string(`${path}.secret.secretName`, secret.secretName);
    items(`${path}.secret.items`, secret.items);
    c.integer(`${path}.secret.defaultMode`, secret.defaultMode);
  }
  const host = c.object(`${path}.hostPath`, v.hostPath);
  if (host) c.string(`${path}.hostPath.path`, host.path, { required: true });
  const empty = c.object(`${path}.emptyDir`, v.emptyDir);
  if (empty) {
    c.string(`${path}.emptyDir.medium`, empty.medium);
    c.quantity(`${path}.emptyDir.sizeLimit`, empty.sizeLimit);
  }
  const pvc = c.object(`${path}.persistentVolumeClaim`, v.persistentVolumeClaim);
  if (pvc) c.string(`${path}.persistentVolumeClaim.claimName`, pvc.claimName, { required: true });
  const down = c.object(`${path}.downwardAPI`, v.downwardAPI);
  if (down) items(`${path}.downwardAPI.items`, down.items);
  c.object(`${path}.projected`, v.projected);
}

/** A pod's spec as the scheduler and the kubelet read it (templates are checked shallower: workloads.ts). */
export function checkPodSpec(c: Checker, path: string, v: unknown): void {
  const s = c.object(path, v, true);
  if (!s) return;
  c.objects(`${path}.containers`, s.containers, (p, k) => checkContainer(c, p, k), { required: true, nonEmpty: true });
  c.objects(`${path}.initContainers`, s.initContainers, (p, k) => checkContainer(c, p, k));
  c.objects(`${path}.volumes`, s.volumes, (p, vol) => checkVolume(c, p, vol));
  c.string(`${path}.nodeName`, s.nodeName);
  c.stringMap(`${path}.nodeSelector`, s.nodeSelector);
  c.objects(`${path}.tolerations`, s.tolerations, (p, t) => {
    c.string(`${p}.key`, t.key);
    c.string(`${p}.operator`, t.operator, { oneOf: ['Exists', 'Equal'] });
    c.string(`${p}.value`, t.value);
    c.string(`${p}.effect`, t.effect, { oneOf: ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] });
    c.integer(`${p}.tolerationSeconds`, t.tolerationSeconds);
  });
  for (const f of ['schedulerName', 'serviceAccountName', 'hostname', 'subdomain', 'dnsPolicy', 'priorityClassName'] as const) c.string(`${path}.${f}`, s[f]);
  c.string(`${path}.restartPolicy`, s.restartPolicy, { oneOf: ['Always', 'OnFailure', 'Never'] });
  c.integer(`${path}.terminationGracePeriodSeconds`, s.terminationGracePeriodSeconds, { min: 0 });
  c.integer(`${path}.activeDeadlineSeconds`, s.activeDeadlineSeconds, { min: 1 });
  c.integer(`${path}.priority`, s.priority);
  for (const f of ['hostNetwork', 'hostPID', 'hostIPC', 'automountServiceAccountToken'] as const) c.boolean(`${path}.${f}`, s[f]);
  c.object(`${path}.affinity`, s.affinity);
  c.object(`${path}.securityContext`, s.securityContext);
  c.object(`${path}.dnsConfig`, s.dnsConfig);
}

export function checkPod(c: Checker, obj: unknown): void {
  const o = checkMetadata(c, obj, { namespaced: true });
  if (!o) return;
  const m = o.metadata as Record<string, unknown> | undefined;
  // The uid names the pod's directories on the node.
  if (m) c.string('metadata.uid', m.uid, { pattern: [/^[A-Za-z0-9][-A-Za-z0-9_]{0,127}$/, 'must be alphanumeric with "-" or "_"'] });
  checkPodSpec(c, 'spec', o.spec);
  const st = c.object('status', o.status);
  if (!st) return;
  for (const f of ['phase', 'podIP', 'hostIP', 'reason', 'message', 'qosClass', 'startTime'] as const) c.string(`status.${f}`, st[f]);
  c.objects('status.conditions', st.conditions, (p, cond) => {
    c.string(`${p}.type`, cond.type, { required: true });
    c.string(`${p}.status`, cond.status, { required: true });
    c.string(`${p}.lastTransitionTime`, cond.lastTransitionTime);
  });
  for (const f of ['containerStatuses', 'initContainerStatuses'] as const) {
    c.objects(`status.${f}`, st[f], (p, cs) => {
      c.string(`${p}.name`, cs.name, { required: true });
      c.integer(`${p}.restartCount`, cs.restartCount);
      c.boolean(`${p}.ready`, cs.ready);
      c.object(`${p}.state`, cs.state);
      c.object(`${p}.lastState`, cs.lastState);
    });
  }
  c.objects('status.podIPs', st.podIPs, (p, ip) => c.string(`${p}.ip`, ip.ip));
}
