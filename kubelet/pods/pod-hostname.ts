// A pod's hostname and domain as the kubelet derives them: the hostname is spec.hostname or the
// pod's name (cut to a DNS label's 63 characters), the domain "<subdomain>.<ns>.svc.<cluster
// domain>" when spec.subdomain is set. They name the sandbox (its UTS hostname, or the FQDN with
// setHostnameAsFQDN) and the pod's own line in the /etc/hosts the kubelet writes. Pure.
import type { Pod } from '../../lib/api/types';

/** A hostname the kubelet cannot give the sandbox: the pod does not start (FailedCreatePodSandBox). */
export class PodHostnameError extends Error {
  readonly code = 'POD_HOSTNAME_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'PodHostnameError';
  }
}

interface PodHostnameSpec {
  hostname?: string;
  subdomain?: string;
  setHostnameAsFQDN?: boolean;
  hostAliases?: { ip?: string; hostnames?: string[] }[];
}

const HOSTNAME_MAX = 63;
/** The kernel's limit on a UTS nodename, which the FQDN becomes with setHostnameAsFQDN. */
const KERNEL_NODENAME_MAX = 64;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const labelProblem = (v: string): string | undefined =>
  v.length > HOSTNAME_MAX ? `must be no more than ${HOSTNAME_MAX} characters` : DNS1123_LABEL.test(v) ? undefined : "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";

export interface PodHostname {
  hostname: string;
  /** "<subdomain>.<namespace>.svc.<cluster domain>", or '' without a subdomain. */
  domain: string;
}

/**
 * The apiserver has validated hostname and subdomain; they are checked again because the kubelet
 * must not hand the runtime an invalid name whatever the object says. A long pod name is cut to
 * 63 characters, then trailing '-' and '.' go (a hostname may not end with them).
 */
export function podHostname(pod: Pod, clusterDomain: string): PodHostname {
  const spec = pod.spec as PodHostnameSpec;
  const name = pod.metadata.name ?? '';
  let hostname = name;
  if (spec.hostname) {
    const p = labelProblem(spec.hostname);
    if (p) throw new PodHostnameError(`pod Hostname "${spec.hostname}" is not a valid DNS label: ${p}`);
    hostname = spec.hostname;
  }
  if (hostname.length > HOSTNAME_MAX) {
    hostname = hostname.slice(0, HOSTNAME_MAX).replace(/[-.]+$/, '');
    if (!hostname) throw new PodHostnameError(`hostname for pod "${name}" was invalid: "${name}"`);
  }
  let domain = '';
  if (spec.subdomain) {
    const p = labelProblem(spec.subdomain);
    if (p) throw new PodHostnameError(`pod Subdomain "${spec.subdomain}" is not a valid DNS label: ${p}`);
    domain = `${spec.subdomain}.${pod.metadata.namespace}.svc.${clusterDomain}`;
  }
  return { hostname, domain };
}

/** The sandbox's UTS hostname: the short name, or with setHostnameAsFQDN the FQDN when there is a domain. */
export function sandboxHostname(pod: Pod, clusterDomain: string): string {
  const { hostname, domain } = podHostname(pod, clusterDomain);
  if (!(pod.spec as PodHostnameSpec).setHostnameAsFQDN || !domain) return hostname;
  const fqdn = `${hostname}.${domain}`;
  if (fqdn.length > KERNEL_NODENAME_MAX)
    throw new PodHostnameError(`failed to construct FQDN from pod hostname and cluster domain, FQDN ${fqdn} is too long (${KERNEL_NODENAME_MAX} characters is the max, ${fqdn.length} characters requested)`);
  return fqdn;
}

function hostAliasLines(pod: Pod): string {
  const aliases = (pod.spec as PodHostnameSpec).hostAliases ?? [];
  if (!aliases.length) return '';
  return '\n# Entries added by HostAliases.\n' + aliases.map((a) => `${a.ip ?? ''}\t${(a.hostnames ?? []).join('\t')}\n`).join('');
}

/**
 * The /etc/hosts of a pod with its own network: loopback names, then each pod IP with
 * "<hostname>.<domain> <hostname>" (or just the hostname), then spec.hostAliases.
 */
export function managedHostsFile(pod: Pod, podIPs: string[], h: PodHostname): string {
  const lines = [
    '# Kubernetes-managed hosts file.',
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'fe00::0\tip6-mcastprefix',
    'fe00::1\tip6-allnodes',
    'fe00::2\tip6-allrouters',
    ...podIPs.map((ip) => (h.domain ? `${ip}\t${h.hostname}.${h.domain}\t${h.hostname}` : `${ip}\t${h.hostname}`)),
  ];
  return lines.join('\n') + '\n' + hostAliasLines(pod);
}

/** A host-network pod sees the node's /etc/hosts, with its hostAliases appended. */
export function hostNetworkHostsFile(pod: Pod, nodeHosts: string): string {
  return '# Kubernetes-managed hosts file (host network).\n' + nodeHosts + hostAliasLines(pod);
}
