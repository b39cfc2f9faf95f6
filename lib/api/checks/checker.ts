// The small vocabulary the per-kind object checks are written in: each reader takes a field path
// and a value straight from the wire, records what is wrong with it as "path: message", and hands
// back the value only when it has the expected shape, so a check never dereferences something it
// has not just checked. null counts as absent, as Go reads it.
import { parseQuantity } from '../quantity';

export interface StringRule {
  required?: boolean;
  /** Must not be the empty string (when present). */
  nonEmpty?: boolean;
  /** Must match, with the message to give when it does not. */
  pattern?: [RegExp, string];
  max?: number;
  oneOf?: readonly string[];
}

export interface IntRule {
  required?: boolean;
  min?: number;
  max?: number;
}

const typeName = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
const show = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v.length > 64 ? `${v.slice(0, 64)}...` : v) : String(v));

export class Checker {
  readonly problems: string[] = [];

  fail(path: string, message: string): void {
    this.problems.push(`${path}: ${message}`);
  }

  private missing(path: string, v: unknown, required: boolean | undefined): boolean {
    if (v !== undefined && v !== null) return false;
    if (required) this.fail(path, 'Required value');
    return true;
  }

  private wrongType(path: string, want: string, v: unknown): undefined {
    this.fail(path, `expected ${want}, got ${typeName(v)}`);
    return undefined;
  }

  object(path: string, v: unknown, required = false): Record<string, unknown> | undefined {
    if (this.missing(path, v, required)) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) return this.wrongType(path, 'object', v);
    return v as Record<string, unknown>;
  }

  array(path: string, v: unknown, o: { required?: boolean; nonEmpty?: boolean } = {}): unknown[] | undefined {
    if (this.missing(path, v, o.required)) return undefined;
    if (!Array.isArray(v)) return this.wrongType(path, 'array', v);
    if (o.nonEmpty && v.length === 0) this.fail(path, 'Required value: must have at least one item');
    return v;
  }

  /** Each item of an array at path, as an object (items that are not objects are problems). */
  objects(path: string, v: unknown, each: (itemPath: string, item: Record<string, unknown>) => void, o: { required?: boolean; nonEmpty?: boolean } = {}): void {
    const arr = this.array(path, v, o);
    arr?.forEach((item, i) => {
      const p = `${path}[${i}]`;
      const obj = this.object(p, item, true);
      if (obj) each(p, obj);
    });
  }

  string(path: string, v: unknown, r: StringRule = {}): string | undefined {
    if (this.missing(path, v, r.required)) return undefined;
    if (typeof v !== 'string') return this.wrongType(path, 'string', v);
    if ((r.nonEmpty || r.required) && v === '') {
      this.fail(path, 'Required value');
      return undefined;
    }
    if (r.max !== undefined && v.length > r.max) {
      this.fail(path, `Too long: may not be more than ${r.max} characters`);
      return undefined;
    }
    if (r.oneOf && !r.oneOf.includes(v)) {
      this.fail(path, `Unsupported value: ${show(v)}: supported values: ${r.oneOf.map((x) => `"${x}"`).join(', ')}`);
      return undefined;
    }
    if (r.pattern && v !== '' && !r.pattern[0].test(v)) {
      this.fail(path, `Invalid value: ${show(v)}: ${r.pattern[1]}`);
      return undefined;
    }
    return v;
  }

  integer(path: string, v: unknown, r: IntRule = {}): number | undefined {
    if (this.missing(path, v, r.required)) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v)) return this.wrongType(path, 'integer', v);
    if ((r.min !== undefined && v < r.min) || (r.max !== undefined && v > r.max)) {
      const range = r.max === undefined ? `must be greater than or equal to ${r.min}` : `must be between ${r.min ?? '-inf'} and ${r.max}, inclusive`;
      this.fail(path, `Invalid value: ${v}: ${range}`);
      return undefined;
    }
    return v;
  }

  boolean(path: string, v: unknown): boolean | undefined {
    if (this.missing(path, v, false)) return undefined;
    if (typeof v !== 'boolean') return this.wrongType(path, 'boolean', v);
    return v;
  }

  /** A map of strings (labels, annotations, data, selectors). */
  stringMap(path: string, v: unknown): Record<string, string> | undefined {
    const o = this.object(path, v);
    if (!o) return undefined;
    let ok = true;
    for (const [k, x] of Object.entries(o)) {
      if (typeof x !== 'string') {
        this.wrongType(`${path}.${k}`, 'string', x);
        ok = false;
      }
    }
    return ok ? (o as Record<string, string>) : undefined;
  }

  /** A quantity (string in Kubernetes' grammar, or a plain number). */
  quantity(path: string, v: unknown, required = false): void {
    if (this.missing(path, v, required)) return;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) this.fail(path, `Invalid value: ${v}: must be a finite number`);
      return;
    }
    if (typeof v !== 'string') {
      this.wrongType(path, 'quantity', v);
      return;
    }
    try {
      parseQuantity(v);
    } catch (e) {
      this.fail(path, `Invalid value: ${show(v)}: ${(e as Error).message}`);
    }
  }

  /** A resource list: every value a quantity. */
  quantityMap(path: string, v: unknown): void {
    const o = this.object(path, v);
    if (o) for (const [k, x] of Object.entries(o)) this.quantity(`${path}.${k}`, x, true);
  }

  /** A port given by number (1-65535) or by name (an IANA service name). */
  portOrName(path: string, v: unknown, required = false): void {
    if (this.missing(path, v, required)) return;
    if (typeof v === 'number') this.integer(path, v, { min: 1, max: 65535 });
    else if (typeof v === 'string') {
      if (/^\d+$/.test(v)) this.integer(path, Number(v), { min: 1, max: 65535 });
      else this.string(path, v, { pattern: IANA_SVC_NAME });
    } else this.wrongType(path, 'integer or string', v);
  }
}

const label = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
export const DNS1123_LABEL: [RegExp, string] = [new RegExp(`^${label}$`), "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character"];
export const DNS1123_SUBDOMAIN: [RegExp, string] = [
  new RegExp(`^${label}(\\.${label})*$`),
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
];
export const IANA_SVC_NAME: [RegExp, string] = [/^(?=.{1,15}$)(?=.*[a-z])[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be no more than 15 lower case alphanumeric characters or "-", contain at least one letter, and start and end with an alphanumeric character'];
export const PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;
