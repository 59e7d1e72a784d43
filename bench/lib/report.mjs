// Turns a run's results into Markdown and SVG: bench/RESULTS.md (every table, the goals, the
// machine and versions), bench/charts/*.svg (one chart per table that has one), and the block
// between <!-- bench:start --> and <!-- bench:end --> in README.md.
import fs from 'node:fs';
import path from 'node:path';
import { barChart } from './chart.mjs';

export const START = '<!-- bench:start -->';
export const END = '<!-- bench:end -->';

/** A table's charts as a list (a table has none, one, or several). */
export const chartsOf = (t) => (t.chart ? [t.chart].flat() : []);
/** The file name of a table's i-th chart. */
const chartFile = (t, i) => `${t.id}${i ? '-' + (i + 1) : ''}.svg`;

/** A Markdown table; rows marked `ours` are bold. */
export function markdownTable(t) {
  const cell = (s) => String(s).replace(/\|/g, '\\|');
  const sep = t.align.map((a) => (a === 'r' ? '---:' : '---'));
  const lines = [`| ${t.columns.map(cell).join(' | ')} |`, `|${sep.join('|')}|`];
  for (const r of t.rows) lines.push(`| ${r.cells.map((c) => (r.ours && c !== '' ? `**${cell(c)}**` : cell(c))).join(' | ')} |`);
  return lines.join('\n');
}

/** Writes every chart of `results` into `dir`; returns the files written. */
export function writeCharts(results, dir) {
  fs.mkdirSync(dir, { recursive: true });
  const written = [];
  for (const p of results.parts) {
    for (const t of p.tables ?? []) {
      chartsOf(t).forEach((c, i) => {
        const file = path.join(dir, chartFile(t, i));
        fs.writeFileSync(file, barChart(c));
        written.push(file);
      });
    }
  }
  return written;
}

/** When, where and with what a run was measured (with a warning when the machine was busy). */
function when(r) {
  const m = r.machine;
  const busy = Math.max(...[m.load, m.loadEnd].map((l) => Number(l.split(' / ')[0]))) > m.cores / 2;
  return `${m.date}, cognito-wasm ${m.cognitoWasm} at commit ${m.commit}. Machine: ${m.cpu}, ` +
    `${m.cores} cores, ${m.memory}, ${m.os}; load average (1 / 5 / 15 min) ${m.load} at the start, ` +
    `${m.loadEnd} at the end${busy ? ' — other work was running, so the timings are noisy' : ''}. ` +
    `Headless Chromium ${m.browser ?? '(not started)'}, Node ${m.node}, ${m.rustc}.`;
}

/** The goals of every part as a Markdown table (empty string when none). */
function goalsTable(results) {
  const goals = results.parts.flatMap((p) => p.goals ?? []);
  if (!goals.length) return '';
  const lines = ['| goal | this run | |', '|---|---:|---|'];
  for (const g of goals) lines.push(`| ${g.goal} | ${g.figure} | ${g.met === null ? 'not judged' : g.met ? 'met' : '**missed**'} |`);
  return lines.join('\n');
}

/** The whole of bench/RESULTS.md. `chartDir`: where the charts are, relative to RESULTS.md. */
export function resultsMarkdown(results, chartDir = 'charts') {
  const out = [
    '# Benchmarks: cognito-wasm against the incumbents',
    '',
    'Written by `make bench` (`scripts/bench.sh` → `bench/run.mjs`) from one run on one machine; do not edit',
    'by hand. Every figure of a run comes from that run: compare ratios, not absolute numbers across runs.',
    '',
    `Run: ${when(results)}`,
    '',
    `Incumbents (npm, pinned in bench/package-lock.json): ${Object.entries(results.versions).map(([n, v]) => `${n} ${v}`).join(', ')}.`,
  ];
  const goals = goalsTable(results);
  if (goals) out.push('', '## Goals', '', goals);
  for (const p of results.parts) {
    out.push('', `## ${p.number}. ${p.title}`, '');
    if (p.status === 'skipped') { out.push(`Skipped: ${p.reason}.`); continue; }
    if (p.status === 'failed') { out.push(`Failed: ${p.reason}`); continue; }
    if (p.method) out.push(p.method, '');
    for (const t of p.tables) {
      if (t.title) out.push(`### ${t.title}`, '');
      if (t.intro) out.push(t.intro, '');
      out.push(markdownTable(t), '');
      chartsOf(t).forEach((c, i) => out.push(`![${c.title}](${chartDir}/${chartFile(t, i)})`, ''));
      for (const n of t.notes ?? []) out.push(`- ${n}`);
      if (t.notes?.length) out.push('');
      if (t.extra) out.push(t.extra, '');
    }
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}

/** The README's block (markers included). `chartDir`: the charts, relative to README.md. */
export function readmeSection(results, chartDir = 'bench/charts') {
  const out = [START, '<!-- Written by `make bench` (bench/run.mjs); edit bench/, not this block. -->', '',
    `Measured ${when(results)} Every table, the method and the versions: [bench/RESULTS.md](bench/RESULTS.md).`, ''];
  const summary = results.parts.flatMap((p) => (p.status === 'ok' ? p.summary ?? [] : []));
  if (summary.length) {
    out.push('| | cognito-wasm | incumbent | |', '|---|---:|---:|---|');
    for (const s of summary) out.push(`| ${s.what} | **${s.ours}** | ${s.incumbent} | ${s.ratio} |`);
    out.push('');
  }
  const skipped = results.parts.filter((p) => p.status !== 'ok');
  if (skipped.length) out.push(`Not in this run: ${skipped.map((p) => `${p.title} (${p.status}: ${p.reason})`).join('; ')}.`, '');
  const goals = goalsTable(results);
  if (goals) out.push(goals, '');
  // Every chart but those of supporting tables (readme: false), which RESULTS.md shows.
  for (const p of results.parts) {
    for (const t of p.tables ?? []) chartsOf(t).forEach((c, i) => c.readme !== false && out.push(`![${c.title}](${chartDir}/${chartFile(t, i)})`));
  }
  out.push('', END);
  return out.join('\n').replace(/\n{3,}/g, '\n\n');
}

/** Replaces the block between the markers in the file `readme` with `section`. */
export function updateReadme(readme, section) {
  const text = fs.readFileSync(readme, 'utf8');
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  if (a < 0 || b < a) throw new Error(`${readme} has no ${START} … ${END} block`);
  fs.writeFileSync(readme, text.slice(0, a) + section + text.slice(b + END.length));
}
