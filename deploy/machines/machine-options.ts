// How a machine container is created, as a pure value. Every option is here because a k8ts node
// (containerd, runc, CNI bridge, iptables, sshd) needs it on these hosts, where `--privileged`
// does not work (CAP_SYS_RESOURCE is not in the bounding set); README.md "Machines as containers"
// says which option each check showed to be needed.
import type { ContainerCreateOptions, HostConfig } from 'dockerode';
import { LABEL_ADDRESS, LABEL_CLUSTER, LABEL_MACHINE, LABEL_MANAGED, MANAGED_BY, networkName, validateClusterName, validateMachineName } from './network-config';

/**
 * SYS_ADMIN: mounts (pod rootfs, volumes, the boot script's remounts), namespaces, cgroups.
 * NET_ADMIN: links, addresses, routes, iptables (CNI fails at its loopback plugin without it).
 * NET_RAW and MKNOD are Docker defaults named so that they stay: pods get them in their default
 * capability set, and runc cannot grant a pod what the machine lacks. SYS_PTRACE is not needed to
 * start a pod; it is kept for tools that read other processes' /proc entries (nsenter, exec).
 */
export const MACHINE_CAPABILITIES = ['SYS_ADMIN', 'NET_ADMIN', 'SYS_PTRACE', 'NET_RAW', 'MKNOD'] as const;

/**
 * seccomp's default profile blocks mount, unshare, setns and keyctl as runc uses them; AppArmor
 * is not enabled on these kernels (the option costs nothing and keeps hosts with it working).
 */
export const MACHINE_SECURITY_OPTS = ['seccomp=unconfined', 'apparmor=unconfined'] as const;

/**
 * /run is a tmpfs as on any Linux machine (containerd state, runc, sockets: gone at a restart,
 * like after a reboot). /var is a volume: containerd's overlayfs snapshots cannot sit on the
 * container's own overlay root, and a volume keeps /var (images, etcd, kubelet state, logs)
 * across stop/start like a VM's disk. Docker copies the image's /var into it at creation and
 * removes it with the container.
 */
export const MACHINE_TMPFS = { '/run': 'rw,nosuid,nodev,exec,mode=755' } as const;
export const MACHINE_VOLUME_TARGETS = ['/var'] as const;

export interface MachineSpec {
  cluster: string;
  name: string;
  image: string;
  address: string;
  /** OpenSSH public key line put in root's authorized_keys at boot. */
  authorizedKey: string;
}

/** Docker's HostConfig as the daemon takes it (dockerode's types lack the cgroup namespace mode). */
export type MachineHostConfig = HostConfig & { CgroupnsMode: 'private' | 'host' };

export const containerName = (cluster: string, machine: string): string => `k8ts-${cluster}-${machine}`;

export function machineCreateOptions(s: MachineSpec): ContainerCreateOptions & { HostConfig: MachineHostConfig } {
  validateClusterName(s.cluster);
  validateMachineName(s.name);
  if (!/^ssh-[a-z0-9-]+ [A-Za-z0-9+/=]+( .*)?$/.test(s.authorizedKey.trim())) throw new Error('authorizedKey must be one OpenSSH public key line');
  const net = networkName(s.cluster);
  return {
    name: containerName(s.cluster, s.name),
    Image: s.image,
    Hostname: s.name,
    Entrypoint: ['/sbin/k8ts-init'],
    Cmd: [],
    Env: [`K8TS_AUTHORIZED_KEY=${s.authorizedKey.trim()}`],
    Labels: { [LABEL_CLUSTER]: s.cluster, [LABEL_MACHINE]: s.name, [LABEL_ADDRESS]: s.address, [LABEL_MANAGED]: MANAGED_BY },
    StopTimeout: 10,
    HostConfig: {
      NetworkMode: net,
      CapAdd: [...MACHINE_CAPABILITIES],
      SecurityOpt: [...MACHINE_SECURITY_OPTS],
      // A cgroup namespace of its own: the machine sees its container cgroup as the root, so the
      // kubelet's default cgroup root (/k8ts) nests under it. Pods are then frozen by `docker
      // pause`, removed with the container, and never collide with another machine's.
      CgroupnsMode: 'private',
      Tmpfs: { ...MACHINE_TMPFS },
      Mounts: MACHINE_VOLUME_TARGETS.map((Target) => ({ Type: 'volume' as const, Source: '', Target })),
      // Forwarding on from the first moment (the boot script makes /proc/sys/net writable for the rest).
      Sysctls: { 'net.ipv4.ip_forward': '1' },
      RestartPolicy: { Name: 'no' },
    },
    NetworkingConfig: {
      EndpointsConfig: { [net]: { IPAMConfig: { IPv4Address: s.address }, Aliases: [s.name] } },
    },
  };
}
