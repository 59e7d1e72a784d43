import { useEffect, useRef, useState } from 'react';
import { isCognitoError } from 'cognito-wasm/storage';
import { useAuth } from './auth.jsx';

/** The current path, and a navigate() that replaces it (a router would do this in a real app). */
function usePath() {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const onPop = () => setPath(location.pathname);
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);
  const navigate = (to) => {
    history.replaceState(null, '', to);
    setPath(location.pathname);
  };
  return [path, navigate];
}

/** An error's name and message, for the page. */
const describe = (e) => (isCognitoError(e) ? `${e.name}: ${e.message}` : String(e));

export function App() {
  const { ready, error, isSignedIn } = useAuth();
  const [path, navigate] = usePath();
  let body;
  if (error) body = <p className="error" role="alert">{describe(error)}</p>;
  else if (!ready) body = <p>Loading…</p>;
  else if (path === '/callback') body = <Callback navigate={navigate} />;
  else body = isSignedIn ? <Home /> : <SignIn />;
  return (
    <main>
      <h1>cognito-wasm · React</h1>
      {body}
    </main>
  );
}

/** The hosted UI's callback route: finishes the sign-in, then goes where the user was going. */
function Callback({ navigate }) {
  const { handleRedirectCallback } = useAuth();
  const [error, setError] = useState(null);
  useEffect(() => {
    // StrictMode runs this effect twice in development: the SDK answers both calls from one
    // code exchange (handleRedirectCallback is idempotent per callback URL).
    handleRedirectCallback().then(
      ({ state }) => navigate(state ?? '/'),
      (e) => setError(e),
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  if (error) {
    return (
      <>
        <p className="error" role="alert">Sign-in failed: {describe(error)}</p>
        <button onClick={() => navigate('/')}>Back</button>
      </>
    );
  }
  return <p>Signing you in…</p>;
}

function SignIn() {
  const { signIn, confirmSignIn, signInWithRedirect } = useAuth();
  const [step, setStep] = useState(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);

  async function run(call) {
    setBusy(true);
    setError(null);
    try {
      const next = await call();
      setStep(next.step === 'DONE' ? null : next);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }
  const field = (form, name) => new FormData(form).get(name);

  if (step?.step === 'MFA_TOTP') {
    return (
      <form onSubmit={(e) => { e.preventDefault(); run(() => confirmSignIn({ code: field(e.target, 'code') })); }}>
        <label>Code from your authenticator app<input id="code" name="code" inputMode="numeric" autoComplete="one-time-code" required /></label>
        <button id="confirm" disabled={busy}>Confirm</button>
        {error && <p className="error" role="alert">{describe(error)}</p>}
      </form>
    );
  }
  return (
    <>
      <form onSubmit={(e) => { e.preventDefault(); run(() => signIn({ username: field(e.target, 'username'), password: field(e.target, 'password') })); }}>
        <label>Username or email<input id="username" name="username" autoComplete="username" required /></label>
        <label>Password<input id="password" name="password" type="password" autoComplete="current-password" required /></label>
        <button id="signin" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
        <button id="hosted" type="button" className="secondary" disabled={busy} onClick={() => run(() => signInWithRedirect({ state: '/' }))}>
          Sign in with the hosted UI
        </button>
        {step && <p className="error" role="alert">This example handles the TOTP step only; the next step is {step.step}.</p>}
        {error && <p className="error" role="alert">{describe(error)}</p>}
      </form>
    </>
  );
}

function Home() {
  const { user, signOut } = useAuth();
  return (
    <>
      <div className="row">
        <p id="welcome">Welcome, {user.name ?? user.username}</p>
        <button id="signout" className="secondary" onClick={() => signOut()}>Sign out</button>
      </div>
      <Upload />
    </>
  );
}

/** One photo to the user's own prefix of the bucket, with progress and cancel, then shown. */
function Upload() {
  const { bucket } = useAuth();
  const [progress, setProgress] = useState(null);
  const [uploaded, setUploaded] = useState(null);
  const [error, setError] = useState(null);
  const [running, setRunning] = useState(null);
  // Leaving the page section cancels an upload in flight.
  const current = useRef(null);
  useEffect(() => () => current.current?.cancel(), []);

  async function upload(file) {
    setError(null);
    setUploaded(null);
    setProgress({ loaded: 0, total: file.size });
    const key = `photos/${Date.now()}-${file.name}`;
    const handle = bucket.upload(file, { key, onProgress: setProgress });
    current.current = handle;
    setRunning(handle);
    try {
      const result = await handle.done;
      setUploaded({ ...result, url: await bucket.presignGet(key) });
    } catch (e) {
      setError(e);
    } finally {
      current.current = null;
      setRunning(null);
    }
  }

  return (
    <section>
      <label>Upload a photo<input id="file" type="file" accept="image/*" onChange={(e) => e.target.files[0] && upload(e.target.files[0])} /></label>
      {progress && (
        <div className="row">
          <progress id="progress" value={progress.loaded} max={progress.total || 1} />
          <span className="muted">{Math.round((100 * progress.loaded) / (progress.total || 1))}%</span>
          {running && <button id="cancel" className="secondary" onClick={() => running.cancel()}>Cancel</button>}
        </div>
      )}
      {error && <p className="error" role="alert">{describe(error)}</p>}
      {uploaded && (
        <figure>
          <img id="photo" src={uploaded.url} alt="The uploaded photo" />
          <figcaption className="muted" id="uploaded">{uploaded.key} · {uploaded.size} bytes</figcaption>
        </figure>
      )}
    </section>
  );
}
