// Shared setup for pod tests on a real containerd: a node environment (netns + containerd), test
// images, an in-memory API and an in-process kubelet whose Node has a podCIDR and is Ready, plus
// the small helpers the pod tests read status and logs with. stop() removes everything.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import type { Container, KObject, Node, Pod } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import { startKubelet, type KubeletConfig } from '../../kubelet/kubelet';
import { kubeletConfigFor, startNodeEnv, type NodeEnv } from './node-env';
import { buildTestImages } from './busybox-image';
import { FakeApi } from './fake-api';

export const BB = '/bin/busybox';
export const sh = (script: string): string[] => [BB, 'sh', '-c', script];
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export type Poll<T> = () => Promise<T | undefined | false> | T | undefined | false;

/**
 * Polls fn every 200 ms until it returns a truthy value (errors count as "not yet"); gives up
 * once ended() says the suite is over, so no wait outlives a mocha timeout.
 */
export async function pollUntil<T>(what: string, fn: Poll<T>, ended: () => boolean): Promise<T> {
  for (;;) {
    if (ended()) throw new Error(`gave up waiting for ${what}`);
    try {
      const v = await fn();
      if (v) return v;
    } catch {
      /* not yet */
    }
    await sleep(200);
  }
}

export interface PodHarnessOptions {
  nodeName: string;
  nodeIp: string;
  podCIDR: string;
  backoff?: { baseMs: number; maxMs: number };
  /** Put nodeIp on a veth inside the node's netns, so host-network pods see the node address. */
  nodeAddressInNetns?: boolean;
  /** Further kubelet settings (e.g. the pod DNS flags). */
  kubelet?: Partial<KubeletConfig>;
}

export interface PodHarness {
  env: NodeEnv;
  api: FakeApi;
  /** The web image reference (busybox at /bin/busybox). */
  web: string;
  nodeName: string;
  mkPod(name: string, containers: Partial<Container>[], spec?: Partial<Pod['spec']>): Pod;
  getPod(name: string): Promise<Pod>;
  cond(p: Pod, type: string): string | undefined;
  eventsFor(name: string): Promise<(KObject & { reason: string; message: string })[]>;
  /** Everything the container has logged (CRI log lines), all attempts. */
  logOf(p: Pod, container: string): string;
  /** Polls fn every 200 ms until it returns a truthy value (errors count as "not yet"). */
  waitFor<T>(what: string, fn: Poll<T>): Promise<T>;
  stop(): Promise<void>;
}

export async function startPodHarness(o: PodHarnessOptions): Promise<PodHarness> {
  let finished = false;
  let kubelet: { stop(): Promise<void> } | undefined;
  const env = await startNodeEnv({ sandboxImage: 'docker.io/k8ts/pause:1.0' });
  const api = new FakeApi();
  const stop = async () => {
    finished = true;
    await kubelet?.stop().catch(() => undefined);
    await env.teardown();
  };
  const waitFor = <T>(what: string, fn: Poll<T>): Promise<T> => pollUntil(what, fn, () => finished);
  try {
    if (o.nodeAddressInNetns) {
      // Both ends stay inside the test's netns, which teardown deletes with them.
      const ipn = (...args: string[]) => execFileSync('ip', ['-n', env.netns, ...args], { stdio: 'ignore' });
      ipn('link', 'add', 'k8ts-node', 'type', 'veth', 'peer', 'name', 'k8ts-peer');
      ipn('addr', 'add', `${o.nodeIp}/24`, 'dev', 'k8ts-node');
      ipn('link', 'set', 'k8ts-node', 'up');
      ipn('link', 'set', 'k8ts-peer', 'up');
    }
    const web = (await buildTestImages(env.imageDir)).webRef;
    kubelet = await startKubelet({ ...kubeletConfigFor(env, { nodeName: o.nodeName, nodeIp: o.nodeIp, client: api, backoff: o.backoff ?? { baseMs: 1000, maxMs: 2000 } }), ...o.kubelet });
    const node = await api.get<Node>(Resources.nodes, undefined, o.nodeName);
    await api.update(Resources.nodes, { ...node, spec: { podCIDR: o.podCIDR } });
    await waitFor('node Ready', async () => (await api.get<Node>(Resources.nodes, undefined, o.nodeName)).status!.conditions!.find((c) => c.type === 'Ready')!.status === 'True');
    return {
      env,
      api,
      web,
      nodeName: o.nodeName,
      mkPod: (name, containers, spec = {}) => ({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace: 'default' },
        spec: { nodeName: o.nodeName, terminationGracePeriodSeconds: 2, ...spec, containers: containers.map((c, i) => ({ name: `c${i}`, image: web, ...c })) },
      }),
      getPod: (name) => api.get<Pod>(Resources.pods, 'default', name),
      cond: (p, type) => p.status?.conditions?.find((c) => c.type === type)?.status,
      eventsFor: async (name) =>
        (await api.list<KObject & { reason: string; message: string; involvedObject: { name: string } }>(Resources.events, 'default')).items.filter((e) => e.involvedObject.name === name),
      logOf: (p, container) => {
        const dir = path.join(env.kubeletRoot, 'pods', `default_${p.metadata.name}_${p.metadata.uid}`, container);
        return fs.readdirSync(dir).map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('');
      },
      waitFor,
      stop,
    };
  } catch (e) {
    await stop().catch(() => undefined);
    throw e;
  }
}
