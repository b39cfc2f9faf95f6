// The IPVS proxier is not built yet, and this kernel has no ip_vs module anyway. Selecting it must
// fail at start-up with a message that says why and what to do instead, never half-work.
import * as fs from 'node:fs';

export const IPVS_PROC_FILE = '/proc/net/ip_vs';

export class IpvsUnavailableError extends Error {
  readonly code = 'IPVS_UNAVAILABLE';
  constructor(message: string) {
    super(message);
    this.name = 'IpvsUnavailableError';
  }
}

/** Throws IpvsUnavailableError unless the kernel exposes IPVS (and the mode is implemented). */
export function checkIpvsSupport(procFile = IPVS_PROC_FILE): void {
  if (!fs.existsSync(procFile)) {
    throw new IpvsUnavailableError(
      `--proxy-mode ipvs needs the kernel's IPVS support (the ip_vs module), but ${procFile} does not exist on this ` +
        'machine; load ip_vs or run with --proxy-mode iptables',
    );
  }
  throw new IpvsUnavailableError('--proxy-mode ipvs is not implemented in k8ts yet; run with --proxy-mode iptables');
}
