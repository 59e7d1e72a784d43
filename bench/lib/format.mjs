// Number formatting shared by the tables: bytes, KiB, milliseconds, rates.

/** 12345 → "12,345" */
export const int = (n) => Math.round(n).toLocaleString('en-US');

/** Bytes as KiB with one decimal: 36044 → "35.2" */
export const kib = (n) => (n / 1024).toFixed(1);

/** Milliseconds: two decimals below 10, one below 1000, none above. */
export function ms(x) {
  if (x < 10) return x.toFixed(2);
  if (x < 1000) return x.toFixed(1);
  return int(x);
}

/** A value with its spread: "6.7 (5.3–9.1)". */
export const spread = (s, f = ms) => `${f(s.median)} (${f(s.min)}–${f(s.max)})`;

/** Operations per second, rounded to 3 significant digits: 123456 → "123,000". */
export function opsPerSec(x) {
  if (x >= 1000) {
    const p = 10 ** (Math.floor(Math.log10(x)) - 2);
    return int(Math.round(x / p) * p);
  }
  return x.toFixed(x < 10 ? 1 : 0);
}

/** MiB: whole numbers as they are, others with one decimal (100, 5.1, 0.3). */
export function mib(n) {
  const v = n / 1048576;
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}
