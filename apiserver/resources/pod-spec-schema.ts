// core/v1 PodSpec with every field Kubernetes 1.32 defines: scheduling (affinity, tolerations,
// topology spread, gates), security context, DNS, host aliases, overhead, resource claims,
// ephemeral containers, and the PodTemplateSpec the workload kinds embed.
import { Str, Int, Bool, StrMap, ResourceList, obj, opt, req, list, named } from './schema-builders';
import { LabelSelector, LocalObjectReference, ObjectMeta } from './meta-schemas';
import { AppArmorProfile, Container, EphemeralContainer, ResourceRequirements, SELinuxOptions, SeccompProfile, WindowsSecurityContextOptions } from './container-schema';
import { Volume } from './volume-schema';

const NodeSelectorRequirement = named(
  'io.k8s.api.core.v1.NodeSelectorRequirement',
  obj(
    {
      key: req(Str, 'The label key that the selector applies to.'),
      operator: req(Str, "A key's relationship to a set of values: In, NotIn, Exists, DoesNotExist, Gt and Lt."),
      values: opt(list(Str), 'An array of string values; one integer for Gt and Lt, empty for Exists and DoesNotExist.'),
    },
    'A selector that contains values, a key, and an operator that relates the key and values.',
  ),
);

export const NodeSelectorTerm = named(
  'io.k8s.api.core.v1.NodeSelectorTerm',
  obj(
    {
      matchExpressions: opt(list(NodeSelectorRequirement), "A list of node selector requirements by node's labels."),
      matchFields: opt(list(NodeSelectorRequirement), "A list of node selector requirements by node's fields."),
    },
    'The ANDed requirements of one node selector term.',
  ),
);

export const NodeSelector = named(
  'io.k8s.api.core.v1.NodeSelector',
  obj({ nodeSelectorTerms: req(list(NodeSelectorTerm), 'A list of node selector terms. The terms are ORed.') }, 'The union of the results of one or more label queries over a set of nodes.'),
);

const NodeAffinity = named(
  'io.k8s.api.core.v1.NodeAffinity',
  obj(
    {
      requiredDuringSchedulingIgnoredDuringExecution: opt(NodeSelector, 'The pod is not scheduled onto a node that does not meet these requirements.'),
      preferredDuringSchedulingIgnoredDuringExecution: opt(
        list(obj({ weight: req(Int, 'Weight associated with matching the term, in the range 1-100.'), preference: req(NodeSelectorTerm, 'A node selector term, associated with the weight.') }, 'A weighted node selector term.')),
        'The scheduler prefers nodes that satisfy these expressions; the node with the greatest sum of weights wins.',
      ),
    },
    'Node affinity scheduling rules for the pod.',
  ),
);

const PodAffinityTerm = named(
  'io.k8s.api.core.v1.PodAffinityTerm',
  obj(
    {
      labelSelector: opt(LabelSelector, 'A label query over a set of resources, in this case pods.'),
      namespaceSelector: opt(LabelSelector, 'A label query over the set of namespaces that the term applies to.'),
      namespaces: opt(list(Str), 'A static list of namespace names that the term applies to.'),
      topologyKey: req(Str, 'The node label key whose equal values define co-location.'),
      matchLabelKeys: opt(list(Str), "Pod label keys whose values, taken from the incoming pod, are merged into labelSelector with In."),
      mismatchLabelKeys: opt(list(Str), "Pod label keys whose values, taken from the incoming pod, are merged into labelSelector with NotIn."),
    },
    'A set of pods that this pod should be co-located (affinity) or not co-located (anti-affinity) with.',
  ),
);

const podAffinity = (name: string, what: string) =>
  named(
    name,
    obj(
      {
        requiredDuringSchedulingIgnoredDuringExecution: opt(list(PodAffinityTerm), `The pod is not scheduled onto a node that does not meet these ${what} requirements.`),
        preferredDuringSchedulingIgnoredDuringExecution: opt(
          list(obj({ weight: req(Int, 'Weight associated with matching the term, in the range 1-100.'), podAffinityTerm: req(PodAffinityTerm, 'A pod affinity term, associated with the weight.') }, 'A weighted pod affinity term.')),
          `The scheduler prefers nodes that satisfy these ${what} expressions.`,
        ),
      },
      `Pod ${what} scheduling rules.`,
    ),
  );

export const Affinity = named(
  'io.k8s.api.core.v1.Affinity',
  obj(
    {
      nodeAffinity: opt(NodeAffinity, 'Node affinity scheduling rules for the pod.'),
      podAffinity: opt(podAffinity('io.k8s.api.core.v1.PodAffinity', 'affinity'), 'Pod affinity scheduling rules (e.g. co-locate this pod in the same zone as some other pods).'),
      podAntiAffinity: opt(podAffinity('io.k8s.api.core.v1.PodAntiAffinity', 'anti-affinity'), 'Pod anti-affinity scheduling rules (e.g. avoid putting this pod on a node with some other pods).'),
    },
    'A group of affinity scheduling rules.',
  ),
);

export const Toleration = named(
  'io.k8s.api.core.v1.Toleration',
  obj(
    {
      key: opt(Str, 'The taint key that the toleration applies to; empty means all taint keys (with operator Exists).'),
      operator: opt(Str, "A key's relationship to the value: Exists or Equal. Defaults to Equal."),
      value: opt(Str, 'The taint value the toleration matches to.'),
      effect: opt(Str, 'The taint effect to match: NoSchedule, PreferNoSchedule or NoExecute; empty matches all.'),
      tolerationSeconds: opt(Int, 'How long a NoExecute toleration tolerates the taint before the pod is evicted.'),
    },
    'The pod this Toleration is attached to tolerates any taint that matches the triple <key,value,effect>.',
  ),
);

const TopologySpreadConstraint = named(
  'io.k8s.api.core.v1.TopologySpreadConstraint',
  obj(
    {
      maxSkew: req(Int, 'The degree to which pods may be unevenly distributed.'),
      topologyKey: req(Str, 'The key of node labels; nodes with the same value are in the same topology.'),
      whenUnsatisfiable: req(Str, 'How to deal with a pod that does not satisfy the constraint: DoNotSchedule or ScheduleAnyway.'),
      labelSelector: opt(LabelSelector, 'Finds matching pods, counted to determine the number of pods in their topology domain.'),
      minDomains: opt(Int, 'A minimum number of eligible domains.'),
      nodeAffinityPolicy: opt(Str, "How the pod's nodeAffinity/nodeSelector is treated when calculating skew: Honor or Ignore."),
      nodeTaintsPolicy: opt(Str, 'How node taints are treated when calculating skew: Honor or Ignore.'),
      matchLabelKeys: opt(list(Str), 'Pod label keys whose values from the incoming pod select the pods to spread.'),
    },
    'How to spread matching pods among the given topology.',
  ),
);

const PodSecurityContext = named(
  'io.k8s.api.core.v1.PodSecurityContext',
  obj(
    {
      seLinuxOptions: opt(SELinuxOptions, 'The SELinux context to be applied to all containers.'),
      windowsOptions: opt(WindowsSecurityContextOptions, 'The Windows-specific settings applied to all containers.'),
      runAsUser: opt(Int, 'The UID to run the entrypoint of the container process.'),
      runAsGroup: opt(Int, 'The GID to run the entrypoint of the container process.'),
      runAsNonRoot: opt(Bool, 'The containers must run as a non-root user.'),
      supplementalGroups: opt(list(Int), "Groups added to the first process in each container, besides the container's primary GID."),
      supplementalGroupsPolicy: opt(Str, 'How supplemental groups of the first container processes are calculated: Merge or Strict.'),
      fsGroup: opt(Int, 'A supplemental group that applies to all containers and owns the volumes.'),
      fsGroupChangePolicy: opt(Str, "How ownership and permission of a volume change before it is exposed: OnRootMismatch or Always."),
      sysctls: opt(list(obj({ name: req(Str, 'Name of a property to set.'), value: req(Str, 'Value of a property to set.') }, 'A kernel parameter to be set.')), 'Namespaced sysctls used for the pod.'),
      seccompProfile: opt(SeccompProfile, 'The seccomp options to use by the containers in this pod.'),
      appArmorProfile: opt(AppArmorProfile, 'The AppArmor options to use by the containers in this pod.'),
      seLinuxChangePolicy: opt(Str, 'How the SELinux label is applied to the volumes: Recursive or MountOption.'),
    },
    'Pod-level security attributes and common container settings.',
  ),
);

const PodDNSConfig = named(
  'io.k8s.api.core.v1.PodDNSConfig',
  obj(
    {
      nameservers: opt(list(Str), 'A list of DNS name server IP addresses, appended to those generated from DNSPolicy.'),
      searches: opt(list(Str), 'A list of DNS search domains for host-name lookup.'),
      options: opt(list(obj({ name: opt(Str, 'Name of the resolver option.'), value: opt(Str, 'Value of the resolver option.') }, 'A DNS resolver option of a pod.')), 'A list of DNS resolver options.'),
    },
    'The DNS parameters of a pod in addition to those generated from DNSPolicy.',
  ),
);

export const PodSpec = named(
  'io.k8s.api.core.v1.PodSpec',
  obj(
    {
      volumes: opt(list(Volume), 'List of volumes that can be mounted by containers belonging to the pod.'),
      initContainers: opt(list(Container), 'List of initialization containers, run in order before the app containers start.'),
      containers: opt(list(Container), 'List of containers belonging to the pod. There must be at least one. Cannot be updated.'),
      ephemeralContainers: opt(list(EphemeralContainer), 'Ephemeral containers run in this pod for user-initiated actions such as debugging; added through the ephemeralcontainers subresource.'),
      restartPolicy: opt(Str, 'Restart policy for all containers within the pod: Always, OnFailure or Never. Default to Always.'),
      terminationGracePeriodSeconds: opt(Int, 'Duration in seconds the pod needs to terminate gracefully. Defaults to 30 seconds.'),
      activeDeadlineSeconds: opt(Int, 'Duration in seconds the pod may be active on the node before the system marks it failed.'),
      dnsPolicy: opt(Str, 'DNS policy for the pod: ClusterFirstWithHostNet, ClusterFirst, Default or None. Defaults to ClusterFirst.'),
      nodeSelector: opt(StrMap, "A selector which must match a node's labels for the pod to be scheduled on that node."),
      serviceAccountName: opt(Str, 'Name of the ServiceAccount to use to run this pod.'),
      serviceAccount: opt(Str, 'Deprecated alias for serviceAccountName.'),
      automountServiceAccountToken: opt(Bool, 'Whether a service account token should be automatically mounted.'),
      nodeName: opt(Str, 'A request to schedule this pod onto a specific node; set by the scheduler on binding.'),
      hostNetwork: opt(Bool, "Host networking requested for this pod: it uses the host's network namespace."),
      hostPID: opt(Bool, "Use the host's pid namespace. Default to false."),
      hostIPC: opt(Bool, "Use the host's ipc namespace. Default to false."),
      shareProcessNamespace: opt(Bool, 'Share a single process namespace between all of the containers in a pod. Default to false.'),
      securityContext: opt(PodSecurityContext, 'Pod-level security attributes and common container settings.'),
      imagePullSecrets: opt(list(LocalObjectReference), 'References to secrets in the same namespace to use for pulling the images.'),
      hostname: opt(Str, "The pod's hostname; defaults to the pod name."),
      subdomain: opt(Str, 'The pod\'s fully qualified hostname becomes "<hostname>.<subdomain>.<namespace>.svc.<cluster domain>".'),
      affinity: opt(Affinity, "The pod's scheduling constraints."),
      schedulerName: opt(Str, 'The scheduler that dispatches the pod; defaults to the default scheduler.'),
      tolerations: opt(list(Toleration), "The pod's tolerations."),
      hostAliases: opt(
        list(obj({ ip: req(Str, 'IP address of the host file entry.'), hostnames: opt(list(Str), 'Hostnames for the above IP address.') }, "An entry injected into the pod's hosts file.")),
        "Hosts and IPs injected into the pod's hosts file.",
      ),
      priorityClassName: opt(Str, "The pod's priority class: system-node-critical, system-cluster-critical or a PriorityClass name."),
      priority: opt(Int, 'The priority value, filled from priorityClassName by the admission controller.'),
      dnsConfig: opt(PodDNSConfig, 'DNS parameters of a pod, merged into those generated from DNSPolicy.'),
      readinessGates: opt(list(obj({ conditionType: req(Str, "A condition type in the pod's condition list.") }, 'A pod condition the pod readiness depends on.')), 'Additional conditions evaluated for pod readiness.'),
      runtimeClassName: opt(Str, 'The RuntimeClass used to run this pod.'),
      enableServiceLinks: opt(Bool, "Whether information about services is injected into the pod's environment variables. Defaults to true."),
      preemptionPolicy: opt(Str, 'Policy for preempting pods with lower priority: Never or PreemptLowerPriority (default).'),
      overhead: opt(ResourceList, 'The resource overhead of running a pod on its RuntimeClass.'),
      topologySpreadConstraints: opt(list(TopologySpreadConstraint), 'How a group of pods ought to spread across topology domains.'),
      setHostnameAsFQDN: opt(Bool, "The pod's hostname is configured as its FQDN. Default to false."),
      os: opt(obj({ name: req(Str, 'The operating system: linux or windows.') }, 'The OS parameters of a pod.'), 'The OS of the containers in the pod.'),
      hostUsers: opt(Bool, "Use the host's user namespace. Defaults to true."),
      schedulingGates: opt(list(obj({ name: req(Str, 'Name of the scheduling gate.') }, 'A scheduling gate of a pod.')), 'The pod is not scheduled while any gate remains.'),
      resourceClaims: opt(
        list(
          obj(
            {
              name: req(Str, 'Uniquely identifies this resource claim inside the pod.'),
              resourceClaimName: opt(Str, 'The name of a ResourceClaim in the same namespace.'),
              resourceClaimTemplateName: opt(Str, 'The name of a ResourceClaimTemplate the claim is created from.'),
            },
            'References one ResourceClaim through a ClaimSource.',
          ),
        ),
        'The ResourceClaims that must be allocated and reserved before the pod may start.',
      ),
      resources: opt(ResourceRequirements, 'The total resources the pod requires (pod-level resources).'),
    },
    'A description of a pod.',
  ),
);

export const PodTemplateSpec = named(
  'io.k8s.api.core.v1.PodTemplateSpec',
  obj(
    {
      metadata: opt(ObjectMeta, "Standard object's metadata."),
      spec: opt(PodSpec, 'Specification of the desired behavior of the pod.'),
    },
    'The data a pod should have when created from a template.',
  ),
);
