// Kubernetes resource quantities ("100m", "128Mi", "1Gi", "0.5", "2e3") with the exact grammar and
// arithmetic of apimachinery's resource.Quantity: the same scanner (so what kube-apiserver refuses,
// this refuses, with the same message), values kept as exact decimals (mantissa × 10^exponent,
// rounded up to nano units and binary values capped at 2^63-1 as upstream does), exact comparison,
// and the canonical string upstream prints in its messages. Components share it: the scheduler and
// kubelet read CPU in millicores and memory in bytes through the number helpers at the end.

export const QUANTITY_FORMAT_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
export const QUANTITY_NUMERIC_ERROR = 'unable to parse numeric part of quantity';
export const QUANTITY_SUFFIX_ERROR = "unable to parse quantity's suffix";

export class QuantityParseError extends Error {
  readonly code = 'QUANTITY_INVALID';
  /** Upstream's own error text (one of the QUANTITY_*_ERROR constants). */
  readonly reason: string;
  constructor(text: string, reason: string = QUANTITY_FORMAT_ERROR) {
    super(`invalid quantity "${text}"`);
    this.name = 'QuantityParseError';
    this.reason = reason;
  }
}

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

/** An exact quantity: sign × mantissa × 10^exponent. */
export interface Quantity {
  sign: -1 | 0 | 1;
  /** The magnitude's digits, never negative. */
  mantissa: bigint;
  exponent: number;
  format: QuantityFormat;
  /** The text as written, when upstream keeps it as the string form (it was already canonical). */
  text?: string;
}

const DECIMAL_SUFFIX: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIX: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const SUFFIX_CHARS = 'eEinumkKMGTP';
const INT64_MAX = (1n << 63n) - 1n;
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

interface Scanned {
  positive: boolean;
  value: string;
  num: string;
  denom: string;
  suffix: string;
}

/** The number and suffix parts, scanned exactly as parseQuantityString does (lenient, checked later). */
function scan(str: string): Scanned {
  let positive = true;
  let pos = 0;
  const end = str.length;
  if (str[0] === '-') {
    positive = false;
    pos++;
  } else if (str[0] === '+') pos++;
  // Leading zeros are skipped; a string that is only a sign and zeros is zero.
  while (pos < end && str[pos] === '0') pos++;
  if (pos >= end) return { positive, value: '0', num: '0', denom: '', suffix: '' };
  let i = pos;
  while (i < end && isDigit(str[i])) i++;
  let num = str.slice(pos, i);
  pos = i;
  if (i >= end) return { positive, value: str, num, denom: '', suffix: '' };
  if (num.length === 0) num = '0';
  let denom = '';
  if (str[pos] === '.') {
    pos++;
    i = pos;
    while (i < end && isDigit(str[i])) i++;
    denom = str.slice(pos, i);
    if (i >= end) return { positive, value: str, num, denom, suffix: '' };
    pos = i;
  }
  const value = str.slice(0, pos);
  const suffixStart = pos;
  while (pos < end && SUFFIX_CHARS.includes(str[pos])) pos++;
  if (pos >= end) return { positive, value, num, denom, suffix: str.slice(suffixStart) };
  if (str[pos] === '-' || str[pos] === '+') pos++;
  while (pos < end && isDigit(str[pos])) pos++;
  if (pos < end) throw new QuantityParseError(str, QUANTITY_FORMAT_ERROR);
  return { positive, value, num, denom, suffix: str.slice(suffixStart) };
}

/** Go's strconv.ParseInt(s, 10, 64): optional sign, decimal digits, within int64. */
function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?\d+$/.test(s)) return undefined;
  const v = BigInt(s);
  return v > INT64_MAX || v < -INT64_MAX - 1n ? undefined : v;
}

function interpret(suffix: string): { base: 2 | 10; exponent: number; format: QuantityFormat } | undefined {
  if (suffix in DECIMAL_SUFFIX) return { base: 10, exponent: DECIMAL_SUFFIX[suffix], format: 'DecimalSI' };
  if (suffix in BINARY_SUFFIX) return { base: 2, exponent: BINARY_SUFFIX[suffix], format: 'BinarySI' };
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E')) {
    const parsed = parseInt64(suffix.slice(1));
    // Upstream keeps the exponent as an int32 (the conversion wraps).
    return parsed === undefined ? undefined : { base: 10, exponent: Number(BigInt.asIntN(32, parsed)), format: 'DecimalExponent' };
  }
  return undefined;
}

const pow10 = (n: number) => 10n ** BigInt(n);
const digits = (m: bigint) => (m === 0n ? 0 : m.toString().length);

/** m × 10^e rounded up (away from zero) to nano units, without materialising huge powers. */
function roundToNano(m: bigint, e: number): [bigint, number] {
  if (m === 0n || e >= -9) return [m, e];
  const drop = -9 - e;
  if (drop > digits(m)) return [1n, -9];
  const unit = pow10(drop);
  const q = m / unit;
  return [m % unit === 0n ? q : q + 1n, -9];
}

/** ParseQuantity: the exact grammar and rounding of resource.ParseQuantity (no whitespace trimming). */
export function parseQuantityExact(str: string): Quantity {
  if (str.length === 0) throw new QuantityParseError(str, QUANTITY_FORMAT_ERROR);
  if (str === '0') return { sign: 0, mantissa: 0n, exponent: 0, format: 'DecimalSI', text: str };
  const { positive, value, num, denom, suffix } = scan(str);
  const kind = interpret(suffix);
  if (!kind) throw new QuantityParseError(str, QUANTITY_SUFFIX_ERROR);
  const { base, exponent } = kind;
  let { format } = kind;

  let precision: number;
  let scale = 0;
  let multiplier = 1n;
  if (base === 10) {
    scale = exponent;
    precision = 18 - (num.length + denom.length);
  } else if (denom.length === 0) {
    multiplier = 1n << BigInt(exponent);
    precision = 15 - num.length - Math.trunc((exponent * 3) / 10) - 1;
  } else precision = -1;

  if (precision >= 0) {
    scale -= denom.length;
    if (scale >= -9) {
      const shifted = num + denom;
      const v = BigInt(shifted);
      const result = v * multiplier;
      if (result <= INT64_MAX) {
        const q: Quantity = { sign: result === 0n ? 0 : positive ? 1 : -1, mantissa: result, exponent: scale, format };
        // Upstream reuses the text as the string form when it is already canonical.
        if (format === 'BinarySI' ? (v & 7n) !== 0n : scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0') q.text = str;
        return q;
      }
    }
  }

  // The general path: an exact decimal from the digits as written.
  const m = /^[+-]?(\d*)(?:\.(\d*))?$/.exec(value);
  if (!m || (m[1] + (m[2] ?? '')).length === 0) throw new QuantityParseError(str, QUANTITY_NUMERIC_ERROR);
  let mant = BigInt(m[1] + (m[2] ?? ''));
  let exp = -(m[2]?.length ?? 0);
  if (base === 10) exp += exponent;
  else mant *= 1n << BigInt(exponent);
  const negative = value.startsWith('-');
  [mant, exp] = roundToNano(mant, exp);
  if (format === 'BinarySI' && compareMagnitude(mant, exp, INT64_MAX, 0) > 0) [mant, exp] = [INT64_MAX, 0];
  if (format === 'BinarySI' && mant !== 0n && compareMagnitude(mant, exp, 1n, 0) < 0) format = 'DecimalSI';
  return { sign: mant === 0n ? 0 : negative ? -1 : 1, mantissa: mant, exponent: exp, format };
}

// Go's unicode.IsSpace set, which strings.TrimSpace uses (JavaScript's trim also strips U+FEFF).
const SPACE = '[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const TRIM = new RegExp(`^${SPACE}+|${SPACE}+$`, 'g');

/**
 * A quantity as it arrives in a JSON object: a string (surrounding whitespace ignored, as
 * Quantity.UnmarshalJSON trims it) or a JSON number. Throws QuantityParseError.
 */
export function decodeQuantity(v: unknown): Quantity {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new QuantityParseError(String(v), QUANTITY_FORMAT_ERROR);
    return parseQuantityExact(String(v));
  }
  if (typeof v !== 'string') throw new QuantityParseError(String(v), QUANTITY_FORMAT_ERROR);
  return parseQuantityExact(v.replace(TRIM, ''));
}

/** Upstream's error text for a value that does not decode as a quantity, or undefined. */
export function quantityError(v: unknown): string | undefined {
  try {
    decodeQuantity(v);
    return undefined;
  } catch (e) {
    if (e instanceof QuantityParseError) return e.reason;
    throw e;
  }
}

/** Compares the magnitudes m1×10^e1 and m2×10^e2 exactly. */
function compareMagnitude(m1: bigint, e1: number, m2: bigint, e2: number): number {
  if (m1 === 0n || m2 === 0n) return m1 === m2 ? 0 : m1 === 0n ? -1 : 1;
  const o1 = digits(m1) + e1;
  const o2 = digits(m2) + e2;
  if (o1 !== o2) return o1 > o2 ? 1 : -1;
  // Same order of magnitude: the exponents differ by at most the digit counts.
  const a = e1 > e2 ? m1 * pow10(e1 - e2) : m1;
  const b = e2 > e1 ? m2 * pow10(e2 - e1) : m2;
  return a === b ? 0 : a > b ? 1 : -1;
}

/** -1, 0 or 1 as a is less than, equal to or greater than b (Quantity.Cmp). */
export function compareQuantities(a: Quantity, b: Quantity): number {
  if (a.sign !== b.sign) return a.sign > b.sign ? 1 : -1;
  if (a.sign === 0) return 0;
  return a.sign * compareMagnitude(a.mantissa, a.exponent, b.mantissa, b.exponent);
}

/** True when the value has no fractional part (what MilliValue() % 1000 == 0 tests upstream). */
export function isWholeQuantity(q: Quantity): boolean {
  if (q.sign === 0 || q.exponent >= 0) return true;
  if (-q.exponent > digits(q.mantissa)) return false;
  return q.mantissa % pow10(-q.exponent) === 0n;
}

/** Value(): the value rounded up (away from zero) to a whole number; huge values saturate to ±2^63. */
export function quantityValue(q: Quantity): bigint {
  if (q.sign === 0) return 0n;
  let whole: bigint;
  if (q.exponent >= 0) whole = q.exponent > 19 ? INT64_MAX + 1n : q.mantissa * pow10(q.exponent);
  else if (-q.exponent > digits(q.mantissa)) whole = 1n;
  else {
    const unit = pow10(-q.exponent);
    whole = q.mantissa / unit + (q.mantissa % unit === 0n ? 0n : 1n);
  }
  if (whole > INT64_MAX + 1n) whole = INT64_MAX + 1n;
  return q.sign < 0 ? -whole : whole;
}

/** Canonical decimal digits and an exponent that is a multiple of 3 (AsCanonicalBytes). */
function canonicalDecimal(q: Quantity): [string, number] {
  let m = q.mantissa;
  let e = q.exponent;
  while (m !== 0n && m % 10n === 0n) {
    m /= 10n;
    e++;
  }
  const rest = ((e % 3) + 3) % 3;
  if (rest !== 0) {
    m *= rest === 1 ? 10n : 100n;
    e -= rest;
  }
  return [`${q.sign < 0 ? '-' : ''}${m}`, e];
}

const DECIMAL_BY_EXPONENT = new Map(Object.entries(DECIMAL_SUFFIX).map(([s, e]) => [e, s]));
const BINARY_BY_POWER = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

/** The string form upstream prints (Quantity.String): canonical, in the format it was written in. */
export function formatQuantity(q: Quantity): string {
  if (q.text !== undefined) return q.text;
  if (q.sign === 0) return '0';
  let format = q.format;
  if (format === 'BinarySI') {
    if (compareMagnitude(q.mantissa, q.exponent, 1024n, 0) < 0 || !isWholeQuantity(q)) format = 'DecimalSI';
    else {
      let n = q.exponent >= 0 ? q.mantissa * pow10(q.exponent) : q.mantissa / pow10(-q.exponent);
      let power = 0;
      while (n >= 1024n && n % 1024n === 0n) {
        n /= 1024n;
        power++;
      }
      return `${q.sign < 0 ? '-' : ''}${n}${BINARY_BY_POWER[power]}`;
    }
  }
  const [m, e] = canonicalDecimal(q);
  // A decimal exponent outside the suffix table gets no suffix upstream either.
  if (format === 'DecimalSI') return m + (DECIMAL_BY_EXPONENT.get(e) ?? '');
  return e === 0 ? m : `${m}e${e}`;
}

/** The value as a JavaScript number (approximate for values beyond 2^53). */
export function quantityToNumber(q: Quantity): number {
  if (q.sign === 0) return 0;
  return q.sign * Number.parseFloat(`${q.mantissa}e${q.exponent}`);
}

/** The value of a quantity in base units (cores, bytes, count). Throws QuantityParseError. */
export function parseQuantity(text: string | number): number {
  return quantityToNumber(decodeQuantity(text));
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
