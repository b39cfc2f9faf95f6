// `explain-schedule <pod> [-n ns] [--config file] [-o json]`: reads the pod and everything the
// scheduler's plugins read (one list per kind, only GETs), runs the pod's profile on the pure
// framework locally and prints each node's verdict per plugin and its scores. Beyond upstream.
import type { KObject, Node, Pod } from '../../lib/api/types';
import type { PodDisruptionBudget } from '../../lib/api/pdb';
import { loadConfigurationFile } from '../../scheduler/config/load';
import { SchedulerConfigError } from '../../scheduler/config/types';
import { PluginArgsError } from '../../scheduler/framework/types';
import { explainSchedule } from '../../scheduler/explain/explain';
import type { ClusterObjects } from '../../scheduler/explain/inputs';
import { CliError, UsageError } from '../errors';
import { printExplanation } from '../printers/explain-schedule';
import { isNotFoundError, type Ctx } from './context';

export const EXPLAIN_USAGE = 'k8ts explain-schedule <pod> [-n namespace] [--config file] [-o json]';

/** The collections read, by their REST paths; the optional ones may be absent from a server. */
const LISTS: { key: keyof ClusterObjects; path: string; optional: boolean }[] = [
  { key: 'nodes', path: '/api/v1/nodes', optional: false },
  { key: 'pods', path: '/api/v1/pods', optional: false },
  { key: 'persistentVolumeClaims', path: '/api/v1/persistentvolumeclaims', optional: true },
  { key: 'persistentVolumes', path: '/api/v1/persistentvolumes', optional: true },
  { key: 'storageClasses', path: '/apis/storage.k8s.io/v1/storageclasses', optional: true },
  { key: 'namespaces', path: '/api/v1/namespaces', optional: true },
  { key: 'podDisruptionBudgets', path: '/apis/policy/v1/poddisruptionbudgets', optional: true },
  { key: 'services', path: '/api/v1/services', optional: true },
  { key: 'replicaSets', path: '/apis/apps/v1/replicasets', optional: true },
  { key: 'statefulSets', path: '/apis/apps/v1/statefulsets', optional: true },
  { key: 'replicationControllers', path: '/api/v1/replicationcontrollers', optional: true },
];

async function readCluster(ctx: Ctx): Promise<ClusterObjects> {
  const lists = await Promise.all(
    LISTS.map(async (l) => {
      try {
        return [l.key, (await ctx.client.get<{ items?: KObject[] }>(l.path))?.items ?? []] as const;
      } catch (e) {
        // A kind this server does not serve has no objects that could matter.
        if (l.optional && isNotFoundError(e)) return [l.key, []] as const;
        throw e;
      }
    }),
  );
  const o = Object.fromEntries(lists) as Record<keyof ClusterObjects, KObject[]>;
  return { ...o, nodes: o.nodes as Node[], pods: o.pods as Pod[], podDisruptionBudgets: o.podDisruptionBudgets as PodDisruptionBudget[] };
}

/** "web", "pod/web" or "pods/web". */
function podName(arg: string): string {
  const m = /^(?:pods?|po)\/(.+)$/.exec(arg);
  if (m) return m[1];
  if (arg.includes('/')) throw new UsageError(`explain-schedule explains pods: "${arg}" is not a pod`);
  return arg;
}

export async function runExplainSchedule(ctx: Ctx, args: string[]): Promise<void> {
  if (args.length !== 1) throw new UsageError(`explain-schedule needs exactly one pod: ${EXPLAIN_USAGE}`);
  const output = ctx.flags.output;
  if (output !== undefined && output !== 'json') throw new UsageError(`unable to match a printer suitable for the output format "${output}", allowed formats are: json`);
  const name = podName(args[0]);
  const file = ctx.flags.config;
  // The file is read first: a bad one fails before anything is fetched, and names itself.
  const config = file ? loadConfigurationFile(file) : undefined;
  const pod = await ctx.client.get<Pod>(`/api/v1/namespaces/${encodeURIComponent(ctx.namespace)}/pods/${encodeURIComponent(name)}`);
  const cluster = await readCluster(ctx);
  let explanation;
  try {
    explanation = explainSchedule(pod, cluster, { config, now: ctx.io.now });
  } catch (e) {
    // Unknown plugins and bad plugin arguments surface when the profile is built: name the file.
    if (file && (e instanceof SchedulerConfigError || e instanceof PluginArgsError)) throw new CliError(`${file}: ${e.message}`, 'CLI_SCHEDULER_CONFIG');
    throw e;
  }
  ctx.io.stdout(output === 'json' ? JSON.stringify(explanation, null, 2) + '\n' : printExplanation(explanation));
}
