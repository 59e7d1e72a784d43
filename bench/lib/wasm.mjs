// A minimal reader of a WebAssembly binary: its sections' sizes, and each function body's size
// with its name when the module has a name section (wasm-opt -g keeps it).

const SECTION_NAMES = ['custom', 'type', 'import', 'function', 'table', 'memory', 'global', 'export',
  'start', 'element', 'code', 'data', 'data count'];

/** `{ sections: [{ name, size }], functions: [{ name, size, body }] }` of the module in `b` (a Buffer). */
export function readWasm(b) {
  let p = 8; // after the magic word and the version
  const leb = () => {
    let r = 0, s = 0, x;
    do { x = b[p++]; r += (x & 0x7f) * 2 ** s; s += 7; } while (x & 0x80);
    return r;
  };
  const skipLimits = () => { const f = leb(); leb(); if (f & 1) leb(); };
  let imports = 0;
  const sections = [];
  const bodies = [];
  const names = new Map();
  while (p < b.length) {
    const id = b[p++];
    const size = leb();
    const end = p + size;
    let name = SECTION_NAMES[id] ?? `section ${id}`;
    if (id === 2) { // imports: count the imported functions (they come first in the index space)
      const n = leb();
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < 2; k++) { const l = leb(); p += l; } // module and field names
        const kind = b[p++];
        if (kind === 0) { leb(); imports++; }
        else if (kind === 1) { p++; skipLimits(); }
        else if (kind === 2) skipLimits();
        else if (kind === 3) p += 2;
        else if (kind === 4) { p++; leb(); }
      }
    } else if (id === 10) { // code: one body per defined function
      const n = leb();
      for (let i = 0; i < n; i++) { const s = leb(); bodies.push(b.subarray(p, p + s)); p += s; }
    } else if (id === 0) {
      const l = leb();
      const custom = b.subarray(p, p + l).toString();
      p += l;
      name = `custom "${custom}"`;
      if (custom === 'name') {
        while (p < end) {
          const sub = b[p++], ssize = leb(), send = p + ssize;
          if (sub === 1) { // function names
            const n = leb();
            for (let i = 0; i < n; i++) { const idx = leb(); const nl = leb(); names.set(idx, b.subarray(p, p + nl).toString()); p += nl; }
          }
          p = send;
        }
      }
    }
    sections.push({ name, size });
    p = end;
  }
  const functions = bodies.map((body, i) => ({ name: names.get(i + imports) ?? `func[${i + imports}]`, size: body.length, body }));
  return { sections, functions };
}
