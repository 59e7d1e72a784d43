// esbuild entry: the two JavaScript implementations, bundled for the page.
export * from './amplify.mjs';
export * from './bigint.mjs';
