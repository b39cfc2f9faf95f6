// One whole single-node cluster (deploy/cluster up) for a test file: started in before(), purged
// with its temp home in after() whether the tests passed or not, each in its own network namespace.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { up, down, type ClusterInfo, type ClusterOptions } from '../../deploy/cluster/cluster';
import { clusterLayout } from '../../deploy/cluster/layout';
import { Kubectl } from './kubectl';

export interface SingleNodeCluster {
  opts: ClusterOptions;
  /** kubectl as admin, in the cluster's network namespace (usable once before() has run). */
  k: Kubectl;
  /** What up() answered; set by before(). */
  info: ClusterInfo;
}

/**
 * Registers before/after hooks in the calling describe(); `name` prefixes the temp home, the
 * network namespace and the node (`<name>-node-1`); `extra` adds or overrides options.
 */
export function singleNodeCluster(name: string, extra: Partial<ClusterOptions> = {}): SingleNodeCluster {
  const opts: ClusterOptions = {
    home: fs.mkdtempSync(path.join(os.tmpdir(), `k8ts-${name}-`)),
    netns: `k8ts-${name}-${randomBytes(3).toString('hex')}`,
    nodeName: `${name}-node-1`,
    ...extra,
  };
  // The admin kubeconfig's place is known before up() writes it, so kubectl can be made now.
  const c = { opts, k: new Kubectl(clusterLayout(opts.home).adminKubeconfig, opts.netns) } as SingleNodeCluster;
  before(async function () {
    c.info = await up(opts);
  });
  after(async function () {
    await down(opts, { purge: true }).catch(() => undefined);
    fs.rmSync(opts.home, { recursive: true, force: true });
  });
  return c;
}
