// Preflight: the Debian packages a node needs. When one is missing and we are root, install it with
// apt-get; otherwise fail with the exact command to run.
import { execFileSync, spawnSync } from 'node:child_process';
import { launcherLog } from './launcher-log';

export const REQUIRED_PACKAGES = [
  'etcd-server',
  'containerd',
  'runc',
  'containernetworking-plugins',
  'iptables',
  'conntrack',
  'ipvsadm',
  'nftables',
  'busybox-static',
  'gcc',
  'libc6-dev',
  'openssl',
  'iproute2',
  'docker-registry',
] as const;

export class PreflightError extends Error {
  readonly code: 'NOT_ROOT' | 'INSTALL_FAILED' | 'MISSING_TOOL';
  constructor(code: 'NOT_ROOT' | 'INSTALL_FAILED' | 'MISSING_TOOL', message: string) {
    super(message);
    this.name = 'PreflightError';
    this.code = code;
  }
}

/** Parses `dpkg-query -W -f '${Package} ${db:Status-Status}\n'` into the installed set. */
export function installedFromDpkg(output: string): Set<string> {
  const set = new Set<string>();
  for (const line of output.split('\n')) {
    const [pkg, status] = line.trim().split(/\s+/);
    if (pkg && status === 'installed') set.add(pkg.replace(/:.*$/, ''));
  }
  return set;
}

export function missingPackages(wanted: readonly string[], installed: Set<string>): string[] {
  return wanted.filter((p) => !installed.has(p));
}

export function installedPackages(pkgs: readonly string[]): Set<string> {
  // dpkg-query exits 1 when some package is unknown but still prints the known ones
  const r = spawnSync('dpkg-query', ['-W', '-f', '${Package} ${db:Status-Status}\n', ...pkgs], { encoding: 'utf8' });
  return installedFromDpkg(r.stdout ?? '');
}

export function ensurePackages(pkgs: readonly string[] = REQUIRED_PACKAGES): void {
  const log = launcherLog('preflight');
  const missing = missingPackages(pkgs, installedPackages(pkgs));
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new PreflightError(
      'NOT_ROOT',
      `missing Debian packages: ${missing.join(' ')}. Run as root, or install them: sudo apt-get install -y ${missing.join(' ')}`,
    );
  }
  log.info({ packages: missing }, 'installing packages');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    // apt's progress goes to stderr: stdout carries the steps (or JSON lines)
    execFileSync('apt-get', ['update'], { stdio: ['ignore', 2, 2], env });
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { stdio: ['ignore', 2, 2], env });
  } catch (e) {
    throw new PreflightError('INSTALL_FAILED', `apt-get install ${missing.join(' ')} failed: ${(e as Error).message}`);
  }
}

/** Tools that are not Debian packages here but that the launcher calls. */
export function requireTools(tools: string[] = ['nsenter', 'ip', 'mount', 'umount']): void {
  for (const t of tools) {
    const r = spawnSync('sh', ['-c', `command -v ${t}`], { encoding: 'utf8' });
    if (r.status !== 0) throw new PreflightError('MISSING_TOOL', `${t} not found in PATH`);
  }
}

/** The running user must be root to start a node (containerd, iptables, mounts). */
export function requireRoot(): void {
  if (process.getuid?.() !== 0) throw new PreflightError('NOT_ROOT', 'the local cluster runs containerd and iptables: run as root');
}
