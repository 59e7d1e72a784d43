// A small W3C WebDriver (classic) client over fetch, for the end-to-end tests that must run in
// every engine: Chromium (chromedriver), Firefox (geckodriver) and WebKit (WebKitWebDriver +
// MiniBrowser). It talks to a driver that scripts/e2e-engines.sh started (WEBDRIVER_URL) for the
// engine named by E2E_ENGINE; it starts no process itself. Not a test file.
//
// The model follows Playwright's pages: a `Browser` is one WebDriver session (a fresh profile,
// so fresh storage), a `Tab` is one of its window handles. Every tab command first switches the
// session to that tab (WebDriver classic drives one window at a time, one command at a time).
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export const ENGINE = process.env.E2E_ENGINE ?? '';
export const WEBDRIVER_URL = process.env.WEBDRIVER_URL ?? '';
export const ENGINES = ['chromium', 'firefox', 'webkit'];

// The offline options the wasm layers use (Chromium's flags, Firefox's prefs): one file for both.
const WEBDRIVER_JSON = new URL('../../webdriver.json', import.meta.url);
// The W3C element reference key.
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';
// Generous: a busy 2-core machine, debug-free but unoptimised page loads, wasm compile per page.
const SCRIPT_TIMEOUT_MS = 180_000;
const PAGE_LOAD_TIMEOUT_MS = 120_000;
export const WAIT_MS = Number(process.env.E2E_WAIT_MS ?? 60_000);

/** A command the driver answered with an error (`error` is WebDriver's code, e.g. `no such element`). */
export class WebDriverError extends Error {
  constructor(what, status, value) {
    super(`${what}: ${status} ${value?.error ?? ''}: ${value?.message ?? JSON.stringify(value)}`.slice(0, 2000));
    this.name = 'WebDriverError';
    this.error = value?.error;
  }
}

/** An exception thrown (or a promise rejected) inside the page. */
export class PageError extends Error {
  constructor(thrown) {
    super(`${thrown.name}: ${thrown.message}`);
    this.name = 'PageError';
    this.page = thrown;
  }
}

async function command(base, method, path, body) {
  const res = await fetch(base + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    throw new WebDriverError(`${method} ${path}`, res.status, { error: 'not JSON', message: text.slice(0, 500) });
  }
  if (!res.ok || (json.value && typeof json.value === 'object' && typeof json.value.error === 'string')) {
    throw new WebDriverError(`${method} ${path}`, res.status, json.value);
  }
  return json.value;
}

/** The session's capabilities for `engine`: the stock browsers, kept off the network. */
export function capabilities(engine) {
  const common = {
    pageLoadStrategy: 'normal',
    timeouts: { script: SCRIPT_TIMEOUT_MS, pageLoad: PAGE_LOAD_TIMEOUT_MS, implicit: 0 },
  };
  const json = JSON.parse(readFileSync(WEBDRIVER_JSON, 'utf8'));
  switch (engine) {
    case 'chromium':
      return {
        ...common,
        browserName: 'chrome',
        'goog:chromeOptions': {
          ...json['goog:chromeOptions'],
          binary: process.env.CHROMIUM ?? json['goog:chromeOptions'].binary,
        },
      };
    case 'firefox':
      return {
        ...common,
        browserName: 'firefox',
        'moz:firefoxOptions': {
          binary: process.env.FIREFOX ?? json['moz:firefoxOptions'].binary,
          args: ['-headless'],
          prefs: json['moz:firefoxOptions'].prefs,
        },
      };
    case 'webkit':
      // WebKitWebDriver's default browser is WebKitGTK's MiniBrowser --automation; MINIBROWSER
      // names another binary.
      return {
        ...common,
        ...(process.env.MINIBROWSER
          ? { 'webkitgtk:browserOptions': { binary: process.env.MINIBROWSER, args: ['--automation'] } }
          : {}),
      };
    default:
      throw new Error(`unknown engine '${engine}' (${ENGINES.join(', ')})`);
  }
}

/**
 * A new WebDriver session (one browser, fresh profile) on the driver at `url` for `engine`.
 * Always `close()` it (or use `withBrowser`).
 */
export async function launch(engine = ENGINE, url = WEBDRIVER_URL) {
  if (!url) throw new Error('WEBDRIVER_URL is not set: run these tests through scripts/e2e-engines.sh');
  const value = await command(url, 'POST', '/session', {
    capabilities: { alwaysMatch: capabilities(engine) },
  });
  const browser = new Browser(url, value.sessionId, value.capabilities, engine);
  browser.current = await browser.cmd('GET', '/window');
  return browser;
}

/** Runs `fn(browser)` in a new session and always ends the session. */
export async function withBrowser(fn, engine = ENGINE) {
  const browser = await launch(engine);
  try {
    return await fn(browser);
  } finally {
    await browser.close();
  }
}

export class Browser {
  constructor(base, id, caps, engine) {
    this.base = base;
    this.id = id;
    this.capabilities = caps;
    this.engine = engine;
    this.current = null;
    this.closed = false;
    this.first = true;
  }

  cmd(method, path, body) {
    return command(this.base, method, `/session/${this.id}${path}`, body);
  }

  /** A tab: the session's first window the first time, a new tab after that. */
  async newTab() {
    if (this.first) {
      this.first = false;
      return new Tab(this, this.current);
    }
    const { handle, type } = await this.cmd('POST', '/window/new', { type: 'tab' });
    return new Tab(this, handle, type);
  }

  async switchTo(handle) {
    if (this.current === handle) return;
    await this.cmd('POST', '/window', { handle });
    this.current = handle;
  }

  async close() {
    if (this.closed) return;
    this.closed = true;
    try {
      await command(this.base, 'DELETE', `/session/${this.id}`);
    } catch (e) {
      // The driver may be gone already (interrupted run); the script's sweep stops the browser.
      console.error(`# webdriver: ending the session: ${e.message}`);
    }
  }
}

/** Turns `fn` (a function or its source) and its JSON arguments into a WebDriver script body. */
function body(fn) {
  return typeof fn === 'function' ? fn.toString() : fn;
}

export class Tab {
  constructor(browser, handle, type = 'window') {
    this.browser = browser;
    this.handle = handle;
    /** What the driver opened: 'tab' or 'window' (the session's first is a window). */
    this.type = type;
  }

  async cmd(method, path, body) {
    await this.browser.switchTo(this.handle);
    return this.browser.cmd(method, path, body);
  }

  goto(url) {
    return this.cmd('POST', '/url', { url });
  }

  url() {
    return this.cmd('GET', '/url');
  }

  reload() {
    return this.cmd('POST', '/refresh', {});
  }

  /** Closes this tab (the session lives on while it has windows). */
  async close() {
    await this.cmd('DELETE', '/window');
    this.browser.current = null;
  }

  /** Runs `fn(...args)` in the page synchronously and returns its (JSON) result. */
  execute(fn, ...args) {
    return this.cmd('POST', '/execute/sync', { script: `return (${body(fn)}).apply(null, arguments);`, args });
  }

  /**
   * Runs `fn(...args)` in the page, awaits its result (a value or a promise) and returns it, like
   * Playwright's `page.evaluate`: a throw or rejection in the page rejects with a PageError.
   */
  async evaluate(fn, ...args) {
    const script = `
      const done = arguments[arguments.length - 1];
      const args = Array.prototype.slice.call(arguments, 0, -1);
      Promise.resolve().then(() => (${body(fn)}).apply(null, args)).then(
        (v) => done({ ok: v === undefined ? null : v }),
        (e) => done({ thrown: { name: String(e && e.name), code: e && e.code, message: String(e && e.message !== undefined ? e.message : e) } }));`;
    const r = await this.cmd('POST', '/execute/async', { script, args });
    if (r && r.thrown) throw new PageError(r.thrown);
    return r?.ok ?? null;
  }

  /**
   * Polls `fn(...args)` in the page until it returns something truthy (errors while the page
   * navigates or loads count as not yet), within WAIT_MS.
   */
  async waitFor(fn, ...args) {
    const deadline = Date.now() + WAIT_MS;
    let last;
    for (;;) {
      try {
        const v = await this.execute(fn, ...args);
        if (v) return v;
        last = v;
      } catch (e) {
        if (e instanceof WebDriverError && e.error === 'invalid session id') throw e;
        last = e;
      }
      if (Date.now() > deadline) {
        const page = await this.execute(() => ({ url: location.href, readyState: document.readyState, errors: window.errors }))
          .catch((e) => e.message);
        throw new Error(`waitFor(${body(fn)}) timed out; last: ${last?.message ?? JSON.stringify(last)}; page: ${JSON.stringify(page)}`);
      }
      await sleep(100);
    }
  }

  /** Polls the address until `test(url)` holds, within WAIT_MS; returns it. */
  async waitForUrl(test) {
    const deadline = Date.now() + WAIT_MS;
    let url;
    for (;;) {
      try {
        url = await this.url();
        if (test(url)) return url;
      } catch (e) {
        if (e instanceof WebDriverError && e.error === 'invalid session id') throw e;
      }
      if (Date.now() > deadline) {
        const text = await this.execute(() => document.body?.innerText.slice(0, 300)).catch((e) => e.message);
        throw new Error(`waitForUrl(${test}) timed out at ${url}; page text: ${JSON.stringify(text)}`);
      }
      await sleep(100);
    }
  }

  /** The element matching `css` (WebDriver's reference), waited for within WAIT_MS. */
  async find(css) {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      try {
        const el = await this.cmd('POST', '/element', { using: 'css selector', value: css });
        return el[ELEMENT];
      } catch (e) {
        if (!(e instanceof WebDriverError) || e.error !== 'no such element' || Date.now() > deadline) throw e;
      }
      await sleep(100);
    }
  }

  async fill(css, text) {
    const el = await this.find(css);
    await this.cmd('POST', `/element/${el}/clear`, {});
    await this.cmd('POST', `/element/${el}/value`, { text });
  }

  async click(css) {
    const el = await this.find(css);
    await this.cmd('POST', `/element/${el}/click`, {});
  }

  async isVisible(css) {
    const el = await this.find(css);
    return this.cmd('GET', `/element/${el}/displayed`);
  }
}
