// The local Cognito + S3 emulator the upload and cold-start parts run against: the one in
// EMULATOR_URL when set (make test's, for the smoke run), else one this run starts on a free
// port of 127.0.0.1 from the release build scripts/bench.sh made (EMULATOR_BIN) and stops.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './paths.mjs';

/** What emulator/seeds/test.toml declares, which every part uses. */
export const SEED = {
  region: 'us-east-1',
  userPoolId: 'us-east-1_TestPool1',
  clientId: 'testclient0000000000000001',
  identityPoolId: 'us-east-1:7e57e57e-0000-4000-8000-000000000001',
  bucket: 'test-bucket',
};

/** Resolves to `{ url, stop, kind }` (kind: which emulator, for the tables' captions). */
export async function startEmulator() {
  if (process.env.EMULATOR_URL) return { url: process.env.EMULATOR_URL, kind: 'the emulator at EMULATOR_URL', stop: async () => {} };
  const bin = process.env.EMULATOR_BIN ?? path.join(ROOT, 'target/bench/release/emulator');
  if (!fs.existsSync(bin)) throw new Error(`no emulator at ${bin}: run scripts/bench.sh (it builds one)`);
  // stdin stays a pipe: the emulator exits by itself if this process dies without stopping it.
  const child = spawn(bin, ['--config', path.join(ROOT, 'emulator/seeds/test.toml'), '--port', '0'], {
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /emulator listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`the emulator exited (${code}) before listening`)));
    setTimeout(() => reject(new Error('the emulator did not start within 30 s')), 30000).unref();
  });
  return {
    url,
    kind: `the emulator (${path.relative(ROOT, bin)}) on 127.0.0.1`,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A fresh confirmed user in the seed's pool; resolves to `{ username, password }`. */
export async function makeUser(url, prefix) {
  const username = `${prefix}-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const password = 'Passw0rd!bench';
  const res = await fetch(`${url}/__admin/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ pool: SEED.userPoolId, username, password, attributes: { email: `${username}@example.com` } }),
  });
  if (res.status !== 201) throw new Error(`making a user: ${res.status} ${await res.text()}`);
  return { username, password };
}
