// Entry point: node dist/apiserver/main.js --etcd-servers ... --tls-cert-file ... (see config.ts).
import { componentLogger, configureLogging, parseLogLevel } from '../lib/log';
import { usage } from '../lib/flags';
import { APISERVER_FLAGS, parseApiserverConfig } from './config';
import { startApiserver } from './server';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(usage('apiserver', APISERVER_FLAGS) + '\n');
    return;
  }
  let config;
  try {
    config = parseApiserverConfig(argv);
  } catch (e) {
    process.stderr.write(`apiserver: ${(e as Error).message}\n${usage('apiserver', APISERVER_FLAGS)}\n`);
    process.exit(2);
  }
  configureLogging({ level: parseLogLevel(config.logLevel) });
  const log = componentLogger('apiserver');
  log.info(
    {
      etcd: config.etcdServers,
      etcdPrefix: config.etcdPrefix,
      bind: config.bindAddress,
      securePort: config.securePort,
      grpcPort: config.grpcPort,
      advertise: config.advertiseAddress,
      serviceCidr: config.serviceClusterIpRange,
      nodePorts: config.serviceNodePortRange,
    },
    'apiserver starting',
  );
  const running = await startApiserver(config);
  log.info({ securePort: running.securePort, grpcPort: running.grpcPort }, 'apiserver ready');
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'apiserver stopping');
    running.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((e) => {
  componentLogger('apiserver').fatal({ err: String((e as Error)?.stack ?? e) }, 'apiserver failed');
  process.exit(1);
});
