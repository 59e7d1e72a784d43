import { isCognitoError } from 'cognito-wasm/storage';

/** An error's name and message, for the page. */
export const describe = (e) => (isCognitoError(e) ? `${e.name}: ${e.message}` : String(e));
