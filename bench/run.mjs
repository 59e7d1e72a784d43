// make bench: cognito-wasm against the incumbents, in five parts, from one run on this machine.
//
//   node bench/run.mjs [--smoke] [PART ...]      PART: size srp sigv4 upload coldstart (default: all)
//
// scripts/bench.sh runs it after installing bench/'s npm packages and building the wasm and the
// emulator it needs. Each part prints its tables as it finishes; the whole run is kept in
// OUT/results.json. A full run (every part, not --smoke) also writes bench/RESULTS.md,
// bench/charts/*.svg and the README's block between <!-- bench:start --> and <!-- bench:end -->.
// --smoke (or BENCH_SMOKE=1): a few iterations of everything, written under bench/out/smoke/
// (RESULTS.md, charts, README-section.md) and never into the committed files — what make test
// runs so the harness cannot rot. A part that cannot run here is skipped with its reason; a part
// that fails makes the run exit 1.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BENCH, ROOT, outDir } from './lib/paths.mjs';
import { machine, versions } from './lib/machine.mjs';
import { Skipped } from './lib/skip.mjs';
import { startEmulator } from './lib/emulator.mjs';
import { markdownTable, resultsMarkdown, readmeSection, writeCharts, updateReadme } from './lib/report.mjs';

/** The parts, in order: what each measures and whether it needs the emulator. */
const PARTS = [
  { name: 'size', title: 'Size', module: './size/run.mjs' },
  { name: 'srp', title: 'SRP client CPU', module: './srp/run.mjs' },
  { name: 'sigv4', title: 'SigV4 signing', module: './sigv4/run.mjs', emulator: true },
  { name: 'upload', title: 'Upload 100 MiB', module: './upload/run.mjs', emulator: true },
  { name: 'coldstart', title: 'Cold start', module: './coldstart/run.mjs', emulator: true },
];

const args = process.argv.slice(2);
const smoke = args.includes('--smoke') || process.env.BENCH_SMOKE === '1';
const names = args.filter((a) => !a.startsWith('--'));
for (const n of names) if (!PARTS.some((p) => p.name === n)) throw new Error(`unknown part ${n}; parts: ${PARTS.map((p) => p.name).join(' ')}`);
const selected = PARTS.filter((p) => !names.length || names.includes(p.name));
const complete = selected.length === PARTS.length;
const out = outDir(smoke);
fs.mkdirSync(out, { recursive: true });

const results = { smoke, machine: machine(), versions: versions(), parts: [] };
console.log(`bench${smoke ? ' (smoke: a few iterations, nothing committed is written)' : ''}: ${results.machine.cpu}, ${results.machine.cores} cores, load ${results.machine.load}`);

// The emulator is started once, for the parts that need it, and always stopped.
let emulator = null;
try {
  for (const part of selected) {
    const number = PARTS.indexOf(part) + 1;
    console.log(`\n== ${number}. ${part.title}`);
    const t0 = Date.now();
    const entry = { number, name: part.name, title: part.title };
    try {
      if (part.emulator && !emulator) emulator = await startEmulator();
      const { run } = await import(part.module);
      const r = await run({ smoke, out, emulator });
      // A smoke run's few iterations say nothing about the goals: they are not judged.
      if (smoke) for (const g of r.goals ?? []) g.met = null;
      Object.assign(entry, { status: 'ok' }, r);
      if (r.browser) results.machine.browser = r.browser;
      for (const t of r.tables) {
        console.log(`\n${t.title ? t.title + ':' : ''}${t.intro ? ' ' + t.intro : ''}\n${markdownTable(t)}`);
        for (const n of t.notes ?? []) console.log(`  ${n}`);
      }
      for (const g of r.goals ?? []) console.log(`goal: ${g.goal}: ${g.figure} — ${g.met === null ? 'not judged' : g.met ? 'met' : 'MISSED'}`);
    } catch (e) {
      if (e instanceof Skipped) {
        Object.assign(entry, { status: 'skipped', reason: e.message });
        console.log(`skipped: ${e.message}`);
      } else {
        Object.assign(entry, { status: 'failed', reason: String(e && e.message || e).split('\n')[0] });
        console.error(`FAILED: ${e && e.stack || e}`);
      }
    }
    entry.seconds = (Date.now() - t0) / 1000;
    results.parts.push(entry);
  }
} finally {
  if (emulator) await emulator.stop();
}
results.machine.loadEnd = os.loadavg().map((l) => l.toFixed(2)).join(' / ');

fs.writeFileSync(path.join(out, 'results.json'), JSON.stringify(results, null, 2) + '\n');
if (smoke) {
  // The writers run too, into bench/out/smoke/, so the smoke test covers them.
  fs.rmSync(path.join(out, 'charts'), { recursive: true, force: true });
  writeCharts(results, path.join(out, 'charts'));
  fs.writeFileSync(path.join(out, 'RESULTS.md'), resultsMarkdown(results));
  fs.writeFileSync(path.join(out, 'README-section.md'), readmeSection(results) + '\n');
  console.log(`\nsmoke results: ${path.relative(ROOT, out)}/`);
} else if (complete && results.parts.some((p) => p.status === 'failed')) {
  console.log('\nbench/RESULTS.md, bench/charts/ and the README were left as they were: a part failed');
} else if (complete) {
  const charts = path.join(BENCH, 'charts');
  fs.rmSync(charts, { recursive: true, force: true });
  writeCharts(results, charts);
  fs.writeFileSync(path.join(BENCH, 'RESULTS.md'), resultsMarkdown(results));
  updateReadme(path.join(ROOT, 'README.md'), readmeSection(results));
  console.log('\nwrote bench/RESULTS.md, bench/charts/ and the README\'s benchmark block');
}
const failed = results.parts.filter((p) => p.status === 'failed');
if (failed.length) {
  console.error(`\nbench: failed parts: ${failed.map((p) => p.name).join(', ')}`);
  process.exitCode = 1;
}
