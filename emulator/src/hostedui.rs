//! Managed login (the hosted UI): `/oauth2/authorize` with a plain HTML sign-in form (`/login`),
//! `/oauth2/token` (authorization_code with PKCE S256, refresh_token), `/oauth2/userInfo`,
//! `/oauth2/revoke`, `/logout`, `/.well-known/openid-configuration` and the JWKS. A session cookie
//! lets a second `/authorize` sign in without the form (`prompt=login` forces it).

use crate::app::{json_resp, App};
use crate::config::ClientSeed;
use crate::crypto;
use crate::http::{Req, Resp};
use crate::urlenc::{get, html_escape, parse_pairs, with_query};
use crate::userpool::{
    self, check_access_token, check_refresh, issue_tokens, revoke_family, Ctx, Family, UserPools,
    ADMIN_SCOPE,
};
use serde_json::{json, Map, Value};
use std::collections::HashMap;

/// How long a login form, an authorization code and a hosted-UI session last.
const LOGIN_FORM_MS: i64 = 10 * 60 * 1000;
const CODE_MS: i64 = 5 * 60 * 1000;
const COOKIE_SESSION_MS: i64 = 60 * 60 * 1000;
const COOKIE: &str = "emulator-hosted-ui-session";

/// Where a sign-in form is.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Password,
    NewPassword,
    Mfa(String),
}

/// A pending `/authorize` request while the user fills in the form.
#[derive(Debug, Clone)]
struct AuthRequest {
    pool_id: String,
    client_id: String,
    redirect_uri: String,
    state: Option<String>,
    scope: String,
    code_challenge: Option<String>,
    nonce: Option<String>,
    expires_ms: i64,
    user_key: Option<String>,
    step: Step,
}

/// An issued authorization code.
#[derive(Debug, Clone)]
struct CodeGrant {
    pool_id: String,
    client_id: String,
    user_key: String,
    redirect_uri: String,
    code_challenge: Option<String>,
    scope: String,
    nonce: Option<String>,
    expires_ms: i64,
    used: bool,
    origin_jti: Option<String>,
}

/// A signed-in browser (the hosted-UI cookie).
#[derive(Debug, Clone)]
struct LoginSession {
    pool_id: String,
    user_key: String,
    expires_ms: i64,
}

/// Hosted-UI state (lives inside [`UserPools`], under the same lock).
#[derive(Debug, Default)]
pub struct HostedState {
    pending: HashMap<String, AuthRequest>,
    codes: HashMap<String, CodeGrant>,
    sessions: HashMap<String, LoginSession>,
}

/// Handles hosted-UI routes.
pub fn handle(app: &App, req: &Req) -> Resp {
    let path = req.raw_path.as_str();
    let base = format!("http://{}", req.header("host").unwrap_or("127.0.0.1"));
    let ctx = Ctx {
        app,
        now_ms: app.clock.now_ms(),
    };
    let mut guard = app.user_pools.lock().unwrap_or_else(|p| p.into_inner());
    let st = &mut *guard;
    match (req.method.as_str(), path) {
        ("GET", "/oauth2/authorize") | ("GET", "/authorize") | ("GET", "/login") => {
            authorize(&ctx, st, req)
        }
        ("POST", "/login") => login(&ctx, st, req),
        ("POST", "/oauth2/token") => token(&ctx, st, req),
        ("GET", "/oauth2/userInfo") | ("POST", "/oauth2/userInfo") => user_info(&ctx, st, req),
        ("POST", "/oauth2/revoke") => revoke(&ctx, st, req),
        ("GET", "/logout") => logout(&ctx, st, req),
        ("GET", "/.well-known/jwks.json") => json_resp(200, &app.signer.jwks()),
        ("GET", "/.well-known/openid-configuration") => match &st.default_pool {
            Some(p) => json_resp(200, &openid_configuration(app, &base, p)),
            None => json_resp(404, &json!({ "error": "no user pools" })),
        },
        ("GET", "/") => Resp::new(200, "text/html; charset=utf-8", index_page(app, st)),
        ("GET", p) => {
            // /<poolId>/.well-known/{jwks.json,openid-configuration}
            let mut parts = p.trim_start_matches('/').splitn(2, '/');
            let (pool, rest) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
            match (st.pools.contains_key(pool), rest) {
                (true, ".well-known/jwks.json") => json_resp(200, &app.signer.jwks()),
                (true, ".well-known/openid-configuration") => {
                    json_resp(200, &openid_configuration(app, &base, pool))
                }
                _ => json_resp(404, &json!({ "error": "not found", "path": p })),
            }
        }
        _ => json_resp(405, &json!({ "error": "method not allowed" })),
    }
}

fn openid_configuration(app: &App, base: &str, pool_id: &str) -> Value {
    json!({
        "issuer": app.issuer(pool_id),
        "authorization_endpoint": format!("{base}/oauth2/authorize"),
        "token_endpoint": format!("{base}/oauth2/token"),
        "userinfo_endpoint": format!("{base}/oauth2/userInfo"),
        "revocation_endpoint": format!("{base}/oauth2/revoke"),
        "end_session_endpoint": format!("{base}/logout"),
        "jwks_uri": format!("{base}/{pool_id}/.well-known/jwks.json"),
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "scopes_supported": ["openid", "email", "phone", "profile", ADMIN_SCOPE],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": ["sub", "iss", "aud", "email", "email_verified", "name", "cognito:username", "cognito:groups"],
    })
}

fn page(status: u16, title: &str, body: &str) -> Resp {
    let html = format!(
        "<!doctype html><html lang=en><head><meta charset=utf-8><meta name=viewport content=\"width=device-width\">\
         <title>{t} - Cognito emulator</title><style>body{{font-family:system-ui,sans-serif;max-width:24rem;margin:3rem auto;padding:0 1rem}}\
         label{{display:block;margin:.6rem 0 .2rem}}input{{width:100%;padding:.4rem;box-sizing:border-box}}\
         button{{margin:.8rem .4rem 0 0;padding:.4rem 1rem}}.error{{color:#b00020}}small{{color:#666}}</style></head>\
         <body><h1>{t}</h1>{body}<p><small>Local Cognito emulator: not AWS.</small></p></body></html>",
        t = html_escape(title)
    );
    Resp::new(status, "text/html; charset=utf-8", html).with_header("cache-control", "no-store")
}

fn error_page(status: u16, error: &str, description: &str) -> Resp {
    page(
        status,
        "Something went wrong",
        &format!(
            "<p class=error id=error data-error=\"{e}\">{e}: {d}</p>",
            e = html_escape(error),
            d = html_escape(description)
        ),
    )
}

fn redirect(location: &str) -> Resp {
    Resp::new(302, "text/plain", format!("Redirecting to {location}\n"))
        .with_header("location", location)
        .with_header("cache-control", "no-store")
}

fn redirect_error(redirect_uri: &str, error: &str, description: &str, state: Option<&str>) -> Resp {
    let mut q = vec![("error", error), ("error_description", description)];
    if let Some(s) = state {
        q.push(("state", s));
    }
    redirect(&with_query(redirect_uri, &q))
}

fn cookie_value(req: &Req) -> Option<String> {
    req.headers
        .iter()
        .filter(|(k, _)| k == "cookie")
        .flat_map(|(_, v)| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.to_string())
}

fn is_pkce_value(s: &str) -> bool {
    (43..=128).contains(&s.len())
        && s.bytes()
            .all(|c| c.is_ascii_alphanumeric() || b"-._~".contains(&c))
}

fn authorize(ctx: &Ctx, st: &mut UserPools, req: &Req) -> Resp {
    let q = parse_pairs(&req.raw_query);
    let Some(client_id) = get(&q, "client_id") else {
        return error_page(400, "invalid_request", "client_id is missing");
    };
    let Ok((pool_id, client)) = st.client_owned(client_id) else {
        return error_page(400, "invalid_client", "unknown client_id");
    };
    let Some(redirect_uri) = get(&q, "redirect_uri") else {
        return error_page(400, "invalid_request", "redirect_uri is missing");
    };
    if !client.callback_urls.iter().any(|u| u == redirect_uri) {
        return error_page(
            400,
            "redirect_mismatch",
            "redirect_uri is not one of the client's callback URLs",
        );
    }
    let state = get(&q, "state");
    let fail = |e: &str, d: &str| redirect_error(redirect_uri, e, d, state);
    match get(&q, "response_type") {
        Some("code") => {}
        Some("token") => {
            return fail(
                "unsupported_response_type",
                "the emulator supports response_type=code only",
            )
        }
        Some(_) => return fail("unsupported_response_type", "response_type must be code"),
        None => return fail("invalid_request", "response_type is missing"),
    }
    if !client.allowed_oauth_flows.iter().any(|f| f == "code") {
        return fail(
            "unauthorized_client",
            "the client may not use the authorization code flow",
        );
    }
    let scope = match get(&q, "scope").filter(|s| !s.trim().is_empty()) {
        Some(s) => {
            let scopes: Vec<&str> = s.split(' ').filter(|x| !x.is_empty()).collect();
            if let Some(bad) = scopes
                .iter()
                .find(|x| !client.allowed_oauth_scopes.iter().any(|a| a == *x))
            {
                return fail(
                    "invalid_scope",
                    &format!("scope {bad} is not allowed for this client"),
                );
            }
            scopes.join(" ")
        }
        None => client.allowed_oauth_scopes.join(" "),
    };
    let code_challenge = match (get(&q, "code_challenge"), get(&q, "code_challenge_method")) {
        (None, None) => None,
        (Some(c), Some("S256")) if is_pkce_value(c) => Some(c.to_string()),
        (Some(_), Some("S256")) => return fail("invalid_request", "code_challenge is malformed"),
        (Some(_), Some(_)) => return fail("invalid_request", "code_challenge_method must be S256"),
        (Some(_), None) => return fail("invalid_request", "code_challenge_method is missing"),
        (None, Some(_)) => return fail("invalid_request", "code_challenge is missing"),
    };
    if let Some(idp) = get(&q, "identity_provider") {
        if idp != "COGNITO" {
            return fail(
                "invalid_request",
                "only the COGNITO identity provider is emulated",
            );
        }
    }
    let prompt = get(&q, "prompt").unwrap_or("");
    let mut request = AuthRequest {
        pool_id: pool_id.clone(),
        client_id: client.id.clone(),
        redirect_uri: redirect_uri.to_string(),
        state: state.map(str::to_string),
        scope,
        code_challenge,
        nonce: get(&q, "nonce").map(str::to_string),
        expires_ms: ctx.now_ms + LOGIN_FORM_MS,
        user_key: None,
        step: Step::Password,
    };
    if prompt != "login" {
        let signed_in = cookie_value(req)
            .and_then(|c| st.hosted.sessions.get(&c).cloned())
            .filter(|s| {
                s.pool_id == pool_id
                    && s.expires_ms > ctx.now_ms
                    && st.user(&pool_id, &s.user_key).is_some_and(|u| u.enabled)
            });
        if let Some(s) = signed_in {
            request.user_key = Some(s.user_key);
            return complete(ctx, st, request);
        }
        if prompt == "none" {
            return fail("login_required", "no hosted-UI session");
        }
    }
    st.hosted.pending.retain(|_, r| r.expires_ms > ctx.now_ms);
    let id = crypto::opaque_token(24);
    let login_hint = get(&q, "login_hint").unwrap_or("").to_string();
    st.hosted.pending.insert(id.clone(), request);
    password_form(&id, &login_hint, None)
}

fn password_form(id: &str, username: &str, error: Option<&str>) -> Resp {
    let err = error
        .map(|e| format!("<p class=error id=error>{}</p>", html_escape(e)))
        .unwrap_or_default();
    page(
        200,
        "Sign in",
        &format!(
            "{err}<form method=post action=/login id=login-form><input type=hidden name=request value=\"{id}\">\
             <label for=username>Username</label><input id=username name=username autocomplete=username value=\"{u}\" autofocus>\
             <label for=password>Password</label><input id=password name=password type=password autocomplete=current-password>\
             <button id=signin name=action value=signin type=submit>Sign in</button>\
             <button id=cancel name=action value=cancel type=submit formnovalidate>Cancel</button></form>",
            id = html_escape(id),
            u = html_escape(username)
        ),
    )
}

fn code_form(id: &str, method: &str, error: Option<&str>) -> Resp {
    let err = error
        .map(|e| format!("<p class=error id=error>{}</p>", html_escape(e)))
        .unwrap_or_default();
    let what = if method == "SMS_MFA" {
        "the code sent to your phone"
    } else {
        "the code from your authenticator app"
    };
    page(
        200,
        "Multi-factor authentication",
        &format!(
            "{err}<form method=post action=/login id=mfa-form><input type=hidden name=request value=\"{id}\">\
             <label for=code>Enter {what}</label><input id=code name=code inputmode=numeric autocomplete=one-time-code autofocus>\
             <button id=signin name=action value=signin type=submit>Sign in</button>\
             <button id=cancel name=action value=cancel type=submit>Cancel</button></form>",
            id = html_escape(id)
        ),
    )
}

fn new_password_form(id: &str, error: Option<&str>) -> Resp {
    let err = error
        .map(|e| format!("<p class=error id=error>{}</p>", html_escape(e)))
        .unwrap_or_default();
    page(
        200,
        "Change password",
        &format!(
            "{err}<form method=post action=/login id=new-password-form><input type=hidden name=request value=\"{id}\">\
             <label for=new_password>New password</label><input id=new_password name=new_password type=password autocomplete=new-password autofocus>\
             <button id=signin name=action value=signin type=submit>Change password and sign in</button>\
             <button id=cancel name=action value=cancel type=submit>Cancel</button></form>",
            id = html_escape(id)
        ),
    )
}

fn login(ctx: &Ctx, st: &mut UserPools, req: &Req) -> Resp {
    let form = parse_pairs(&String::from_utf8_lossy(&req.body));
    let id = get(&form, "request").unwrap_or("").to_string();
    let Some(mut request) = st
        .hosted
        .pending
        .get(&id)
        .cloned()
        .filter(|r| r.expires_ms > ctx.now_ms)
    else {
        return error_page(
            400,
            "invalid_request",
            "this sign-in page has expired; start again from the app",
        );
    };
    if get(&form, "action") == Some("cancel") {
        st.hosted.pending.remove(&id);
        return redirect_error(
            &request.redirect_uri,
            "access_denied",
            "the user cancelled the sign-in",
            request.state.as_deref(),
        );
    }
    let pool_id = request.pool_id.clone();
    match request.step.clone() {
        Step::Password => {
            let username = get(&form, "username").unwrap_or("").trim().to_string();
            let password = get(&form, "password").unwrap_or("");
            let Some(key) = st.pools.get(&pool_id).and_then(|p| p.find_key(&username)) else {
                return password_form(&id, &username, Some(userpool::INCORRECT));
            };
            let user = st.user(&pool_id, &key).expect("found");
            if !user.enabled {
                return password_form(&id, &username, Some("User is disabled."));
            }
            if user.status == "RESET_REQUIRED" {
                return password_form(&id, &username, Some("Password reset required for the user"));
            }
            if !user.password_matches(&pool_id, password) {
                return password_form(&id, &username, Some(userpool::INCORRECT));
            }
            if user.status == "UNCONFIRMED" {
                return password_form(&id, &username, Some("User is not confirmed."));
            }
            request.user_key = Some(key);
            if user.status == "FORCE_CHANGE_PASSWORD" {
                request.step = Step::NewPassword;
                st.hosted.pending.insert(id.clone(), request);
                return new_password_form(&id, None);
            }
            mfa_or_complete(ctx, st, id, request)
        }
        Step::NewPassword => {
            let new_password = get(&form, "new_password").unwrap_or("");
            let key = request.user_key.clone().unwrap_or_default();
            let pool = st.pools.get_mut(&pool_id).expect("request pool");
            if let Err(e) = pool.check_password(new_password) {
                return new_password_form(&id, Some(&e.message));
            }
            if let Some(user) = pool.users.get_mut(&key) {
                user.set_password(&pool_id, new_password);
                user.status = "CONFIRMED".into();
                user.updated_ms = ctx.now_ms;
            }
            mfa_or_complete(ctx, st, id, request)
        }
        Step::Mfa(method) => {
            let code = get(&form, "code").unwrap_or("");
            let key = request.user_key.clone().unwrap_or_default();
            let ok = match st.user_mut(&pool_id, &key) {
                Some(user) if method == "SMS_MFA" => {
                    userpool::check_code(ctx, user, "sms_mfa", code).is_ok()
                }
                Some(user) => user
                    .totp_secret
                    .as_deref()
                    .and_then(crypto::base32_decode)
                    .is_some_and(|s| crypto::totp_matches(&s, ctx.now_secs(), code)),
                None => false,
            };
            if !ok {
                return code_form(&id, &method, Some("Invalid code received for user"));
            }
            st.hosted.pending.remove(&id);
            complete(ctx, st, request)
        }
    }
}

fn mfa_or_complete(ctx: &Ctx, st: &mut UserPools, id: String, mut request: AuthRequest) -> Resp {
    let key = request.user_key.clone().unwrap_or_default();
    let pool = st.pools.get(&request.pool_id).expect("request pool");
    let Some(user) = pool.users.get(&key) else {
        return error_page(400, "invalid_request", "the user no longer exists");
    };
    let methods = user.mfa_methods(&pool.cfg.mfa);
    if methods.is_empty() {
        if pool.cfg.mfa == "ON" {
            return error_page(
                400,
                "mfa_setup_required",
                "this pool requires MFA and the user has none; the emulator's hosted UI does not offer MFA set-up (sign in through the API once)",
            );
        }
        st.hosted.pending.remove(&id);
        return complete(ctx, st, request);
    }
    let method = user
        .preferred_mfa
        .as_deref()
        .filter(|p| methods.contains(p))
        .unwrap_or(if methods.contains(&"SOFTWARE_TOKEN_MFA") {
            "SOFTWARE_TOKEN_MFA"
        } else {
            "SMS_MFA"
        })
        .to_string();
    if method == "SMS_MFA" {
        let pool = st.pools.get_mut(&request.pool_id).expect("request pool");
        userpool::send_code(ctx, pool, &key, "sms_mfa", true);
    }
    request.step = Step::Mfa(method.clone());
    st.hosted.pending.insert(id.clone(), request);
    code_form(&id, &method, None)
}

/// Signs the browser in (cookie) and redirects with a fresh code.
fn complete(ctx: &Ctx, st: &mut UserPools, request: AuthRequest) -> Resp {
    let key = request.user_key.clone().unwrap_or_default();
    let cookie = crypto::opaque_token(24);
    st.hosted.sessions.retain(|_, s| s.expires_ms > ctx.now_ms);
    st.hosted.sessions.insert(
        cookie.clone(),
        LoginSession {
            pool_id: request.pool_id.clone(),
            user_key: key.clone(),
            expires_ms: ctx.now_ms + COOKIE_SESSION_MS,
        },
    );
    st.hosted
        .codes
        .retain(|_, c| c.expires_ms > ctx.now_ms - 3_600_000);
    let code = crypto::uuid_v4();
    st.hosted.codes.insert(
        code.clone(),
        CodeGrant {
            pool_id: request.pool_id,
            client_id: request.client_id,
            user_key: key,
            redirect_uri: request.redirect_uri.clone(),
            code_challenge: request.code_challenge,
            scope: request.scope,
            nonce: request.nonce,
            expires_ms: ctx.now_ms + CODE_MS,
            used: false,
            origin_jti: None,
        },
    );
    let mut q = vec![("code", code.as_str())];
    if let Some(s) = request.state.as_deref() {
        q.push(("state", s));
    }
    redirect(&with_query(&request.redirect_uri, &q)).with_header(
        "set-cookie",
        format!("{COOKIE}={cookie}; Path=/; HttpOnly; SameSite=Lax"),
    )
}

fn oauth_error(status: u16, error: &str, description: &str) -> Resp {
    json_resp(
        status,
        &json!({ "error": error, "error_description": description }),
    )
    .with_header("cache-control", "no-store")
}

/// Client authentication for /oauth2/token and /oauth2/revoke: Basic header or form fields.
fn authenticate_client(
    st: &UserPools,
    req: &Req,
    form: &[(String, String)],
) -> Result<(String, ClientSeed), Resp> {
    let basic = req
        .header("authorization")
        .and_then(|h| {
            h.strip_prefix("Basic ")
                .or_else(|| h.strip_prefix("basic "))
        })
        .and_then(crypto::b64_decode)
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| {
            s.split_once(':')
                .map(|(a, b)| (a.to_string(), b.to_string()))
        });
    let (client_id, secret) = match (&basic, get(form, "client_id")) {
        (Some((id, secret)), _) => (id.clone(), Some(secret.clone())),
        (None, Some(id)) => (
            id.to_string(),
            get(form, "client_secret").map(str::to_string),
        ),
        (None, None) => return Err(oauth_error(400, "invalid_request", "client_id is missing")),
    };
    if let (Some((b, _)), Some(f)) = (&basic, get(form, "client_id")) {
        if b != f {
            return Err(oauth_error(
                400,
                "invalid_client",
                "client_id does not match the Authorization header",
            ));
        }
    }
    let (pool_id, client) = st
        .client_owned(&client_id)
        .map_err(|_| oauth_error(400, "invalid_client", "unknown client"))?;
    if let Some(want) = &client.secret {
        match secret {
            Some(s) if crypto::ct_eq(s.as_bytes(), want.as_bytes()) => {}
            _ => {
                return Err(oauth_error(
                    400,
                    "invalid_client",
                    "client authentication failed",
                ))
            }
        }
    }
    Ok((pool_id, client))
}

fn token(ctx: &Ctx, st: &mut UserPools, req: &Req) -> Resp {
    if !req
        .header("content-type")
        .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"))
    {
        return oauth_error(
            400,
            "invalid_request",
            "Content-Type must be application/x-www-form-urlencoded",
        );
    }
    let form = parse_pairs(&String::from_utf8_lossy(&req.body));
    let (pool_id, client) = match authenticate_client(st, req, &form) {
        Ok(c) => c,
        Err(r) => return r,
    };
    match get(&form, "grant_type") {
        Some("authorization_code") => code_grant(ctx, st, &pool_id, &client, &form),
        Some("refresh_token") => {
            let Some(token) = get(&form, "refresh_token") else {
                return oauth_error(400, "invalid_request", "refresh_token is missing");
            };
            let rec = match check_refresh(
                st,
                token,
                &client.id,
                ctx.now_ms,
                client.refresh_token_grace_seconds * 1000,
            ) {
                Ok(r) => r,
                Err(e) => return oauth_error(400, "invalid_grant", &e.message),
            };
            let id_token = rec.scope.split(' ').any(|s| s == "openid") || rec.scope == ADMIN_SCOPE;
            let family = Family::Refresh {
                token,
                rotate: client.refresh_token_rotation,
                id_token,
            };
            match issue_tokens(ctx, st, &pool_id, &client, &rec.user_key, family) {
                Ok(i) => token_response(&i),
                Err(e) => oauth_error(400, "invalid_grant", &e.message),
            }
        }
        Some("client_credentials") => oauth_error(
            400,
            "unauthorized_client",
            "client_credentials is not emulated",
        ),
        Some(_) => oauth_error(
            400,
            "unsupported_grant_type",
            "grant_type must be authorization_code or refresh_token",
        ),
        None => oauth_error(400, "invalid_request", "grant_type is missing"),
    }
}

fn code_grant(
    ctx: &Ctx,
    st: &mut UserPools,
    pool_id: &str,
    client: &ClientSeed,
    form: &[(String, String)],
) -> Resp {
    let Some(code) = get(form, "code") else {
        return oauth_error(400, "invalid_request", "code is missing");
    };
    let Some(grant) = st.hosted.codes.get(code).cloned() else {
        return oauth_error(400, "invalid_grant", "unknown code");
    };
    if grant.used {
        // A replayed code: refuse it and revoke what it produced (RFC 6749 §4.1.2).
        if let Some(o) = &grant.origin_jti {
            revoke_family(st, o);
        }
        return oauth_error(400, "invalid_grant", "the code has been used already");
    }
    if ctx.now_ms >= grant.expires_ms {
        return oauth_error(400, "invalid_grant", "the code has expired");
    }
    if grant.client_id != client.id || grant.pool_id != pool_id {
        return oauth_error(
            400,
            "invalid_grant",
            "the code was issued to another client",
        );
    }
    if get(form, "redirect_uri") != Some(grant.redirect_uri.as_str()) {
        return oauth_error(
            400,
            "invalid_grant",
            "redirect_uri does not match the authorization request",
        );
    }
    if let Some(challenge) = &grant.code_challenge {
        let Some(verifier) = get(form, "code_verifier") else {
            return oauth_error(400, "invalid_request", "code_verifier is missing");
        };
        let computed = crypto::b64url(&crypto::sha256(verifier.as_bytes()));
        if !is_pkce_value(verifier) || !crypto::ct_eq(computed.as_bytes(), challenge.as_bytes()) {
            return oauth_error(
                400,
                "invalid_grant",
                "code_verifier does not match the code_challenge",
            );
        }
    }
    let id_token = grant.scope.split(' ').any(|s| s == "openid");
    let family = Family::New {
        scope: &grant.scope,
        id_token,
        nonce: grant.nonce.as_deref(),
    };
    let issued = match issue_tokens(ctx, st, pool_id, client, &grant.user_key, family) {
        Ok(i) => i,
        Err(e) => return oauth_error(400, "invalid_grant", &e.message),
    };
    let origin = issued
        .refresh
        .as_ref()
        .and_then(|r| st.refresh.get(r))
        .map(|r| r.origin_jti.clone());
    if let Some(g) = st.hosted.codes.get_mut(code) {
        g.used = true;
        g.origin_jti = origin;
    }
    token_response(&issued)
}

fn token_response(i: &userpool::Issued) -> Resp {
    let mut m = Map::new();
    m.insert("access_token".into(), json!(i.access));
    if let Some(id) = &i.id {
        m.insert("id_token".into(), json!(id));
    }
    if let Some(r) = &i.refresh {
        m.insert("refresh_token".into(), json!(r));
    }
    m.insert("token_type".into(), json!("Bearer"));
    m.insert("expires_in".into(), json!(i.expires_in));
    json_resp(200, &Value::Object(m))
        .with_header("cache-control", "no-store")
        .with_header("pragma", "no-cache")
}

fn user_info(ctx: &Ctx, st: &mut UserPools, req: &Req) -> Resp {
    let unauthorized = |error: &str, description: &str| {
        oauth_error(401, error, description).with_header(
            "www-authenticate",
            format!("Bearer error=\"{error}\", error_description=\"{description}\""),
        )
    };
    let Some(token) = req.header("authorization").and_then(|h| {
        h.strip_prefix("Bearer ")
            .or_else(|| h.strip_prefix("bearer "))
    }) else {
        return unauthorized("invalid_request", "Bearer access token is missing");
    };
    let owner = match check_access_token(ctx, st, token.trim(), false) {
        Ok(o) => o,
        Err(e) => return unauthorized("invalid_token", &e.message),
    };
    let scopes: Vec<&str> = owner.claims["scope"]
        .as_str()
        .unwrap_or("")
        .split(' ')
        .collect();
    if !scopes.contains(&"openid") && !scopes.contains(&ADMIN_SCOPE) {
        return unauthorized(
            "insufficient_scope",
            "the access token needs the openid scope",
        );
    }
    let Some(user) = st.user(&owner.pool_id, &owner.user_key) else {
        return unauthorized("invalid_token", "User does not exist.");
    };
    let all = scopes.contains(&ADMIN_SCOPE) || scopes.contains(&"profile");
    let mut out = Map::new();
    out.insert("sub".into(), json!(user.sub));
    for (k, v) in &user.attributes {
        let allowed = all
            || (scopes.contains(&"email") && (k == "email" || k == "email_verified"))
            || (scopes.contains(&"phone") && (k == "phone_number" || k == "phone_number_verified"));
        if allowed {
            out.insert(k.clone(), json!(v));
        }
    }
    out.insert("username".into(), json!(user.username));
    json_resp(200, &Value::Object(out))
}

fn revoke(_ctx: &Ctx, st: &mut UserPools, req: &Req) -> Resp {
    let form = parse_pairs(&String::from_utf8_lossy(&req.body));
    let (_, client) = match authenticate_client(st, req, &form) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let Some(token) = get(&form, "token") else {
        return oauth_error(400, "invalid_request", "token is missing");
    };
    if token.matches('.').count() == 2 {
        return oauth_error(
            400,
            "unsupported_token_type",
            "only refresh tokens can be revoked",
        );
    }
    match st.refresh.get(token).cloned() {
        None => Resp::new(200, "application/json", ""),
        Some(rec) if rec.client_id != client.id => oauth_error(
            400,
            "invalid_request",
            "the token was not issued to this client",
        ),
        Some(rec) => {
            revoke_family(st, &rec.origin_jti);
            Resp::new(200, "application/json", "")
        }
    }
}

fn logout(_ctx: &Ctx, st: &mut UserPools, req: &Req) -> Resp {
    let q = parse_pairs(&req.raw_query);
    let Some(client_id) = get(&q, "client_id") else {
        return error_page(400, "invalid_request", "client_id is missing");
    };
    let Ok((_, client)) = st.client_owned(client_id) else {
        return error_page(400, "invalid_client", "unknown client_id");
    };
    let clear = format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
    let forget = |st: &mut UserPools| {
        if let Some(c) = cookie_value(req) {
            st.hosted.sessions.remove(&c);
        }
    };
    if let Some(logout_uri) = get(&q, "logout_uri") {
        if !client.logout_urls.iter().any(|u| u == logout_uri) {
            return error_page(
                400,
                "invalid_request",
                "logout_uri is not one of the client's sign-out URLs",
            );
        }
        forget(st);
        return redirect(logout_uri).with_header("set-cookie", clear);
    }
    if let (Some(redirect_uri), Some(_)) = (get(&q, "redirect_uri"), get(&q, "response_type")) {
        if !client.callback_urls.iter().any(|u| u == redirect_uri) {
            return error_page(
                400,
                "redirect_mismatch",
                "redirect_uri is not one of the client's callback URLs",
            );
        }
        forget(st);
        return redirect(&format!("/oauth2/authorize?{}", req.raw_query))
            .with_header("set-cookie", clear);
    }
    error_page(
        400,
        "invalid_request",
        "logout_uri (or redirect_uri and response_type) is required",
    )
}

fn index_page(app: &App, st: &UserPools) -> String {
    let mut rows = String::new();
    for p in st.pools.values() {
        for c in &p.cfg.clients {
            rows.push_str(&format!(
                "<li><code>{}</code> client <code>{}</code> ({} users)</li>",
                html_escape(&p.cfg.id),
                html_escape(&c.id),
                p.users.len()
            ));
        }
    }
    format!(
        "<!doctype html><meta charset=utf-8><title>Cognito emulator</title><h1>Cognito emulator</h1>\
         <p>Region <code>{}</code>. Admin API: <a href=/__admin/config>/__admin/config</a>.</p><ul>{rows}</ul>",
        html_escape(&app.seed.region)
    )
}
