// The inventory `k8ts deploy -i cluster.yaml` reads: the hosts (address, SSH coordinates, role,
// node name, labels) and the cluster's options. Parsing is pure (file reads are injected) and
// every problem is reported at once, each with the file, line and column it comes from, so a
// typo in a 20-host file is fixed in one round.
import * as os from 'node:os';
import * as path from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import { dns1123SubdomainErrors, labelValueErrors, qualifiedNameErrors } from '../../apiserver/resources/validation-names';
import { formatIp, parseCidr, parseIp } from '../machines/network-config';

export const ROLES = ['control-plane', 'worker'] as const;
export type Role = (typeof ROLES)[number];
export const POD_NETWORK_MODES = ['host-gw', 'vxlan', 'auto'] as const;
export type PodNetworkMode = (typeof POD_NETWORK_MODES)[number];
/** kube-proxy's --proxy-mode on every host (ipvs fails at start-up where the kernel has no ip_vs). */
export const PROXY_MODES = ['iptables', 'nftables', 'ipvs'] as const;
export type ProxyMode = (typeof PROXY_MODES)[number];

export interface SshTarget {
  user: string;
  port: number;
  /** Absolute path of the private key. */
  key: string;
}

export interface InventoryHost {
  /** Where SSH reaches the host: an IPv4 address or a DNS name. */
  address: string;
  /** The node's address in the cluster (default: address, which must then be IPv4). */
  nodeIp: string;
  role: Role;
  /** The Node's name; undefined: the host's hostname, asked over SSH. */
  name?: string;
  labels: Record<string, string>;
  ssh: SshTarget;
  /** 1-based line of the host's entry, for messages that come later (e.g. a name clash). */
  line: number;
}

export interface ClusterSettings {
  name: string;
  podCIDR: string;
  serviceCIDR: string;
  podNetworkMode: PodNetworkMode;
  proxyMode: ProxyMode;
  /** The cluster DNS's --upstream on every host: '' = the host's resolv.conf, 'none' = answer
   *  out-of-cluster names with SERVFAIL (nothing forwarded), or a comma list of IPv4 addresses. */
  dnsUpstream: string;
  nodeMonitorGracePeriodSeconds: number;
  defaultNotReadyTolerationSeconds: number;
  defaultUnreachableTolerationSeconds: number;
  /** Components' --log-level. */
  logLevel: string;
}

export interface Inventory {
  /** Absolute path of the file (messages name it). */
  file: string;
  cluster: ClusterSettings;
  hosts: InventoryHost[];
}

export interface InventoryProblem {
  line: number;
  col: number;
  /** Where in the document, e.g. hosts[1].role ('' for the document itself). */
  path: string;
  message: string;
}

export class InventoryError extends Error {
  readonly code = 'INVENTORY_INVALID';
  constructor(
    readonly file: string,
    readonly problems: InventoryProblem[],
  ) {
    super(problems.map((p) => `${file}:${p.line}:${p.col}: ${p.path ? `${p.path}: ` : ''}${p.message}`).join('\n'));
    this.name = 'InventoryError';
  }
}

export const CLUSTER_DEFAULTS: Omit<ClusterSettings, 'name'> = {
  podCIDR: '10.244.0.0/16',
  serviceCIDR: '10.96.0.0/16',
  podNetworkMode: 'auto',
  proxyMode: 'iptables',
  dnsUpstream: '',
  nodeMonitorGracePeriodSeconds: 40,
  defaultNotReadyTolerationSeconds: 300,
  defaultUnreachableTolerationSeconds: 300,
  logLevel: 'info',
};

const CLUSTER_KEYS = ['name', ...Object.keys(CLUSTER_DEFAULTS)];
const SSH_KEYS = ['user', 'port', 'key'];
const HOST_KEYS = ['address', 'nodeIp', 'role', 'name', 'labels', 'ssh'];
const TOP_KEYS = ['cluster', 'ssh', 'hosts'];
const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

type Seg = string | number;

/** Walks the parsed document by path to the node there (or its key, for a key's own problems). */
function nodeAt(doc: Document, segs: Seg[], key = false): YamlNode | undefined {
  let cur: unknown = doc.contents;
  let keyNode: YamlNode | undefined;
  for (const s of segs) {
    if (isMap(cur)) {
      const pair = cur.items.find((p) => isScalar(p.key) && p.key.value === s);
      if (!pair) return (cur as YamlNode) ?? undefined;
      keyNode = pair.key as YamlNode;
      cur = pair.value;
    } else if (isSeq(cur) && typeof s === 'number') {
      keyNode = undefined;
      cur = cur.items[s];
    } else break;
  }
  return ((key ? keyNode : undefined) ?? (cur as YamlNode | undefined)) || undefined;
}

const pathText = (segs: Seg[]) => segs.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');

export interface ParseOptions {
  /** Whether a key file exists (default: it is not checked). */
  fileExists?: (p: string) => boolean;
  /** For `~/` in key paths. */
  homeDir?: string;
}

/** Parses and checks an inventory; InventoryError lists every problem with its line. */
export function parseInventory(text: string, file: string, o: ParseOptions = {}): Inventory {
  const absFile = path.resolve(file);
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const problems: InventoryProblem[] = [];
  const at = (segs: Seg[], message: string, key = false) => {
    const n = nodeAt(doc, segs, key);
    const off = n?.range?.[0] ?? 0;
    const { line, col } = lc.linePos(off);
    problems.push({ line, col, path: pathText(segs), message });
  };
  for (const e of doc.errors) {
    const { line, col } = lc.linePos(e.pos[0]);
    problems.push({ line, col, path: '', message: e.message.split('\n')[0] });
  }
  if (problems.length) throw new InventoryError(absFile, problems);

  const root = doc.toJS() as unknown;
  if (!isObject(root)) throw new InventoryError(absFile, [{ line: 1, col: 1, path: '', message: 'an inventory is a mapping with "hosts" (and optionally "cluster" and "ssh")' }]);
  unknownKeys(root, [], TOP_KEYS, at);

  const baseDir = path.dirname(absFile);
  const home = o.homeDir ?? os.homedir();
  const keyPath = (k: string) => (k.startsWith('~/') ? path.join(home, k.slice(2)) : path.resolve(baseDir, k));

  // cluster options
  const c = root.cluster === undefined ? {} : root.cluster;
  if (!isObject(c)) at(['cluster'], 'must be a mapping');
  const cl = isObject(c) ? c : {};
  if (isObject(c)) unknownKeys(cl, ['cluster'], CLUSTER_KEYS, at);
  const str = (segs: Seg[], v: unknown, def: string): string => {
    if (v === undefined) return def;
    if (typeof v !== 'string' || v === '') {
      at(segs, 'must be a non-empty string');
      return def;
    }
    return v;
  };
  const seconds = (name: keyof ClusterSettings, min: number): number => {
    const v = cl[name];
    const def = CLUSTER_DEFAULTS[name as keyof typeof CLUSTER_DEFAULTS] as number;
    if (v === undefined) return def;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
      at(['cluster', name], `must be a whole number of seconds, at least ${min}`);
      return def;
    }
    return v;
  };
  const defaultName = path.basename(absFile).replace(/\.(ya?ml)$/i, '');
  const name = str(['cluster', 'name'], cl.name, defaultName);
  if (cl.name !== undefined && dns1123SubdomainErrors(name).length) at(['cluster', 'name'], `"${name}" ${dns1123SubdomainErrors(name)[0]}`);
  const podCIDR = cidr(['cluster', 'podCIDR'], str(['cluster', 'podCIDR'], cl.podCIDR, CLUSTER_DEFAULTS.podCIDR), 8, 24, at);
  const serviceCIDR = cidr(['cluster', 'serviceCIDR'], str(['cluster', 'serviceCIDR'], cl.serviceCIDR, CLUSTER_DEFAULTS.serviceCIDR), 12, 28, at);
  if (podCIDR && serviceCIDR && overlap(podCIDR, serviceCIDR)) {
    if (cl.serviceCIDR !== undefined) at(['cluster', 'serviceCIDR'], `${serviceCIDR} overlaps the pod CIDR ${podCIDR}`);
    else at(['cluster', 'podCIDR'], `${podCIDR} overlaps the service CIDR ${serviceCIDR} (the default; set serviceCIDR)`);
  }
  const mode = str(['cluster', 'podNetworkMode'], cl.podNetworkMode, CLUSTER_DEFAULTS.podNetworkMode);
  if (!(POD_NETWORK_MODES as readonly string[]).includes(mode)) at(['cluster', 'podNetworkMode'], `must be one of ${POD_NETWORK_MODES.join(', ')}, not "${mode}"`);
  const proxyMode = str(['cluster', 'proxyMode'], cl.proxyMode, CLUSTER_DEFAULTS.proxyMode);
  if (!(PROXY_MODES as readonly string[]).includes(proxyMode)) at(['cluster', 'proxyMode'], `must be one of ${PROXY_MODES.join(', ')}, not "${proxyMode}"`);
  const dnsUpstream = str(['cluster', 'dnsUpstream'], cl.dnsUpstream, CLUSTER_DEFAULTS.dnsUpstream).trim();
  const upstreamOk = (u: string) => /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(u) && u.split('.').every((o) => Number(o) <= 255);
  if (dnsUpstream !== '' && dnsUpstream !== 'none' && !dnsUpstream.split(',').every((u) => upstreamOk(u.trim()))) {
    at(['cluster', 'dnsUpstream'], `must be empty (the host's resolv.conf), "none", or IPv4 addresses separated by commas, not "${dnsUpstream}"`);
  }
  const logLevel = str(['cluster', 'logLevel'], cl.logLevel, CLUSTER_DEFAULTS.logLevel);
  if (!LOG_LEVELS.includes(logLevel)) at(['cluster', 'logLevel'], `must be one of ${LOG_LEVELS.join(', ')}`);
  const cluster: ClusterSettings = {
    name,
    podCIDR: podCIDR ?? CLUSTER_DEFAULTS.podCIDR,
    serviceCIDR: serviceCIDR ?? CLUSTER_DEFAULTS.serviceCIDR,
    podNetworkMode: mode as PodNetworkMode,
    proxyMode: proxyMode as ProxyMode,
    dnsUpstream,
    nodeMonitorGracePeriodSeconds: seconds('nodeMonitorGracePeriodSeconds', 1),
    defaultNotReadyTolerationSeconds: seconds('defaultNotReadyTolerationSeconds', 0),
    defaultUnreachableTolerationSeconds: seconds('defaultUnreachableTolerationSeconds', 0),
    logLevel,
  };

  // SSH defaults, then the hosts
  const sshDefaults = readSsh(root.ssh, ['ssh'], undefined);
  const hosts: InventoryHost[] = [];
  if (!Array.isArray(root.hosts) || root.hosts.length === 0) at(root.hosts === undefined ? [] : ['hosts'], 'needs "hosts": a list with one control-plane host and any number of workers');
  const list = Array.isArray(root.hosts) ? root.hosts : [];
  list.forEach((h, i) => {
    const segs: Seg[] = ['hosts', i];
    const line = lc.linePos(nodeAt(doc, segs)?.range?.[0] ?? 0).line;
    if (!isObject(h)) return at(segs, 'a host is a mapping with address and role');
    unknownKeys(h, segs, HOST_KEYS, at);
    const address = typeof h.address === 'string' ? h.address.trim() : '';
    if (!address) at([...segs, 'address'], 'is required: the IPv4 address or DNS name SSH reaches the host at');
    const ipAddress = isIpv4(address);
    if (address && !ipAddress && dns1123SubdomainErrors(address.toLowerCase()).length) at([...segs, 'address'], `"${address}" is neither an IPv4 address nor a DNS name`);
    let nodeIp = ipAddress ? address : '';
    if (h.nodeIp !== undefined) {
      if (typeof h.nodeIp !== 'string' || !isIpv4(h.nodeIp)) at([...segs, 'nodeIp'], 'must be an IPv4 address');
      else nodeIp = h.nodeIp;
    } else if (address && !ipAddress) at([...segs, 'address'], `"${address}" is a name: give the node's IPv4 address as nodeIp`);
    const role = h.role;
    if (!(ROLES as readonly unknown[]).includes(role)) at([...segs, 'role'], role === undefined ? `is required: ${ROLES.join(' or ')}` : `must be ${ROLES.join(' or ')}, not ${JSON.stringify(role)}`);
    let nodeName: string | undefined;
    if (h.name !== undefined) {
      const errs = typeof h.name === 'string' ? dns1123SubdomainErrors(h.name) : ['must be a string'];
      if (errs.length) at([...segs, 'name'], `${JSON.stringify(h.name)}: ${errs[0]}`);
      else nodeName = h.name as string;
    }
    const labels: Record<string, string> = {};
    if (h.labels !== undefined) {
      if (!isObject(h.labels)) at([...segs, 'labels'], 'must be a mapping of label keys to values');
      else
        for (const [k, v] of Object.entries(h.labels)) {
          const ke = qualifiedNameErrors(k);
          if (ke.length) at([...segs, 'labels', k], `key "${k}": ${ke[0]}`, true);
          const val = typeof v === 'number' || typeof v === 'boolean' ? String(v) : v;
          if (typeof val !== 'string') at([...segs, 'labels', k], 'must be a string');
          else if (labelValueErrors(val).length) at([...segs, 'labels', k], `"${val}": ${labelValueErrors(val)[0]}`);
          else labels[k] = val;
        }
    }
    const ssh = readSsh(h.ssh, [...segs, 'ssh'], sshDefaults);
    if (!ssh.key) at(h.ssh === undefined ? segs : [...segs, 'ssh'], 'needs an SSH key: ssh.key here or in the top-level ssh defaults');
    hosts.push({ address, nodeIp, role: role as Role, ...(nodeName ? { name: nodeName } : {}), labels, ssh: ssh as SshTarget, line });
  });

  // across hosts
  const cps = hosts.map((h, i) => [h, i] as const).filter(([h]) => h.role === 'control-plane');
  if (list.length > 0 && cps.length === 0 && hosts.every((h) => (ROLES as readonly string[]).includes(h.role))) at(['hosts'], 'needs one host with role control-plane');
  if (cps.length > 1) at(['hosts', cps[1][1], 'role'], `a second control-plane host: one control plane only for now (highly available control planes are issue 14); hosts[${cps[0][1]}] is the control plane`);
  dupes(hosts.map((h) => h.address), (i, first) => at(['hosts', i, 'address'], `${hosts[i].address} is also hosts[${first}]`));
  dupes(hosts.map((h) => h.name), (i, first) => at(['hosts', i, 'name'], `node name ${hosts[i].name} is also hosts[${first}]'s`));
  for (const [i, h] of hosts.entries()) {
    if (podCIDR && h.nodeIp && overlap(podCIDR, `${h.nodeIp}/32`)) at(['hosts', i, h.nodeIp === h.address ? 'address' : 'nodeIp'], `${h.nodeIp} lies inside the pod CIDR ${podCIDR}`);
    if (serviceCIDR && h.nodeIp && overlap(serviceCIDR, `${h.nodeIp}/32`)) at(['hosts', i, h.nodeIp === h.address ? 'address' : 'nodeIp'], `${h.nodeIp} lies inside the service CIDR ${serviceCIDR}`);
    if (h.ssh.key && o.fileExists && !o.fileExists(h.ssh.key)) at(['hosts', i, 'ssh', 'key'], `key file ${h.ssh.key} does not exist`);
  }
  if (problems.length) throw new InventoryError(absFile, problems.sort((a, b) => a.line - b.line || a.col - b.col));
  return { file: absFile, cluster, hosts };

  function readSsh(v: unknown, segs: Seg[], defaults: Partial<SshTarget> | undefined): Partial<SshTarget> {
    const out: Partial<SshTarget> = { user: 'root', port: 22, ...(defaults ?? {}) };
    if (v === undefined) return out;
    if (!isObject(v)) {
      at(segs, 'must be a mapping with user, port and key');
      return out;
    }
    unknownKeys(v, segs, SSH_KEYS, at);
    if (v.user !== undefined) {
      if (typeof v.user !== 'string' || !/^[a-z_][a-z0-9_.-]*\$?$/i.test(v.user)) at([...segs, 'user'], 'must be a user name');
      else out.user = v.user;
    }
    if (v.port !== undefined) {
      if (typeof v.port !== 'number' || !Number.isInteger(v.port) || v.port < 1 || v.port > 65535) at([...segs, 'port'], 'must be a port number (1-65535)');
      else out.port = v.port;
    }
    if (v.key !== undefined) {
      if (typeof v.key !== 'string' || v.key === '') at([...segs, 'key'], 'must be the path of a private key file');
      else out.key = keyPath(v.key);
    }
    return out;
  }
}

function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function unknownKeys(obj: Record<string, unknown>, segs: Seg[], known: string[], at: (s: Seg[], m: string, key?: boolean) => void): void {
  for (const k of Object.keys(obj)) {
    if (known.includes(k)) continue;
    const near = known.find((n) => n.toLowerCase() === k.toLowerCase().replace(/[-_]/g, ''));
    at([...segs, k], `unknown field "${k}"${near ? ` (did you mean "${near}"?)` : ` (known: ${known.join(', ')})`}`, true);
  }
}

function dupes(values: (string | undefined)[], report: (index: number, first: number) => void): void {
  const seen = new Map<string, number>();
  values.forEach((v, i) => {
    if (v === undefined || v === '') return;
    const first = seen.get(v);
    if (first !== undefined) report(i, first);
    else seen.set(v, i);
  });
}

export function isIpv4(s: string): boolean {
  try {
    parseIp(s);
    return true;
  } catch {
    return false;
  }
}

function cidr(segs: Seg[], v: string, minPrefix: number, maxPrefix: number, at: (s: Seg[], m: string) => void): string | undefined {
  try {
    const c = parseCidr(v);
    if (c.prefix < minPrefix || c.prefix > maxPrefix) {
      at(segs, `${v}: the prefix must be from /${minPrefix} to /${maxPrefix}`);
      return undefined;
    }
    return v;
  } catch (e) {
    at(segs, (e as Error).message);
    return undefined;
  }
}

function overlap(a: string, b: string): boolean {
  const x = parseCidr(a);
  const y = parseCidr(b);
  const p = Math.min(x.prefix, y.prefix);
  const m = p === 0 ? 0 : (~0 << (32 - p)) >>> 0;
  return ((x.base & m) >>> 0) === ((y.base & m) >>> 0);
}

/** The first address of the service CIDR: the `kubernetes` Service's ClusterIP. */
export function apiserverServiceIp(serviceCIDR: string): string {
  return formatIp(parseCidr(serviceCIDR).base + 1);
}

/** The control-plane host (parseInventory guarantees exactly one). */
export function controlPlaneOf(inv: Pick<Inventory, 'hosts'>): InventoryHost {
  return inv.hosts.find((h) => h.role === 'control-plane')!;
}
