// The layout of `describe`: `Key:` / value lines whose values line up per indentation level,
// multi-line values continuing under the value column, and embedded aligned tables.
import { alignLines, columnWidths } from './table';

type Item =
  | { kind: 'kv'; level: number; key: string; values: string[] }
  | { kind: 'section'; level: number; key: string }
  | { kind: 'table'; level: number; rows: string[][] };

const INDENT = '  ';

export class DescribeWriter {
  private readonly items: Item[] = [];

  /** `Key:  value`; undefined, '' and [] print as <none>. */
  kv(level: number, key: string, value: string | number | boolean | string[] | undefined | null): this {
    let values: string[];
    if (Array.isArray(value)) values = value.length ? value : ['<none>'];
    else values = value === undefined || value === null || value === '' ? ['<none>'] : [String(value)];
    this.items.push({ kind: 'kv', level, key, values });
    return this;
  }

  /** `Key:` alone, introducing nested lines. */
  section(level: number, key: string): this {
    this.items.push({ kind: 'section', level, key });
    return this;
  }

  /** An aligned table (header first) indented at level. */
  table(level: number, rows: string[][]): this {
    this.items.push({ kind: 'table', level, rows });
    return this;
  }

  toString(): string {
    const width = new Map<number, number>();
    for (const it of this.items)
      if (it.kind === 'kv') width.set(it.level, Math.max(width.get(it.level) ?? 0, it.key.length + 1));
    let out = '';
    for (const it of this.items) {
      const pad = INDENT.repeat(it.level);
      if (it.kind === 'section') out += `${pad}${it.key}:\n`;
      else if (it.kind === 'table')
        out += alignLines(it.rows, columnWidths(it.rows), 2) // describe's tables use two-space gaps
          .split('\n')
          .filter((l) => l.length)
          .map((l) => pad + l.trimEnd() + '\n')
          .join('');
      else {
        const col = (width.get(it.level) ?? 0) + 2;
        const head = `${pad}${(it.key + ':').padEnd(col)}`;
        out += head + it.values[0] + '\n';
        for (const v of it.values.slice(1)) out += ' '.repeat(head.length) + v + '\n';
      }
    }
    return out;
  }
}
