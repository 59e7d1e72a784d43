// cognito-wasm: the JS driver of the wasm session, and the `CognitoAuth` class apps use.
//
// The wasm session (src/session/) is a synchronous state machine that does no I/O: each call
// (`start`, `resume`) returns one JSON action, and this file performs it —
//   { flow, send: { method, url, headers, body } }  fetch it, then
//            `resume(flow, status, body, date, now)` (`date`: the Date header, where readable);
//   { done }  /  { error: { name, message, status? } }  the operation's result or failure;
//   { join }  the result is that of the refresh flow already in flight;
//   { flow, verify: [{ n, e, data, sig }] }  check RS256 signatures with Web Crypto, then
//            `verified(flow, allValid, now)`;
//   { flow, lock }  take the refresh lock (Web Locks: one tab of the origin at a time, held until
//            the operation ends), then `locked(flow, stored, now)` with the stored session;
// plus the step's effects, applied first: `store` (the session's stored form, or null to remove
// it), `redirect` (likewise, this tab's record of a hosted-UI sign-in in progress, always in
// session storage), `events` (delivered to the app's listeners, in order) and `navigate` (where
// the browser goes: the hosted UI).
//
// Another tab's change to the stored session (the `storage` event) goes to `sync(stored, now)`.
//
// This file imports nothing: `bind()` hands it a factory of wasm sessions (index.js does that
// in `init()`; the browser tests bind their own), so it can be loaded anywhere.

let create = null;

/**
 * Sets the factory `(configText) => WasmSession` (which throws the error as JSON text for an
 * invalid config). Called by `init()`.
 */
export function bind(factory) {
  create = factory;
}

/** An SDK error: `name` and `code` are the stable error name; `status` when a service answered. */
export class CognitoError extends Error {}

/** Whether `e` is an error of the SDK. */
export function isCognitoError(e) {
  return e instanceof CognitoError;
}

/** A `CognitoError` named `name`. */
export function named(name, message, cause) {
  const e = new CognitoError(message, cause === undefined ? undefined : { cause });
  e.name = name;
  e.code = name;
  return e;
}

/** The Error for `{ name, message, status? }` from the wasm. */
function fromWasm(e) {
  const err = named(e.name, e.message);
  if (e.status !== undefined) err.status = e.status;
  return err;
}

/** Any failure of a call into the wasm as an SDK error: a thrown error JSON, a trap, a non-Error. */
export function fix(e) {
  if (typeof e === 'string') {
    try {
      return fromWasm(JSON.parse(e));
    } catch {
      return named('InternalError', 'cognito-wasm failed: ' + e);
    }
  }
  if (typeof WebAssembly === 'object' && e instanceof WebAssembly.RuntimeError) {
    return named('InternalError', 'cognito-wasm hit an internal error (please report it): ' + e.message, e);
  }
  if (e instanceof Error) return e;
  return named('InternalError', 'cognito-wasm failed with a non-Error value: ' + String(e), e);
}

/**
 * The delay before try `attempt + 1` of an AWS call (AWS standard retries: full jitter, base
 * 100 ms, 500 ms when throttled, capped at 20 s). Shared by the user-pool driver here and the
 * storage entry's identity-pool and S3 calls.
 */
export function backoff(attempt, throttled) {
  return Math.random() * Math.min(20_000, (throttled ? 500 : 100) * 2 ** attempt);
}

export function guard(f) {
  try {
    return f();
  } catch (e) {
    throw fix(e);
  }
}

const PROBE = 'cognito-wasm.probe';

/**
 * The Web Storage area for `kind` ('local' | 'session') when it exists and accepts writes,
 * else a Map in memory ('memory', Node, workers, storage blocked by privacy settings).
 */
export function openStore(kind) {
  if (kind !== 'memory') {
    try {
      const area = globalThis[kind === 'session' ? 'sessionStorage' : 'localStorage'];
      area.setItem(PROBE, '1');
      area.removeItem(PROBE);
      return area;
    } catch {
      // Absent or refusing: memory.
    }
  }
  const m = new Map();
  return {
    inMemory: true,
    getItem: (k) => (m.has(k) ? m.get(k) : null),
    setItem: (k, v) => void m.set(k, v),
    removeItem: (k) => void m.delete(k),
  };
}

/** Writes `value` under `key` (null: removes it); a storage that refuses (quota, privacy mode)
 * leaves the state in memory only. */
export function write(store, key, value) {
  if (value === undefined) return;
  try {
    if (value === null) store.removeItem(key);
    else store.setItem(key, value);
  } catch {
    // Refused: memory only.
  }
}

/** base64url → bytes. */
function fromBase64url(text) {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

/** Whether every `{ n, e, data, sig }` is a valid RS256 signature (Web Crypto). */
async function allValid(checks) {
  const alg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  try {
    for (const { n, e, data, sig } of checks) {
      const key = await crypto.subtle.importKey('jwk', { kty: 'RSA', n, e, alg: 'RS256', ext: true }, alg, false, ['verify']);
      if (!(await crypto.subtle.verify(alg, key, fromBase64url(sig), new TextEncoder().encode(data)))) return false;
    }
    return true;
  } catch {
    // A key or signature Web Crypto cannot even read is no valid signature.
    return false;
  }
}

/**
 * Requests a lost answer cannot make unrepeatable, tried again after a 5xx or a network failure
 * (with GETs: the JWKS): a sign-in's start (a new SRP challenge each time), refreshes (user-pool
 * API or token endpoint; a rotating client's grace period covers a refresh token rotated by a
 * lost answer), reads and revocations.
 */
const SAFE = /\.(InitiateAuth|GetTokensFromRefreshToken|GetUser|RevokeToken|GlobalSignOut)$|grant_type=refresh_token/;

const EVENTS = ['signedIn', 'signedOut', 'tokenRefreshed', 'refreshFailed'];

/**
 * Redirect callbacks being handled or handled, by URL (the callback's and the cleaned one), for
 * the page's lifetime: a second `handleRedirectCallback` for the same callback (React
 * StrictMode, a Vue double mount, two awaits) gets the same promise and sends nothing.
 */
const callbacks = new Map();

/** `url` without the OAuth callback parameters (`code`, `state`, `error`, `error_description`). */
function withoutCallbackParams(url) {
  const u = new URL(url);
  for (const p of ['code', 'state', 'error', 'error_description']) u.searchParams.delete(p);
  return u.href;
}

/** Amazon Cognito user-pool authentication for one pool and app client. */
export class CognitoAuth {
  #w;
  #store;
  #key;
  #redirects;
  #redirectKey;
  #lockName;
  #shared = false;
  /** Resolvers waiting for the next change of the session's entry by another tab. */
  #waiting = new Set();
  #listeners = new Map(EVENTS.map((e) => [e, new Set()]));
  /** Flow id → the promise of the operation it belongs to (for `join`). */
  #flows = new Map();

  /** Validates `config` (throws an Error named `InvalidConfig` naming the field). */
  constructor(config) {
    if (!create) {
      throw named('InvalidState', 'call `await init()` before `new CognitoAuth(config)`');
    }
    let text;
    try {
      text = config === undefined || config === null ? undefined : JSON.stringify(config);
    } catch {
      throw named('InvalidConfig', 'config: is not plain JSON data');
    }
    this.#w = guard(() => create(text));
    // The config is valid: these fields are the checked ones.
    this.#store = openStore(config.storage);
    const prefix = 'cognito-wasm.' + config.userPoolId + '.' + config.clientId + '.';
    this.#key = prefix + 'session';
    this.#redirects = openStore('session');
    this.#redirectKey = prefix + 'redirect';
    this.#lockName = prefix + 'refresh';
    const stored = this.#store.getItem(this.#key);
    if (stored !== null && !guard(() => this.#w.restore(stored))) {
      this.#store.removeItem(this.#key);
    }
    if (config.autoRefresh === true) this.#startTimer();
    // Sign-in, refresh and sign-out in other tabs (localStorage is shared by the origin's
    // tabs; the `storage` event fires in every tab but the one that wrote).
    this.#shared = config.storage !== 'session' && !this.#store.inMemory && typeof addEventListener === 'function';
    if (this.#shared) {
      addEventListener('storage', (e) => {
        if (e.key === this.#key || e.key === null) {
          for (const resolve of this.#waiting) resolve();
          this.#waiting.clear();
          try {
            this.#apply(JSON.parse(this.#w.sync(this.#store.getItem(this.#key) ?? undefined, Date.now())));
          } catch {
            // A session that cannot follow keeps what it has; its next call sees storage again.
          }
        }
      });
    }
  }

  /**
   * `autoRefresh`: every 30 s while the page is visible, and when it becomes visible again,
   * `getTokens()` — which refreshes only tokens near expiry (fresh ones are answered from
   * memory, with no request).
   */
  #startTimer() {
    const tick = () => {
      const hidden = typeof document === 'object' && document.visibilityState === 'hidden';
      if (!hidden && this.isSignedIn) this.getTokens().catch(() => {});
    };
    const timer = setInterval(tick, 30_000);
    // In Node, the timer must not keep the process alive.
    if (typeof timer === 'object' && typeof timer.unref === 'function') timer.unref();
    if (typeof document === 'object' && typeof document.addEventListener === 'function') {
      document.addEventListener('visibilitychange', tick);
    }
  }

  /** Starts the operation named `op` (the method's name) and drives it to its result. */
  #run(op, input) {
    let action;
    try {
      let text;
      try {
        text = input === undefined || input === null ? undefined : JSON.stringify(input);
      } catch {
        throw named('InvalidParameter', 'arguments: are not plain JSON data');
      }
      action = JSON.parse(this.#w.start(op, text, Date.now()));
    } catch (e) {
      return Promise.reject(fix(e));
    }
    return this.#drive(action);
  }

  /** Keeps `result` as the promise of `flow` while it runs, for calls that `join` it. */
  #track(flow, result) {
    if (flow === undefined) return result;
    this.#flows.set(flow, result);
    const forget = () => this.#flows.delete(flow);
    result.then(forget, forget);
    return result;
  }

  /**
   * Runs a refresh under the refresh lock: one tab of the origin at a time, so a rotated refresh
   * token is never used twice; the session first sees what the tab before it stored. Where Web
   * Locks is missing, tabs that share localStorage take a lease there instead (`#leased`); with
   * nothing shared (memory, session storage, Node) there is no other tab to wait for.
   */
  #locked(flow) {
    const read = () => this.#store.getItem(this.#key) ?? undefined;
    const before = read();
    const run = async (waited) => {
      // localStorage is cached per renderer process: the write of the tab that held the lock
      // may reach this one after the lock does. A tab that waited and still reads what it read
      // before gives that write a moment to arrive (the storage event), rather than spending a
      // refresh token that tab may have rotated already.
      if (waited && this.#shared && read() === before) {
        await new Promise((resolve) => {
          this.#waiting.add(resolve);
          setTimeout(resolve, 1000);
        });
      }
      let action;
      try {
        action = JSON.parse(this.#w.locked(flow, read(), Date.now()));
      } catch (e) {
        throw fix(e);
      }
      return this.#steps(action);
    };
    const locks = typeof navigator === 'object' ? navigator.locks : undefined;
    if (locks) {
      return locks.request(this.#lockName, { ifAvailable: true }, (free) =>
        free ? run(false) : locks.request(this.#lockName, () => run(true)));
    }
    return this.#shared ? this.#leased(run) : run(false);
  }

  /**
   * The refresh lock where Web Locks is missing but tabs share localStorage: a lease there,
   * `{ owner, until }` under the lock's name. A tab writes its lease when there is none (or it
   * ran out), lets racing writes settle for 50 ms and holds the lock if the lease is still its
   * own; otherwise it looks again every 100 ms. Best effort: a lease runs out after 10 s, and
   * two tabs whose writes cross within the 50 ms can both go on (rotating clients' grace period
   * then covers the second refresh).
   */
  async #leased(run) {
    const key = this.#lockName;
    const me = Date.now().toString(36) + Math.random().toString(36).slice(2);
    const holder = () => {
      try {
        return JSON.parse(this.#store.getItem(key) ?? 'null');
      } catch {
        return null;
      }
    };
    let waited = false;
    for (;;) {
      const lease = holder();
      if (!lease || !(lease.until > Date.now())) {
        write(this.#store, key, JSON.stringify({ owner: me, until: Date.now() + 10_000 }));
        await new Promise((r) => setTimeout(r, 50));
        if (holder()?.owner === me) break;
      }
      waited = true;
      await new Promise((r) => setTimeout(r, 100));
    }
    try {
      return await run(waited);
    } finally {
      if (holder()?.owner === me) write(this.#store, key, null);
    }
  }

  /** Performs `action` and those that follow, to the operation's result. */
  #drive(action) {
    return this.#track(action.flow, this.#steps(action));
  }

  async #steps(action) {
    for (;;) {
      this.#apply(action);
      if (action.error) throw fromWasm(action.error);
      // The result is that of a refresh in flight: at the start of getTokens, or once stored
      // tokens were checked (concurrent calls each check them, then join the first refresh).
      if (action.join !== undefined) {
        return this.#flows.get(action.join) ?? Promise.reject(named('InternalError', 'cognito-wasm lost a refresh in flight (please report it)'));
      }
      // A refresh (at the start of getTokens, or once stored tokens were checked): the rest of
      // the operation runs under the refresh lock, joinable under this flow id.
      if (action.lock) return this.#track(action.flow, this.#locked(action.flow));
      if (action.verify) {
        const ok = await allValid(action.verify);
        try {
          action = JSON.parse(this.#w.verified(action.flow, ok, Date.now()));
        } catch (e) {
          throw fix(e);
        }
        continue;
      }
      const send = action.send;
      if (!send) return action.done;
      let status, body, date;
      // AWS standard retries, under the wasm (`resume` sees the last answer only): at most 3
      // tries, full-jitter exponential backoff. Throttling (429, TooManyRequestsException) says
      // the request was not processed: every request is tried again. A 5xx or a network failure
      // may come after the request was processed: only requests that are safe to repeat (SAFE)
      // are tried again; others — RespondToAuthChallenge, whose Session is single-use, a code's
      // exchange or confirmation, a password change, a sign-up — fail at once, and a failed
      // challenge answer stays open for the app to send again (SECURITY.md, "Retries").
      for (let i = 1; ; i++) {
        status = 0;
        date = undefined;
        try {
          const res = await fetch(send.url, {
            method: send.method,
            headers: send.headers,
            body: send.method === 'GET' ? undefined : send.body,
            // Cognito needs no cookies; never send the app's.
            credentials: 'omit',
          });
          body = await res.text();
          status = res.status;
          // The servers' clock, where CORS lets us read it (Cognito's JSON APIs expose it).
          date = res.headers.get('date') ?? undefined;
        } catch (e) {
          body = 'request to ' + send.url + ' failed: ' + (e instanceof Error ? e.message : String(e));
        }
        const throttled = status === 429 || (status === 400 && body.includes('TooManyRequestsException'));
        if (i === 3 || !(throttled || ((!status || status > 499) && (send.method === 'GET' || SAFE.test(send.headers['X-Amz-Target'] ?? send.body))))) break;
        await new Promise((r) => setTimeout(r, backoff(i, throttled)));
      }
      try {
        action = JSON.parse(this.#w.resume(action.flow, status, body, date, Date.now()));
      } catch (e) {
        throw fix(e);
      }
    }
  }

  /** Applies a step's effects: the storage writes, the events, then the navigation. */
  #apply(action) {
    write(this.#store, this.#key, action.store);
    write(this.#redirects, this.#redirectKey, action.redirect);
    for (const ev of action.events ?? []) {
      const event = ev.error ? { type: ev.type, error: fromWasm(ev.error) } : { type: ev.type };
      for (const listener of [...this.#listeners.get(ev.type)]) {
        try {
          listener(event);
        } catch {
          // A listener that throws must not break the SDK's flow.
        }
      }
    }
    if (action.navigate && typeof location === 'object') location.assign(action.navigate);
  }

  /** An operation of the signed-in user: the tokens are refreshed first when needed. */
  async #asUser(op, input) {
    await this.getTokens();
    return this.#run(op, input);
  }

  /** Signs in (SRP by default) and resolves to the next step. */
  signIn(input) { return this.#run('signIn', input); }
  /** Answers the current sign-in step and resolves to the next one. */
  confirmSignIn(input) { return this.#run('confirmSignIn', input); }
  signUp(input) { return this.#run('signUp', input); }
  confirmSignUp(input) { return this.#run('confirmSignUp', input); }
  resendSignUpCode(input) { return this.#run('resendSignUpCode', input); }
  forgotPassword(input) { return this.#run('forgotPassword', input); }
  confirmForgotPassword(input) { return this.#run('confirmForgotPassword', input); }
  changePassword(input) { return this.#asUser('changePassword', input); }
  fetchUserAttributes() { return this.#asUser('fetchUserAttributes'); }
  setUpTotp() { return this.#asUser('setUpTotp'); }
  verifyTotp(input) { return this.#asUser('verifyTotp', input); }
  setMfaPreference(input) { return this.#asUser('setMfaPreference', input); }
  getTokens(input) { return this.#run('getTokens', input); }
  signOut(input) { return this.#run('signOut', input); }

  /**
   * Sends the browser to the hosted UI (PKCE, state and nonce kept in this tab's session
   * storage); resolves to `{ url }` as it goes.
   */
  signInWithRedirect(input) { return this.#run('signInWithRedirect', input); }

  /**
   * Completes a hosted-UI sign-in on the redirect page: checks `state`, exchanges the code once,
   * checks the id token's nonce, removes `code` and `state` from the address bar, and resolves to
   * `{ state }` (the app's state given to `signInWithRedirect`). Idempotent per callback URL.
   */
  handleRedirectCallback(url) {
    const href = url ?? (typeof location === 'object' ? location.href : undefined);
    if (typeof href !== 'string') {
      return Promise.reject(named('InvalidParameter', 'url: is required outside a browser page'));
    }
    const seen = callbacks.get(href);
    if (seen) return seen;
    let query;
    try {
      query = new URL(href).searchParams;
    } catch {
      return Promise.reject(named('InvalidParameter', 'url: is not a URL'));
    }
    const cleaned = withoutCallbackParams(href);
    const param = (name) => query.get(name) ?? undefined;
    const result = this.#run('handleRedirectCallback', {
      code: param('code'),
      state: param('state'),
      error: param('error'),
      errorDescription: param('error_description'),
      pending: this.#redirects.getItem(this.#redirectKey) ?? undefined,
    }).then((done) => {
      if (typeof location === 'object' && typeof history === 'object' && location.href === href && cleaned !== href) {
        history.replaceState(history.state, '', cleaned);
      }
      return done;
    });
    callbacks.set(href, result);
    if (cleaned !== href) callbacks.set(cleaned, result);
    return result;
  }

  /** The signed-in user's display claims, or `null`. */
  get user() {
    const text = guard(() => this.#w.user);
    return text === undefined ? null : JSON.parse(text);
  }

  /** Whether a user is signed in. */
  get isSignedIn() {
    return guard(() => this.#w.isSignedIn);
  }

  /**
   * Calls `listener({ type, error? })` on `event`; returns a function that unsubscribes.
   * Throws `InvalidParameter` for an unknown event name or a listener that is not a function.
   */
  on(event, listener) {
    const set = this.#listeners.get(event);
    if (!set) {
      throw named('InvalidParameter', "event: expected 'signedIn', 'signedOut', 'tokenRefreshed' or 'refreshFailed'");
    }
    if (typeof listener !== 'function') {
      throw named('InvalidParameter', 'listener: expected a function');
    }
    // A wrapper per subscription, so the same function subscribed twice is called twice.
    const once = (e) => listener(e);
    set.add(once);
    return () => void set.delete(once);
  }
}
