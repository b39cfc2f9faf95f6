// The host agent's status and apply (run on the host): look at what is there, decide with
// host-diff.ts, write only the files that differ, start or restart only the units whose
// definition or inputs changed, and record what was applied. A second apply of the same plan
// writes nothing and restarts nothing.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import YAML from 'yaml';
import type { ApplyRequest, ApplyResult, StatusRequest, StatusResult } from './agent-protocol';
import { planActions, type ObservedHost } from './host-diff';
import { backendFor, detectInit, writeIfDifferent } from './host-init';
import { APPLIED_FILE, BUNDLES_DIR, hostLayout, LOG_DIR, MODULES_FILE, STATE_DIR, SYSCTL_FILE } from './host-layout';
import type { HostPlan } from './host-plan';
import { ROLE_COMPONENTS } from './host-plan';

const sha256 = (s: string | Buffer) => crypto.createHash('sha256').update(s).digest('hex');

interface Applied {
  cluster: string;
  bundle: string;
  nodeName: string;
  role: string;
  units: Record<string, string>;
  /** pid files of the units, for uninstall and status without a plan. */
  pidFiles: Record<string, string>;
}

export function readApplied(): Applied | undefined {
  try {
    return JSON.parse(fs.readFileSync(APPLIED_FILE, 'utf8')) as Applied;
  } catch {
    return undefined;
  }
}

/**
 * Kernel settings a node needs: forwarding (pod → Service → pod crosses the host's routing) and
 * bridged traffic passing iptables (DNAT between pods on one bridge). br_netfilter may be built
 * in or already loaded; where modprobe cannot load it, the setting is tried anyway.
 */
export const NODE_SYSCTLS: [string, string][] = [
  ['net/ipv4/ip_forward', '1'],
  ['net/bridge/bridge-nf-call-iptables', '1'],
];

export function applySysctls(): string[] {
  const failed: string[] = [];
  if (!fs.existsSync('/proc/sys/net/bridge')) spawnQuiet('modprobe', ['br_netfilter']);
  for (const [key, value] of NODE_SYSCTLS) {
    const file = `/proc/sys/${key}`;
    try {
      if (fs.readFileSync(file, 'utf8').trim() !== value) fs.writeFileSync(file, value);
    } catch {
      failed.push(key.replace(/\//g, '.'));
    }
  }
  return failed;
}

function spawnQuiet(cmd: string, args: string[]): void {
  // a missing program or module is not an error here: the settings are tried anyway
  spawnSync(cmd, args, { stdio: 'ignore' });
}

/**
 * The kubelet's kubeconfig holds a client certificate that is valid now and issued by the
 * cluster's CA (TLS bootstrapping done, for this cluster).
 */
export function kubeletJoined(kubeconfig: string, caPem: string, now = Date.now()): boolean {
  try {
    const doc = YAML.parse(fs.readFileSync(kubeconfig, 'utf8'));
    const user = doc?.users?.[0]?.user ?? {};
    const base = path.dirname(kubeconfig);
    const pem = user['client-certificate-data']
      ? Buffer.from(user['client-certificate-data'], 'base64')
      : user['client-certificate']
        ? fs.readFileSync(path.resolve(base, user['client-certificate']))
        : undefined;
    if (!pem) return false;
    const x = new crypto.X509Certificate(pem);
    const ca = new crypto.X509Certificate(caPem);
    return Date.parse(x.validTo) > now && Date.parse(x.validFrom) <= now && x.checkIssued(ca) && x.verify(ca.publicKey);
  } catch {
    return false;
  }
}

function fileState(file: string): { sha256: string; mode: number } | undefined {
  try {
    return { sha256: sha256(fs.readFileSync(file)), mode: fs.statSync(file).mode & 0o777 };
  } catch {
    return undefined;
  }
}

const ALL_UNITS = [...new Set([...ROLE_COMPONENTS['control-plane'], ...ROLE_COMPONENTS.worker])];

export function hostStatus(req: StatusRequest): StatusResult {
  const l = hostLayout();
  const init = detectInit();
  const applied = readApplied();
  const pidFiles = Object.fromEntries(ALL_UNITS.map((u) => [u, l.pidFile(u)]));
  const units = backendFor(init)
    .units(ALL_UNITS, pidFiles)
    .filter((u) => u.running || applied?.units[u.name] !== undefined);
  const images: Record<string, string> = {};
  for (const name of req.images) {
    const st = fileState(path.join(l.imagesDir, path.basename(name)));
    if (st) images[name] = st.sha256;
  }
  return {
    hostname: os.hostname(),
    init,
    ...(applied ? { bundle: applied.bundle, cluster: applied.cluster, nodeName: applied.nodeName, role: applied.role } : {}),
    units,
    joined: kubeletJoined(l.kubeconfig('kubelet'), req.caCert),
    images,
  };
}

/** Directories the components expect (etcd's private). */
function ensureDirs(plan: HostPlan): void {
  const l = hostLayout();
  for (const d of [l.pkiDir, l.logsDir, l.runDir, l.imagesDir, l.kubeletRoot, l.cniConfDir, l.containerdDir, l.containerdRoot, l.containerdState, path.dirname(APPLIED_FILE), LOG_DIR, STATE_DIR]) {
    fs.mkdirSync(d, { recursive: true });
  }
  if (plan.role === 'control-plane') fs.mkdirSync(l.etcdDir, { recursive: true, mode: 0o700 });
}

/** Removes bundles other than the one in use (after the switch to it). */
function pruneBundles(keep: string): string[] {
  const removed: string[] = [];
  let names: string[] = [];
  try {
    names = fs.readdirSync(BUNDLES_DIR);
  } catch {
    return removed;
  }
  for (const n of names) {
    if (n === keep) continue;
    fs.rmSync(path.join(BUNDLES_DIR, n), { recursive: true, force: true });
    removed.push(n);
  }
  return removed;
}

export async function applyHost(req: ApplyRequest): Promise<ApplyResult> {
  const plan = req.plan;
  const l = hostLayout();
  ensureDirs(plan);
  applySysctls();
  const init = detectInit();
  const backend = backendFor(init);
  if (init === 'systemd') {
    // the same settings at every boot, as the host's own configuration
    writeIfDifferent(SYSCTL_FILE, NODE_SYSCTLS.map(([k, v]) => `${k.replace(/\//g, '.')} = ${v}`).join('\n') + '\n', 0o644);
    writeIfDifferent(MODULES_FILE, 'br_netfilter\n', 0o644);
  }
  const applied = readApplied();
  const pidFiles = Object.fromEntries(ALL_UNITS.map((u) => [u, l.pidFile(u)]));
  const states = backend.units(ALL_UNITS, pidFiles);
  const observed: ObservedHost = {
    files: Object.fromEntries(plan.files.map((f) => [f.path, fileState(f.path)])),
    appliedUnits: applied?.units ?? {},
    running: states.filter((s) => s.running).map((s) => s.name),
    joined: kubeletJoined(l.kubeconfig('kubelet'), plan.files.find((f) => f.path === path.join(l.pkiDir, 'ca.crt'))?.content ?? ''),
  };
  const actions = planActions(plan.files, plan.units, observed, sha256);
  for (const f of actions.write) writeIfDifferent(f.path, f.content, f.mode);
  const r = await backend.apply({ units: plan.units, start: actions.start, restart: actions.restart, remove: actions.remove, bundle: plan.bundle, timeoutMs: req.timeoutMs });
  const record: Applied = {
    cluster: plan.cluster,
    bundle: plan.bundle,
    nodeName: plan.nodeName,
    role: plan.role,
    units: Object.fromEntries(plan.units.map((u) => [u.name, u.hash])),
    pidFiles: Object.fromEntries(plan.units.map((u) => [u.name, u.pidFile])),
  };
  writeIfDifferent(APPLIED_FILE, JSON.stringify(record, null, 1) + '\n', 0o644);
  return {
    init,
    written: actions.write.map((f) => f.path),
    started: actions.start,
    restarted: actions.restart,
    removed: actions.remove,
    unchanged: actions.unchanged,
    pids: r.pids,
    ...(r.supervisor ? { supervisor: r.supervisor } : {}),
    prunedBundles: pruneBundles(plan.bundle),
  };
}
