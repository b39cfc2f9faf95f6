// `describe`: the main fields of pods, deployments, replicasets, services and nodes in readable
// lines, a generic view for other kinds, and the object's Events in kubectl's table layout.
import YAML from 'yaml';
import type { KEvent, KObject } from '../../lib/api/types';
import { LAST_APPLIED } from '../merge-patch';
import { DescribeWriter } from './describe-writer';
import { ageSince, formatLabels } from './table';

export interface DescribeInput {
  kind: string;
  obj: any;
  events: KEvent[];
  /** Endpoints of a Service, when the command could fetch them. */
  endpoints?: any;
  now: number;
}

const labelLines = (m: Record<string, string> | undefined): string[] =>
  Object.entries(m ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`);

const annotationLines = (m: Record<string, string> | undefined): string[] =>
  Object.entries(m ?? {})
    .filter(([k]) => k !== LAST_APPLIED)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}: ${v}`);

function selectorText(sel: any): string {
  if (!sel) return '<none>';
  const parts = labelLines(sel.matchLabels ?? (sel.matchExpressions ? undefined : sel));
  for (const e of sel.matchExpressions ?? []) {
    if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
    else parts.push(`${e.key} ${e.operator.toLowerCase()} (${(e.values ?? []).join(',')})`);
  }
  return parts.join(',') || '<none>';
}

function meta(w: DescribeWriter, o: any, withNamespace: boolean): void {
  w.kv(0, 'Name', o.metadata?.name);
  if (withNamespace) w.kv(0, 'Namespace', o.metadata?.namespace);
  w.kv(0, 'Labels', labelLines(o.metadata?.labels));
  w.kv(0, 'Annotations', annotationLines(o.metadata?.annotations));
}

function stateLines(w: DescribeWriter, level: number, title: string, s: any): void {
  if (!s) return;
  if (s.running) {
    w.kv(level, title, 'Running').kv(level + 1, 'Started', s.running.startedAt);
  } else if (s.waiting) {
    w.kv(level, title, 'Waiting').kv(level + 1, 'Reason', s.waiting.reason);
    if (s.waiting.message) w.kv(level + 1, 'Message', s.waiting.message);
  } else if (s.terminated) {
    w.kv(level, title, 'Terminated').kv(level + 1, 'Reason', s.terminated.reason).kv(level + 1, 'Exit Code', s.terminated.exitCode);
    if (s.terminated.startedAt) w.kv(level + 1, 'Started', s.terminated.startedAt);
    if (s.terminated.finishedAt) w.kv(level + 1, 'Finished', s.terminated.finishedAt);
  }
}

const portText = (p: any): string => `${p.containerPort}/${p.protocol ?? 'TCP'}`;

function containers(w: DescribeWriter, level: number, list: any[] | undefined, statuses: any[] | undefined): void {
  w.section(level, 'Containers');
  for (const c of list ?? []) {
    const st = (statuses ?? []).find((s) => s.name === c.name);
    w.section(level + 1, c.name);
    const l = level + 2;
    if (st?.containerID) w.kv(l, 'Container ID', st.containerID);
    w.kv(l, 'Image', c.image);
    if (st) w.kv(l, 'Image ID', st.imageID);
    w.kv(l, 'Port', (c.ports ?? []).map(portText).join(', '));
    if (c.command) w.kv(l, 'Command', c.command);
    if (c.args) w.kv(l, 'Args', c.args);
    if (st) {
      stateLines(w, l, 'State', st.state);
      if (st.lastState && Object.keys(st.lastState).length) stateLines(w, l, 'Last State', st.lastState);
      w.kv(l, 'Ready', st.ready ? 'True' : 'False');
      w.kv(l, 'Restart Count', st.restartCount ?? 0);
    }
    w.kv(l, 'Environment', (c.env ?? []).map((e: any) => `${e.name}: ${e.value ?? '<set from source>'}`));
  }
}

function describePod(w: DescribeWriter, o: any, now: number): void {
  meta(w, o, true);
  const node = o.spec?.nodeName ? `${o.spec.nodeName}${o.status?.hostIP ? '/' + o.status.hostIP : ''}` : '<none>';
  w.kv(0, 'Node', node);
  w.kv(0, 'Start Time', o.status?.startTime);
  const status = o.metadata?.deletionTimestamp ? `Terminating (lasts ${ageSince(o.metadata.deletionTimestamp, now)})` : o.status?.phase;
  w.kv(0, 'Status', status);
  if (o.status?.reason) w.kv(0, 'Reason', o.status.reason);
  if (o.status?.message) w.kv(0, 'Message', o.status.message);
  w.kv(0, 'IP', o.status?.podIP);
  const owner = (o.metadata?.ownerReferences ?? []).find((r: any) => r.controller);
  if (owner) w.kv(0, 'Controlled By', `${owner.kind}/${owner.name}`);
  containers(w, 0, o.spec?.containers, o.status?.containerStatuses);
  const conds = o.status?.conditions ?? [];
  if (!conds.length) w.kv(0, 'Conditions', undefined);
  else w.section(0, 'Conditions').table(1, [['Type', 'Status'], ...conds.map((c: any) => [c.type, c.status])]);
  w.kv(0, 'Node-Selectors', labelLines(o.spec?.nodeSelector));
}

function podTemplate(w: DescribeWriter, t: any): void {
  w.section(0, 'Pod Template');
  w.kv(1, 'Labels', labelLines(t?.metadata?.labels));
  containers(w, 1, t?.spec?.containers, undefined);
}

function describeDeployment(w: DescribeWriter, o: any): void {
  meta(w, o, true);
  w.kv(0, 'CreationTimestamp', o.metadata?.creationTimestamp);
  w.kv(0, 'Selector', selectorText(o.spec?.selector));
  const s = o.status ?? {};
  w.kv(
    0,
    'Replicas',
    `${o.spec?.replicas ?? 1} desired | ${s.updatedReplicas ?? 0} updated | ${s.replicas ?? 0} total | ${s.availableReplicas ?? 0} available | ${s.unavailableReplicas ?? 0} unavailable`,
  );
  const strategy = o.spec?.strategy ?? {};
  w.kv(0, 'StrategyType', strategy.type ?? 'RollingUpdate');
  w.kv(0, 'MinReadySeconds', o.spec?.minReadySeconds ?? 0);
  if ((strategy.type ?? 'RollingUpdate') === 'RollingUpdate') {
    const ru = strategy.rollingUpdate ?? {};
    w.kv(0, 'RollingUpdateStrategy', `${ru.maxUnavailable ?? '25%'} max unavailable, ${ru.maxSurge ?? '25%'} max surge`);
  }
  podTemplate(w, o.spec?.template);
  const conds = s.conditions ?? [];
  if (!conds.length) w.kv(0, 'Conditions', undefined);
  else w.section(0, 'Conditions').table(1, [['Type', 'Status', 'Reason'], ...conds.map((c: any) => [c.type, c.status, c.reason ?? ''])]);
}

function describeReplicaSet(w: DescribeWriter, o: any): void {
  meta(w, o, true);
  w.kv(0, 'Selector', selectorText(o.spec?.selector));
  const owner = (o.metadata?.ownerReferences ?? []).find((r: any) => r.controller);
  if (owner) w.kv(0, 'Controlled By', `${owner.kind}/${owner.name}`);
  w.kv(0, 'Replicas', `${o.status?.replicas ?? 0} current / ${o.spec?.replicas ?? 1} desired`);
  w.kv(0, 'Pods Status', `${o.status?.readyReplicas ?? 0} Ready / ${o.status?.availableReplicas ?? 0} Available`);
  podTemplate(w, o.spec?.template);
}

function endpointsText(ep: any, port: any): string {
  if (!ep) return '<none>';
  const out: string[] = [];
  for (const sub of ep.subsets ?? []) {
    const p = (sub.ports ?? []).find((x: any) => (port?.name ? x.name === port.name : true));
    for (const a of sub.addresses ?? []) out.push(p ? `${a.ip}:${p.port}` : a.ip);
  }
  return out.join(',') || '<none>';
}

function describeService(w: DescribeWriter, o: any, endpoints: any): void {
  meta(w, o, true);
  w.kv(0, 'Selector', formatLabels(o.spec?.selector));
  w.kv(0, 'Type', o.spec?.type ?? 'ClusterIP');
  w.kv(0, 'IP', o.spec?.clusterIP);
  if (o.spec?.clusterIPs) w.kv(0, 'IPs', o.spec.clusterIPs.join(','));
  const ports = o.spec?.ports ?? [];
  if (!ports.length) w.kv(0, 'Port', '<none>');
  for (const p of ports) {
    const name = p.name || '<unset>';
    w.kv(0, 'Port', `${name}  ${p.port}/${p.protocol ?? 'TCP'}`);
    w.kv(0, 'TargetPort', `${p.targetPort ?? p.port}/${p.protocol ?? 'TCP'}`);
    if (p.nodePort) w.kv(0, 'NodePort', `${name}  ${p.nodePort}/${p.protocol ?? 'TCP'}`);
    w.kv(0, 'Endpoints', endpointsText(endpoints, p));
  }
  w.kv(0, 'Session Affinity', o.spec?.sessionAffinity ?? 'None');
  if (o.spec?.externalTrafficPolicy) w.kv(0, 'External Traffic Policy', o.spec.externalTrafficPolicy);
}

function describeNode(w: DescribeWriter, o: any): void {
  meta(w, o, false);
  w.kv(0, 'CreationTimestamp', o.metadata?.creationTimestamp);
  w.kv(0, 'Taints', (o.spec?.taints ?? []).map((t: any) => `${t.key}${t.value ? '=' + t.value : ''}:${t.effect}`));
  w.kv(0, 'Unschedulable', o.spec?.unschedulable ? 'true' : 'false');
  const conds = o.status?.conditions ?? [];
  if (!conds.length) w.kv(0, 'Conditions', undefined);
  else
    w.section(0, 'Conditions').table(1, [
      ['Type', 'Status', 'LastHeartbeatTime', 'LastTransitionTime', 'Reason', 'Message'],
      ['----', '------', '-----------------', '------------------', '------', '-------'],
      ...conds.map((c: any) => [c.type, c.status, c.lastHeartbeatTime ?? '', c.lastTransitionTime ?? '', c.reason ?? '', c.message ?? '']),
    ]);
  w.section(0, 'Addresses');
  for (const a of o.status?.addresses ?? []) w.kv(1, a.type, a.address);
  for (const [title, list] of [['Capacity', o.status?.capacity], ['Allocatable', o.status?.allocatable]] as const) {
    w.section(0, title);
    for (const [k, v] of Object.entries(list ?? {})) w.kv(1, k, String(v));
  }
  if (o.status?.nodeInfo) {
    w.section(0, 'System Info');
    for (const [k, v] of Object.entries(o.status.nodeInfo)) w.kv(1, k.replace(/^./, (c) => c.toUpperCase()), String(v));
  }
  w.kv(0, 'PodCIDR', o.spec?.podCIDR);
}

/** Kinds without a dedicated view: metadata, then the rest of the object as indented YAML. */
function describeGeneric(w: DescribeWriter, o: any): string {
  meta(w, o, !!o.metadata?.namespace);
  const rest = { ...o };
  delete rest.metadata;
  delete rest.apiVersion;
  delete rest.kind;
  const body = Object.keys(rest).length ? YAML.stringify(rest, { lineWidth: 0 }) : '';
  return w.toString() + body;
}

export function eventsBlock(events: KEvent[], now: number): string {
  if (!events.length) return 'Events:  <none>\n';
  const sorted = [...events].sort((a, b) => Date.parse(stamp(a)) - Date.parse(stamp(b)));
  const rows = sorted.map((e) => {
    const last = ageSince(stamp(e), now);
    const age = (e.count ?? 1) > 1 && e.firstTimestamp ? `${last} (x${e.count} over ${ageSince(e.firstTimestamp, now)})` : last;
    const from = e.source?.component ?? (e as any).reportingComponent ?? '';
    return [e.type ?? '', e.reason ?? '', age, from, e.message ?? ''];
  });
  const w = new DescribeWriter().section(0, 'Events').table(1, [['Type', 'Reason', 'Age', 'From', 'Message'], ['----', '------', '----', '----', '-------'], ...rows]);
  return w.toString();
}

const stamp = (e: KEvent): string =>
  e.lastTimestamp ?? (e as any).eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp ?? '';

export function describeObject(input: DescribeInput): string {
  const w = new DescribeWriter();
  const o = input.obj as KObject;
  let body: string;
  switch (input.kind) {
    case 'Pod':
      describePod(w, o, input.now);
      body = w.toString();
      break;
    case 'Deployment':
      describeDeployment(w, o);
      body = w.toString();
      break;
    case 'ReplicaSet':
      describeReplicaSet(w, o);
      body = w.toString();
      break;
    case 'Service':
      describeService(w, o, input.endpoints);
      body = w.toString();
      break;
    case 'Node':
      describeNode(w, o);
      body = w.toString();
      break;
    default:
      body = describeGeneric(w, o);
  }
  return body + eventsBlock(input.events, input.now);
}
