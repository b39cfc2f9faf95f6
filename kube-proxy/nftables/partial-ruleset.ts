// A partial sync: the one `nft -f` transaction that moves the table from what the last successful
// apply put there (`prev`, kept in memory) to the plan's contents (`next`), naming only what
// changed. With 1,000 Services × 10 endpoints the full table is ~32,000 rules; one endpoint change
// touches a handful, so sending only those makes a change reach the kernel in milliseconds
// instead of seconds. The base chains and the fixed maps and set are never re-declared: they did
// not change, and the table is only trusted this far because the last apply succeeded (any
// failure makes the caller forget `prev` and sync in full).
//
// The kernel checks references inside the transaction as it goes, so the statements come in an
// order where nothing is named before it exists or deleted while something still names it:
//   1. add the new chains (rules and map elements below jump to them);
//   2. flush the chains whose rules change or that go away, and those whose rules name a set
//      being deleted or re-created (an affinity set whose timeout changed keeps its rule text);
//   3. delete the map/set elements that go away or change (they may point at a chain going away);
//   4. delete affinity sets that go away or whose timeout changed (the kernel cannot change a
//      set's timeout in place), then add the new and re-created ones;
//   5. refill the flushed chains that stay and fill the new ones;
//   6. add the new and changed elements;
//   7. delete the chains that went away (empty, and nothing points at them any more).
// Nothing changed → the empty string: the caller sends nothing.
import { addAffinitySet } from './build-ruleset';
import { checkTableName } from './check-plan';
import { DEFAULT_TABLE } from './names';
import type { Ruleset } from './ruleset';

/** An element as `delete element` names it: its key, without comment and verdict. */
export function elementKey(text: string): string {
  const cuts = [text.indexOf(' comment "'), text.indexOf(' : ')].filter((i) => i >= 0);
  return cuts.length ? text.slice(0, Math.min(...cuts)) : text;
}

const sameRules = (a: string[], b: string[]) => a.length === b.length && a.every((r, i) => r === b[i]);

/** Whether a rule names the set (`@name` as a whole token: one set's name may prefix another's). */
const namesSet = (rule: string, sets: Set<string>) => sets.size > 0 && rule.split(' ').some((t) => t.startsWith('@') && sets.has(t.slice(1)));

export function partialNftRuleset(prev: Ruleset, next: Ruleset, opts: { tableName?: string } = {}): string {
  const table = opts.tableName ?? DEFAULT_TABLE;
  checkTableName(table);
  const T = `ip ${table}`;

  const droppedSets: string[] = [];
  for (const [name, timeout] of prev.affinitySets) if (next.affinitySets.get(name) !== timeout) droppedSets.push(name);
  const addedSets: [string, number][] = [];
  for (const [name, timeout] of next.affinitySets) if (prev.affinitySets.get(name) !== timeout) addedSets.push([name, timeout]);
  const dropped = new Set(droppedSets);

  const addedChains = [...next.chains.keys()].filter((c) => !prev.chains.has(c));
  const removedChains = [...prev.chains.keys()].filter((c) => !next.chains.has(c));
  const refilled = [...next.chains].filter(([c, rules]) => {
    const before = prev.chains.get(c);
    return before !== undefined && (!sameRules(before, rules) || before.some((r) => namesSet(r, dropped)));
  });

  const deletes: string[] = [];
  const adds: string[] = [];
  for (const container of new Set([...next.elements.keys(), ...prev.elements.keys()])) {
    const before = new Map((prev.elements.get(container) ?? []).map((e) => [elementKey(e), e]));
    const after = new Map((next.elements.get(container) ?? []).map((e) => [elementKey(e), e]));
    for (const [key, text] of before) if (after.get(key) !== text) deletes.push(`delete element ${T} ${container} { ${key} }`);
    for (const [key, text] of after) if (before.get(key) !== text) adds.push(`add element ${T} ${container} { ${text} }`);
  }

  const out: string[] = [];
  for (const c of addedChains) out.push(`add chain ${T} ${c}`);
  for (const [c] of refilled) out.push(`flush chain ${T} ${c}`);
  for (const c of removedChains) out.push(`flush chain ${T} ${c}`);
  out.push(...deletes);
  for (const s of droppedSets) out.push(`delete set ${T} ${s}`);
  for (const [name, timeout] of addedSets) out.push(addAffinitySet(T, name, timeout));
  for (const [c, rules] of refilled) for (const r of rules) out.push(`add rule ${T} ${c} ${r}`);
  for (const c of addedChains) for (const r of next.chains.get(c) ?? []) out.push(`add rule ${T} ${c} ${r}`);
  out.push(...adds);
  for (const c of removedChains) out.push(`delete chain ${T} ${c}`);
  return out.length ? out.join('\n') + '\n' : '';
}
