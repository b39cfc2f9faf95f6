// `k8ts deploy -i cluster.yaml [--state dir] [--uninstall] [--log-format=json]`: installs (or
// removes) a cluster on the inventory's hosts over SSH; the engine is deploy/remote/deploy.ts.
// People get one line per host and step and a summary table; machines get JSON lines.
import * as path from 'node:path';
import { configureLogging } from '../../lib/log';
import { launcherLog, setLauncherLogSink } from '../../deploy/cluster/launcher-log';
import { jsonDeployReporter, textDeployReporter } from '../../deploy/remote/deploy-report';
import { deploy, type DeployResult } from '../../deploy/remote/deploy';
import { CliError, SilentExit, UsageError } from '../errors';
import type { CliIO } from './context';

export const DEPLOY_USAGE = `Install a k8ts cluster on machines over SSH, or remove it.

Usage:
  k8ts deploy -i <inventory.yaml> [--state <dir>] [--uninstall] [--log-format=text|json]

Flags:
  -i, --inventory   the hosts and cluster options (see README.md, "Deploy to machines")
  --state           local state folder: PKI, admin kubeconfig, bundle cache (default ~/.k8ts/<cluster>)
  --uninstall       stop and remove everything the deploy installed on every host
  --log-format      text (steps and a summary, default) or json (one JSON line per event)
`;

export interface DeployArgs {
  inventory: string;
  state?: string;
  uninstall: boolean;
  json: boolean;
  help: boolean;
}

export function parseDeployArgs(argv: string[]): DeployArgs {
  const out: DeployArgs = { inventory: '', uninstall: false, json: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const eq = a.indexOf('=');
    const [flag, inline] = a.startsWith('--') && eq > 0 ? [a.slice(0, eq), a.slice(eq + 1)] : [a, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new UsageError(`flag ${flag} needs a value`);
      return v;
    };
    if (flag === '-i' || flag === '--inventory') out.inventory = value();
    else if (flag === '--state') out.state = value();
    else if (flag === '--uninstall') out.uninstall = inline === undefined || inline !== 'false';
    else if (flag === '--log-format') {
      const f = value();
      if (f !== 'json' && f !== 'text') throw new UsageError(`--log-format must be text or json, not "${f}"`);
      out.json = f === 'json';
    } else if (flag === '-h' || flag === '--help') out.help = true;
    else if (flag.startsWith('-')) throw new UsageError(`unknown flag ${flag} for "k8ts deploy"`);
    else throw new UsageError(`unexpected argument "${a}" (the inventory is given with -i)`);
  }
  if (!out.help && !out.inventory) throw new UsageError('k8ts deploy: -i <inventory.yaml> is required');
  return out;
}

export function deployFooter(res: DeployResult, uninstall: boolean): string {
  if (uninstall) return `k8ts: cluster ${res.cluster} removed from ${res.hosts.length} host(s)`;
  const verdict = res.changed ? 'deployed' : 'unchanged: nothing to do';
  return [`k8ts: cluster ${res.cluster} ${verdict}`, `  export KUBECONFIG=${res.kubeconfig}`, '  kubectl get nodes -o wide'].join('\n');
}

export async function runDeploy(argv: string[], io: CliIO): Promise<void> {
  const a = parseDeployArgs(argv);
  if (a.help) {
    io.stdout(DEPLOY_USAGE);
    return;
  }
  // grpc-js names the TLS server by the control plane's IP, which Node flags as deprecated on
  // every connection; the deploy's output is for people
  process.noDeprecation = true;
  if (a.json) configureLogging({ format: 'json', level: 'info' });
  else {
    // people read steps: the modules' own log lines stay out of the way
    configureLogging({ level: 'silent' });
    setLauncherLogSink(undefined);
  }
  const reporter = a.json ? jsonDeployReporter(launcherLog('deploy')) : textDeployReporter((l) => io.stdout(l + '\n'), (l) => io.stderr(l + '\n'));
  if (!a.json) io.stdout(`k8ts: ${a.uninstall ? 'uninstalling' : 'deploying'} ${path.resolve(a.inventory)}\n`);
  let res: DeployResult;
  try {
    res = await deploy({ inventory: a.inventory, ...(a.state ? { stateDir: a.state } : {}), uninstall: a.uninstall, progress: reporter });
  } catch (e) {
    const err = e as Error & { code?: string; reported?: boolean };
    if (a.json) {
      launcherLog('deploy').error({ code: err.code, err: err.message }, 'failed');
      throw new SilentExit();
    }
    // a failed step's line is out already: what follows its first line (log tails) is not
    if (err.reported) throw new CliError(err.message.split('\n').slice(1).join('\n') || `deploy failed [${err.code ?? 'FAILED'}]`, err.code);
    throw e;
  }
  if (a.json) launcherLog('deploy').info({ cluster: res.cluster, changed: res.changed, kubeconfig: res.kubeconfig, apiserver: res.apiserver, stateDir: res.stateDir }, a.uninstall ? 'uninstalled' : 'deployed');
  else io.stdout(deployFooter(res, a.uninstall) + '\n');
}
