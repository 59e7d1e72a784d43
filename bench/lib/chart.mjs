// A small hand-made SVG bar chart: one horizontal bar per row, the median as the bar and the
// min–max range as a whisker, cognito-wasm's bars in colour and the incumbents' in grey. The
// scale follows the medians (the longest bar takes 80 % of the width); a whisker running past
// the plot is cut at its edge and ends in an arrowhead.

const W = 680;       // total width
const LABEL = 270;   // label column
const VALUE = 110;   // value column, right of the bars
const BAR = 16;      // bar height
const GAP = 8;       // between bars
const TOP = 46;      // title + subtitle

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The chart as SVG text. `bars`: `[{ label, value, min?, max?, ours?, text? }]` (text: the
 * value as printed; default the value). `better`: 'lower' or 'higher', said under the title.
 */
export function barChart({ title, unit, better, bars }) {
  const plot = W - LABEL - VALUE;
  const top = (Math.max(...bars.map((b) => b.value)) || 1) / 0.8;
  const x = (v) => LABEL + (Math.min(v, top) / top) * plot;
  const H = TOP + bars.length * (BAR + GAP) + 8;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="8" y="18" font-size="14" font-weight="600" fill="#111">${esc(title)}</text>`,
    `<text x="8" y="35" fill="#555">${esc(unit)}, ${better} is better; bar: median, whisker: min–max</text>`,
  ];
  bars.forEach((b, i) => {
    const y = TOP + i * (BAR + GAP);
    const mid = y + BAR / 2;
    const fill = b.ours ? '#1f7a4d' : '#9aa0a6';
    out.push(`<text x="${LABEL - 8}" y="${mid + 4}" text-anchor="end" fill="#111"${b.ours ? ' font-weight="600"' : ''}>${esc(b.label)}</text>`);
    out.push(`<rect x="${LABEL}" y="${y}" width="${Math.max(1, x(b.value) - LABEL).toFixed(1)}" height="${BAR}" fill="${fill}"/>`);
    if (b.min !== undefined && b.max !== undefined && b.max > b.min) {
      const [a, z] = [x(b.min).toFixed(1), x(b.max).toFixed(1)];
      const end = b.max > top ? `M${z - 4} ${mid - 3}L${z} ${mid}L${z - 4} ${mid + 3}` : `M${z} ${y + 3}V${y + BAR - 3}`;
      out.push(`<path d="M${a} ${mid}H${z}M${a} ${y + 3}V${y + BAR - 3}${end}" stroke="#333" stroke-width="1" fill="none"/>`);
    }
    const end = Math.max(x(b.value), b.max !== undefined ? x(b.max) : 0);
    out.push(`<text x="${(end + 6).toFixed(1)}" y="${mid + 4}" fill="#111">${esc(b.text ?? b.value)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
