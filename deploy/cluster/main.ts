// `node dist/deploy/cluster/main.js up|down|status|start|stop|restart [component] [flags]`: the
// local single-node cluster. State lives in <repo>/.cluster (or $K8TS_HOME); see README.md.
// People get one line per step and a summary; --log-format=json prints JSON lines instead. The
// launcher's own JSON log goes to <home>/logs/cluster.log in text mode.
import * as path from 'node:path';
import { FlagError, parseFlags, usage } from '../../lib/flags';
import { PROXY_MODES } from '../remote/inventory';
import { configureLogging, parseLogFormat } from '../../lib/log';
import { renderStatus } from '../supervisor/status';
import { clusterStatus, down, restartComponent, startComponent, stopComponent, up, type ComponentAction } from './cluster';
import { clusterLayout, COMPONENTS } from './layout';
import { fileLogger, launcherLog, setLauncherLogSink } from './launcher-log';
import { formatSeconds, jsonReporter, textReporter, type ReportedError, type Reporter } from './progress';
import { repoRoot } from '../../lib/repo-root';
import { jsonDeployReporter, textDeployReporter } from '../remote/deploy-report';
import { downNodes, readMachinesRecord, upNodes, type UpNodesResult } from './multi-node';

const spec = { purge: false, nodeIp: '', nodeName: '', netns: '', home: '', logFormat: 'text', nodes: 0, name: '', proxyMode: '', help: false };
const COMMANDS = ['up', 'down', 'status', 'start', 'stop', 'restart'] as const;
/** ` --home=<dir>` when one was given, for the hints printed after a failure too. */
let homeHint = '';

function homeDir(flagHome: string): string {
  return path.resolve(flagHome || process.env.K8TS_HOME || path.join(repoRoot(), '.cluster'));
}

function upSummary(info: Awaited<ReturnType<typeof up>>, homeFlag: string): string {
  const ns = info.netns ? `sudo ip netns exec ${info.netns} ` : '';
  const logs = path.join(info.home, 'logs');
  return [
    '',
    `k8ts is up: node ${info.nodeName} (${info.nodeIp}) is Ready; API ${info.apiserverUrl}, gRPC ${info.grpcAddress}, registry ${info.registry}`,
    `Every process runs under the supervisor: one that exits is restarted (see npm run cluster -- status${homeFlag}).`,
    `Logs (JSON): ${logs}/<component>.log, supervisor.log, cluster.log`,
    '',
    'Use it:',
    `  export KUBECONFIG=${info.kubeconfig}`,
    `  ${ns}kubectl get nodes`,
    `  ${ns}kubectl apply -f deploy/examples/web.yaml`,
    `  ${ns}npx k8ts get pods -A`,
    '',
    `One component: npm run cluster -- status|restart|stop|start <component>${homeFlag}`,
    `Stop it (data kept): npm run down${homeFlag ? ` --${homeFlag}` : ''}   · wipe everything: npm run down -- --purge${homeFlag}`,
  ].join('\n');
}

function nodesSummary(res: UpNodesResult, homeFlag: string): string {
  const [cp, ...workers] = res.machines;
  return [
    '',
    `k8ts is up on ${res.machines.length} machine${res.machines.length === 1 ? '' : 's'}: control plane ${cp.name} (${cp.address})${workers.length ? `, workers ${workers.map((w) => `${w.name} (${w.address})`).join(', ')}` : ''}; API ${res.apiserver}`,
    `The machines are containers of this host (npm run machines -- list); the cluster was installed by k8ts deploy -i ${res.inventory}`,
    '',
    'Use it:',
    `  export KUBECONFIG=${res.kubeconfig}`,
    '  kubectl get nodes -o wide',
    '  kubectl apply -f deploy/examples/web.yaml',
    '',
    `Remove the machines and their network: npm run down${homeFlag ? ` --${homeFlag}` : ''}`,
  ].join('\n');
}

function actionLine(verb: string, a: ComponentAction): string {
  const pids = a.before && a.after ? `pid ${a.before} → ${a.after}` : a.after ? `pid ${a.after}` : a.before ? `was pid ${a.before}` : 'was not running';
  return `✓ ${verb} ${a.name}  ${formatSeconds(a.ms)}  ${pids}`;
}

async function main(argv: string[]): Promise<void> {
  const f = parseFlags(argv, spec);
  const cmd = f._[0];
  if (f.help || !cmd) {
    console.log(`usage: k8ts-cluster ${COMMANDS.join('|')} [component]\n  components: ${COMPONENTS.join(', ')}\n${usage('k8ts-cluster', spec)}`);
    return;
  }
  if (!(COMMANDS as readonly string[]).includes(cmd)) throw new FlagError(`unknown command "${cmd}" (expected ${COMMANDS.join(', ')})`);
  const json = parseLogFormat(f.logFormat) === 'json';
  // the components inherit the caller's environment as it was, whatever this process sets below
  const env = { ...process.env };
  const home = homeDir(f.home);
  if (!json) {
    // people read steps; the JSON log of the launcher and of the modules it calls goes to a file
    configureLogging({ level: 'silent' });
    setLauncherLogSink(fileLogger(path.join(clusterLayout(home).logsDir, 'cluster.log')));
  }
  const log = launcherLog('cluster');
  const out = (line: string) => console.log(line);
  const reporter: Reporter = json ? jsonReporter(log) : textReporter((line) => (line.startsWith('✗') ? console.error(line) : out(line)));
  const homeFlag = f.home ? ` --home=${home}` : '';
  homeHint = homeFlag;
  const o = {
    home,
    ...(f.netns ? { netns: f.netns } : {}),
    ...(f.nodeIp ? { nodeIp: f.nodeIp } : {}),
    ...(f.nodeName ? { nodeName: f.nodeName } : {}),
  };
  const component = f._[1] ?? '';
  if ((cmd === 'start' || cmd === 'stop' || cmd === 'restart') && !(COMPONENTS as readonly string[]).includes(component)) {
    throw new FlagError(`${cmd}: unknown component "${component}" (one of ${COMPONENTS.join(', ')})`);
  }

  if (f.proxyMode && !(PROXY_MODES as readonly string[]).includes(f.proxyMode)) throw new FlagError(`--proxy-mode "${f.proxyMode}": one of ${PROXY_MODES.join(', ')}`);
  const machines = readMachinesRecord(home);
  if (f.nodes || (machines && cmd !== 'down')) {
    // a cluster of machines (containers): up --nodes N, and down
    if (cmd !== 'up' && cmd !== 'down') throw new FlagError(`${home} holds a cluster of machines: use kubectl with ${home}/admin.kubeconfig (npm run machines -- list shows the machines)`);
    if (cmd === 'up' && !f.nodes) throw new FlagError(`${home} holds a cluster of ${machines!.nodes} machines: npm run up -- --nodes ${machines!.nodes} brings it up again, npm run down removes it`);
    if (f.netns || f.nodeIp || f.nodeName) throw new FlagError('--netns, --node-ip and --node-name are for the single-node cluster, not with --nodes');
    // grpc-js names the TLS server by the control plane's IP, which Node flags on every connection
    process.noDeprecation = true;
    const dr = json ? jsonDeployReporter(log) : textDeployReporter(out, (line) => console.error(line));
    if (!json) out(`k8ts: bringing up ${f.nodes} machine${f.nodes === 1 ? '' : 's'} in ${home}`);
    const res = await upNodes({ home, nodes: f.nodes, ...(f.name ? { name: f.name } : {}), ...(f.proxyMode ? { settings: { proxyMode: f.proxyMode } } : {}), progress: dr });
    if (json) log.info({ kubeconfig: res.kubeconfig, apiserver: res.apiserver, machines: res.machines, inventory: res.inventory }, 'summary');
    else out(nodesSummary(res, homeFlag));
    return;
  }

  switch (cmd) {
    case 'up': {
      if (!json) out(`k8ts: bringing up the local cluster in ${home}`);
      const proxyFlags = f.proxyMode ? { extraFlags: { 'kube-proxy': [`--proxy-mode=${f.proxyMode}`] } } : {};
      const info = await up({ ...o, ...proxyFlags, progress: reporter, env });
      if (json) log.info({ ...info }, 'summary');
      else out(upSummary(info, homeFlag));
      return;
    }
    case 'down':
      if (machines) {
        const dr = json ? jsonDeployReporter(log) : textDeployReporter(out, (line) => console.error(line));
        if (!json) out(`k8ts: removing the machines of ${home}`);
        await downNodes(home, { purge: f.purge, progress: dr });
        if (json) log.info({ home, cluster: machines.cluster, purged: f.purge }, 'cluster down');
        else out(`k8ts: machines, volumes and network of ${machines.cluster} removed${f.purge ? `; ${home} removed` : ''}`);
        return;
      }
      if (!json) out(`k8ts: stopping the local cluster in ${home}`);
      await down(o, { purge: f.purge, progress: reporter });
      if (json) log.info({ home, purged: f.purge }, 'cluster down');
      else out(f.purge ? `k8ts: cluster stopped and ${home} removed` : `k8ts: cluster stopped; state kept in ${home} (npm run up brings it back)`);
      return;
    case 'status': {
      const status = await clusterStatus(o);
      if (json) out(JSON.stringify(status));
      else out(`k8ts cluster in ${home}\n${renderStatus(status, Date.now())}`);
      return;
    }
    case 'stop': {
      const a = await stopComponent(o, component);
      if (json) log.info({ ...a }, 'component stopped');
      else out(`${actionLine('stopped', a)} (stays stopped until: npm run cluster -- start ${component}${homeFlag})`);
      return;
    }
    case 'start':
    case 'restart': {
      const a = cmd === 'start' ? await startComponent(o, component) : await restartComponent(o, component);
      if (json) log.info({ ...a }, cmd === 'start' ? 'component started' : 'component restarted');
      else out(actionLine(cmd === 'start' ? 'started' : 'restarted', a));
      return;
    }
  }
}

const jsonMode = process.argv.includes('--log-format=json') || process.argv.join(' ').includes('--log-format json');

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (e: ReportedError & { code?: string }) => {
    if (jsonMode) {
      launcherLog('cluster').error({ code: e.code, err: e.message }, 'failed');
    } else if (e.reported) {
      // the failed step's line is printed: add what follows it (the log tail)
      const rest = e.message.split('\n').slice(1).join('\n');
      if (rest) console.error(rest);
      if (e.code === 'UNIT_FAILED' || e.code === 'UNIT_NOT_READY' || e.code === 'NODE_NOT_READY') {
        console.error(`\nThe supervisor keeps restarting it (npm run cluster -- status${homeHint}); npm run down${homeHint ? ` --${homeHint}` : ''} stops everything.`);
      }
    } else {
      console.error(`✗ ${e.message}${e.code ? ` [${e.code}]` : ''}`);
    }
    process.exit(1);
  },
);
