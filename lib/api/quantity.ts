// Kubernetes resource quantities ("100m", "128Mi", "1Gi", "0.5", "2e3") parsed to plain numbers.
// CPU is compared in millicores and memory in bytes, so the scheduler works on integers where it can.

export class QuantityParseError extends Error {
  readonly code = 'QUANTITY_INVALID';
  constructor(text: string) {
    super(`invalid quantity "${text}"`);
    this.name = 'QuantityParseError';
  }
}

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/;

/** The value of a quantity in base units (cores, bytes, count). Throws QuantityParseError. */
export function parseQuantity(text: string | number): number {
  if (typeof text === 'number') {
    if (!Number.isFinite(text)) throw new QuantityParseError(String(text));
    return text;
  }
  const m = QUANTITY.exec(text.trim());
  if (!m) throw new QuantityParseError(text);
  const base = Number(m[1]);
  if (m[2]) return base * 10 ** Number(m[2].slice(1));
  const suffix = m[3] ?? '';
  return base * (BINARY[suffix] ?? DECIMAL[suffix]);
}

/** CPU in whole millicores, rounded up as Kubernetes does for sub-milli precision. */
export function cpuMillis(text: string | number | undefined): number {
  if (text === undefined || text === '') return 0;
  return Math.ceil(Math.round(parseQuantity(text) * 1e6) / 1e3);
}

/** Memory (or any byte-sized resource) in whole bytes, rounded up. */
export function bytesOf(text: string | number | undefined): number {
  if (text === undefined || text === '') return 0;
  return Math.ceil(parseQuantity(text));
}

/** A plain count ("110" pods); fractional counts round down. */
export function countOf(text: string | number | undefined): number {
  if (text === undefined || text === '') return 0;
  return Math.floor(parseQuantity(text));
}
