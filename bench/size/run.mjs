// Part 1, size: what an app downloads. Each cognito-wasm entry (its JS bundled and minified plus
// the wasm it loads; ours.mjs, as `make size`) against the incumbents bundled the same way by
// esbuild (--bundle --minify --format=esm --platform=browser) from small entry files in
// entries/ that import just what an app would; raw, gzip -9 and brotli q11. Then where our
// bytes go (anatomy.mjs).
import fs from 'node:fs';
import path from 'node:path';
import { BENCH, PKG } from '../lib/paths.mjs';
import { bundleBytes } from '../lib/bundle.mjs';
import { int, kib } from '../lib/format.mjs';
import { smallerOrLarger } from '../lib/stats.mjs';
import { ourEntries, sizes } from './ours.mjs';
import { anatomy, sectionsOnly } from './anatomy.mjs';

/** The incumbents: entry file, label, and which of our entries does the same job. */
const INCUMBENTS = [
  { file: 'amplify-auth.mjs', label: 'Amplify v6 auth (signIn, confirmSignIn, signOut, fetchAuthSession, signInWithRedirect)', short: 'Amplify v6 auth', like: 'cognito-wasm' },
  { file: 'amplify-auth-upload.mjs', label: 'Amplify v6 auth + uploadData', short: 'Amplify auth + uploadData', like: 'cognito-wasm/storage' },
  { file: 'cognito-identity-js.mjs', label: 'amazon-cognito-identity-js (sign-in only: no hosted UI, identity pools, uploads)', short: 'amazon-cognito-identity-js', like: 'cognito-wasm' },
  { file: 'oidc-client-ts.mjs', label: 'oidc-client-ts UserManager (hosted UI only)', short: 'oidc-client-ts', like: 'cognito-wasm' },
  { file: 'sdk-v3-storage.mjs', label: 'AWS SDK v3: identity-pool credentials + S3Client + lib-storage Upload (no sign-in)', short: 'SDK v3 creds + S3 + lib-storage', like: 'cognito-wasm/storage' },
  { file: 'aws4fetch.mjs', label: 'aws4fetch (SigV4 only)', short: 'aws4fetch', like: null },
  { file: 'smithy-signature-v4.mjs', label: '@smithy/signature-v4 + @aws-crypto/sha256-browser (SigV4 only)', short: '@smithy/signature-v4', like: null },
];

/** The project's goals (KiB brotli), as scripts/size.mjs and the README state them. */
const GOALS = { 'cognito-wasm': 32, 'cognito-wasm/storage': 44 };

export async function run({ smoke, out }) {
  const { entries: ours, note } = ourEntries();
  const byName = Object.fromEntries(ours.map((e) => [e.name, e.total]));
  const theirs = INCUMBENTS.map((x) => ({ ...x, s: sizes(bundleBytes(path.join(BENCH, 'size/entries', x.file))) }));

  const rows = [
    ...ours.map((e) => ({ ours: true, cells: [`${e.name} (${e.files.map((f) => f.file.replace(' bundled + minified', '')).join(' + ')})`, int(e.total.raw), int(e.total.gzip), int(e.total.brotli), `${kib(e.total.brotli)} KiB`, ''] })),
    ...theirs.map((x) => {
      const mine = x.like && byName[x.like];
      return { cells: [x.label, int(x.s.raw), int(x.s.gzip), int(x.s.brotli), `${kib(x.s.brotli)} KiB`, mine ? `${x.like}: ${smallerOrLarger(mine.brotli, x.s.brotli)}` : ''] };
    }),
  ];
  const notes = ['"ours": the cognito-wasm entry that does the same job (and more: see each label), against the incumbent, brotli.'];
  if (note) notes.push(note);
  if (!byName['cognito-wasm/storage']) notes.push('cognito-wasm/storage is not built in this checkout: the storage rows have no ratio.');

  const tables = [{
    id: 'size',
    title: 'What an app downloads',
    intro: 'Each bundle as an app\'s bundler ships it: esbuild `--bundle --minify --format=esm --platform=browser`, plus the `.wasm` for ours; bytes.',
    columns: ['bundle', 'raw', 'gzip -9', 'brotli q11', 'brotli', 'ours, brotli'],
    align: ['l', 'r', 'r', 'r', 'r', 'r'],
    rows,
    chart: {
      title: 'Download size, brotli',
      unit: 'KiB',
      better: 'lower',
      bars: [
        ...ours.map((e) => ({ label: e.name, value: e.total.brotli / 1024, text: `${kib(e.total.brotli)} KiB`, ours: true })),
        ...theirs.map((x) => ({ label: x.short, value: x.s.brotli / 1024, text: `${kib(x.s.brotli)} KiB` })),
      ],
    },
    notes,
  }];

  // Where our bytes go: the named copies scripts/bench.sh built, else the shipped sections.
  const WASM = { 'cognito-wasm': 'cognito_wasm_bg.wasm', 'cognito-wasm/storage': 'cognito_wasm_storage_bg.wasm' };
  for (const e of ours) {
    const shipped = path.join(PKG, WASM[e.name] ?? '');
    if (!WASM[e.name] || !fs.existsSync(shipped)) continue;
    const named = path.join(out, 'size', WASM[e.name].replace('.wasm', '.names.wasm'));
    tables.push(!smoke && fs.existsSync(named) ? anatomy(e.name, named, fs.statSync(shipped).size) : sectionsOnly(e.name, shipped));
  }

  const amplify = theirs.find((x) => x.file === 'amplify-auth.mjs').s.brotli;
  const amplifyUpload = theirs.find((x) => x.file === 'amplify-auth-upload.mjs').s.brotli;
  const goals = ours.filter((e) => GOALS[e.name]).map((e) => ({
    goal: `${e.name} entry ≤ ${GOALS[e.name]} KiB brotli`,
    figure: `${kib(e.total.brotli)} KiB`,
    met: e.total.brotli <= GOALS[e.name] * 1024,
  }));
  const summary = [{ what: 'sign-in download, brotli (KiB)', ours: kib(byName['cognito-wasm'].brotli), incumbent: `${kib(amplify)} (Amplify v6 auth)`, ratio: smallerOrLarger(byName['cognito-wasm'].brotli, amplify) }];
  if (byName['cognito-wasm/storage']) {
    const s = byName['cognito-wasm/storage'].brotli;
    summary.push({ what: 'sign-in + uploads download, brotli (KiB)', ours: kib(s), incumbent: `${kib(amplifyUpload)} (Amplify auth + uploadData)`, ratio: smallerOrLarger(s, amplifyUpload) });
  }
  return { tables, goals, summary };
}
