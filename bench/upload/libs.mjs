// esbuild entry: the AWS SDK v3 upload path, bundled for the page, and the SDK's own JS CRCs
// (what its flexible-checksums middleware computes in a browser).
export { S3Client, HeadObjectCommand } from '@aws-sdk/client-s3';
export { Upload } from '@aws-sdk/lib-storage';
export { Crc32, Crc64Nvme } from '@aws-sdk/checksums/crc';
