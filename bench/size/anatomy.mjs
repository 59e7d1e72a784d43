// Where our bytes go: the shipped wasm of an entry, by module. scripts/bench.sh builds a copy of
// it exactly as scripts/build.sh does but with the function names kept (wasm-opt -g); each
// function's code is counted under its Rust module (cognito_wasm::core::jwt, sha2, ...), the
// data section (strings, tables) and the rest of the file under their own rows. After wasm-opt,
// much of the session's code is inlined into the exported entry points (wasm-bindgen's shims),
// which therefore have a row of their own. twiggy's view is added when it is installed.
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import zlib from 'node:zlib';
import { readWasm } from '../lib/wasm.mjs';
import { int } from '../lib/format.mjs';

const br = (x) => zlib.brotliCompressSync(x, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const ROWS = 14;

/** The module a function's (demangled) name belongs to. */
export function moduleOf(name) {
  if (/ multivalue shim$|^__wbg_|^__wbindgen/.test(name)) return 'exported entry points (flows inlined into them)';
  if (/^func\[\d+\]$/.test(name)) return '(unnamed)';
  const path = name.replace(/^<+/, '').split(/::|<| as /);
  if (path[0] === 'cognito_wasm') return path.slice(0, 3).join('::');
  return path[0];
}

/** twiggy's top items of `file`, or null without twiggy. */
function twiggyTop(file) {
  try {
    return execFileSync('twiggy', ['top', '-n', '12', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return null;
  }
}

/**
 * The table for the entry `name` from its named wasm `file`; `shipped` is the size of the
 * stripped wasm in pkg/ (the named copy is larger by its name section).
 */
export function anatomy(name, file, shipped) {
  const { sections, functions } = readWasm(fs.readFileSync(file));
  const code = functions.reduce((n, f) => n + f.size, 0);
  const groups = new Map();
  for (const f of functions) {
    const g = moduleOf(f.name);
    const e = groups.get(g) ?? { size: 0, bodies: [] };
    e.size += f.size;
    e.bodies.push(f.body);
    groups.set(g, e);
  }
  const sorted = [...groups].sort((a, b) => b[1].size - a[1].size);
  const rows = sorted.slice(0, ROWS).map(([g, e]) => ({ cells: [g, int(e.size), `${((100 * e.size) / shipped).toFixed(1)} %`, int(br(Buffer.concat(e.bodies)))] }));
  const rest = sorted.slice(ROWS);
  if (rest.length) {
    const size = rest.reduce((n, [, e]) => n + e.size, 0);
    rows.push({ cells: [`${rest.length} other modules`, int(size), `${((100 * size) / shipped).toFixed(1)} %`, int(br(Buffer.concat(rest.flatMap(([, e]) => e.bodies))))] });
  }
  const data = sections.find((s) => s.name === 'data')?.size ?? 0;
  const other = shipped - code - data;
  rows.push({ cells: ['data section (strings, tables)', int(data), `${((100 * data) / shipped).toFixed(1)} %`, ''] });
  rows.push({ cells: ['everything else (types, imports, exports, section headers)', int(other), `${((100 * other) / shipped).toFixed(1)} %`, ''] });
  const top = twiggyTop(file);
  return {
    id: `anatomy-${name.replace(/\W+/g, '-')}`,
    title: `Where our bytes go: ${name}`,
    intro: `The ${int(shipped)} B of \`${name}\`'s shipped wasm by Rust module (function code after wasm-opt -Oz, as in pkg/). ` +
      "brotli: the module's code compressed on its own (an estimate of what it adds; the parts compress better together).",
    columns: ['module', 'bytes', 'share', 'brotli alone'],
    align: ['l', 'r', 'r', 'r'],
    rows,
    extra: top ? `twiggy top (the same wasm, with its name section, which pkg/ does not ship):\n\n\`\`\`\n${top.trimEnd()}\n\`\`\`` : undefined,
  };
}

/** Without a named build (the smoke run): the shipped wasm's sections only. */
export function sectionsOnly(name, file) {
  const { sections } = readWasm(fs.readFileSync(file));
  const total = fs.statSync(file).size;
  return {
    id: `anatomy-${name.replace(/\W+/g, '-')}`,
    title: `Where our bytes go: ${name} (sections)`,
    intro: `The ${int(total)} B of \`${name}\`'s shipped wasm by section (no named build in this run).`,
    columns: ['section', 'bytes', 'share'],
    align: ['l', 'r', 'r'],
    rows: sections.map((s) => ({ cells: [s.name, int(s.size), `${((100 * s.size) / total).toFixed(1)} %`] })),
  };
}
