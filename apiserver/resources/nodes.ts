// core/v1 Node: cluster-scoped; STATUS comes from the Ready condition, ROLES from node-role labels.
import type { KObject, Node } from '../../lib/api/types';
import { defineResource, col, objAge, NAME_COLUMN, AGE_COLUMN } from './common';
import { kindSchema, Type, Open, Str } from './schemas';
import { invalid, type FieldError } from './validation';

export function nodeStatusText(n: Node): string {
  const ready = (n.status?.conditions ?? []).find((c) => c.type === 'Ready');
  const parts = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (n.spec?.unschedulable) parts.push('SchedulingDisabled');
  return parts.join(',');
}

export function nodeRoles(n: KObject): string {
  const roles: string[] = [];
  for (const [k, v] of Object.entries(n.metadata.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) roles.push(k.slice('node-role.kubernetes.io/'.length));
    else if (k === 'kubernetes.io/role' && v) roles.push(v);
  }
  return roles.length ? roles.sort().join(',') : '<none>';
}

const address = (n: Node, type: string) => n.status?.addresses?.find((a) => a.type === type)?.address ?? '<none>';

function validateNodeUpdate(obj: KObject, old: KObject): FieldError[] {
  const a = (old as Node).spec?.podCIDR;
  const b = (obj as Node).spec?.podCIDR;
  // podCIDR may be set once (node-ipam) and never changed afterwards.
  if (a && b !== a) return [invalid('spec.podCIDR', b ?? '', 'node updates may not change podCIDR except from "" to valid')];
  return [];
}

export const nodes = defineResource({
  group: '',
  version: 'v1',
  kind: 'Node',
  resource: 'nodes',
  singular: 'node',
  namespaced: false,
  shortNames: ['no'],
  subresources: ['status', 'proxy'],
  hasStatus: true,
  schema: kindSchema({
    spec: Type.Object(
      { podCIDR: Type.Optional(Str), podCIDRs: Type.Optional(Type.Array(Str)), unschedulable: Type.Optional(Type.Boolean()) },
      Open,
    ),
    status: Type.Object({}, Open),
  }),
  printerColumns: [
    NAME_COLUMN,
    col('Status', 'string', 'The status of the node'),
    col('Roles', 'string', 'The roles of the node'),
    AGE_COLUMN,
    col('Version', 'string', 'Kubelet Version reported by the node.'),
    col('Internal-IP', 'string', 'List of internal IPs in the node.', 1),
    col('External-IP', 'string', 'List of external IPs in the node.', 1),
    col('OS-Image', 'string', 'OS image reported by the node.', 1),
    col('Kernel-Version', 'string', 'Kernel version reported by the node.', 1),
    col('Container-Runtime', 'string', 'Container runtime and version reported by the node.', 1),
  ],
  printRow: (o) => {
    const n = o as Node;
    const info = n.status?.nodeInfo ?? {};
    return [
      n.metadata.name,
      nodeStatusText(n),
      nodeRoles(n),
      objAge(n),
      info.kubeletVersion ?? '',
      address(n, 'InternalIP'),
      address(n, 'ExternalIP'),
      info.osImage ?? '<unknown>',
      info.kernelVersion ?? '<unknown>',
      info.containerRuntimeVersion ?? '<unknown>',
    ];
  },
  fieldSelectors: { 'spec.unschedulable': (o) => String((o as Node).spec?.unschedulable ?? false) },
  defaults: (o) => {
    (o as Node).spec ??= {};
  },
  validateUpdate: validateNodeUpdate,
});
