// `node <bundle>/dist/deploy/remote/host-agent.js status|apply|uninstall|boot`: the part of
// `k8ts deploy` that runs on a host, from the bundle, as root. It reads one JSON request on stdin
// and prints one result line (after RESULT_MARKER) on stdout; its log lines go to stderr, which
// the deploy keeps. `boot` (the boot hook of hosts without systemd) takes no input.
import * as fs from 'node:fs';
import * as path from 'node:path';
import pino from 'pino';
import { configureLogging } from '../../lib/log';
import { setLauncherLogSink } from '../cluster/launcher-log';
import { RESULT_MARKER, type AgentRequest, type AgentResponse } from './agent-protocol';
import { applyHost, applySysctls, hostStatus } from './host-apply';
import { bootSupervisor } from './host-init';
import { BUNDLES_DIR } from './host-layout';
import { uninstallHost } from './host-uninstall';

export class AgentError extends Error {
  constructor(
    readonly code: 'AGENT_BAD_REQUEST' | 'AGENT_NOT_ROOT',
    message: string,
  ) {
    super(message);
    this.name = 'AgentError';
  }
}

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on('data', (c: Buffer) => chunks.push(c));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', reject);
  });
}

/** The bundle this agent runs from: <bundles>/<hash>/dist/deploy/remote/host-agent.js. */
function ownBundle(): string {
  const root = path.resolve(__dirname, '..', '..', '..');
  if (path.dirname(root) !== BUNDLES_DIR) throw new AgentError('AGENT_BAD_REQUEST', `the agent runs from ${root}, not from a bundle under ${BUNDLES_DIR}`);
  return path.basename(root);
}

async function run(cmd: string): Promise<unknown> {
  if (process.getuid?.() !== 0) throw new AgentError('AGENT_NOT_ROOT', 'the host agent must run as root (containerd, iptables, mounts)');
  if (cmd === 'boot') {
    applySysctls();
    return bootSupervisor(ownBundle());
  }
  let req: AgentRequest;
  try {
    req = JSON.parse(await readStdin()) as AgentRequest;
  } catch (e) {
    throw new AgentError('AGENT_BAD_REQUEST', `the request on stdin is not JSON: ${(e as Error).message}`);
  }
  if (req.cmd !== cmd) throw new AgentError('AGENT_BAD_REQUEST', `command ${cmd} got a ${String(req.cmd)} request`);
  switch (req.cmd) {
    case 'status':
      return hostStatus(req);
    case 'apply':
      return applyHost(req);
    case 'uninstall':
      return uninstallHost(req);
    default:
      throw new AgentError('AGENT_BAD_REQUEST', `unknown command ${cmd}`);
  }
}

if (require.main === module) {
  // the modules' logs go to stderr: stdout carries the result line
  configureLogging({ level: 'warn' });
  setLauncherLogSink(pino({ level: 'info', base: { pid: process.pid, component: 'host-agent' }, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination({ dest: 2, sync: true })));
  const cmd = process.argv[2] ?? '';
  const reply = (r: AgentResponse<unknown>) => fs.writeSync(1, `\n${RESULT_MARKER}${JSON.stringify(r)}\n`);
  run(cmd).then(
    (result) => {
      reply({ ok: true, result });
      process.exit(0);
    },
    (e: Error & { code?: string }) => {
      reply({ ok: false, error: { code: e.code ?? 'AGENT_FAILED', message: e.message } });
      process.exit(1);
    },
  );
}
