// `node dist/deploy/cluster/main.js up|down [--purge]`: the local single-node cluster.
// State lives in <repo>/.cluster (or $K8TS_HOME); see README.md.
import * as path from 'node:path';
import { FlagError, parseFlags, usage } from '../../lib/flags';
import { repoRoot } from '../../lib/repo-root';
import { down, restartComponent, up } from './cluster';
import { isComponentName } from './layout';

const spec = { purge: false, nodeIp: '', nodeName: '', netns: '', home: '', help: false };

function homeDir(flagHome: string): string {
  return path.resolve(flagHome || process.env.K8TS_HOME || path.join(repoRoot(), '.cluster'));
}

async function main(argv: string[]): Promise<void> {
  const f = parseFlags(argv, spec);
  const cmd = f._[0];
  if (f.help || !cmd) {
    console.log(`usage: k8ts-cluster up|down|restart <component>\n${usage('k8ts-cluster', spec)}`);
    return;
  }
  const o = {
    home: homeDir(f.home),
    ...(f.netns ? { netns: f.netns } : {}),
    ...(f.nodeIp ? { nodeIp: f.nodeIp } : {}),
    ...(f.nodeName ? { nodeName: f.nodeName } : {}),
  };
  if (cmd === 'up') {
    console.log(`k8ts: bringing up the local cluster in ${o.home}`);
    const info = await up(o);
    const ns = info.netns ? `sudo ip netns exec ${info.netns} ` : '';
    console.log(
      [
        '',
        `k8ts is up: node ${info.nodeName} (${info.nodeIp}) is Ready; API ${info.apiserverUrl}, gRPC ${info.grpcAddress}`,
        `logs: ${path.join(info.home, 'logs')}/<component>.log`,
        '',
        'Use it:',
        `  export KUBECONFIG=${info.kubeconfig}`,
        `  ${ns}kubectl get nodes`,
        `  ${ns}npx k8ts get pods -A`,
        '',
        'Stop it (data kept): npm run down   · wipe everything: npm run down -- --purge',
      ].join('\n'),
    );
  } else if (cmd === 'down') {
    await down(o, { purge: f.purge });
    console.log(f.purge ? `k8ts: cluster stopped and ${o.home} removed` : `k8ts: cluster stopped; state kept in ${o.home}`);
  } else if (cmd === 'restart') {
    const name = f._[1] ?? '';
    if (!isComponentName(name)) throw new FlagError(`restart: unknown component "${name}"`);
    await restartComponent(o, name);
    console.log(`k8ts: ${name} restarted`);
  } else {
    throw new FlagError(`unknown command "${cmd}" (expected up, down or restart)`);
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (e: Error & { code?: string }) => {
    console.error(`k8ts: ${e.message}${e.code ? ` [${e.code}]` : ''}`);
    process.exit(1);
  },
);
