// One HTTP exchange for the S3 client: XMLHttpRequest where it exists and upload progress is
// wanted (fetch cannot report upload progress), fetch otherwise (Node 20+, workers). Never
// throws for a failed request: `status` 0 and `text` saying why; throws only an `AbortError`
// when `signal` aborts.
import { named } from './auth.js';

/** An `AbortError` (the upload was paused, cancelled, or its signal aborted). */
export function abortError(message = 'the request was aborted') {
  return named('AbortError', message);
}

/**
 * Sends `method url` with `headers` and `body` (string, Blob or Uint8Array). `onProgress(loaded)`
 * gets the request body's bytes sent so far (XMLHttpRequest only). Resolves to
 * `{ status, text, header(name) }`.
 */
export function exchange(method, url, headers, body, { onProgress, signal } = {}) {
  if (signal?.aborted) return Promise.reject(abortError());
  if (onProgress && typeof XMLHttpRequest === 'function') return viaXhr(method, url, headers, body, onProgress, signal);
  return viaFetch(method, url, headers, body, signal);
}

function viaXhr(method, url, headers, body, onProgress, signal) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const onAbort = () => xhr.abort();
    xhr.open(method, url);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => onProgress(e.loaded);
    xhr.onload = () => {
      signal?.removeEventListener('abort', onAbort);
      resolve({ status: xhr.status, text: xhr.responseText, header: (n) => xhr.getResponseHeader(n) });
    };
    xhr.onerror = xhr.ontimeout = () => {
      signal?.removeEventListener('abort', onAbort);
      resolve({ status: 0, text: `request to ${url.split('?')[0]} failed (network error)`, header: () => null });
    };
    xhr.onabort = () => {
      signal?.removeEventListener('abort', onAbort);
      reject(abortError());
    };
    signal?.addEventListener('abort', onAbort);
    xhr.send(body ?? null);
  });
}

async function viaFetch(method, url, headers, body, signal) {
  let res;
  try {
    res = await fetch(url, { method, headers, body: method === 'GET' || method === 'HEAD' ? undefined : body, credentials: 'omit', signal });
    const text = await res.text();
    return { status: res.status, text, header: (n) => res.headers.get(n) };
  } catch (e) {
    if (signal?.aborted) throw abortError();
    return { status: 0, text: `request to ${url.split('?')[0]} failed: ${e instanceof Error ? e.message : String(e)}`, header: () => null };
  }
}

/** Sleeps `ms`; rejects with an `AbortError` as soon as `signal` aborts. */
export function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const done = () => {
      signal?.removeEventListener('abort', stop);
      resolve();
    };
    const timer = setTimeout(done, ms);
    const stop = () => {
      clearTimeout(timer);
      reject(abortError());
    };
    signal?.addEventListener('abort', stop, { once: true });
  });
}
