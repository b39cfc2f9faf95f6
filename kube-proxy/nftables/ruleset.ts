// The desired contents of the table, collected before any text is written: regular chains with
// their rules, affinity sets, and the elements of the fixed sets and maps. Keeping the pieces
// apart lets build-ruleset.ts write them in the order one nft transaction needs (every object
// declared before the first rule or element that names it) and still stay deterministic: each
// list keeps the order things were added in, and the plan is sorted.

export class Ruleset {
  /** Regular chains in declaration order, each with its rules. */
  readonly chains = new Map<string, string[]>();
  /** Affinity set name → timeout in seconds. */
  readonly affinitySets = new Map<string, number>();
  /** Set or map name → its elements, each as element text ("10.96.0.1 . tcp . 80 : goto x"). */
  readonly elements = new Map<string, string[]>();
  private readonly seenElements = new Set<string>();

  /** Declares a chain (once) and returns its rule list. */
  chain(name: string): string[] {
    let rules = this.chains.get(name);
    if (!rules) {
      rules = [];
      this.chains.set(name, rules);
    }
    return rules;
  }

  rule(chain: string, text: string): void {
    this.chain(chain).push(text);
  }

  /** Adds an element once: the same cluster IP shared by several ports is one set element. */
  element(container: string, text: string): void {
    const key = `${container}\n${text}`;
    if (this.seenElements.has(key)) return;
    this.seenElements.add(key);
    const list = this.elements.get(container) ?? [];
    list.push(text);
    this.elements.set(container, list);
  }

  affinitySet(name: string, timeoutSeconds: number): void {
    this.affinitySets.set(name, timeoutSeconds);
  }
}

/** A quoted nft string; callers pass only checked names (DNS labels, "/", ":"), never raw input. */
export function quote(text: string): string {
  return `"${text}"`;
}
