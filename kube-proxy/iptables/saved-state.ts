// Reading `iptables-save` output: which chains exist in a table. Pure text parsing.

/** Chain names declared in one table's section of `iptables-save` output (":NAME POLICY [p:b]"). */
export function parseChains(saveOutput: string, table: string): string[] {
  const chains: string[] = [];
  let inTable = false;
  for (const raw of saveOutput.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('*')) inTable = line.slice(1) === table;
    else if (line === 'COMMIT') inTable = false;
    else if (inTable && line.startsWith(':')) chains.push(line.slice(1).split(/\s+/)[0]);
  }
  return chains;
}
