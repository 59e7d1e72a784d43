// esbuild entry: the two JavaScript SigV4 signers, bundled for the page.
export { AwsClient } from 'aws4fetch';
export { SignatureV4 } from '@smithy/signature-v4';
// The SHA-256 the SDK's browser clients give the signer (Web Crypto underneath).
export { Sha256 } from '@aws-crypto/sha256-browser';
