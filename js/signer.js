// SigV4Signer: AWS Signature Version 4 in the wasm (src/core/sigv4/), for S3 requests and
// presigned URLs. The signing key is derived once per day and kept in the wasm.
import { named } from './auth.js';
import { call } from './wasm-storage.js';

/** `{ name: value }` headers as the "name:value" lines the wasm signs (names lowercased). */
function headerLines(headers) {
  let lines = '';
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined || value === null) continue;
    if (/[\r\n]/.test(String(value))) throw named('InvalidParameter', `headers: ${name} contains a line break`);
    lines += (lines ? '\n' : '') + name.toLowerCase() + ':' + String(value);
  }
  return lines;
}

/** Signs requests with one set of AWS credentials. */
export class SigV4Signer {
  #w;
  /** The access key id the signer signs with. */
  accessKeyId;

  /**
   * `{ accessKeyId, secretAccessKey, sessionToken?, region, service = 's3' }`; throws
   * `InvalidParameter` naming a missing one.
   */
  constructor({ accessKeyId, secretAccessKey, sessionToken, region, service = 's3' } = {}) {
    for (const [name, v] of Object.entries({ accessKeyId, secretAccessKey, region, service })) {
      if (typeof v !== 'string' || v === '') throw named('InvalidParameter', `${name}: is required`);
    }
    this.#w = call((w) => new w.WasmSigner(accessKeyId, secretAccessKey, sessionToken || undefined, region, service));
    this.accessKeyId = accessKeyId;
  }

  /**
   * The headers to add to `{ method, url, headers? }` (url exactly as it will be sent, path and
   * query percent-encoded): `authorization`, `x-amz-date`, `x-amz-content-sha256` and, with a
   * session token, `x-amz-security-token`. `headers` are signed along with `host`; send them
   * unchanged. `payloadHash` (hex SHA-256 of the body) is optional: without it the body is
   * `UNSIGNED-PAYLOAD`. `now` (ms) defaults to the device's clock.
   */
  sign({ method, url, headers, payloadHash, now = Date.now() }) {
    const lines = headerLines(headers);
    return JSON.parse(call(() => this.#w.sign(method, url, lines, payloadHash, now)));
  }

  /** `url` presigned for `method`, valid `expiresIn` seconds (1 to 604800; default 900). */
  presign({ method = 'GET', url, expiresIn = 900, now = Date.now() }) {
    return call(() => this.#w.presign(method, url, expiresIn, now));
  }

  /** Releases the wasm memory holding the signing key. */
  free() {
    this.#w?.free();
    this.#w = undefined;
  }
}
