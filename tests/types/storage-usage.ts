// Every call of the `cognito-wasm/storage` entry, as an app writes it; compiled strict by
// tests/node/types.test.mjs (never run).
import init, { CognitoAuth, IdentityCredentials, S3Bucket, SigV4Signer, isCognitoError } from 'cognito-wasm/storage';
import type { AwsCredentials, UploadHandle, UploadResult, ListResult, StorageErrorName } from 'cognito-wasm/storage';

export async function storageUsage(file: Uint8Array): Promise<void> {
  await init();
  const auth = new CognitoAuth({ region: 'us-east-1', userPoolId: 'us-east-1_X', clientId: 'c', identityPoolId: 'us-east-1:0c0ffee0-dead-4bee-8f00-000000000001' });
  const creds = new IdentityCredentials(auth);
  const c: AwsCredentials = await creds.getCredentials({ forceRefresh: true });
  const when: number = c.expiration.getTime();
  const bucket = new S3Bucket(creds, { bucket: 'photos', keyPrefix: 'private/{identityId}/' });
  const up: UploadHandle = bucket.upload(file, {
    key: 'a.jpg', contentType: 'image/jpeg', metadata: { album: 'cats' }, partSize: 8 * 1024 * 1024, concurrency: 4, checksum: 'CRC64NVME',
    onProgress: ({ loaded, total }) => void (loaded / total),
  });
  up.pause();
  up.resume();
  const done: UploadResult = await up.done;
  const page: ListResult = await bucket.list({ prefix: 'a', maxKeys: 10 });
  const next: string | undefined = page.nextContinuationToken;
  const url: string = await bucket.presignGet(done.key, { expiresIn: 60 });
  await bucket.delete('a.jpg');
  const signer = new SigV4Signer({ accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken, region: 'us-east-1' });
  const headers: Record<string, string> = signer.sign({ method: 'GET', url });
  const presigned: string = signer.presign({ url, expiresIn: 60 });
  try {
    up.cancel();
  } catch (e) {
    if (isCognitoError(e) && e.code === ('MissingETag' satisfies StorageErrorName)) void e.status;
  }
  void [when, next, headers, presigned];
}
