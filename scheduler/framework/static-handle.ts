// A Handle for pure uses of the framework — configuration checks at start-up, the in-process
// algorithm benchmark, tests: listers that know nothing unless given, no nominated pods, no API
// client (plugins that would write fail instead).
import type { Framework } from './runtime';
import type { Handle, Listers, SharedLister } from './types';

export const emptyListers = (over: Partial<Listers> = {}): Listers => ({
  namespaceLabels: () => ({}),
  claim: () => undefined,
  volume: () => undefined,
  volumes: () => [],
  storageClass: () => undefined,
  csiNode: () => undefined,
  pdbs: () => [],
  services: () => [],
  replicaSets: () => [],
  statefulSets: () => [],
  replicationControllers: () => [],
  ...over,
});

/** A handle over `snapshot`; set the framework once it is built (it needs the handle first). */
export function staticHandle(snapshot: () => SharedLister, listers: Partial<Listers> = {}): Handle & { setFramework(f: Framework): void } {
  let fwk: Framework | undefined;
  return {
    snapshot,
    listers: emptyListers(listers),
    nominator: { nominatedPodsForNode: () => [] },
    framework: () => {
      if (!fwk) throw new Error('the framework is not built yet');
      return fwk;
    },
    setFramework: (f) => (fwk = f),
    now: Date.now,
  };
}
