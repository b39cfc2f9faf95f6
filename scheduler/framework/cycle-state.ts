// CycleState: what the plugins compute for one pod in one scheduling cycle (PreFilter results the
// Filter reads on every node, PreScore results the Score reads), keyed by plugin-chosen names.
// Preemption clones it to try "what if these pods were gone" without disturbing the real cycle;
// values that change under AddPod/RemovePod implement `clone`.

export interface StateData {
  clone(): StateData;
}

export class CycleState {
  private readonly data = new Map<string, StateData>();
  /** Plugins whose PreFilter returned Skip: their Filter is not run this cycle. */
  readonly skipFilterPlugins = new Set<string>();
  /** Plugins whose PreScore returned Skip: their Score is not run this cycle. */
  readonly skipScorePlugins = new Set<string>();

  read<T extends StateData>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }

  write(key: string, value: StateData): void {
    this.data.set(key, value);
  }

  delete(key: string): void {
    this.data.delete(key);
  }

  clone(): CycleState {
    const c = new CycleState();
    for (const [k, v] of this.data) c.data.set(k, v.clone());
    for (const p of this.skipFilterPlugins) c.skipFilterPlugins.add(p);
    for (const p of this.skipScorePlugins) c.skipScorePlugins.add(p);
    return c;
  }
}

/** A StateData for values that are never changed after PreFilter / PreScore wrote them. */
export class Frozen<T> implements StateData {
  constructor(readonly value: T) {}
  clone(): StateData {
    return this;
  }
}
