// Headless Chromium driven over the DevTools protocol through a pipe (--remote-debugging-pipe),
// with a client of our own rather than Playwright: Playwright turns on DevTools' network
// instrumentation in every page, and with it attached Chromium copies every request body for
// DevTools on the page's main thread (measured here: a 16 MiB Uint8Array PUT went from ~60 to
// ~13 MB/s, at ~64 ms of main-thread CPU per MiB), which would swamp the upload figures. This
// client enables only what a part reads: Page (load events, init scripts), Performance and the
// heap. The browser is kept off the network (this machine has none but the package registries)
// and opens no port.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--no-default-browser-check', '--disable-extensions', '--mute-audio',
  '--remote-debugging-pipe'];

/** One DevTools connection over the pipe: commands by id, events to listeners. */
class Connection {
  #id = 0;
  #pending = new Map();
  #listeners = new Set();
  #buffer = '';

  constructor(write, read) {
    this.write = write;
    read.setEncoding('utf8');
    read.on('data', (chunk) => {
      this.#buffer += chunk;
      let end;
      while ((end = this.#buffer.indexOf('\0')) >= 0) {
        const msg = JSON.parse(this.#buffer.slice(0, end));
        this.#buffer = this.#buffer.slice(end + 1);
        if (msg.id !== undefined) {
          const p = this.#pending.get(msg.id);
          this.#pending.delete(msg.id);
          if (msg.error) p?.reject(new Error(`${p.method}: ${msg.error.message}`));
          else p?.resolve(msg.result);
        } else {
          for (const l of this.#listeners) l(msg);
        }
      }
    });
  }

  /** Sends `method` (to the page of `sessionId`, or the browser); resolves to its result. */
  send(method, params = {}, sessionId) {
    const id = ++this.#id;
    this.write.write(JSON.stringify({ id, method, params, ...(sessionId && { sessionId }) }) + '\0');
    return new Promise((resolve, reject) => this.#pending.set(id, { resolve, reject, method }));
  }

  /** Resolves to the first event `method` of `sessionId`. */
  once(method, sessionId) {
    return new Promise((resolve) => {
      const l = (msg) => {
        if (msg.method === method && msg.sessionId === sessionId) {
          this.#listeners.delete(l);
          resolve(msg.params);
        }
      };
      this.#listeners.add(l);
    });
  }

  /** Fails every command still waiting (the browser went away). */
  closed(why) {
    for (const p of this.#pending.values()) p.reject(new Error(`${p.method}: ${why}`));
    this.#pending.clear();
  }
}

/** A page (a tab) of a browser context. */
class Page {
  constructor(conn, targetId, sessionId) {
    Object.assign(this, { conn, targetId, sessionId });
  }

  /** A DevTools command to this page (e.g. 'Performance.getMetrics'). */
  send(method, params) {
    return this.conn.send(method, params, this.sessionId);
  }

  /** Navigates to `url` and waits for its load event. */
  async goto(url) {
    const loaded = this.conn.once('Page.loadEventFired', this.sessionId);
    const r = await this.send('Page.navigate', { url });
    if (r.errorText) throw new Error(`${url}: ${r.errorText}`);
    await loaded;
  }

  /** `fn(arg)` run in the page (awaited); its value, which must be JSON. */
  async evaluate(fn, arg) {
    const r = await this.send('Runtime.evaluate', {
      expression: `(${fn})(${JSON.stringify(arg)})`,
      awaitPromise: true,
      returnByValue: true,
    });
    if (r.exceptionDetails) {
      const e = r.exceptionDetails;
      throw new Error(e.exception?.description ?? e.text);
    }
    return r.result.value;
  }

  close() {
    return this.conn.send('Target.closeTarget', { targetId: this.targetId });
  }
}

/** A browser context: its own storage and HTTP cache, like a fresh profile. */
class Context {
  constructor(conn, id) {
    Object.assign(this, { conn, id });
  }

  /** A new page; `initScript` (JS source) runs in it before any of the page's scripts. */
  async newPage({ initScript } = {}) {
    const { targetId } = await this.conn.send('Target.createTarget', { url: 'about:blank', browserContextId: this.id });
    const { sessionId } = await this.conn.send('Target.attachToTarget', { targetId, flatten: true });
    const page = new Page(this.conn, targetId, sessionId);
    await page.send('Page.enable');
    if (initScript) await page.send('Page.addScriptToEvaluateOnNewDocument', { source: initScript });
    return page;
  }

  close() {
    return this.conn.send('Target.disposeBrowserContext', { browserContextId: this.id });
  }
}

/** Starts headless Chromium; resolves to `{ version, newContext(), close() }`. The caller closes it. */
export async function launchChromium() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-chromium-'));
  const child = spawn(CHROMIUM, [...ARGS, `--user-data-dir=${profile}`, 'about:blank'], {
    stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const conn = new Connection(child.stdio[3], child.stdio[4]);
  exited.then(() => conn.closed('the browser exited'));
  const { product } = await conn.send('Browser.getVersion');
  return {
    version: product.replace(/^\D*\//, ''),
    async newContext() {
      const { browserContextId } = await conn.send('Target.createBrowserContext', { disposeOnDetach: true });
      return new Context(conn, browserContextId);
    },
    async close() {
      conn.send('Browser.close').catch(() => {});
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Opens `url` in a new page of `context` (`initScript` first, if given), waits for the page's
 * `window.benchResult` promise and returns its value; a page that reports `{ error }` fails the
 * part. The page is closed.
 */
export async function pageResult(context, url, { initScript } = {}) {
  const page = await context.newPage({ initScript });
  try {
    await page.goto(url);
    const r = await page.evaluate(() => new Promise((resolve) => {
      const poll = () => ('benchResult' in window ? resolve(window.benchResult) : setTimeout(poll, 20));
      poll();
    }));
    if (!r || r.error) throw new Error(`${url}: ${r ? r.error : 'no result'}`);
    return r;
  } finally {
    await page.close();
  }
}

/** Main-thread CPU (Performance.getMetrics ThreadTime, seconds) and busy time (TaskDuration). */
export async function threadTimes(page) {
  const { metrics } = await page.send('Performance.getMetrics');
  const get = (name) => metrics.find((m) => m.name === name)?.value ?? NaN;
  return { thread: get('ThreadTime'), task: get('TaskDuration') };
}

/** The page's JS memory now: V8 heap in use plus ArrayBuffer backing stores (Runtime.getHeapUsage). */
export async function heapBytes(page) {
  const u = await page.send('Runtime.getHeapUsage');
  return { heap: u.usedSize, buffers: u.backingStorageSize ?? 0 };
}

/**
 * Samples `heapBytes` every `everyMs` until `stop()` is called; `stop()` resolves to the peak
 * of heap + buffers and the peak of the V8 heap alone, in bytes.
 */
export function sampleHeap(page, everyMs = 25) {
  let peak = 0;
  let peakHeap = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const h = await heapBytes(page);
        peak = Math.max(peak, h.heap + h.buffers);
        peakHeap = Math.max(peakHeap, h.heap);
      } catch {
        break; // the page went away
      }
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return { peak, peakHeap };
    },
  };
}
