// Type declarations for cognito-wasm's `cognito-wasm/storage` entry (storage.js): everything of
// the `cognito-wasm` entry, plus identity-pool credentials, S3 and SigV4. No `any` in the public
// surface; compiles with or without the DOM lib.
import type { CognitoAuth, InitInput } from './index.js';

export * from './index.js';

/**
 * Loads the combined WebAssembly module (auth + storage); call (and await) once, instead of the
 * `cognito-wasm` entry's `init()`, before creating a CognitoAuth, IdentityCredentials or
 * S3Bucket. Rejects with a `WasmLoadError` that says what went wrong.
 */
export default function init(input?: InitInput | Promise<InitInput>): Promise<void>;
export { init };

/** Errors of the storage entry besides the `cognito-wasm` entry's. */
export type StorageErrorName =
  | 'MissingETag'
  | 'AccessDenied'
  | 'NoSuchKey'
  | 'NoSuchBucket'
  | 'NoSuchUpload'
  | 'SignatureDoesNotMatch'
  | 'ExpiredToken'
  | 'InvalidAccessKeyId'
  | 'InvalidToken'
  | 'RequestTimeTooSkewed'
  | 'SlowDown'
  | 'BadDigest'
  | 'EntityTooSmall'
  | 'InvalidPart'
  | 'InvalidPartOrder'
  | 'NotFound'
  | 'InternalError';

/** Temporary AWS credentials from an identity pool. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** When the credentials stop working (the identity pool's `Expiration`). */
  expiration: Date;
  /** The identity they belong to (`<region>:<uuid>`). */
  identityId: string;
}

/** Anything that can give credentials to an S3Bucket (an IdentityCredentials, or your own). */
export interface CredentialsProvider {
  getCredentials(options?: { forceRefresh?: boolean }): Promise<{
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken?: string;
    identityId?: string;
  }>;
}

export interface IdentityCredentialsOptions {
  /** `<region>:<uuid>`; default: the CognitoAuth config's `identityPoolId`. */
  identityPoolId?: string;
  /** The identity-pool API; default: the config's `endpoints.identityPool`, else AWS's. */
  endpoint?: string;
}

/**
 * Temporary AWS credentials from a Cognito identity pool: the signed-in user's (their id token
 * as the login), or a guest's when nobody is signed in and the pool allows guests. Cached in the
 * CognitoAuth's storage, refreshed ahead of expiry once per origin, switched on sign-in and
 * dropped on sign-out.
 */
export class IdentityCredentials implements CredentialsProvider {
  constructor(auth: CognitoAuth, options?: IdentityCredentialsOptions);
  /** The identity pool's region. */
  readonly region: string;
  /** The CognitoAuth these credentials follow. */
  readonly auth: CognitoAuth;
  /** Fresh credentials (from the cache while they last; `forceRefresh` asks the pool again). */
  getCredentials(options?: { forceRefresh?: boolean }): Promise<AwsCredentials>;
  /** Forgets the cached credentials. */
  clear(): void;
}

export interface S3BucketOptions {
  bucket: string;
  /** Default: the identity pool's region. */
  region?: string;
  /** An S3 endpoint (path-style, e.g. a local emulator's `http://127.0.0.1:9229/s3`); default: AWS, virtual-hosted. */
  endpoint?: string;
  /** Prepended to every key; `{identityId}` is filled in. Default `'private/{identityId}/'`. */
  keyPrefix?: string;
  /** Where upload records (for resuming) are kept; default: the CognitoAuth's storage. */
  storage?: 'local' | 'session' | 'memory';
}

/**
 * A Blob or File, written structurally so the declarations compile without the DOM lib (Node's
 * Blob and `fs.openAsBlob()` fit too).
 */
export interface BlobLike {
  readonly size: number;
  readonly type: string;
  slice(start?: number, end?: number, contentType?: string): BlobLike;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** An AbortSignal, structurally. */
export interface AbortSignalLike {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
}

export interface UploadProgress {
  /** Bytes S3 has received (never decreasing). */
  loaded: number;
  /** The data's size; the last report has `loaded === total`. */
  total: number;
}

export interface UploadOptions {
  /** The key, relative to the bucket's key prefix. */
  key: string;
  /** Default: the File's type, else `application/octet-stream`. */
  contentType?: string;
  /** `x-amz-meta-*` metadata: ASCII names and printable-ASCII values. */
  metadata?: Record<string, string>;
  onProgress?: (progress: UploadProgress) => void;
  /** Aborting it cancels the upload (like `cancel()`). */
  signal?: AbortSignalLike;
  /** Bytes per part, at least 5 MiB (default 5 MiB, raised so there are at most 10,000 parts); data up to this size goes in one PutObject. */
  partSize?: number;
  /** Parts in flight at once (1 to 16, default 4). */
  concurrency?: number;
  /** An integrity checksum computed in the wasm and checked by S3. */
  checksum?: 'CRC32' | 'CRC64NVME';
}

export interface UploadResult {
  /** The full S3 key. */
  key: string;
  etag?: string;
  size: number;
}

/** A running upload. */
export interface UploadHandle {
  readonly done: Promise<UploadResult>;
  /** The multipart upload's id, once it has one. */
  readonly uploadId?: string;
  pause(): void;
  resume(): void;
  cancel(): void;
}

export interface S3Object {
  /** Relative to the bucket's key prefix. */
  key: string;
  /** The full S3 key. */
  path: string;
  size: number;
  etag: string;
  lastModified: Date;
}

export interface ListOptions {
  prefix?: string;
  maxKeys?: number;
  continuationToken?: string;
  delimiter?: string;
}

export interface ListResult {
  objects: S3Object[];
  prefixes: string[];
  /** Present when there are more: pass it as `continuationToken`. */
  nextContinuationToken?: string;
}

/** One S3 bucket, keys under the identity's own prefix by default. */
export class S3Bucket {
  constructor(credentials: CredentialsProvider, options: S3BucketOptions);
  readonly name: string;
  /** The full S3 key of `key`. */
  fullKey(key: string): Promise<string>;
  upload(data: BlobLike | Uint8Array | ArrayBuffer, options: UploadOptions): UploadHandle;
  list(options?: ListOptions): Promise<ListResult>;
  presignGet(key: string, options?: { expiresIn?: number }): Promise<string>;
  delete(key: string): Promise<void>;
}

export interface SigV4SignerOptions {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  region: string;
  /** Default `'s3'`. */
  service?: string;
}

/** AWS Signature Version 4, computed in the wasm. */
export class SigV4Signer {
  constructor(options: SigV4SignerOptions);
  readonly accessKeyId: string;
  /** The headers to add (authorization, x-amz-date, x-amz-content-sha256, x-amz-security-token). */
  sign(request: { method: string; url: string; headers?: Record<string, string>; payloadHash?: string; now?: number }): Record<string, string>;
  /** A presigned URL. */
  presign(request: { method?: string; url: string; expiresIn?: number; now?: number }): string;
  free(): void;
}
