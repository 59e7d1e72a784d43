// Part 5, cold start: in a fresh browser context each time (empty HTTP cache, a new renderer),
// with a stored session in localStorage, the time from importing the library's bundle to
// (a) ready — cognito-wasm: init() (fetch + compile the .wasm) and new CognitoAuth(); Amplify:
// Amplify.configure() — and (b) the first tokens — getTokens() / fetchAuthSession() from the
// stored session. Both bundles are made by esbuild as an app's bundler would (minified ESM).
// The stored sessions are real: each library signs a user in once against the emulator and the
// page's localStorage is copied into every cold load before the page runs.
import path from 'node:path';
import { BENCH, PKG } from '../lib/paths.mjs';
import { serve } from '../lib/server.mjs';
import { launchChromium, pageResult } from '../lib/browser.mjs';
import { bundleTo } from '../lib/bundle.mjs';
import { makeUser, SEED } from '../lib/emulator.mjs';
import { summarize, ratio } from '../lib/stats.mjs';
import { ms, spread } from '../lib/format.mjs';
import { versionOf } from '../lib/machine.mjs';

const HERE = path.join(BENCH, 'coldstart');

export async function run({ smoke, out, emulator }) {
  const build = path.join(out, 'coldstart');
  bundleTo(path.join(HERE, 'ours.mjs'), path.join(build, 'ours.js'));
  bundleTo(path.join(HERE, 'amplify.mjs'), path.join(build, 'amplify.js'));
  const loads = smoke ? 1 : 20;
  const configs = {
    ours: { region: SEED.region, userPoolId: SEED.userPoolId, clientId: SEED.clientId, storage: 'local', endpoints: { userPool: emulator.url } },
    amplify: { Auth: { Cognito: { userPoolId: SEED.userPoolId, userPoolClientId: SEED.clientId, userPoolEndpoint: emulator.url } } },
  };
  const url = (impl, extra = {}) => `/index.html?${new URLSearchParams({ impl, config: JSON.stringify(configs[impl]), mode: 'start', ...extra })}`;

  const server = await serve([
    ['/ours.js', path.join(build, 'ours.js')],
    ['/amplify.js', path.join(build, 'amplify.js')],
    ['/cognito_wasm_bg.wasm', path.join(PKG, 'cognito_wasm_bg.wasm')],
    ['/', HERE],
  ]);
  const browser = await launchChromium();
  const browserVersion = browser.version;
  const times = { ours: [], amplify: [] };
  try {
    // One real sign-in per library; its localStorage is the stored session of every cold load.
    const stored = {};
    for (const impl of Object.keys(configs)) {
      const user = await makeUser(emulator.url, `bench-cold-${impl}`);
      const context = await browser.newContext();
      stored[impl] = (await pageResult(context, server.origin + url(impl, { mode: 'signin', ...user }))).storage;
      await context.close();
    }
    for (let i = 0; i < loads; i++) {
      for (const impl of i % 2 ? ['amplify', 'ours'] : ['ours', 'amplify']) {
        const context = await browser.newContext();
        const initScript = `for (const [k, v] of ${JSON.stringify(stored[impl])}) localStorage.setItem(k, v);`;
        times[impl].push(await pageResult(context, server.origin + url(impl), { initScript }));
        await context.close();
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }

  const s = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, {
    import: summarize(v.map((x) => x.import)), ready: summarize(v.map((x) => x.ready)), tokens: summarize(v.map((x) => x.tokens)),
  }]));
  const labels = { ours: 'cognito-wasm', amplify: `Amplify v6 (aws-amplify ${versionOf('aws-amplify')})` };
  const rows = ['ours', 'amplify'];
  return {
    browser: browserVersion,
    tables: [{
      id: 'coldstart',
      title: 'Cold start',
      intro: `${loads} cold page loads each, alternating, each in a fresh browser context with the stored session seeded; ms from the bundle's import, median (min–max).`,
      columns: ['library', 'bundle imported', 'ready (init + new CognitoAuth / Amplify.configure)', 'first tokens from the stored session'],
      align: ['l', 'r', 'r', 'r'],
      rows: rows.map((k) => ({ ours: k === 'ours', cells: [labels[k], spread(s[k].import), spread(s[k].ready), spread(s[k].tokens)] })),
      chart: [
        { title: 'Cold start: ready', unit: 'ms', better: 'lower', bars: rows.map((k) => ({ label: labels[k].replace(/ \(.*/, ''), value: s[k].ready.median, min: s[k].ready.min, max: s[k].ready.max, text: `${ms(s[k].ready.median)} ms`, ours: k === 'ours' })) },
        { title: 'Cold start: first tokens from a stored session', unit: 'ms', better: 'lower', bars: rows.map((k) => ({ label: labels[k].replace(/ \(.*/, ''), value: s[k].tokens.median, min: s[k].tokens.min, max: s[k].tokens.max, text: `${ms(s[k].tokens.median)} ms`, ours: k === 'ours' })) },
      ],
      notes: [
        "cognito-wasm's first getTokens() checks the stored tokens' RS256 signatures (Web Crypto) against the pool's JWKS, which it fetches from the emulator first; Amplify's fetchAuthSession() only decodes them.",
        'The page, the bundles and the .wasm come from a server on 127.0.0.1 with caching off: network time is near zero, so the figures are mostly parse, compile and run time.',
      ],
    }],
    summary: [
      { what: 'cold start to first tokens (ms)', ours: ms(s.ours.tokens.median), incumbent: `${ms(s.amplify.tokens.median)} (Amplify v6)`, ratio: s.ours.tokens.median <= s.amplify.tokens.median ? `${ratio(s.amplify.tokens.median, s.ours.tokens.median)} faster` : `${ratio(s.ours.tokens.median, s.amplify.tokens.median)} slower` },
    ],
  };
}
