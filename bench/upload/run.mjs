// Part 4, upload: 100 MiB multipart to the emulator's S3 from one Chromium page, cognito-wasm's
// S3Bucket.upload against the SDK's lib-storage Upload with the same part size and concurrency,
// without checksums (lib-storage with requestChecksumCalculation WHEN_REQUIRED) and with their
// defaults' checksums (ours CRC64NVME in the wasm, the SDK's CRC32 in JS). For each upload:
// throughput, the main thread's CPU time (CDP Performance.getMetrics ThreadTime) and the peak of
// the page's JS memory above its idle level (CDP Runtime.getHeapUsage: V8 heap plus ArrayBuffer
// backing stores, sampled every 25 ms after a forced GC). Then CRC32 / CRC64NVME throughput in
// the wasm against the SDK's JS. Runs alternate between implementations so load from other
// processes falls on all of them alike.
import path from 'node:path';
import { BENCH, PKG } from '../lib/paths.mjs';
import { serve } from '../lib/server.mjs';
import { launchChromium, threadTimes, heapBytes, sampleHeap } from '../lib/browser.mjs';
import { bundleTo } from '../lib/bundle.mjs';
import { makeUser, SEED } from '../lib/emulator.mjs';
import { needStorageEntry } from '../lib/skip.mjs';
import { summarize, ratio, fraction } from '../lib/stats.mjs';
import { int, mib } from '../lib/format.mjs';
import { versionOf } from '../lib/machine.mjs';

const HERE = path.join(BENCH, 'upload');
const MiB = 1048576;
/** The two uploads the goals compare. */
const OURS = 'cognito-wasm';
const SDK = 'lib-storage';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** Why lib-storage's default checksums fail in a browser (see the note). */
const CHECKSUM_HEADER_HIDDEN = /must include the checksum for each part/;

export async function run({ smoke, out, emulator }) {
  needStorageEntry();
  const build = path.join(out, 'upload');
  bundleTo(path.join(HERE, 'libs.mjs'), path.join(build, 'libs.js'));
  // The smoke run: 5 MiB + 64 KiB in 5 MiB parts (two parts: multipart still), once each.
  const size = smoke ? 5 * MiB + 65536 : 100 * MiB;
  const partSize = smoke ? 5 * MiB : 8 * MiB;
  const concurrency = 4;
  const runs = smoke ? 1 : 5;
  const user = await makeUser(emulator.url, 'bench-upload');
  const query = new URLSearchParams({
    emulator: emulator.url, pool: SEED.userPoolId, client: SEED.clientId, identityPool: SEED.identityPoolId, bucket: SEED.bucket,
    username: user.username, password: user.password, size: String(size), partSize: String(partSize), concurrency: String(concurrency),
  });

  const server = await serve([['/libs.js', path.join(build, 'libs.js')], ['/pkg/', PKG], ['/', HERE]]);
  const browser = await launchChromium();
  const browserVersion = browser.version;
  const samples = {};
  const failures = {};
  let crc;
  try {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${server.origin}/index.html?${query}`);
    await page.evaluate(() => new Promise((resolve) => {
      const poll = () => (typeof window.setup === 'function' ? resolve() : setTimeout(poll, 20));
      poll();
    }));
    await page.evaluate(() => window.setup());
    await page.send('Performance.enable');
    const names = await page.evaluate(() => window.names());

    for (let i = 0; i < runs; i++) {
      // Rotate the order each run: no implementation always goes first (or after the same one).
      const order = names.map((_, k) => names[(k + i) % names.length]);
      for (const name of order) {
        if (failures[name]) continue;
        await page.send('HeapProfiler.collectGarbage');
        await sleep(200);
        const idle = await heapBytes(page);
        const before = await threadTimes(page);
        const sampler = sampleHeap(page);
        let r;
        try {
          r = await page.evaluate(([n, k]) => window.upload(n, k), [name, `bench-${name.replace(/\W+/g, '-')}.bin`]);
        } catch (e) {
          await sampler.stop();
          failures[name] = String(e.message).split('\n')[0];
          continue;
        }
        const peak = await sampler.stop();
        const after = await threadTimes(page);
        if (r.size !== size) throw new Error(`${name}: the stored object has ${r.size} bytes, not ${size}`);
        (samples[name] ??= { mbps: [], cpu: [], busy: [], heap: [] });
        samples[name].mbps.push(size / 1e6 / (r.ms / 1000));
        samples[name].cpu.push((after.thread - before.thread) * 1000);
        samples[name].busy.push((after.task - before.task) * 1000);
        samples[name].heap.push(Math.max(0, peak.peak - idle.heap - idle.buffers));
      }
    }
    crc = await page.evaluate(([m, reps]) => window.crc(m, reps), smoke ? [1, 1] : [32, 7]);
  } finally {
    await browser.close();
    await server.close();
  }
  for (const must of [OURS, SDK]) if (failures[must]) throw new Error(`${must} failed: ${failures[must]}`);

  const s = Object.fromEntries(Object.entries(samples).map(([n, x]) => [n, {
    mbps: summarize(x.mbps), cpu: summarize(x.cpu), busy: summarize(x.busy), heap: summarize(x.heap),
  }]));
  const names = Object.keys(s);
  const label = (n) => n.replace('lib-storage', `@aws-sdk/lib-storage ${versionOf('@aws-sdk/lib-storage')}`);
  const f1 = (x) => x.toFixed(x < 10 ? 1 : 0);
  const cell = (x, f) => `${f(x.median)} (${f(x.min)}–${f(x.max)})`;
  const bars = (metric, f, unit) => names.map((n) => ({ label: n, value: s[n][metric].median, min: s[n][metric].min, max: s[n][metric].max, text: `${f(s[n][metric].median)} ${unit}`, ours: n.startsWith('cognito-wasm') }));
  const mibOf = (x) => mib(x);
  const notes = [
    `${runs} upload${runs > 1 ? 's' : ''} of each, alternating; the data is one ${mib(size)} MiB Blob made before the runs; every stored object's size was read back (HeadObject).`,
    'lib-storage: requestChecksumCalculation WHEN_REQUIRED (no CRC headers); "default checksums": WHEN_SUPPORTED, the SDK\'s default, a CRC32 of every part in JS. cognito-wasm, CRC64NVME: the checksum computed in the wasm, checked by S3.',
    'Main-thread CPU: the page\'s main thread CPU time over the upload (ThreadTime); memory: the peak of V8 heap + ArrayBuffer backing stores over the upload minus the level before it, after a forced GC.',
    'Chromium runs with no DevTools network instrumentation (bench/lib/browser.mjs): with it on, as under Playwright, Chromium copies every in-memory request body for DevTools on the main thread (~64 ms per MiB here), which slowed the uploads that send Uint8Array parts about fivefold.',
  ];
  for (const [n, why] of Object.entries(failures)) {
    notes.push(CHECKSUM_HEADER_HIDDEN.test(why)
      ? `${n}: refused at CompleteMultipartUpload ("${why.replace(/^.*?InvalidRequest: /, '')}"). lib-storage asks for CRC32 in CreateMultipartUpload and then takes each part's CRC32 from the UploadPart answer's x-amz-checksum-crc32 header, which a page can read only if the bucket's CORS rules expose it; the test bucket exposes ETag, x-amz-request-id and x-amz-id-2 (the usual setup), so the parts' checksums are missing from the final request, which S3 refuses with this message.`
      : `${n}: failed — ${why}`);
  }

  const tables = [{
    id: 'upload',
    title: `Upload ${mib(size)} MiB`,
    intro: `Multipart upload of ${mib(size)} MiB to the S3 of ${emulator.kind} in ${mib(partSize)} MiB parts, ${concurrency} at a time, from one Chromium page; median (min–max).`,
    columns: ['implementation', 'throughput, MB/s', 'main-thread CPU, ms', 'peak JS memory, MiB'],
    align: ['l', 'r', 'r', 'r'],
    rows: names.map((n) => ({ ours: n.startsWith('cognito-wasm'), cells: [label(n), cell(s[n].mbps, f1), cell(s[n].cpu, int), cell(s[n].heap, mibOf)] })),
    chart: [
      { title: `Upload ${mib(size)} MiB: throughput`, unit: 'MB/s', better: 'higher', bars: bars('mbps', f1, 'MB/s') },
      { title: `Upload ${mib(size)} MiB: main-thread CPU`, unit: 'ms', better: 'lower', bars: bars('cpu', int, 'ms') },
      { title: `Upload ${mib(size)} MiB: peak JS memory`, unit: 'MiB above idle', better: 'lower', bars: bars('heap', mibOf, 'MiB') },
    ],
    notes,
  }];

  const c = Object.fromEntries(Object.entries(crc).map(([n, x]) => [n, summarize(x)]));
  const crcNames = Object.keys(c);
  tables.push({
    id: 'crc',
    title: 'CRC checksums',
    intro: `Throughput over ${smoke ? 1 : 32} MiB in one call, median (min–max) of ${smoke ? 1 : 7}; cognito-wasm's includes copying the bytes into the wasm's memory.`,
    columns: ['checksum, implementation', 'MB/s'],
    align: ['l', 'r'],
    rows: crcNames.map((n) => ({ ours: n.includes('cognito-wasm'), cells: [n, cell(c[n], int)] })),
    chart: { title: 'CRC throughput', unit: 'MB/s', better: 'higher', bars: crcNames.map((n) => ({ label: n, value: c[n].median, min: c[n].min, max: c[n].max, text: `${int(c[n].median)} MB/s`, ours: n.includes('cognito-wasm') })) },
  });

  const o = s[OURS];
  const k = s[SDK];
  const goals = [
    { goal: 'upload throughput ≥ lib-storage', figure: `${f1(o.mbps.median)} vs ${f1(k.mbps.median)} MB/s (${ratio(o.mbps.median, k.mbps.median)})`, met: o.mbps.median >= k.mbps.median },
    { goal: 'upload main-thread CPU ≤ ¼ of lib-storage', figure: `${int(o.cpu.median)} vs ${int(k.cpu.median)} ms (${fraction(o.cpu.median, k.cpu.median)})`, met: o.cpu.median <= k.cpu.median / 4 },
    { goal: 'upload peak JS memory ≤ ½ of lib-storage', figure: `${mib(o.heap.median)} vs ${mib(k.heap.median)} MiB (${fraction(o.heap.median, k.heap.median)})`, met: o.heap.median <= k.heap.median / 2 },
  ];
  for (const alg of ['CRC32', 'CRC64NVME']) {
    const x = c[`${alg}, cognito-wasm`];
    goals.push(x
      ? { goal: `${alg} in wasm ≥ 1 GB/s`, figure: `${(x.median / 1000).toFixed(2)} GB/s`, met: x.median >= 1000 }
      : { goal: `${alg} in wasm ≥ 1 GB/s`, figure: 'not measured: the storage wasm exports no WasmChecksum', met: null });
  }
  return {
    browser: browserVersion,
    tables,
    goals,
    summary: [
      { what: `upload ${mib(size)} MiB: throughput (MB/s)`, ours: f1(o.mbps.median), incumbent: `${f1(k.mbps.median)} (lib-storage)`, ratio: ratio(o.mbps.median, k.mbps.median) },
      { what: `upload ${mib(size)} MiB: main-thread CPU (ms)`, ours: int(o.cpu.median), incumbent: `${int(k.cpu.median)} (lib-storage)`, ratio: `${fraction(o.cpu.median, k.cpu.median)} of it` },
      { what: `upload ${mib(size)} MiB: peak JS memory (MiB)`, ours: mib(o.heap.median), incumbent: `${mib(k.heap.median)} (lib-storage)`, ratio: `${fraction(o.heap.median, k.heap.median)} of it` },
    ],
  };
}
