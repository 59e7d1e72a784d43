// IdentityCredentials: temporary AWS credentials from a Cognito identity pool, for the user
// signed in to a CognitoAuth, or for a guest when nobody is and the pool allows guests.
//
// GetId gives the identity id (kept in storage per pool and per user — a guest's id is never
// presented for a user, nor one user's for another), GetCredentialsForIdentity the credentials
// (kept in storage, with their owner). They are refreshed ahead of expiry, once per origin at a
// time (a Web Lock per identity pool, like the token refresh), and dropped on sign-out.
import { CognitoAuth as Auth, backoff, named, openStore, write } from './auth.js';
import { call, callJson, errorFrom } from './wasm-storage.js';
import { sleep } from './transport.js';

/** Each storage-entry CognitoAuth's config (checked by the wasm when it was made). */
const configs = new WeakMap();

/** The config `auth` was made with, or undefined for anything but a storage-entry CognitoAuth. */
export function configOf(auth) {
  return configs.get(auth);
}

/**
 * The storage entry's CognitoAuth: the same class, remembering its config for
 * IdentityCredentials and S3Bucket (kept out of the `cognito-wasm` entry, which needs none of it).
 */
export class CognitoAuth extends Auth {
  constructor(config) {
    super(config);
    configs.set(this, JSON.parse(JSON.stringify(config)));
  }
}

/** Each IdentityCredentials' storage kind, for the S3Bucket that uses it (upload records). */
export const storageOf = new WeakMap();

const GUEST = 'guest';

/** Whether credentials expiring at `expiration` (ms) should be renewed at `now`: within 5 minutes
 * of expiry, or half their lifetime for short-lived ones. */
function due(entry, now) {
  const lifetime = entry.expiration - entry.received;
  const margin = Math.min(300_000, lifetime / 2);
  return entry.expiration - now <= margin;
}

/** Temporary AWS credentials from an identity pool for the user of `auth` (or a guest). */
export class IdentityCredentials {
  #auth;
  #poolId;
  #endpoint;
  #store;
  #key;
  #lockName;
  /** The credentials in use: `{ owner, accessKeyId, secretAccessKey, sessionToken, expiration, received, identityId }`. */
  #current = null;
  /** Owner → the request in flight in this tab. */
  #inflight = new Map();

  /**
   * `auth`: a CognitoAuth; `options.identityPoolId` and `options.endpoint` default to its config's
   * `identityPoolId` and `endpoints.identityPool`.
   */
  constructor(auth, options = {}) {
    const config = configOf(auth);
    if (!config) throw named('InvalidParameter', "auth: expected a CognitoAuth from 'cognito-wasm/storage'");
    const poolId = options.identityPoolId ?? config.identityPoolId;
    if (typeof poolId !== 'string' || !/^[a-z]{2}(-[a-z]+)+-\d:[0-9a-f-]{36}$/.test(poolId)) {
      throw named('InvalidConfig', `identityPoolId: expected "<region>:<uuid>" in the options or the CognitoAuth config, got ${JSON.stringify(poolId)}`);
    }
    const region = poolId.slice(0, poolId.indexOf(':'));
    this.#auth = auth;
    this.#poolId = poolId;
    this.#endpoint = options.endpoint ?? config.endpoints?.identityPool ?? `https://cognito-identity.${region}.amazonaws.com/`;
    const kind = config.storage ?? 'local';
    this.#store = openStore(kind);
    storageOf.set(this, kind);
    this.#key = 'cognito-wasm.' + poolId + '.';
    this.#lockName = this.#key + 'credentials';
    // A user's credentials never outlive their session, in this tab or (through the storage
    // event that signs the other tabs out) in any other.
    auth.on('signedOut', () => this.clear());
    auth.on('signedIn', () => {
      this.#current = null;
    });
  }

  /** The identity pool's region. */
  get region() {
    return this.#poolId.slice(0, this.#poolId.indexOf(':'));
  }

  /** The CognitoAuth these credentials follow. */
  get auth() {
    return this.#auth;
  }

  /**
   * Credentials for the signed-in user, or guest credentials when nobody is signed in:
   * `{ accessKeyId, secretAccessKey, sessionToken, expiration (Date), identityId }`. Answered
   * from the cache while fresh; `{ forceRefresh: true }` asks the identity pool again.
   */
  async getCredentials({ forceRefresh = false } = {}) {
    const login = await this.#login();
    const owner = login ? login.owner : GUEST;
    const now = Date.now();
    if (!forceRefresh) {
      const fresh = this.#fresh(owner, now);
      if (fresh) return fresh;
    }
    let flight = this.#inflight.get(owner);
    if (!flight) {
      const stale = forceRefresh ? this.#current?.accessKeyId : undefined;
      flight = this.#locked(() => this.#obtain(login, owner, stale)).finally(() => this.#inflight.delete(owner));
      this.#inflight.set(owner, flight);
    }
    return flight;
  }

  /** Forgets the credentials (memory and storage). Identity ids are kept: they are not secret. */
  clear() {
    this.#current = null;
    write(this.#store, this.#lockName, null);
  }

  /** `{ provider, token, owner }` of the signed-in user, or null for a guest. */
  async #login() {
    if (!this.#auth.isSignedIn) return null;
    const { idToken } = await this.#auth.getTokens();
    const provider = call((w) => w.identityProvider(idToken));
    const sub = this.#auth.user?.sub;
    if (!sub) throw named('InternalError', 'the id token has no sub');
    return { provider, token: idToken, owner: provider + '/' + sub };
  }

  /** The credentials of `owner` from memory or storage while they are fresh, else null. */
  #fresh(owner, now) {
    let entry = this.#current;
    if (!entry || entry.owner !== owner || due(entry, now)) {
      entry = this.#stored();
      if (!entry || entry.owner !== owner || due(entry, now)) return null;
      this.#current = entry;
    }
    return publicForm(entry);
  }

  #stored() {
    try {
      return JSON.parse(this.#store.getItem(this.#lockName) ?? 'null');
    } catch {
      return null;
    }
  }

  /** Runs `f` holding the identity pool's lock (one tab of the origin at a time) where Web Locks exist. */
  #locked(f) {
    const locks = typeof navigator === 'object' ? navigator.locks : undefined;
    return locks ? locks.request(this.#lockName, f) : f();
  }

  /** Under the lock: another tab's fresh credentials, or new ones from the identity pool. */
  async #obtain(login, owner, stale) {
    const now = Date.now();
    const other = this.#stored();
    if (other && other.owner === owner && other.accessKeyId !== stale && !due(other, now)) {
      this.#current = other;
      return publicForm(other);
    }
    const logins = login ? { [login.provider]: login.token } : undefined;
    const idKey = this.#key + 'identity.' + owner;
    let identityId = this.#store.getItem(idKey) ?? undefined;
    for (let fresh = !identityId; ; fresh = true) {
      if (!identityId) {
        identityId = (await this.#call('GetId', { identityPoolId: this.#poolId, logins })).identityId;
        write(this.#store, idKey, identityId);
      }
      try {
        const c = await this.#call('GetCredentialsForIdentity', { identityPoolId: this.#poolId, identityId, logins });
        const entry = { owner, ...c, received: Date.now() };
        // The answer may belong to a user who signed out meanwhile: keep it only if still current.
        const still = await this.#login().then((l) => (l ? l.owner : GUEST), () => null);
        if (still !== owner) throw named('NotAuthorizedException', 'the user signed out (or changed) while credentials were requested');
        this.#current = entry;
        write(this.#store, this.#lockName, JSON.stringify(entry));
        return publicForm(entry);
      } catch (e) {
        // A kept identity id the pool no longer knows (deleted, or reset): ask for one again, once.
        const gone = e.name === 'ResourceNotFoundException' || (e.name === 'NotAuthorizedException' && /Logins don't match/.test(e.message));
        if (fresh || !gone) throw e;
        write(this.#store, idKey, null);
        identityId = undefined;
      }
    }
  }

  /** One identity-pool call, retried with backoff (full jitter) on throttling, 5xx and network errors. */
  async #call(op, input) {
    const request = callJson((w) => w.identityRequest(op, JSON.stringify(input)));
    for (let attempt = 0; ; attempt++) {
      let status = 0;
      let body;
      try {
        const res = await fetch(this.#endpoint, { method: 'POST', headers: request.headers, body: request.body, credentials: 'omit' });
        status = res.status;
        body = await res.text();
      } catch (e) {
        body = 'request to ' + this.#endpoint + ' failed: ' + (e instanceof Error ? e.message : String(e));
      }
      const answer = callJson((w) => w.identityAnswer(op, status, body));
      if (!answer.error) return answer;
      if (answer.error.retry !== 'backoff' || attempt >= 2) throw errorFrom(answer.error);
      await sleep(backoff(attempt + 1, answer.error.name === 'TooManyRequestsException' || status === 429));
    }
  }
}

/** What getCredentials() resolves to. */
function publicForm(entry) {
  return {
    accessKeyId: entry.accessKeyId,
    secretAccessKey: entry.secretAccessKey,
    sessionToken: entry.sessionToken,
    expiration: new Date(entry.expiration),
    identityId: entry.identityId,
  };
}
