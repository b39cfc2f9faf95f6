// One SSH session to a host, as `k8ts deploy` uses it: facts about the host, packages, the bundle
// and image uploads, and requests to the host agent. A user other than root goes through
// `sudo -n` (passwordless sudo is required then). Nothing here knows what kind of machine it is.
import * as crypto from 'node:crypto';
import * as path from 'node:path';
import type { Client } from 'ssh2';
import { sshConnect, sshExec, sshUpload, type ExecResult } from '../machines/ssh';
import { parseAgentOutput, type AgentRequest } from './agent-protocol';
import { BUNDLES_DIR, bundleDir } from './host-layout';
import type { InventoryHost } from './inventory';
import { installedFromDpkg } from '../cluster/preflight';

export class HostError extends Error {
  constructor(
    readonly code: 'HOST_UNREACHABLE' | 'HOST_NOT_ROOT' | 'HOST_UNSUPPORTED' | 'HOST_COMMAND_FAILED' | 'HOST_PACKAGES_FAILED' | 'HOST_IN_OTHER_CLUSTER' | 'AGENT_FAILED',
    readonly host: string,
    message: string,
  ) {
    super(message);
    this.name = 'HostError';
  }
}

/** Shell-quotes one word. */
export const sq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

export interface HostFacts {
  hostname: string;
  arch: string;
  systemd: boolean;
  /** Debian packages of `wanted` that are installed. */
  installed: Set<string>;
}

/** Node's process.arch for `uname -m`. */
export function nodeArchOf(uname: string): string | undefined {
  return ({ x86_64: 'x64', amd64: 'x64', aarch64: 'arm64', arm64: 'arm64', armv7l: 'arm', ppc64le: 'ppc64', s390x: 's390x' } as Record<string, string>)[uname.trim()];
}

/** Pure: the facts script's output (hostname, uname -m, systemd marker, dpkg-query lines). */
export function parseFacts(out: string): HostFacts {
  const [hostname = '', arch = '', systemd = '', ...rest] = out.split('\n');
  return { hostname: hostname.trim(), arch: arch.trim(), systemd: systemd.trim() === 'systemd', installed: installedFromDpkg(rest.join('\n')) };
}

export class HostSession {
  private client?: Client;
  /** Commands run as root: directly, or through sudo. */
  private readonly root: string;

  constructor(readonly host: InventoryHost, readonly label: string) {
    this.root = host.ssh.user === 'root' ? '' : 'sudo -n ';
  }

  get coordinates() {
    return { host: this.host.address, port: this.host.ssh.port, username: this.host.ssh.user, privateKeyPath: this.host.ssh.key };
  }

  async connect(timeoutMs = 15_000): Promise<void> {
    try {
      this.client = await sshConnect(this.coordinates, timeoutMs);
    } catch (e) {
      throw new HostError('HOST_UNREACHABLE', this.label, (e as Error).message);
    }
  }

  close(): void {
    this.client?.end();
    this.client = undefined;
  }

  private c(): Client {
    if (!this.client) throw new HostError('HOST_UNREACHABLE', this.label, `not connected to ${this.host.address}`);
    return this.client;
  }

  exec(command: string, stdin?: string | Buffer): Promise<ExecResult> {
    return sshExec(this.c(), command, stdin !== undefined ? { stdin } : {});
  }

  /** Runs a command as root; fails with its output unless it exits 0. */
  async run(command: string, stdin?: string | Buffer): Promise<string> {
    const r = await this.exec(`${this.root}sh -c ${sq(command)}`, stdin);
    if (r.code !== 0) {
      const out = (r.stderr.trim() || r.stdout.trim()).split('\n').slice(-6).join('\n');
      throw new HostError('HOST_COMMAND_FAILED', this.label, `${command.split('\n')[0].slice(0, 120)}: exit ${r.code ?? r.signal}${out ? `: ${out}` : ''}`);
    }
    return r.stdout;
  }

  /** Who we are there, its architecture, its init and which of `packages` it has. */
  async facts(packages: readonly string[]): Promise<HostFacts> {
    const id = await this.exec(`${this.root}id -u`);
    if (id.code !== 0 || id.stdout.trim() !== '0') {
      throw new HostError('HOST_NOT_ROOT', this.label, `${this.host.ssh.user}@${this.host.address} cannot act as root${this.root ? ' (passwordless sudo -n failed)' : ''}: ${(id.stderr || id.stdout).trim()}`);
    }
    const script = [
      'hostname',
      'uname -m',
      'if [ -d /run/systemd/system ]; then echo systemd; else echo none; fi',
      // exits 1 when some package is unknown, still printing the known ones
      `dpkg-query -W -f '\${Package} \${db:Status-Status}\\n' ${packages.map(sq).join(' ')} 2>/dev/null || true`,
    ].join('\n');
    return parseFacts(await this.run(script));
  }

  /** apt-get installs what is missing (never called when nothing is). */
  async installPackages(missing: string[]): Promise<void> {
    const env = 'DEBIAN_FRONTEND=noninteractive';
    try {
      await this.run(`${env} apt-get update -q && ${env} apt-get install -y -q --no-install-recommends ${missing.map(sq).join(' ')}`);
    } catch (e) {
      throw new HostError('HOST_PACKAGES_FAILED', this.label, `apt-get install ${missing.join(' ')}: ${(e as Error).message}`);
    }
  }

  async hasBundle(hash: string): Promise<boolean> {
    return (await this.exec(`test -f ${sq(`${bundleDir(hash)}/.complete`)}`)).code === 0;
  }

  /** A temporary upload path the SSH user may write. */
  private async tmpPath(name: string): Promise<string> {
    const dir = (await this.exec('mktemp -d /tmp/k8ts-deploy.XXXXXX')).stdout.trim();
    if (!dir.startsWith('/tmp/k8ts-deploy.')) throw new HostError('HOST_COMMAND_FAILED', this.label, 'mktemp failed');
    return path.posix.join(dir, name);
  }

  /** Uploads and unpacks the bundle under /opt/k8ts/bundles/<hash> (atomically: complete or absent). */
  async installBundle(hash: string, tarball: string): Promise<void> {
    const tmp = await this.tmpPath('bundle.tar.gz');
    try {
      await sshUpload(this.c(), tarball, tmp, 0o600);
      const dir = bundleDir(hash);
      const staging = `${BUNDLES_DIR}/.${hash}.partial`;
      await this.run(
        [
          `rm -rf ${sq(staging)}`,
          `mkdir -p ${sq(staging)}`,
          `tar -xzf ${sq(tmp)} -C ${sq(staging)} --no-same-owner`,
          `touch ${sq(`${staging}/.complete`)}`,
          `rm -rf ${sq(dir)}`,
          `mv ${sq(staging)} ${sq(dir)}`,
        ].join(' && '),
      );
    } finally {
      await this.exec(`rm -rf ${sq(path.posix.dirname(tmp))}`).catch(() => undefined);
    }
  }

  /** Uploads a file to an absolute path (atomically), owned by root. */
  async installFile(local: string, remote: string, mode = 0o644): Promise<void> {
    const tmp = await this.tmpPath(path.posix.basename(remote));
    try {
      await sshUpload(this.c(), local, tmp, 0o600);
      const part = `${remote}.k8ts-partial`;
      await this.run(`mkdir -p ${sq(path.posix.dirname(remote))} && cp ${sq(tmp)} ${sq(part)} && chmod ${mode.toString(8)} ${sq(part)} && mv ${sq(part)} ${sq(remote)}`);
    } finally {
      await this.exec(`rm -rf ${sq(path.posix.dirname(tmp))}`).catch(() => undefined);
    }
  }

  /** One request to the host agent of the bundle; its result, or an AGENT_FAILED error with its log. */
  async agent<T>(bundle: string, req: AgentRequest): Promise<{ result: T; log: string }> {
    const dir = bundleDir(bundle);
    const r = await this.exec(`${this.root}${sq(`${dir}/node`)} ${sq(`${dir}/dist/deploy/remote/host-agent.js`)} ${req.cmd}`, JSON.stringify(req));
    const answer = parseAgentOutput<T>(r.stdout);
    if (answer?.ok) return { result: answer.result, log: r.stderr };
    const why = answer && !answer.ok ? answer.error.message : `exit ${r.code ?? r.signal}: ${(r.stderr.trim() || r.stdout.trim()).split('\n').slice(-8).join('\n')}`;
    throw new HostError('AGENT_FAILED', this.label, `${req.cmd} on ${this.host.address}: ${why}`);
  }
}

export const sha256File = (data: Buffer): string => crypto.createHash('sha256').update(data).digest('hex');
