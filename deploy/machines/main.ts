// `npm run machines -- <command>`: machines as containers by hand (the local multi-machine mode
// and the tests use the same module).
//   create <cluster> [--nodes N | --names a,b] [--subnet 198.18.x.0/24] [--state-dir DIR]
//   list [<cluster>]        one JSON line per machine: name, state, address, ssh coordinates
//   remove <cluster>        machines, network, the project's iptables rule
//   image                   build (or find) the node image
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { LOG_LEVELS, configureLogging, type LogLevel } from '../../lib/log';
import { ensureDockerDaemon, dockerClient } from './docker-daemon';
import { ensureNodeImage } from '../node-image/build';
import { addMachines, listClusters, listMachines, machineNames, removeCluster, type Machine } from './machines';

const usage = 'usage: machines create <cluster> [--nodes N | --names a,b] [--subnet CIDR] [--state-dir DIR] | list [<cluster>] | remove <cluster> | image';

async function describe(m: Machine): Promise<object> {
  return { cluster: m.cluster, name: m.name, state: await m.state(), address: m.address, container: m.containerName, ssh: m.ssh };
}

async function main(argv: string[]): Promise<void> {
  // stdout carries the JSON answers; progress logs only when asked for (K8TS_LOG_LEVEL=info)
  const asked = process.env.K8TS_LOG_LEVEL as LogLevel | undefined;
  configureLogging({ level: asked && LOG_LEVELS.includes(asked) ? asked : 'warn' });
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { nodes: { type: 'string' }, names: { type: 'string' }, subnet: { type: 'string' }, 'state-dir': { type: 'string' } },
  });
  const [cmd, cluster] = positionals;
  await ensureDockerDaemon();
  const print = (o: object) => process.stdout.write(JSON.stringify(o) + '\n');
  switch (cmd) {
    case 'create': {
      if (!cluster) throw new Error(usage);
      const names = values.names ? values.names.split(',') : machineNames(Number(values.nodes ?? '1'));
      const stateDir = values['state-dir'] ?? path.join('.cluster', 'machines', cluster);
      for (const m of await addMachines({ cluster, names, stateDir, subnet: values.subnet })) print(await describe(m));
      return;
    }
    case 'list':
      for (const c of cluster ? [cluster] : await listClusters()) for (const m of await listMachines(c)) print(await describe(m));
      return;
    case 'remove':
      if (!cluster) throw new Error(usage);
      await removeCluster(cluster);
      return;
    case 'image':
      print(await ensureNodeImage({ docker: await dockerClient() }));
      return;
    default:
      throw new Error(usage);
  }
}

main(process.argv.slice(2)).catch((e) => {
  process.stderr.write(`machines: ${(e as Error).message}\n`);
  process.exit(1);
});
