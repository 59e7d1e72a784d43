// Summaries of repeated measurements: median, min and max (and how many samples).

/** `{ median, min, max, n }` of the numbers in `samples` (the median of an even count is the
 * mean of the two middle values). */
export function summarize(samples) {
  if (!samples.length) throw new Error('summarize: no samples');
  const s = [...samples].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median, min: s[0], max: s[s.length - 1], n: s.length };
}

/** `a / b` as a ratio: "1.02×", "4.3×", "35×". */
export function ratio(a, b) {
  const r = a / b;
  return `${r < 2 ? r.toFixed(2) : r < 10 ? r.toFixed(1) : r.toFixed(0)}×`;
}

/** `a / b` for a < b as a fraction like "1/12" (else as a ratio). */
export function fraction(a, b) {
  return a < b ? `1/${Math.round(b / a)}` : ratio(a, b);
}

/** How `ours` compares with `theirs` when less is better: "2.1× smaller" or "1.5× larger". */
export function smallerOrLarger(ours, theirs) {
  return ours <= theirs ? `${ratio(theirs, ours)} smaller` : `${ratio(ours, theirs)} larger`;
}
