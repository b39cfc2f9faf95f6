// core/v1 Node: cluster-scoped; STATUS comes from the Ready condition, ROLES from node-role labels.
import type { KObject, Node } from '../../lib/api/types';
import { defineResource, col, objAge, NAME_COLUMN, AGE_COLUMN } from './common';
import { kindSchema, Str, Int, Bool, Time, ResourceList, obj, opt, req, list, named, opaque, conditionSchema } from './schemas';
import { invalid, type FieldError } from './validation';
import { validateNodeSpec, validateNodeStatus } from './validation-node';

const Taint = named(
  'io.k8s.api.core.v1.Taint',
  obj(
    {
      key: req(Str, 'The taint key to be applied to a node.'),
      value: opt(Str, 'The taint value corresponding to the taint key.'),
      effect: req(Str, 'The effect of the taint on pods that do not tolerate it: NoSchedule, PreferNoSchedule or NoExecute.'),
      timeAdded: opt(Time, 'The time at which the taint was added; only written for NoExecute taints.'),
    },
    'The node this Taint is attached to has the "effect" on any pod that does not tolerate the Taint.',
  ),
);

const NodeSpec = named(
  'io.k8s.api.core.v1.NodeSpec',
  obj(
    {
      podCIDR: opt(Str, 'The pod IP range assigned to the node.'),
      podCIDRs: opt(list(Str), 'The IP ranges assigned to the node for use by pods, at most one per IP family.'),
      providerID: opt(Str, 'ID of the node assigned by the cloud provider, as <ProviderName>://<ProviderSpecificNodeID>.'),
      unschedulable: opt(Bool, 'Controls node schedulability of new pods. By default, the node is schedulable.'),
      taints: opt(list(Taint), "The node's taints."),
      configSource: opt(opaque('Deprecated: the source of the dynamic kubelet configuration, no longer used.')),
      externalID: opt(Str, 'Deprecated. Not all kubelets set this field.'),
    },
    'NodeSpec describes the attributes that a node is created with.',
  ),
);

const NodeAddress = named(
  'io.k8s.api.core.v1.NodeAddress',
  obj({ type: req(Str, 'Node address type: Hostname, ExternalIP, InternalIP, ExternalDNS or InternalDNS.'), address: req(Str, 'The node address.') }, "NodeAddress contains information for the node's address."),
);

const NodeSystemInfo = named(
  'io.k8s.api.core.v1.NodeSystemInfo',
  obj(
    {
      machineID: req(Str, 'MachineID reported by the node, unique per machine (see man machine-id).'),
      systemUUID: req(Str, 'SystemUUID reported by the node (the hardware UUID on most machines).'),
      bootID: req(Str, 'Boot ID reported by the node.'),
      kernelVersion: req(Str, "Kernel Version reported by the node from 'uname -r'."),
      osImage: req(Str, 'OS Image reported by the node from /etc/os-release.'),
      containerRuntimeVersion: req(Str, 'ContainerRuntime Version reported by the node through the runtime remote API (e.g. containerd://1.6.20).'),
      kubeletVersion: req(Str, 'Kubelet Version reported by the node.'),
      kubeProxyVersion: req(Str, 'Deprecated: KubeProxy Version reported by the node.'),
      operatingSystem: req(Str, 'The Operating System reported by the node.'),
      architecture: req(Str, 'The Architecture reported by the node.'),
      swap: opt(
        named('io.k8s.api.core.v1.NodeSwapStatus', obj({ capacity: opt(Int, 'Total amount of swap memory in bytes.') }, 'Swap memory information.')),
        'Swap information of the node.',
      ),
    },
    'A set of ids/uuids to uniquely identify the node.',
  ),
);

const NodeConfigSource = opaque('NodeConfigSource: a reference to a dynamic kubelet configuration source (deprecated).');

const NodeRuntimeHandler = named(
  'io.k8s.api.core.v1.NodeRuntimeHandler',
  obj(
    {
      name: opt(Str, 'Runtime handler name; empty for the default runtime handler.'),
      features: opt(
        named(
          'io.k8s.api.core.v1.NodeRuntimeHandlerFeatures',
          obj(
            {
              recursiveReadOnlyMounts: opt(Bool, 'Whether the runtime handler supports RecursiveReadOnlyMounts.'),
              userNamespaces: opt(Bool, 'Whether the runtime handler supports user namespaces, including for volumes.'),
            },
            'The set of features implemented by a runtime handler.',
          ),
        ),
        'Supported features.',
      ),
    },
    'A set of runtime handler information.',
  ),
);

const NodeStatus = named(
  'io.k8s.api.core.v1.NodeStatus',
  obj(
    {
      capacity: opt(ResourceList, 'The total resources of the node.'),
      allocatable: opt(ResourceList, 'The resources of a node that are available for scheduling. Defaults to Capacity.'),
      phase: opt(Str, 'Deprecated: NodePhase is the recently observed lifecycle phase of the node.'),
      conditions: opt(list(conditionSchema('io.k8s.api.core.v1.NodeCondition', ['lastHeartbeatTime', 'lastTransitionTime'])), 'Conditions is an array of current observed node conditions.'),
      addresses: opt(list(NodeAddress), 'List of addresses reachable to the node, queried from the cloud provider if available.'),
      daemonEndpoints: opt(
        named(
          'io.k8s.api.core.v1.NodeDaemonEndpoints',
          obj(
            {
              kubeletEndpoint: opt(
                named('io.k8s.api.core.v1.DaemonEndpoint', obj({ Port: req(Int, 'Port number of the given endpoint.') }, 'Contains information about a single Daemon endpoint.')),
                'Endpoint on which Kubelet is listening.',
              ),
            },
            'Lists ports opened by daemons running on the Node.',
          ),
        ),
        'Endpoints of daemons running on the Node.',
      ),
      nodeInfo: opt(NodeSystemInfo, 'Set of ids/uuids to uniquely identify the node.'),
      images: opt(
        list(
          named(
            'io.k8s.api.core.v1.ContainerImage',
            obj({ names: opt(list(Str), 'Names by which this image is known, e.g. ["registry.k8s.io/hyperkube:v1.0.7"].'), sizeBytes: opt(Int, 'The size of the image in bytes.') }, 'Describe a container image.'),
          ),
        ),
        'List of container images on this node.',
      ),
      volumesInUse: opt(list(Str), 'List of attachable volumes in use (mounted) by the node.'),
      volumesAttached: opt(
        list(
          named(
            'io.k8s.api.core.v1.AttachedVolume',
            obj({ name: req(Str, 'Name of the attached volume.'), devicePath: req(Str, 'The path where the volume should be available.') }, 'AttachedVolume describes a volume attached to a node.'),
          ),
        ),
        'List of volumes that are attached to the node.',
      ),
      config: opt(
        named(
          'io.k8s.api.core.v1.NodeConfigStatus',
          obj(
            {
              assigned: opt(NodeConfigSource, "The node's intended configuration source."),
              active: opt(NodeConfigSource, 'The configuration source the node is actively using.'),
              lastKnownGood: opt(NodeConfigSource, 'The configuration the node falls back to when its assigned config is invalid.'),
              error: opt(Str, 'Any errors encountered while applying the assigned configuration.'),
            },
            'The status of the config assigned by Node.Spec.ConfigSource.',
          ),
        ),
        'Status of the config assigned to the node via the dynamic Kubelet config feature.',
      ),
      runtimeHandlers: opt(list(NodeRuntimeHandler), 'The available runtime handlers.'),
      features: opt(
        named(
          'io.k8s.api.core.v1.NodeFeatures',
          obj({ supplementalGroupsPolicy: opt(Bool, 'Whether the node supports the SupplementalGroupsPolicy field of pods.') }, 'Features that are implemented by the node CRI implementation.'),
        ),
        'Features supported by the node CRI implementation.',
      ),
    },
    'NodeStatus is information about the current status of a node.',
  ),
);

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
  schema: kindSchema({ spec: NodeSpec, status: NodeStatus }, 'Node is a worker node in Kubernetes. Each node will have a unique identifier in the cache (i.e. in etcd).'),
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
  validate: validateNodeSpec,
  validateStatus: validateNodeStatus,
  validateUpdate: validateNodeUpdate,
});
