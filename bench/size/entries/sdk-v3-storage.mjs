// AWS SDK v3 for uploads from a browser: identity-pool credentials, the S3 client and
// lib-storage's multipart Upload (sign-in itself not included). credential-providers is taken
// from its browser entry, which its package.json "browser" map names but esbuild does not apply
// to the package's main entry (webpack and Vite do).
export { fromCognitoIdentityPool } from '@aws-sdk/credential-providers/dist-es/index.browser.js';
export { S3Client } from '@aws-sdk/client-s3';
export { Upload } from '@aws-sdk/lib-storage';
