// What `k8ts deploy` and the host agent (host-agent.ts, run on each host from the bundle over
// SSH) say to each other: one JSON request on the agent's stdin, one JSON result line on its
// stdout after a marker (anything else the agent's modules print is ignored), logs on stderr.
import type { HostPlan } from './host-plan';

export const RESULT_MARKER = 'K8TS-AGENT-RESULT ';

export type InitSystem = 'systemd' | 'supervisor';

export interface StatusRequest {
  cmd: 'status';
  /** Image archives to report the digests of (file names in the image dir). */
  images: string[];
  /** The cluster's CA: a kubelet certificate from another CA does not count as joined. */
  caCert: string;
}

export interface UnitState {
  name: string;
  running: boolean;
  pid?: number;
}

export interface StatusResult {
  hostname: string;
  init: InitSystem;
  /** The bundle the host's components run from, per the last apply. */
  bundle?: string;
  /** The cluster the host was last applied for. */
  cluster?: string;
  nodeName?: string;
  role?: string;
  units: UnitState[];
  /** The kubelet holds a usable client certificate. */
  joined: boolean;
  /** name → sha256 of the image archives present. */
  images: Record<string, string>;
}

export interface ApplyRequest {
  cmd: 'apply';
  plan: HostPlan;
  /** How long the units may take to be running. */
  timeoutMs: number;
}

export interface ApplyResult {
  init: InitSystem;
  written: string[];
  started: string[];
  restarted: string[];
  removed: string[];
  unchanged: string[];
  /** unit → pid once running. */
  pids: Record<string, number>;
  supervisor?: { pid: number; started: boolean };
  /** Bundles removed from /opt/k8ts/bundles (no longer used). */
  prunedBundles: string[];
}

export interface UninstallRequest {
  cmd: 'uninstall';
  plan: Pick<HostPlan, 'uninstall'> & { units: { name: string; pidFile: string }[] };
}

export interface UninstallResult {
  stopped: string[];
  sandboxes: number;
  unmounted: number;
  removed: string[];
}

export type AgentRequest = StatusRequest | ApplyRequest | UninstallRequest | { cmd: 'boot' };

/** The agent's answer: a result or an error with a stable code. */
export type AgentResponse<T> = { ok: true; result: T } | { ok: false; error: { code: string; message: string } };

/** Finds the result line in the agent's stdout. */
export function parseAgentOutput<T>(stdout: string): AgentResponse<T> | undefined {
  const line = stdout
    .split('\n')
    .reverse()
    .find((l) => l.startsWith(RESULT_MARKER));
  if (!line) return undefined;
  try {
    return JSON.parse(line.slice(RESULT_MARKER.length)) as AgentResponse<T>;
  } catch {
    return undefined;
  }
}
