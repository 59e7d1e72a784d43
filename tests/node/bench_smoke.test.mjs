// The benchmark harness (make bench) run once with a few iterations, so it cannot rot:
//   scripts/with-emulator.sh node --test tests/node/bench_smoke.test.mjs
// BENCH_SMOKE=1 scripts/bench.sh runs every part (installing bench/'s npm packages first if any
// is missing) against the emulator in EMULATOR_URL and writes under bench/out/smoke/ only. This
// test checks that each part produced well-formed tables, charts and report files — never the
// timings, which mean nothing here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUT = `${ROOT}bench/out/smoke/`;
const PARTS = ['size', 'srp', 'sigv4', 'upload', 'coldstart'];
/** Parts that may be skipped, and the only reason they may give. */
const MAY_SKIP = { sigv4: /^pkg\/\S+ not built$/, upload: /^pkg\/\S+ not built$/ };

const read = (f) => (existsSync(f) ? readFileSync(f, 'utf8') : null);

test('make bench harness: every part runs once (BENCH_SMOKE=1) and writes well-formed results', { timeout: 15 * 60 * 1000 }, () => {
  const committed = read(`${ROOT}bench/RESULTS.md`);
  const t0 = Date.now();
  const r = spawnSync('scripts/bench.sh', [], {
    cwd: ROOT,
    env: { ...process.env, BENCH_SMOKE: '1' },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const output = `${r.stdout}\n${r.stderr}`;
  assert.equal(r.status, 0, `scripts/bench.sh failed:\n${output}`);
  console.log(`# bench smoke: ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  // The committed results are a full run's: the smoke run leaves them alone.
  assert.equal(read(`${ROOT}bench/RESULTS.md`), committed);

  const results = JSON.parse(readFileSync(`${OUT}results.json`, 'utf8'));
  assert.equal(results.smoke, true);
  assert.deepEqual(results.parts.map((p) => p.name), PARTS);
  for (const part of results.parts) {
    if (part.status === 'skipped') {
      assert.match(part.reason, MAY_SKIP[part.name] ?? /^$/, `${part.name} was skipped: ${part.reason}`);
      assert.ok(r.stdout.includes(`skipped: ${part.reason}`), `${part.name}: no "skipped:" line`);
      continue;
    }
    assert.equal(part.status, 'ok', `${part.name}: ${part.status} ${part.reason ?? ''}`);
    assert.ok(part.tables.length > 0, `${part.name}: no table`);
    for (const t of part.tables) {
      assert.match(t.id, /^[a-z0-9-]+$/);
      assert.equal(t.align.length, t.columns.length, `${t.id}: align`);
      assert.ok(t.rows.length > 0, `${t.id}: no rows`);
      for (const row of t.rows) {
        assert.equal(row.cells.length, t.columns.length, `${t.id}: a row of ${row.cells.length} cells`);
        for (const c of row.cells) {
          assert.equal(typeof c, 'string', `${t.id}: a cell that is not text`);
          assert.doesNotMatch(c, /NaN|undefined|Infinity|null/, `${t.id}: cell ${c}`);
        }
      }
      for (const chart of [t.chart ?? []].flat()) {
        assert.ok(chart.bars.length > 0, `${t.id}: a chart without bars`);
        for (const b of chart.bars) assert.ok(Number.isFinite(b.value) && b.value >= 0, `${t.id}: bar ${b.label} = ${b.value}`);
      }
    }
    // A smoke run's goals are listed but never judged.
    for (const g of part.goals ?? []) assert.equal(g.met, null, `${part.name}: goal ${g.goal} judged`);
  }

  // The report files, as a full run writes them into bench/ and README.md.
  const md = readFileSync(`${OUT}RESULTS.md`, 'utf8');
  PARTS.forEach((_, i) => assert.match(md, new RegExp(`^## ${i + 1}\\. `, 'm')));
  const section = readFileSync(`${OUT}README-section.md`, 'utf8');
  assert.match(section, /^<!-- bench:start -->\n[\s\S]*\n<!-- bench:end -->\n$/);
  for (const [, file] of md.matchAll(/!\[[^\]]*\]\(charts\/([\w-]+\.svg)\)/g)) {
    assert.match(readFileSync(`${OUT}charts/${file}`, 'utf8'), /^<svg [\s\S]*<\/svg>\n$/, file);
  }
});
