// The node's CNI network: one bridge with host-local IPAM over the node's pod CIDR, plus portmap.
// Rendering is pure; writeCniConfig installs it atomically so containerd never reads half a file.
import * as fs from 'node:fs';
import * as path from 'node:path';

export const CNI_NETWORK_NAME = 'k8ts';
export const CNI_BRIDGE_NAME = 'k8ts0';
export const CNI_CONF_FILE = '10-k8ts.conflist';

export class CniConfigError extends Error {
  readonly code = 'CNI_CONFIG_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'CniConfigError';
  }
}

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** The first host address of an IPv4 CIDR: the bridge's (gateway's) address. */
export function gatewayOf(cidr: string): string {
  const m = CIDR.exec(cidr);
  if (!m || m.slice(1, 5).some((o) => Number(o) > 255) || Number(m[5]) > 30) {
    throw new CniConfigError(`invalid pod CIDR "${cidr}"`);
  }
  const n = ((Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8) | Number(m[4])) >>> 0;
  const mask = Number(m[5]) === 0 ? 0 : (~0 << (32 - Number(m[5]))) >>> 0;
  const gw = ((n & mask) + 1) >>> 0;
  return [gw >>> 24, (gw >>> 16) & 255, (gw >>> 8) & 255, gw & 255].join('.');
}

export interface CniConfigOptions {
  podCIDR: string;
  /** host-local's lease store; kept under the kubelet root instead of /var/lib/cni. */
  ipamDataDir: string;
  bridgeName?: string;
}

export function renderCniConfig(o: CniConfigOptions): object {
  const bridge = o.bridgeName ?? CNI_BRIDGE_NAME;
  if (bridge.length > 15) throw new CniConfigError(`bridge name "${bridge}" is longer than 15 characters`);
  return {
    cniVersion: '0.4.0',
    name: CNI_NETWORK_NAME,
    plugins: [
      {
        type: 'bridge',
        bridge,
        isGateway: true,
        ipMasq: false,
        hairpinMode: true,
        ipam: {
          type: 'host-local',
          dataDir: o.ipamDataDir,
          ranges: [[{ subnet: o.podCIDR, gateway: gatewayOf(o.podCIDR) }]],
          routes: [{ dst: '0.0.0.0/0' }],
        },
      },
      { type: 'portmap', capabilities: { portMappings: true } },
    ],
  };
}

/** Writes the conflist (tmp file + rename); returns true when the content changed. */
export function writeCniConfig(confDir: string, conf: object): boolean {
  fs.mkdirSync(confDir, { recursive: true });
  const file = path.join(confDir, CNI_CONF_FILE);
  const text = JSON.stringify(conf, null, 2) + '\n';
  try {
    if (fs.readFileSync(file, 'utf8') === text) return false;
  } catch {
    /* absent: write it */
  }
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
  return true;
}
