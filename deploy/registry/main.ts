// `node dist/deploy/registry/main.js [--dir D] [--port 5000]`: runs the local registry in the foreground.
import { parseFlags } from '../../lib/flags';
import { startRegistry } from './registry';

async function main(): Promise<void> {
  const f = parseFlags(process.argv.slice(2), { dir: '/var/lib/k8ts/registry', port: 5000 });
  const r = await startRegistry({ dir: f.dir, port: f.port });
  console.log(`registry listening on ${r.address}`);
  const shutdown = () => void r.stop().then(() => process.exit(0));
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(`registry: ${(e as Error).message}`);
    process.exit(1);
  });
}
