// cognito-wasm: the npm entry. `await init()` once, then `new CognitoAuth(config)`.
//
// A thin wrapper over the wasm-bindgen class (./cognito_wasm.js):
// - init() loads the .wasm in browsers and bundlers (fetch of a URL beside this file, which
//   Vite and webpack rewrite) and in Node 20+ (where fetch of a file: URL fails, so the file is
//   read with node:fs);
// - arguments and results cross into the wasm as JSON text (JSON.stringify / JSON.parse here);
// - every call is guarded so that a WebAssembly trap (a bug: the SDK is written not to panic)
//   reaches the app as an Error named `InternalError`, never as a bare RuntimeError;
// - `on()` returns an unsubscribe function.
import wasmInit, { CognitoAuth as WasmAuth, Op } from './cognito_wasm.js';

let ready = null;
let initialized = false;

function isNodeFileUrl(url) {
  return (
    url.protocol === 'file:' &&
    typeof process === 'object' &&
    process !== null &&
    typeof process.versions === 'object' &&
    typeof process.versions.node === 'string'
  );
}

/**
 * Loads and instantiates the WebAssembly module (once; later calls return the same promise).
 * `input` is optional: a URL, Response, BufferSource or WebAssembly.Module to load instead of
 * the bundled `cognito_wasm_bg.wasm`.
 */
export default function init(input) {
  if (!ready) {
    ready = (async () => {
      let source = input;
      if (source === undefined) {
        const url = new URL('./cognito_wasm_bg.wasm', import.meta.url);
        if (isNodeFileUrl(url)) {
          // Hidden from bundlers: this branch only ever runs under Node.
          const fs = 'node:fs/promises';
          const { readFile } = await import(/* @vite-ignore */ /* webpackIgnore: true */ fs);
          source = await readFile(url);
        } else {
          source = url;
        }
      }
      await wasmInit({ module_or_path: source });
      initialized = true;
    })();
    ready.catch(() => {
      ready = null;
    });
  }
  return ready;
}
export { init };

function named(name, message, cause) {
  const e = new Error(message, cause === undefined ? undefined : { cause });
  e.name = name;
  e.code = name;
  return e;
}

// A wasm trap (or anything that is not an Error) becomes a named Error.
function fix(e) {
  if (typeof WebAssembly === 'object' && e instanceof WebAssembly.RuntimeError) {
    return named('InternalError', 'cognito-wasm hit an internal error (please report it): ' + e.message, e);
  }
  if (e instanceof Error) return e;
  return named('InternalError', 'cognito-wasm failed with a non-Error value: ' + String(e), e);
}

function guard(f) {
  try {
    return f();
  } catch (e) {
    throw fix(e);
  }
}

function parse(text) {
  return text === undefined ? undefined : JSON.parse(text);
}

const EVENTS = ['signedIn', 'signedOut', 'tokenRefreshed', 'refreshFailed'];

/** Amazon Cognito user-pool authentication for one pool and app client. */
export class CognitoAuth {
  #inner;

  /** Validates `config` (throws an Error named `InvalidConfig` naming the field). */
  constructor(config) {
    if (!initialized) {
      throw named('InvalidState', 'call `await init()` before `new CognitoAuth(config)`');
    }
    let text;
    try {
      text = config === undefined || config === null ? undefined : JSON.stringify(config);
    } catch {
      throw named('InvalidConfig', 'config: is not plain JSON data');
    }
    this.#inner = guard(() => new WasmAuth(text));
  }

  async #run(op, input) {
    let text;
    try {
      text = input === undefined || input === null ? undefined : JSON.stringify(input);
    } catch {
      throw named('InvalidParameter', 'arguments: are not plain JSON data');
    }
    try {
      return parse(await this.#inner.run(op, text));
    } catch (e) {
      throw fix(e);
    }
  }

  /** Signs in (SRP by default) and resolves to the next step. */
  signIn(input) { return this.#run(Op.SignIn, input); }
  /** Answers the current sign-in step and resolves to the next one. */
  confirmSignIn(input) { return this.#run(Op.ConfirmSignIn, input); }
  signUp(input) { return this.#run(Op.SignUp, input); }
  confirmSignUp(input) { return this.#run(Op.ConfirmSignUp, input); }
  resendSignUpCode(input) { return this.#run(Op.ResendSignUpCode, input); }
  forgotPassword(input) { return this.#run(Op.ForgotPassword, input); }
  confirmForgotPassword(input) { return this.#run(Op.ConfirmForgotPassword, input); }
  changePassword(input) { return this.#run(Op.ChangePassword, input); }
  fetchUserAttributes() { return this.#run(Op.FetchUserAttributes); }
  setUpTotp() { return this.#run(Op.SetUpTotp); }
  verifyTotp(input) { return this.#run(Op.VerifyTotp, input); }
  setMfaPreference(input) { return this.#run(Op.SetMfaPreference, input); }
  getTokens(input) { return this.#run(Op.GetTokens, input); }
  signOut(input) { return this.#run(Op.SignOut, input); }

  /** The signed-in user's display claims, or `null`. */
  get user() {
    return guard(() => parse(this.#inner.user)) ?? null;
  }

  /** Whether a user is signed in. */
  get isSignedIn() {
    return guard(() => this.#inner.isSignedIn);
  }

  /**
   * Calls `listener({ type, error? })` on `event`; returns a function that unsubscribes.
   * Throws `InvalidParameter` for an unknown event name or a listener that is not a function.
   */
  on(event, listener) {
    if (typeof event !== 'string' || !EVENTS.includes(event)) {
      throw named('InvalidParameter', "event: expected 'signedIn', 'signedOut', 'tokenRefreshed' or 'refreshFailed'");
    }
    if (typeof listener !== 'function') {
      throw named('InvalidParameter', 'listener: expected a function');
    }
    const id = guard(() =>
      this.#inner.on(event, (type, error) => listener(error === undefined ? { type } : { type, error })),
    );
    let done = false;
    return () => {
      if (!done) {
        done = true;
        guard(() => this.#inner.off(id));
      }
    };
  }
}
