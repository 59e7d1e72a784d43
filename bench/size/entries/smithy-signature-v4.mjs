// @smithy/signature-v4, the SDK's signer, with the browser SHA-256 it is given in the SDK.
export { SignatureV4 } from '@smithy/signature-v4';
export { Sha256 } from '@aws-crypto/sha256-browser';
