// Whether `--proxy-mode ipvs` can run here. It needs the kernel's IPVS (the ip_vs module, seen as
// /proc/net/ip_vs), the ipvsadm and ipset tools, and a proxier that applies the IPVS state. The
// state is built (build-ipvs.ts) but kube-proxy does not apply it yet, so selecting the mode must
// fail at start-up with the first true reason — never half-work.
import * as fs from 'node:fs';
import * as path from 'node:path';

export const IPVS_PROC_FILE = '/proc/net/ip_vs';
/** Host tools the IPVS mode drives besides iptables. */
export const IPVS_TOOLS = ['ipvsadm', 'ipset'] as const;

export class IpvsUnavailableError extends Error {
  readonly code = 'IPVS_UNAVAILABLE';
  constructor(message: string) {
    super(message);
    this.name = 'IpvsUnavailableError';
  }
}

export interface IpvsProbe {
  /** Where the kernel shows IPVS; a test points it elsewhere. */
  procFile?: string;
  /** Whether a tool is installed; defaults to a search of PATH and the sbin folders. */
  hasTool?: (name: string) => boolean;
}

/** Why the IPVS mode cannot run here, in words for the operator. Always a reason today (see top). */
export function ipvsUnavailableReason(probe: IpvsProbe = {}): string {
  const procFile = probe.procFile ?? IPVS_PROC_FILE;
  if (!fs.existsSync(procFile)) {
    return (
      `--proxy-mode ipvs needs the kernel's IPVS support (the ip_vs module), but ${procFile} does not exist on this ` +
      'machine; load ip_vs or run with --proxy-mode iptables'
    );
  }
  const hasTool = probe.hasTool ?? toolOnPath;
  const missing = IPVS_TOOLS.filter((t) => !hasTool(t));
  if (missing.length > 0) {
    return `--proxy-mode ipvs needs ${IPVS_TOOLS.join(' and ')}, but ${missing.join(' and ')} is not installed; install it or run with --proxy-mode iptables`;
  }
  return (
    '--proxy-mode ipvs is not implemented in k8ts yet: the kernel has IPVS, but kube-proxy does not apply the IPVS ' +
    'state it can build; run with --proxy-mode iptables'
  );
}

/** Throws IpvsUnavailableError with the reason the IPVS mode cannot run here. */
export function checkIpvsSupport(procFile = IPVS_PROC_FILE, hasTool?: (name: string) => boolean): void {
  throw new IpvsUnavailableError(ipvsUnavailableReason({ procFile, hasTool }));
}

function toolOnPath(name: string): boolean {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/sbin', '/usr/local/sbin'].filter(Boolean);
  return dirs.some((d) => {
    try {
      fs.accessSync(path.join(d, name), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
