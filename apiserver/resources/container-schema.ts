// core/v1 Container and EphemeralContainer with everything they carry: env and envFrom, probes,
// lifecycle hooks, security context, resources and resize policy, volume mounts and devices.
import type { TSchema } from '@sinclair/typebox';
import { Str, Int, Bool, IntOrString, Quantity, ResourceList, obj, opt, req, list, named } from './schema-builders';

const keySelector = (what: string) =>
  obj(
    {
      name: opt(Str, `Name of the ${what}.`),
      key: req(Str, `The key of the ${what} to select.`),
      optional: opt(Bool, `Whether the ${what} or its key must be defined.`),
    },
    `Selects a key of a ${what}.`,
  );

export const ObjectFieldSelector = named(
  'io.k8s.api.core.v1.ObjectFieldSelector',
  obj(
    {
      apiVersion: opt(Str, 'Version of the schema the FieldPath is written in terms of. Defaults to "v1".'),
      fieldPath: req(Str, 'Path of the field to select in the specified API version.'),
    },
    'Selects a field of the pod, e.g. metadata.name or status.podIP.',
  ),
);

export const ResourceFieldSelector = named(
  'io.k8s.api.core.v1.ResourceFieldSelector',
  obj(
    {
      containerName: opt(Str, 'Container name: required for volumes, optional for env vars.'),
      resource: req(Str, 'Required: resource to select, e.g. limits.cpu.'),
      divisor: opt(Quantity, 'Output format of the exposed resources; defaults to "1".'),
    },
    'Selects a resource of a container: only limits and requests are supported.',
  ),
);

const EnvVar = named(
  'io.k8s.api.core.v1.EnvVar',
  obj(
    {
      name: req(Str, 'Name of the environment variable.'),
      value: opt(Str, 'Value of the variable; $(VAR_NAME) references are expanded. Defaults to "".'),
      valueFrom: opt(
        obj(
          {
            fieldRef: opt(ObjectFieldSelector, 'Selects a field of the pod.'),
            resourceFieldRef: opt(ResourceFieldSelector, 'Selects a resource of the container.'),
            configMapKeyRef: opt(keySelector('ConfigMap'), 'Selects a key of a ConfigMap.'),
            secretKeyRef: opt(keySelector('Secret'), "Selects a key of a secret in the pod's namespace."),
          },
          'A source for the value of an environment variable.',
        ),
        "Source for the variable's value. Cannot be used if value is not empty.",
      ),
    },
    'An environment variable present in a container.',
  ),
);

const refOptional = (what: string) =>
  obj({ name: opt(Str, `Name of the ${what}.`), optional: opt(Bool, `Whether the ${what} must be defined.`) }, `Selects a ${what} to populate the environment from.`);

const EnvFromSource = named(
  'io.k8s.api.core.v1.EnvFromSource',
  obj(
    {
      prefix: opt(Str, 'An optional identifier to prepend to each key.'),
      configMapRef: opt(refOptional('ConfigMap'), 'The ConfigMap to select from.'),
      secretRef: opt(refOptional('Secret'), 'The Secret to select from.'),
    },
    'A source to populate environment variables in the container from.',
  ),
);

const ExecAction = obj({ command: opt(list(Str), 'Command line to execute inside the container; not run in a shell. Exit status 0 is healthy.') }, 'A "run in container" action.');
const HTTPGetAction = named(
  'io.k8s.api.core.v1.HTTPGetAction',
  obj(
    {
      path: opt(Str, 'Path to access on the HTTP server.'),
      port: req(IntOrString, 'Name or number of the port to access on the container.'),
      host: opt(Str, 'Host name to connect to, defaults to the pod IP.'),
      scheme: opt(Str, 'Scheme to use for connecting to the host: HTTP (default) or HTTPS.'),
      httpHeaders: opt(list(obj({ name: req(Str, 'The header field name.'), value: req(Str, 'The header field value.') }, 'A custom header to be used in HTTP probes.')), 'Custom headers to set in the request.'),
    },
    'An action based on HTTP Get requests.',
  ),
);
const TCPSocketAction = obj(
  { port: req(IntOrString, 'Number or name of the port to access on the container.'), host: opt(Str, 'Host name to connect to, defaults to the pod IP.') },
  'An action based on opening a socket.',
);

const Probe = named(
  'io.k8s.api.core.v1.Probe',
  obj(
    {
      exec: opt(ExecAction, 'The action to take: run a command.'),
      httpGet: opt(HTTPGetAction, 'The HTTP request to perform.'),
      tcpSocket: opt(TCPSocketAction, 'A TCP port to connect to.'),
      grpc: opt(
        obj({ port: req(Int, 'Port number of the gRPC service.'), service: opt(Str, 'Name of the service to place in the gRPC HealthCheckRequest.') }, 'A gRPC health check.'),
        'A gRPC health check to perform.',
      ),
      initialDelaySeconds: opt(Int, 'Seconds after the container has started before probes are initiated.'),
      timeoutSeconds: opt(Int, 'Seconds after which the probe times out. Defaults to 1 second.'),
      periodSeconds: opt(Int, 'How often (in seconds) to perform the probe. Defaults to 10 seconds.'),
      successThreshold: opt(Int, 'Minimum consecutive successes for the probe to be considered successful after having failed. Defaults to 1.'),
      failureThreshold: opt(Int, 'Minimum consecutive failures for the probe to be considered failed after having succeeded. Defaults to 3.'),
      terminationGracePeriodSeconds: opt(Int, 'Grace period for the pod to terminate after a probe failure; overrides the pod value.'),
    },
    'A health check performed against a container to decide whether it is alive or ready to receive traffic.',
  ),
);

const LifecycleHandler = named(
  'io.k8s.api.core.v1.LifecycleHandler',
  obj(
    {
      exec: opt(ExecAction, 'The command to run.'),
      httpGet: opt(HTTPGetAction, 'The HTTP request to perform.'),
      tcpSocket: opt(TCPSocketAction, 'Deprecated: kept for backward compatibility, not validated.'),
      sleep: opt(obj({ seconds: req(Int, 'Seconds to sleep.') }, 'A "sleep" action.'), 'How long the container should sleep before being terminated.'),
    },
    'A specific action to take in a lifecycle hook.',
  ),
);

const Lifecycle = named(
  'io.k8s.api.core.v1.Lifecycle',
  obj(
    {
      postStart: opt(LifecycleHandler, 'Called immediately after a container is created.'),
      preStop: opt(LifecycleHandler, 'Called immediately before a container is terminated.'),
    },
    'Actions the management system should take in response to container lifecycle events.',
  ),
);

export const SELinuxOptions = named(
  'io.k8s.api.core.v1.SELinuxOptions',
  obj(
    {
      user: opt(Str, 'SELinux user label.'),
      role: opt(Str, 'SELinux role label.'),
      type: opt(Str, 'SELinux type label.'),
      level: opt(Str, 'SELinux level label.'),
    },
    'The labels to be applied to the container.',
  ),
);
const profile = (name: string, what: string) =>
  named(
    name,
    obj(
      {
        type: req(Str, `Which kind of ${what} profile will be applied: Localhost, RuntimeDefault or Unconfined.`),
        localhostProfile: opt(Str, 'A profile loaded on the node; only set when type is Localhost.'),
      },
      `A ${what} profile setting.`,
    ),
  );
export const SeccompProfile = profile('io.k8s.api.core.v1.SeccompProfile', 'seccomp');
export const AppArmorProfile = profile('io.k8s.api.core.v1.AppArmorProfile', 'AppArmor');
export const WindowsSecurityContextOptions = named(
  'io.k8s.api.core.v1.WindowsSecurityContextOptions',
  obj(
    {
      gmsaCredentialSpecName: opt(Str, 'Name of the GMSA credential spec to use.'),
      gmsaCredentialSpec: opt(Str, 'The GMSA credential spec content.'),
      runAsUserName: opt(Str, 'The UserName in Windows to run the entrypoint of the container process.'),
      hostProcess: opt(Bool, 'Whether the container runs as a Windows HostProcess container.'),
    },
    'Windows-specific options and credentials.',
  ),
);

const SecurityContext = named(
  'io.k8s.api.core.v1.SecurityContext',
  obj(
    {
      capabilities: opt(
        obj({ add: opt(list(Str), 'Added capabilities.'), drop: opt(list(Str), 'Removed capabilities.') }, 'POSIX capabilities to add or remove.'),
        'The capabilities to add/drop when running containers.',
      ),
      privileged: opt(Bool, 'Run the container in privileged mode. Defaults to false.'),
      seLinuxOptions: opt(SELinuxOptions, 'The SELinux context to be applied to the container.'),
      windowsOptions: opt(WindowsSecurityContextOptions, 'The Windows-specific settings.'),
      runAsUser: opt(Int, 'The UID to run the entrypoint of the container process.'),
      runAsGroup: opt(Int, 'The GID to run the entrypoint of the container process.'),
      runAsNonRoot: opt(Bool, 'The container must run as a non-root user.'),
      readOnlyRootFilesystem: opt(Bool, 'Whether the container has a read-only root filesystem. Defaults to false.'),
      allowPrivilegeEscalation: opt(Bool, 'Whether a process can gain more privileges than its parent process.'),
      procMount: opt(Str, 'The type of proc mount to use: Default or Unmasked.'),
      seccompProfile: opt(SeccompProfile, 'The seccomp options to use by this container.'),
      appArmorProfile: opt(AppArmorProfile, 'The AppArmor options to use by this container.'),
    },
    'Security configuration applied to a container; overrides the pod security context.',
  ),
);

export const ResourceRequirements = named(
  'io.k8s.api.core.v1.ResourceRequirements',
  obj(
    {
      limits: opt(ResourceList, 'The maximum amount of compute resources allowed.'),
      requests: opt(ResourceList, 'The minimum amount of compute resources required.'),
      claims: opt(
        list(obj({ name: req(Str, 'Name of an entry of pod.spec.resourceClaims.'), request: opt(Str, 'A request of the claim to use; the whole claim when empty.') }, 'A reference to one entry in PodSpec.ResourceClaims.')),
        'Names of resources, defined in spec.resourceClaims, used by this container.',
      ),
    },
    'Compute resource requirements.',
  ),
);

const ContainerPort = named(
  'io.k8s.api.core.v1.ContainerPort',
  obj(
    {
      name: opt(Str, 'An IANA_SVC_NAME naming this port; services can refer to it by name.'),
      containerPort: req(Int, 'Number of the port to expose on the pod IP address (0 < x < 65536).'),
      hostPort: opt(Int, 'Number of the port to expose on the host.'),
      hostIP: opt(Str, 'What host IP to bind the external port to.'),
      protocol: opt(Str, 'Protocol for the port: UDP, TCP or SCTP. Defaults to "TCP".'),
    },
    'A network port in a single container.',
  ),
);

const VolumeMount = named(
  'io.k8s.api.core.v1.VolumeMount',
  obj(
    {
      name: req(Str, 'This must match the name of a volume.'),
      mountPath: req(Str, 'Path within the container at which the volume should be mounted. Must not contain ":".'),
      readOnly: opt(Bool, 'Mounted read-only if true, read-write otherwise. Defaults to false.'),
      recursiveReadOnly: opt(Str, 'Whether read-only mounts are recursively read-only: Disabled, IfPossible or Enabled.'),
      subPath: opt(Str, "Path within the volume from which the container's volume should be mounted. Defaults to the volume root."),
      subPathExpr: opt(Str, 'Like subPath, with $(VAR_NAME) references expanded from the environment.'),
      mountPropagation: opt(Str, 'How mounts are propagated from the host to the container and back: None, HostToContainer or Bidirectional.'),
    },
    'A mounting of a Volume within a container.',
  ),
);

const VolumeDevice = named(
  'io.k8s.api.core.v1.VolumeDevice',
  obj({ name: req(Str, 'Must match the name of a persistentVolumeClaim in the pod.'), devicePath: req(Str, 'The path inside the container the device will be mapped to.') }, 'A mapping of a raw block device within a container.'),
);

const ContainerResizePolicy = named(
  'io.k8s.api.core.v1.ContainerResizePolicy',
  obj(
    {
      resourceName: req(Str, 'Name of the resource this policy applies to: cpu or memory.'),
      restartPolicy: req(Str, 'Restart policy when the resource is resized: NotRequired (default) or RestartContainer.'),
    },
    'A resource resize policy for the container.',
  ),
);

/** The fields shared by Container and EphemeralContainer. */
const containerFields = (): Record<string, TSchema> => ({
  name: req(Str, 'Name of the container, a DNS_LABEL unique within the pod. Cannot be updated.'),
  image: opt(Str, 'Container image name.'),
  command: opt(list(Str), "Entrypoint array, not run in a shell. The image's ENTRYPOINT is used when not provided."),
  args: opt(list(Str), "Arguments to the entrypoint. The image's CMD is used when not provided."),
  workingDir: opt(Str, "The container's working directory; the runtime's default is used when not specified."),
  ports: opt(list(ContainerPort), 'List of ports to expose from the container. Informational: any port listening on 0.0.0.0 is reachable.'),
  envFrom: opt(list(EnvFromSource), 'Sources to populate environment variables in the container from; env entries take precedence.'),
  env: opt(list(EnvVar), 'List of environment variables to set in the container.'),
  resources: opt(ResourceRequirements, 'Compute resources required by this container.'),
  resizePolicy: opt(list(ContainerResizePolicy), 'Resources resize policy for the container.'),
  restartPolicy: opt(Str, 'Restart behavior of an individual init container: only "Always" (a sidecar) is allowed.'),
  volumeMounts: opt(list(VolumeMount), "Pod volumes to mount into the container's filesystem."),
  volumeDevices: opt(list(VolumeDevice), 'The block devices to be used by the container.'),
  livenessProbe: opt(Probe, 'Periodic probe of container liveness; the container is restarted if the probe fails.'),
  readinessProbe: opt(Probe, 'Periodic probe of container service readiness; the pod leaves service endpoints if the probe fails.'),
  startupProbe: opt(Probe, 'Indicates that the pod has successfully initialized; other probes wait for it to succeed.'),
  lifecycle: opt(Lifecycle, 'Actions that the management system should take in response to container lifecycle events.'),
  terminationMessagePath: opt(Str, "Path of the file into which the container's termination message is written. Defaults to /dev/termination-log."),
  terminationMessagePolicy: opt(Str, 'How the termination message is populated: File or FallbackToLogsOnError.'),
  imagePullPolicy: opt(Str, 'Image pull policy: Always, Never or IfNotPresent. Defaults to Always for the :latest tag, IfNotPresent otherwise.'),
  securityContext: opt(SecurityContext, 'The security options the container should be run with.'),
  stdin: opt(Bool, 'Whether this container should allocate a buffer for stdin in the container runtime. Default is false.'),
  stdinOnce: opt(Bool, 'Whether the runtime closes the stdin channel after it has been opened by a single attach. Default is false.'),
  tty: opt(Bool, "Whether this container should allocate a TTY for itself; also requires 'stdin' to be true. Default is false."),
});

export const Container = named('io.k8s.api.core.v1.Container', obj(containerFields(), 'A single application container that you want to run within a pod.'));

export const EphemeralContainer = named(
  'io.k8s.api.core.v1.EphemeralContainer',
  obj(
    { ...containerFields(), targetContainerName: opt(Str, 'The name of a container in the pod whose namespaces this container shares.') },
    'A temporary container added to an existing pod for user-initiated activities such as debugging.',
  ),
);


