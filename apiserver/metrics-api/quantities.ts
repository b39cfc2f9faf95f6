// Pure: how the Metrics API writes its numbers, as metrics-server does through Go's resource
// quantities: CPU as a decimal quantity of nano-cores in its shortest exact form ("12345n",
// "250m", "2"), memory as bytes in the largest binary unit that divides them ("20480Ki"), and
// the window as Go's time.Duration string ("15s", "1m0.5s").

const DECIMAL_SUFFIXES = ['n', 'u', 'm', ''];
const BINARY_SUFFIXES = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi'];

/** Nano-cores as a CPU quantity. */
export function cpuQuantity(nanoCores: number): string {
  let n = Math.max(0, Math.round(nanoCores));
  if (n === 0) return '0';
  let i = 0;
  while (i < DECIMAL_SUFFIXES.length - 1 && n % 1000 === 0) {
    n /= 1000;
    i++;
  }
  return `${n}${DECIMAL_SUFFIXES[i]}`;
}

/** Bytes as a memory quantity. */
export function memoryQuantity(bytes: number): string {
  let n = Math.max(0, Math.round(bytes));
  if (n === 0) return '0';
  let i = 0;
  while (i < BINARY_SUFFIXES.length - 1 && n % 1024 === 0) {
    n /= 1024;
    i++;
  }
  return `${n}${BINARY_SUFFIXES[i]}`;
}

/** Go's time.Duration.String() for a whole number of milliseconds. */
export function goDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms));
  if (total === 0) return '0s';
  if (total < 1000) return `${total}ms`;
  const h = Math.floor(total / 3_600_000);
  const m = Math.floor((total % 3_600_000) / 60_000);
  const sMs = total % 60_000;
  const secs = `${Math.floor(sMs / 1000)}${sMs % 1000 ? `.${String(sMs % 1000).padStart(3, '0').replace(/0+$/, '')}` : ''}s`;
  if (h) return `${h}h${m}m${secs}`;
  if (m) return `${m}m${secs}`;
  return secs;
}
