// S3Bucket: S3 calls signed in the wasm with the credentials of an IdentityCredentials (or any
// `{ getCredentials() }`), with AWS's standard retry behaviour: up to `attempts` tries, full-jitter
// exponential backoff for throttling, 5xx and network errors (never for refusals), the clock
// corrected from S3's answer on RequestTimeTooSkewed, and fresh credentials on ExpiredToken.
import { backoff, named, openStore } from './auth.js';
import { call, callJson, errorFrom, queryValue } from './wasm-storage.js';
import { SigV4Signer } from './signer.js';
import { configOf, storageOf } from './credentials.js';
import { exchange, sleep } from './transport.js';
import { Upload } from './upload.js';

const THROTTLED = new Set(['SlowDown', 'Throttling', 'ThrottlingException', 'RequestLimitExceeded', 'TooManyRequestsException']);

/** The S3 error for `{ name, message, status }`, with what the developer can do where it is known. */
function s3Error(e) {
  const err = errorFrom(e);
  if (e.name === 'SignatureDoesNotMatch') {
    err.message += ' (the request was signed with other headers or another key than it was sent with)';
  }
  return err;
}

/** One S3 bucket, its keys under a prefix of the identity's own (`private/<identityId>/` by default). */
export class S3Bucket {
  #creds;
  #bucket;
  #region;
  #endpoint;
  #prefix;
  #signer = null;
  /** Milliseconds to add to the device's clock to get S3's (from RequestTimeTooSkewed). */
  #skew = 0;
  #store;

  /**
   * `credentials`: an IdentityCredentials, or any object with `getCredentials()` resolving to
   * `{ accessKeyId, secretAccessKey, sessionToken?, identityId? }`. Options: `bucket`
   * (required), `region` (default: the identity pool's), `endpoint` (default: the CognitoAuth
   * config's `endpoints.s3`, else AWS — virtual-hosted style), `keyPrefix` (default
   * `'private/{identityId}/'`; `''` for keys as given).
   */
  constructor(credentials, options = {}) {
    if (!credentials || typeof credentials.getCredentials !== 'function') {
      throw named('InvalidParameter', 'credentials: expected an IdentityCredentials (or an object with getCredentials())');
    }
    const { bucket, keyPrefix = 'private/{identityId}/' } = options;
    if (typeof bucket !== 'string' || bucket === '') throw named('InvalidParameter', 'bucket: is required');
    if (typeof keyPrefix !== 'string') throw named('InvalidParameter', 'keyPrefix: expected a string');
    const config = credentials.auth ? configOf(credentials.auth) : undefined;
    this.#creds = credentials;
    this.#bucket = bucket;
    this.#region = options.region ?? credentials.region ?? config?.region;
    if (typeof this.#region !== 'string' || this.#region === '') throw named('InvalidParameter', 'region: is required');
    this.#endpoint = options.endpoint ?? config?.endpoints?.s3;
    this.#prefix = keyPrefix;
    this.#store = openStore(options.storage ?? storageOf.get(credentials) ?? 'memory');
    // Checks the bucket name (and the endpoint) now rather than at the first call.
    call((w) => w.s3ObjectUrl(this.#endpoint, bucket, this.#region, ''));
  }

  /** The bucket's name. */
  get name() {
    return this.#bucket;
  }

  /** The full S3 key of `key` (the key prefix with the identity id filled in, then `key`). */
  async fullKey(key) {
    if (typeof key !== 'string' || key === '') throw named('InvalidParameter', 'key: is required');
    if (typeof key.isWellFormed === 'function' && !key.isWellFormed()) {
      throw named('InvalidParameter', 'key: contains a lone UTF-16 surrogate, which has no UTF-8 form');
    }
    if (!this.#prefix.includes('{identityId}')) return this.#prefix + key;
    const { identityId } = await this.#creds.getCredentials();
    if (!identityId) throw named('InvalidParameter', 'keyPrefix: uses {identityId} but the credentials have no identityId');
    return this.#prefix.replaceAll('{identityId}', identityId) + key;
  }

  /** The object URL of a full key (`''`: the bucket's). */
  url(fullKey) {
    return call((w) => w.s3ObjectUrl(this.#endpoint, this.#bucket, this.#region, fullKey));
  }

  /** The signer for `creds`, made anew when the credentials change. */
  #signerFor(creds) {
    if (this.#signer?.accessKeyId !== creds.accessKeyId) {
      this.#signer?.free();
      this.#signer = new SigV4Signer({ ...creds, region: this.#region, service: 's3' });
    }
    return this.#signer;
  }

  /**
   * One S3 call with retries: `kind` names the operation (for reading its answer), `fullKey` the
   * object (`''`: the bucket), `query` the raw query (already encoded). Resolves to
   * `{ answer, header(name) }`; rejects with the S3 error (`name`, `status`, S3's message) or an
   * `AbortError`.
   */
  async request(kind, { method, fullKey = '', query = '', headers = {}, body, onProgress, signal, attempts = 3 }) {
    const url = this.url(fullKey) + (query ? '?' + query : '');
    let refresh = false;
    for (let attempt = 1; ; attempt++) {
      const creds = await this.#creds.getCredentials(refresh ? { forceRefresh: true } : undefined);
      refresh = false;
      const signed = this.#signerFor(creds).sign({ method, url, headers, now: Date.now() + this.#skew });
      onProgress?.(0);
      const res = await exchange(method, url, { ...headers, ...signed }, body, { onProgress, signal });
      const answer = callJson((w) => w.s3Answer(kind, res.status, res.text));
      if (!answer.error) return { answer, header: res.header };
      const e = answer.error;
      if (attempt >= attempts || !e.retry) throw s3Error(e);
      if (e.retry === 'clock') {
        const date = Date.parse(res.header('date') ?? '');
        const server = e.serverTime ?? (Number.isNaN(date) ? undefined : date);
        if (server === undefined) throw s3Error(e);
        this.#skew = server - Date.now();
      } else if (e.retry === 'credentials') {
        refresh = true;
      } else {
        await sleep(backoff(attempt, THROTTLED.has(e.name) || e.status === 429 || e.status === 503), signal);
      }
    }
  }

  /**
   * Uploads `data` (File, Blob, Uint8Array or ArrayBuffer) under `options.key`: one PutObject up
   * to the part size, a multipart upload above it. Returns the upload's handle (`done`,
   * `pause()`, `resume()`, `cancel()`); see Upload.
   */
  upload(data, options = {}) {
    return new Upload(this, this.#store, data, options);
  }

  /**
   * One page of the objects under `prefix` (relative to the key prefix):
   * `{ objects: [{ key, path, size, etag, lastModified }], prefixes, nextContinuationToken }`
   * — `key` relative to the key prefix, `path` the full S3 key. Pass `nextContinuationToken`
   * back as `continuationToken` for the next page.
   */
  async list({ prefix = '', maxKeys, continuationToken, delimiter } = {}) {
    const base = (await this.fullKey('x')).slice(0, -1);
    let query = 'list-type=2&prefix=' + queryValue(base + prefix);
    if (delimiter !== undefined) query += '&delimiter=' + queryValue(delimiter);
    if (maxKeys !== undefined) {
      if (!Number.isInteger(maxKeys) || maxKeys < 1 || maxKeys > 1000) throw named('InvalidParameter', 'maxKeys: expected an integer from 1 to 1000');
      query += '&max-keys=' + maxKeys;
    }
    if (continuationToken !== undefined) query += '&continuation-token=' + queryValue(continuationToken);
    const { answer } = await this.request('ListObjectsV2', { method: 'GET', query });
    return {
      objects: answer.objects.map((o) => ({
        key: o.key.startsWith(base) ? o.key.slice(base.length) : o.key,
        path: o.key,
        size: o.size,
        etag: o.etag,
        lastModified: new Date(o.lastModified),
      })),
      prefixes: (answer.prefixes ?? []).map((p) => (p.startsWith(base) ? p.slice(base.length) : p)),
      nextContinuationToken: answer.truncated ? answer.nextContinuationToken : undefined,
    };
  }

  /** A presigned GET URL of `key`, valid `expiresIn` seconds (default 900; at most the credentials' lifetime in practice). */
  async presignGet(key, { expiresIn = 900 } = {}) {
    if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > 604_800) {
      throw named('InvalidParameter', 'expiresIn: expected whole seconds from 1 to 604800 (7 days)');
    }
    const url = this.url(await this.fullKey(key));
    const creds = await this.#creds.getCredentials();
    return this.#signerFor(creds).presign({ method: 'GET', url, expiresIn, now: Date.now() + this.#skew });
  }

  /** Deletes `key` (S3 answers success for a key that does not exist). */
  async delete(key) {
    await this.request('DeleteObject', { method: 'DELETE', fullKey: await this.fullKey(key) });
  }
}
