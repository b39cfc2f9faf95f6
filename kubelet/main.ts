// Entry point: `node dist/kubelet/main.js --kubeconfig F --node-name N --node-ip IP ...`
import * as os from 'node:os';
import { parseFlags, usage, FlagError } from '../lib/flags';
import { componentLogger } from '../lib/log';
import type { KubeletConfig } from './kubelet';

export const KUBELET_FLAGS = {
  kubeconfig: '',
  apiserverGrpc: '',
  nodeName: '',
  nodeIp: '',
  containerRuntimeEndpoint: 'unix:///run/k8ts/containerd/containerd.sock',
  rootDir: '/var/lib/k8ts/kubelet',
  imageDir: '/var/lib/k8ts/images',
  cniConfDir: '/etc/k8ts/cni/net.d',
  cniBinDir: '/usr/lib/cni',
  cgroupRoot: '/k8ts',
  port: 10250,
  tlsCertFile: '',
  tlsPrivateKeyFile: '',
  housekeepingMs: 5000,
  logLevel: 'info',
  help: false,
};

export function kubeletConfigFromArgs(argv: string[]): KubeletConfig {
  const f = parseFlags(argv, KUBELET_FLAGS);
  if (!f.kubeconfig) throw new FlagError('--kubeconfig is required');
  if (!f.nodeIp) throw new FlagError('--node-ip is required');
  return {
    kubeconfig: f.kubeconfig,
    apiserverGrpc: f.apiserverGrpc,
    nodeName: f.nodeName || os.hostname().toLowerCase(),
    nodeIp: f.nodeIp,
    containerRuntimeEndpoint: f.containerRuntimeEndpoint,
    rootDir: f.rootDir,
    imageDir: f.imageDir,
    cniConfDir: f.cniConfDir,
    cniBinDir: f.cniBinDir,
    cgroupRoot: f.cgroupRoot,
    port: f.port,
    tlsCertFile: f.tlsCertFile,
    tlsPrivateKeyFile: f.tlsPrivateKeyFile,
    housekeepingMs: f.housekeepingMs,
  };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help')) {
    console.log(usage('kubelet', KUBELET_FLAGS));
    return;
  }
  const logLevel = parseFlags(argv, KUBELET_FLAGS).logLevel;
  process.env.K8TS_LOG_LEVEL = logLevel;
  const cfg = kubeletConfigFromArgs(argv);
  const log = componentLogger('kubelet', { node: cfg.nodeName });
  log.info(
    {
      nodeName: cfg.nodeName,
      nodeIp: cfg.nodeIp,
      apiserverGrpc: cfg.apiserverGrpc || '(kubeconfig host):6444',
      runtime: cfg.containerRuntimeEndpoint,
      rootDir: cfg.rootDir,
      imageDir: cfg.imageDir,
      cniConfDir: cfg.cniConfDir,
      cgroupRoot: cfg.cgroupRoot,
    },
    'kubelet starting',
  );
  // Loaded after K8TS_LOG_LEVEL is set: modules create their loggers at load time.
  const { startKubelet } = require('./kubelet') as typeof import('./kubelet');
  const k = await startKubelet(cfg);
  const shutdown = () => {
    void k.stop().then(() => process.exit(0));
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(`kubelet: ${(e as Error).message}`);
    process.exit(1);
  });
}
