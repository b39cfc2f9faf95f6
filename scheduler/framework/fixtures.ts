// Small builders of nodes and pods for the scheduler's table-driven tests.
import type { Node, Pod } from '../../lib/api/types';

export function mkNode(
  name: string,
  o: { cpu?: string; memory?: string; pods?: string; ready?: 'True' | 'False' | 'Unknown' | null; labels?: Record<string, string>; unschedulable?: boolean; taints?: unknown[] } = {},
): Node {
  const allocatable: Record<string, string> = { cpu: o.cpu ?? '2', memory: o.memory ?? '4Gi' };
  if (o.pods) allocatable.pods = o.pods;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: o.labels ?? { 'kubernetes.io/hostname': name } },
    spec: { unschedulable: o.unschedulable, taints: o.taints },
    status: {
      allocatable,
      capacity: allocatable,
      conditions: o.ready === null ? [] : [{ type: 'Ready', status: o.ready ?? 'True' }],
    },
  };
}

export function mkPod(
  name: string,
  o: { cpu?: string; memory?: string; nodeName?: string; nodeSelector?: Record<string, string>; tolerations?: unknown[]; phase?: string; init?: { cpu?: string; memory?: string } } = {},
): Pod {
  const requests: Record<string, string> = {};
  if (o.cpu) requests.cpu = o.cpu;
  if (o.memory) requests.memory = o.memory;
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `uid-${name}` },
    spec: {
      containers: [{ name: 'c', image: 'k8ts/web:1.0', resources: { requests } }],
      nodeName: o.nodeName,
      nodeSelector: o.nodeSelector,
      tolerations: o.tolerations,
    },
    status: { phase: (o.phase as 'Pending') ?? 'Pending' },
  };
  if (o.init) pod.spec.initContainers = [{ name: 'i', image: 'x', resources: { requests: { ...o.init } } }];
  return pod;
}
