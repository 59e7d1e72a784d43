// What a run was measured on and with: the machine, its load, the tools, the incumbents'
// versions (as installed in bench/node_modules) and the commit of cognito-wasm.
import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { BENCH, ROOT, PKG } from './paths.mjs';

/** The incumbents, as the tables name them. */
export const INCUMBENTS = ['aws-amplify', '@aws-amplify/auth', 'amazon-cognito-identity-js', 'oidc-client-ts', 'aws4fetch',
  '@aws-sdk/client-s3', '@aws-sdk/lib-storage', '@aws-sdk/credential-providers', '@smithy/signature-v4'];

/** The installed version of an npm package in bench/node_modules. */
export function versionOf(name) {
  const file = path.join(BENCH, 'node_modules', name, 'package.json');
  return JSON.parse(fs.readFileSync(file, 'utf8')).version;
}

const run = (cmd, args) => {
  try { return execFileSync(cmd, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(); } catch { return 'unknown'; }
};

/** `{ date, cpu, cores, memory, os, node, rustc, commit, load }`; `browser` is added by the parts. */
export function machine() {
  const commit = run('git', ['rev-parse', '--short', 'HEAD']);
  const dirty = run('git', ['status', '--porcelain', '--untracked-files=no']) ? ' (with uncommitted changes)' : '';
  return {
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    rustc: run('rustc', ['--version']),
    commit: commit + dirty,
    cognitoWasm: JSON.parse(fs.readFileSync(path.join(PKG, 'package.json'), 'utf8')).version,
    load: os.loadavg().map((l) => l.toFixed(2)).join(' / '),
  };
}

/** name → version for every incumbent. */
export const versions = () => Object.fromEntries(INCUMBENTS.map((n) => [n, versionOf(n)]));
