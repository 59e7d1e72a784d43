// Upload: one object's upload to S3 — a PutObject up to the part size, else a multipart upload
// with `concurrency` parts in flight, each read from the data only when it is sent (a Blob slice
// goes to the network as it is; memory stays near part size × concurrency). Finished parts are
// recorded in storage (upload id, ETags), so an upload cut off by a dropped connection or a page
// reload resumes when `upload()` is called again with the same data and key: the record is
// reconciled with ListParts and only missing parts are sent. `cancel()` and an aborted `signal`
// send AbortMultipartUpload, so no upload is left behind.
import { named } from './auth.js';
import { call, callJson, queryValue } from './wasm-storage.js';
import { abortError } from './transport.js';

/** Tries per part (and per PutObject / CompleteMultipartUpload) before an upload gives up. */
const PART_ATTEMPTS = 6;
const CHECKSUMS = ['CRC32', 'CRC64NVME'];

/** `data` as `{ size, slice(start, end), name?, lastModified?, type? }`. */
function source(data) {
  if (typeof Blob === 'function' && data instanceof Blob) {
    return { size: data.size, slice: (a, b) => data.slice(a, b), name: data.name, lastModified: data.lastModified, type: data.type, blob: true };
  }
  let bytes;
  if (data instanceof ArrayBuffer) bytes = new Uint8Array(data);
  else if (ArrayBuffer.isView(data)) bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  else throw named('InvalidParameter', 'data: expected a File, Blob, Uint8Array or ArrayBuffer');
  return { size: bytes.length, slice: (a, b) => bytes.subarray(a, b), blob: false };
}

/** The bytes of a slice (a Blob slice is read now). */
async function bytesOf(slice) {
  return slice instanceof Uint8Array ? slice : new Uint8Array(await slice.arrayBuffer());
}

/** The base64 CRC (`algorithm`) of `bytes`, computed in the wasm. */
function checksumOf(algorithm, bytes) {
  return call((w) => {
    const c = new w.WasmChecksum(algorithm);
    try {
      c.update(bytes);
      return c.finish();
    } finally {
      c.free();
    }
  });
}

/** `x-amz-meta-*` headers from `metadata` (ASCII names and values, as HTTP headers carry them). */
function metadataHeaders(metadata) {
  const headers = {};
  for (const [name, value] of Object.entries(metadata ?? {})) {
    if (!/^[A-Za-z0-9_-]+$/.test(name)) throw named('InvalidParameter', `metadata: the name ${JSON.stringify(name)} must be ASCII letters, digits, - and _`);
    if (typeof value !== 'string' || !/^[\x20-\x7e]*$/.test(value)) {
      throw named('InvalidParameter', `metadata: the value of ${name} must be a string of printable ASCII (encode other text, e.g. with encodeURIComponent)`);
    }
    headers['x-amz-meta-' + name.toLowerCase()] = value;
  }
  return headers;
}

/** The handle of one upload: `done`, `pause()`, `resume()`, `cancel()`. */
export class Upload {
  /** Resolves to `{ key, etag, size }` when S3 has the whole object; rejects with the error that stopped it. */
  done;
  /** The multipart upload's id once it has one (undefined for a single PutObject). */
  uploadId;
  #bucket;
  #store;
  #src;
  #opts;
  #paused = null;
  #cancelled = false;
  #active = new Set();
  /** The last `loaded` told to onProgress (null: none yet). */
  #reported = null;
  #fatal = null;

  constructor(bucket, store, data, options) {
    this.#bucket = bucket;
    this.#store = store;
    this.done = (async () => {
      this.#src = source(data);
      this.#opts = this.#check(options);
      if (options.signal) {
        if (options.signal.aborted) throw abortError('the upload was aborted by its signal');
        options.signal.addEventListener('abort', () => this.cancel(), { once: true });
      }
      return this.#run();
    })();
    // The app sees failures through `done`; an unobserved one must not be an unhandled rejection.
    this.done.catch(() => {});
  }

  /** Stops sending: parts in flight are abandoned (sent again on resume); `done` stays pending. */
  pause() {
    if (this.#paused || this.#cancelled) return;
    let release;
    this.#paused = { promise: new Promise((r) => (release = r)), release };
    for (const c of this.#active) c.abort();
  }

  /** Goes on after `pause()`. */
  resume() {
    const p = this.#paused;
    this.#paused = null;
    p?.release();
  }

  /**
   * Stops the upload for good: requests in flight are aborted, a multipart upload is aborted at
   * S3 (its parts deleted) and its record removed; `done` rejects with an `AbortError`.
   */
  cancel() {
    if (this.#cancelled) return;
    this.#cancelled = true;
    for (const c of this.#active) c.abort();
    this.resume();
  }

  #check(o) {
    if (typeof o.key !== 'string' || o.key === '') throw named('InvalidParameter', 'key: is required');
    if (o.checksum !== undefined && !CHECKSUMS.includes(o.checksum)) throw named('InvalidParameter', "checksum: expected 'CRC32' or 'CRC64NVME'");
    const concurrency = o.concurrency ?? 4;
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 16) throw named('InvalidParameter', 'concurrency: expected an integer from 1 to 16');
    if (o.onProgress !== undefined && typeof o.onProgress !== 'function') throw named('InvalidParameter', 'onProgress: expected a function');
    const contentType = o.contentType ?? (this.#src.type || 'application/octet-stream');
    const plan = callJson((w) => w.partPlan(this.#src.size, o.partSize));
    return { key: o.key, checksum: o.checksum, concurrency, onProgress: o.onProgress, contentType, meta: metadataHeaders(o.metadata), plan };
  }

  /** Tells the app `loaded` bytes are at S3 — never less than before, never more than the size. */
  #progress(loaded) {
    const total = this.#src.size;
    loaded = Math.min(loaded, total);
    if (this.#reported !== null && loaded <= this.#reported) return;
    this.#reported = loaded;
    try {
      this.#opts.onProgress?.({ loaded, total });
    } catch {
      // A listener that throws must not break the upload.
    }
  }

  /** One request of this upload: paused requests wait and go again; cancelled ones end it. */
  async #send(kind, req) {
    for (;;) {
      if (this.#paused) await this.#paused.promise;
      if (this.#cancelled) throw abortError('the upload was cancelled');
      if (this.#fatal) throw this.#fatal;
      const ctl = new AbortController();
      this.#active.add(ctl);
      try {
        return await this.#bucket.request(kind, { ...req, signal: ctl.signal });
      } catch (e) {
        if (e.name === 'AbortError' && !this.#cancelled && !this.#fatal) continue; // paused
        throw e;
      } finally {
        this.#active.delete(ctl);
      }
    }
  }

  async #run() {
    const key = await this.#bucket.fullKey(this.#opts.key);
    const { plan } = this.#opts;
    const result = plan.single ? await this.#putObject(key) : await this.#multipart(key, plan);
    this.#progress(this.#src.size);
    return result;
  }

  async #putObject(key) {
    const { checksum, contentType, meta } = this.#opts;
    const body = this.#src.slice(0, this.#src.size);
    const headers = { 'content-type': contentType, ...meta };
    if (checksum) headers['x-amz-checksum-' + checksum.toLowerCase()] = checksumOf(checksum, await bytesOf(body));
    const { header } = await this.#send('PutObject', {
      method: 'PUT', fullKey: key, headers, body, attempts: PART_ATTEMPTS,
      onProgress: (loaded) => this.#progress(loaded),
    });
    return { key, etag: header('etag') ?? undefined, size: this.#src.size };
  }

  /** The storage key of the record of a multipart upload of `key`. */
  #recordKey(key) {
    return 'cognito-wasm.upload.' + this.#bucket.name + '/' + key;
  }

  /** What identifies the same data and the same plan across page loads. */
  #fingerprint() {
    const s = this.#src;
    return JSON.stringify([s.size, s.name ?? null, s.lastModified ?? null, this.#opts.plan.partSize, this.#opts.checksum ?? null, this.#opts.contentType]);
  }

  #save(rec) {
    try {
      this.#store.setItem(this.#recordKey(rec.key), JSON.stringify(rec));
    } catch {
      // Storage refused (quota, privacy mode): this page can still finish; a reload cannot resume.
    }
  }

  #forget(key) {
    try {
      this.#store.removeItem(this.#recordKey(key));
    } catch {
      // Nothing to do.
    }
  }

  /** A kept record of this data's upload to `key`, reconciled with ListParts; null if none. */
  async #resumable(key) {
    let rec;
    try {
      rec = JSON.parse(this.#store.getItem(this.#recordKey(key)) ?? 'null');
    } catch {
      rec = null;
    }
    if (!rec || rec.fingerprint !== this.#fingerprint() || typeof rec.uploadId !== 'string') return null;
    const { partSize } = this.#opts.plan;
    const size = (n) => Math.min(partSize, this.#src.size - (n - 1) * partSize);
    const parts = {};
    let marker;
    try {
      do {
        let query = 'uploadId=' + queryValue(rec.uploadId);
        if (marker !== undefined) query += '&part-number-marker=' + marker;
        const { answer } = await this.#send('ListParts', { method: 'GET', fullKey: key, query });
        for (const p of answer.parts) {
          const mine = rec.parts[p.partNumber];
          // A part S3 has in full, as this page sent it (same ETag), is kept.
          if (mine && mine.etag === p.etag && p.size === size(p.partNumber)) parts[p.partNumber] = mine;
        }
        marker = answer.truncated ? answer.nextPartNumberMarker : undefined;
      } while (marker !== undefined);
    } catch (e) {
      if (e.name === 'NoSuchUpload') {
        this.#forget(key);
        return null;
      }
      throw e;
    }
    rec.parts = parts;
    return rec;
  }

  async #multipart(key, plan) {
    const { checksum, contentType, meta, concurrency } = this.#opts;
    let rec = await this.#resumable(key);
    if (!rec) {
      const headers = { 'content-type': contentType, ...meta };
      if (checksum) {
        headers['x-amz-checksum-algorithm'] = checksum;
        headers['x-amz-checksum-type'] = 'FULL_OBJECT';
      }
      const { answer } = await this.#send('CreateMultipartUpload', { method: 'POST', fullKey: key, query: 'uploads=', headers });
      rec = { key, uploadId: answer.uploadId, fingerprint: this.#fingerprint(), parts: {} };
      this.#save(rec);
    }
    this.uploadId = rec.uploadId;
    try {
      await this.#sendParts(key, plan, rec, checksum, concurrency);
      if (this.#cancelled) throw abortError('the upload was cancelled');
      return await this.#complete(key, plan, rec, checksum);
    } catch (e) {
      if (this.#cancelled || e.name === 'AbortError') {
        await this.#abort(key, rec);
        throw abortError('the upload was cancelled');
      }
      // Refusals (no access, a bucket that hides ETags, an upload S3 no longer has) cannot be
      // resumed: abort. Network trouble that outlasted the retries can: keep the record.
      if (e.name === 'NetworkError' || e.status >= 500 || e.status === 429) {
        e.resumable = true;
        e.message += ' The upload can resume: call upload() again with the same data and key.';
      } else {
        await this.#abort(key, rec);
      }
      throw e;
    }
  }

  async #sendParts(key, plan, rec, checksum, concurrency) {
    const { partSize, parts: count } = plan;
    const todo = [];
    let doneBytes = 0;
    for (let n = 1; n <= count; n++) {
      if (rec.parts[n]) doneBytes += Math.min(partSize, this.#src.size - (n - 1) * partSize);
      else todo.push(n);
    }
    const inflight = new Map();
    const report = () => {
      let loaded = doneBytes;
      for (const v of inflight.values()) loaded += v;
      this.#progress(loaded);
    };
    report();
    const worker = async () => {
      for (let n = todo.shift(); n !== undefined && !this.#fatal; n = todo.shift()) {
        const start = (n - 1) * partSize;
        const end = Math.min(start + partSize, this.#src.size);
        // The slice goes to the network as it is (a Blob's bytes are not held in the JS heap);
        // a checksum reads it once, and those bytes are dropped before the part is sent.
        const body = this.#src.slice(start, end);
        const headers = {};
        let crc;
        if (checksum) {
          crc = checksumOf(checksum, await bytesOf(body));
          headers['x-amz-checksum-' + checksum.toLowerCase()] = crc;
        }
        const { header } = await this.#send('UploadPart', {
          method: 'PUT', fullKey: key, query: `partNumber=${n}&uploadId=${queryValue(rec.uploadId)}`, headers, body, attempts: PART_ATTEMPTS,
          onProgress: (loaded) => {
            inflight.set(n, loaded);
            report();
          },
        });
        const etag = header('etag');
        if (!etag) {
          throw named('MissingETag', "S3 stored the part but the browser may not read its ETag: add ETag to the bucket's CORS ExposeHeaders (e.g. \"ExposeHeaders\": [\"ETag\"]) so multipart uploads can complete.");
        }
        rec.parts[n] = crc ? { etag, checksum: crc } : { etag };
        this.#save(rec);
        inflight.delete(n);
        doneBytes += end - start;
        report();
      }
    };
    const workers = [];
    for (let i = 0; i < Math.min(concurrency, todo.length); i++) {
      workers.push(worker().catch((e) => {
        // The first failure stops the others (they see #fatal before their next part).
        if (!this.#fatal) this.#fatal = e;
        for (const c of this.#active) c.abort();
      }));
    }
    await Promise.all(workers);
    if (this.#fatal) {
      const e = this.#fatal;
      this.#fatal = null;
      throw e;
    }
  }

  async #complete(key, plan, rec, checksum) {
    const parts = [];
    for (let n = 1; n <= plan.parts; n++) parts.push({ partNumber: n, ...rec.parts[n] });
    const body = call((w) => w.completeMultipartBody(JSON.stringify({ algorithm: checksum, parts })));
    const headers = { 'content-type': 'application/xml' };
    if (checksum) {
      // The whole object's CRC, combined in the wasm from the parts' CRCs in order.
      const { partSize } = plan;
      let whole = parts[0].checksum;
      for (let i = 1; i < parts.length; i++) {
        const len = Math.min(partSize, this.#src.size - i * partSize);
        whole = call((w) => w.WasmChecksum.combine(checksum, whole, parts[i].checksum, len));
      }
      headers['x-amz-checksum-' + checksum.toLowerCase()] = whole;
      headers['x-amz-checksum-type'] = 'FULL_OBJECT';
    }
    const { answer } = await this.#send('CompleteMultipartUpload', {
      method: 'POST', fullKey: key, query: 'uploadId=' + queryValue(rec.uploadId), headers, body, attempts: PART_ATTEMPTS,
    });
    this.#forget(key);
    return { key, etag: answer.etag, size: this.#src.size };
  }

  /** AbortMultipartUpload (retried; it is idempotent) and the record removed. */
  async #abort(key, rec) {
    this.#forget(key);
    this.#fatal = null;
    try {
      await this.#bucket.request('AbortMultipartUpload', { method: 'DELETE', fullKey: key, query: 'uploadId=' + queryValue(rec.uploadId), attempts: 5 });
    } catch {
      // NoSuchUpload (already gone) or S3 unreachable: S3's lifecycle rule for incomplete
      // uploads is the backstop (README, "S3 bucket setup").
    }
  }
}
