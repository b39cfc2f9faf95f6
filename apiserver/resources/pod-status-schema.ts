// core/v1 PodStatus as Kubernetes 1.32 defines it: phase and conditions, addresses, and the
// per-container statuses (state, resources, user, mounts) the kubelet reports.
import { Str, Int, Bool, ResourceList, Time, obj, opt, req, list, named } from './schema-builders';
import { conditionSchema } from './meta-schemas';
import { ResourceRequirements } from './container-schema';

const ContainerState = named(
  'io.k8s.api.core.v1.ContainerState',
  obj(
    {
      waiting: opt(obj({ reason: opt(Str, 'Why the container is not yet running.'), message: opt(Str, 'Why the container is not yet running, in words.') }, 'A waiting state of a container.'), 'Details about a waiting container.'),
      running: opt(obj({ startedAt: opt(Time, 'Time at which the container was last (re-)started.') }, 'A running state of a container.'), 'Details about a running container.'),
      terminated: opt(
        obj(
          {
            exitCode: req(Int, 'Exit status from the last termination of the container.'),
            signal: opt(Int, 'Signal from the last termination of the container.'),
            reason: opt(Str, '(brief) reason from the last termination of the container.'),
            message: opt(Str, 'Message regarding the last termination of the container.'),
            startedAt: opt(Time, 'Time at which previous execution of the container started.'),
            finishedAt: opt(Time, 'Time at which the container last terminated.'),
            containerID: opt(Str, "Container's ID in the format '<type>://<container_id>'."),
          },
          'A terminated state of a container.',
        ),
        'Details about a terminated container.',
      ),
    },
    'The possible state of a container: only one member may be set.',
  ),
);

const ContainerStatus = named(
  'io.k8s.api.core.v1.ContainerStatus',
  obj(
    {
      name: req(Str, 'The name of the container, as in the pod spec.'),
      state: opt(ContainerState, 'Details about the container\'s current condition.'),
      lastState: opt(ContainerState, "Details about the container's last termination condition."),
      ready: req(Bool, 'Whether the container is currently passing its readiness check.'),
      restartCount: req(Int, 'The number of times the container has been restarted.'),
      image: req(Str, 'The name of the container image that the container is running.'),
      imageID: req(Str, "The image ID of the container's image."),
      containerID: opt(Str, "The container's ID in the format '<type>://<container_id>'."),
      started: opt(Bool, 'Whether the container has finished its postStart hook and passed its startup probe.'),
      allocatedResources: opt(ResourceList, 'The compute resources allocated for this container by the node.'),
      resources: opt(ResourceRequirements, 'The compute resource requests and limits applied to the running container.'),
      volumeMounts: opt(
        list(
          obj(
            {
              name: req(Str, 'Name of the volume mount.'),
              mountPath: req(Str, 'Path within the container at which the volume is mounted.'),
              readOnly: opt(Bool, 'Whether the volume is mounted read-only.'),
              recursiveReadOnly: opt(Str, 'Whether the read-only mount is recursively read-only: Disabled or Enabled.'),
            },
            'The status of a volume mount.',
          ),
        ),
        'Status of the volume mounts.',
      ),
      user: opt(
        obj(
          {
            linux: opt(
              obj(
                {
                  uid: req(Int, 'The primary uid of the first process in the container.'),
                  gid: req(Int, 'The primary gid of the first process in the container.'),
                  supplementalGroups: opt(list(Int), 'The supplemental groups attached to the first process.'),
                },
                'The Linux identity of the first process.',
              ),
              'The Linux identity of the first process in the container.',
            ),
          },
          'The identities of the first process of the container.',
        ),
        'The identities of the first process of the container.',
      ),
      allocatedResourcesStatus: opt(
        list(
          obj(
            {
              name: req(Str, 'The resource name, from the container resources or claims.'),
              resources: opt(
                list(obj({ resourceID: req(Str, 'The unique identifier of the resource.'), health: opt(Str, 'Health of the resource: Healthy, Unhealthy or Unknown.') }, 'The health of one resource.')),
                'The health of each allocated resource.',
              ),
            },
            'The status of a resource allocated to the container.',
          ),
        ),
        'The status of the resources allocated to this container.',
      ),
    },
    'Information about the current status of a container.',
  ),
);

const ip = obj({ ip: req(Str, 'An IP address.') }, 'An IP address allocated to the pod or host.');

export const PodStatus = named(
  'io.k8s.api.core.v1.PodStatus',
  obj(
    {
      phase: opt(Str, 'Where the pod is in its lifecycle: Pending, Running, Succeeded, Failed or Unknown.'),
      conditions: opt(list(conditionSchema('io.k8s.api.core.v1.PodCondition', ['lastProbeTime', 'lastTransitionTime'])), 'Current service state of the pod.'),
      message: opt(Str, 'A human readable message indicating why the pod is in this condition.'),
      reason: opt(Str, "A brief CamelCase message indicating why the pod is in this state, e.g. 'Evicted'."),
      nominatedNodeName: opt(Str, 'The node this pod may be scheduled on once preempted pods are gone.'),
      hostIP: opt(Str, 'The IP address of the host the pod is assigned to.'),
      hostIPs: opt(list(ip), 'The IP addresses allocated to the host.'),
      podIP: opt(Str, 'The IP address allocated to the pod.'),
      podIPs: opt(list(ip), 'The IP addresses allocated to the pod; the first equals podIP.'),
      startTime: opt(Time, 'When the object was acknowledged by the kubelet, before the image pulls.'),
      initContainerStatuses: opt(list(ContainerStatus), 'Statuses of the init containers in this pod.'),
      containerStatuses: opt(list(ContainerStatus), 'Statuses of the containers in this pod.'),
      ephemeralContainerStatuses: opt(list(ContainerStatus), 'Statuses of the ephemeral containers in this pod.'),
      qosClass: opt(Str, 'The Quality of Service class of the pod: Guaranteed, Burstable or BestEffort.'),
      resize: opt(Str, 'The status of a pending resize of resources: Proposed, InProgress, Deferred or Infeasible.'),
      resourceClaimStatuses: opt(
        list(obj({ name: req(Str, 'Name of the entry in pod.spec.resourceClaims.'), resourceClaimName: opt(Str, 'The name of the ResourceClaim generated for the pod.') }, 'The generated ResourceClaim of one pod resource claim.')),
        'Status of resource claims.',
      ),
    },
    'Information about the status of a pod, which may trail the actual state of the system.',
  ),
);
