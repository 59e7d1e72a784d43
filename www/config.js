// The demo's configuration: the only file to change to point the page somewhere else.
//
// By default it talks to the local emulator that `make demo` starts (emulator/seeds/demo.toml).
// For real AWS (README, "The demo page"): set region, userPoolId, clientId, identityPoolId and
// bucket to yours, hostedUiDomain to your Cognito domain, and remove `endpoints` and `demo`.
// www/serve.mjs reads this file too: its Content-Security-Policy allows exactly the origins the
// page talks to (the endpoints below, or AWS's for the region and bucket when there are none).

const EMULATOR = 'http://127.0.0.1:47290';

export default {
  region: 'us-east-1',
  userPoolId: 'us-east-1_DemoPool1',
  clientId: 'democlient000000000000001',
  identityPoolId: 'us-east-1:0c0ffee0-dead-4bee-8f00-000000000001',
  /** The S3 bucket: each user's photos under private/<identity id>/, public/ readable by all. */
  bucket: 'photos',
  /** The hosted UI (managed login), e.g. 'https://myapp.auth.us-east-1.amazoncognito.com'. */
  hostedUiDomain: EMULATOR,
  /** Service URLs; leave out for AWS's own. */
  endpoints: { userPool: EMULATOR, identityPool: EMULATOR, s3: EMULATOR + '/s3' },
  /** Hints for the emulator's seeded accounts, shown on the page; leave out for AWS. */
  demo: {
    emulator: EMULATOR,
    accounts: [
      { username: 'demo', password: 'Passw0rd!' },
      { username: 'totp', password: 'Passw0rd!', totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' },
    ],
  },
};
