//! Sign-in: InitiateAuth (USER_SRP_AUTH, USER_PASSWORD_AUTH, REFRESH_TOKEN_AUTH),
//! RespondToAuthChallenge (PASSWORD_VERIFIER, NEW_PASSWORD_REQUIRED, SOFTWARE_TOKEN_MFA, SMS_MFA,
//! SELECT_MFA_TYPE, MFA_SETUP), GetTokensFromRefreshToken, RevokeToken and GlobalSignOut.

use super::*;
use crate::config::ClientSeed;

/// How far the SRP `TIMESTAMP` may be from the emulator's clock.
pub const TIMESTAMP_TOLERANCE_MS: i64 = 5 * 60 * 1000;

fn flow_allowed(client: &ClientSeed, flow: &str) -> Result<(), ApiError> {
    if client.explicit_auth_flows.iter().any(|f| f == flow) {
        Ok(())
    } else {
        Err(invalid_param(format!(
            "{flow} flow not enabled for this client"
        )))
    }
}

/// InitiateAuth.
pub fn initiate_auth(ctx: &Ctx, st: &mut UserPools, body: &Value) -> Result<Value, ApiError> {
    let client_id = req_str(body, "ClientId")?;
    let flow = req_str(body, "AuthFlow")?;
    let empty = json!({});
    let params = body
        .get("AuthParameters")
        .filter(|v| v.is_object())
        .unwrap_or(&empty);
    let (pool_id, client) = st.client_owned(client_id)?;
    match flow {
        "USER_SRP_AUTH" => {
            flow_allowed(&client, flow)?;
            start_srp(ctx, st, &pool_id, &client, params)
        }
        "USER_PASSWORD_AUTH" => {
            flow_allowed(&client, flow)?;
            password_auth(ctx, st, &pool_id, &client, params)
        }
        "REFRESH_TOKEN_AUTH" | "REFRESH_TOKEN" => {
            flow_allowed(&client, "REFRESH_TOKEN_AUTH")?;
            if client.refresh_token_rotation {
                return Err(invalid_param(
                    "REFRESH_TOKEN_AUTH flow not enabled for this client (refresh token rotation is enabled: use GetTokensFromRefreshToken)",
                ));
            }
            refresh_auth(ctx, st, &pool_id, &client, params)
        }
        "CUSTOM_AUTH" | "USER_AUTH" => Err(invalid_param(format!("{flow} flow not enabled for this client"))),
        other => Err(invalid_param(format!(
            "1 validation error detected: Value '{other}' at 'authFlow' failed to satisfy constraint: Member must satisfy enum value set: [USER_SRP_AUTH, REFRESH_TOKEN_AUTH, REFRESH_TOKEN, CUSTOM_AUTH, USER_PASSWORD_AUTH, USER_AUTH]"
        ))),
    }
}

/// The user `given` names, or the error an unknown user gets (None = decoy allowed).
fn lookup(
    st: &UserPools,
    pool_id: &str,
    client: &ClientSeed,
    given: &str,
) -> Result<Option<String>, ApiError> {
    match st.pools.get(pool_id).and_then(|p| p.find_key(given)) {
        Some(k) => Ok(Some(k)),
        None if client.prevent_user_existence_errors => Ok(None),
        None => Err(err("UserNotFoundException", "User does not exist.")),
    }
}

/// Checks the user may attempt a sign-in at all (before the password is known).
fn precheck(user: &User) -> Result<(), ApiError> {
    if !user.enabled {
        return Err(not_authorized("User is disabled."));
    }
    if user.status == "RESET_REQUIRED" {
        return Err(err(
            "PasswordResetRequiredException",
            "Password reset required for the user",
        ));
    }
    Ok(())
}

fn start_srp(
    ctx: &Ctx,
    st: &mut UserPools,
    pool_id: &str,
    client: &ClientSeed,
    params: &Value,
) -> Result<Value, ApiError> {
    let username = param(params, "USERNAME")?;
    let srp_a = param(params, "SRP_A")?;
    check_secret_hash(
        client,
        username,
        params.get("SECRET_HASH").and_then(Value::as_str),
    )?;
    let a =
        srp::from_hex(srp_a).ok_or_else(|| invalid_param("SRP_A is not a hexadecimal number"))?;
    if (&a % &srp::group().n) == BigUint::ZERO {
        return Err(invalid_param("SRP_A is invalid"));
    }
    let key = lookup(st, pool_id, client, username)?;
    let (user_id, salt_hex, v) = match &key {
        Some(k) => {
            let user = st.user(pool_id, k).expect("looked up");
            precheck(user)?;
            (
                user.username.clone(),
                user.salt.clone(),
                user.verifier_num(),
            )
        }
        None => {
            // Decoy for an unknown user: a challenge indistinguishable from a real one, refused later.
            let salt = srp::new_salt();
            let v = srp::group().g.modpow(
                &BigUint::from_bytes_be(&crypto::random_bytes(32)),
                &srp::group().n,
            );
            (username.to_string(), salt.to_str_radix(16), v)
        }
    };
    let (b, big_b) = srp::server_ephemeral(&v);
    let secret_block = crypto::random_bytes(96);
    let block_b64 = crypto::b64(&secret_block);
    let session = st.new_session(AuthSession {
        pool_id: pool_id.to_string(),
        client_id: client.id.clone(),
        user_key: key,
        username: user_id.clone(),
        challenge: "PASSWORD_VERIFIER".into(),
        expires_ms: ctx.now_ms + client.auth_session_validity * 1000,
        used: false,
        attempts_left: 0,
        srp: Some(SrpState {
            b,
            big_b: big_b.clone(),
            a,
            v,
            secret_block,
        }),
        mfa_setup_verified: false,
    });
    st.secret_blocks.insert(block_b64.clone(), session.clone());
    Ok(json!({
        "ChallengeName": "PASSWORD_VERIFIER",
        "ChallengeParameters": {
            "SALT": salt_hex,
            "SECRET_BLOCK": block_b64,
            "SRP_B": big_b.to_str_radix(16),
            "USERNAME": user_id,
            "USER_ID_FOR_SRP": user_id,
        },
        "Session": session,
    }))
}

fn password_auth(
    ctx: &Ctx,
    st: &mut UserPools,
    pool_id: &str,
    client: &ClientSeed,
    params: &Value,
) -> Result<Value, ApiError> {
    let username = param(params, "USERNAME")?;
    let password = param(params, "PASSWORD")?;
    check_secret_hash(
        client,
        username,
        params.get("SECRET_HASH").and_then(Value::as_str),
    )?;
    let Some(key) = lookup(st, pool_id, client, username)? else {
        return Err(not_authorized(INCORRECT));
    };
    let user = st.user(pool_id, &key).expect("looked up");
    precheck(user)?;
    if !user.password_matches(pool_id, password) {
        return Err(not_authorized(INCORRECT));
    }
    after_password(ctx, st, pool_id, client, &key)
}

fn refresh_auth(
    ctx: &Ctx,
    st: &mut UserPools,
    pool_id: &str,
    client: &ClientSeed,
    params: &Value,
) -> Result<Value, ApiError> {
    let token = param(params, "REFRESH_TOKEN")?;
    let rec = check_refresh(
        st,
        token,
        &client.id,
        ctx.now_ms,
        client.refresh_token_grace_seconds * 1000,
    )?;
    if client.secret.is_some() {
        // Clients compute SECRET_HASH over the username or the sub for refreshes; accept either.
        let user = st
            .user(pool_id, &rec.user_key)
            .ok_or_else(|| not_authorized("Invalid Refresh Token"))?;
        let given = params.get("SECRET_HASH").and_then(Value::as_str);
        if check_secret_hash(client, &user.username, given).is_err() {
            check_secret_hash(client, &user.sub, given)?;
        }
    }
    let issued = issue_tokens(
        ctx,
        st,
        pool_id,
        client,
        &rec.user_key,
        Family::Refresh {
            token,
            rotate: false,
            id_token: true,
        },
    )?;
    Ok(json!({ "AuthenticationResult": issued.authentication_result(), "ChallengeParameters": {} }))
}

/// After a correct password: account status, then MFA, then tokens.
pub fn after_password(
    ctx: &Ctx,
    st: &mut UserPools,
    pool_id: &str,
    client: &ClientSeed,
    key: &str,
) -> Result<Value, ApiError> {
    let user = st
        .user(pool_id, key)
        .ok_or_else(|| err("UserNotFoundException", "User does not exist."))?;
    if !user.enabled {
        return Err(not_authorized("User is disabled."));
    }
    match user.status.as_str() {
        "UNCONFIRMED" => Err(err("UserNotConfirmedException", "User is not confirmed.")),
        "RESET_REQUIRED" => Err(err(
            "PasswordResetRequiredException",
            "Password reset required for the user",
        )),
        "FORCE_CHANGE_PASSWORD" => {
            let attrs: Map<String, Value> = user
                .attributes
                .iter()
                .map(|(k, v)| (k.clone(), json!(v)))
                .collect();
            let params = json!({
                "USER_ID_FOR_SRP": user.username,
                "requiredAttributes": "[]",
                "userAttributes": Value::Object(attrs).to_string(),
            });
            Ok(challenge(
                ctx,
                st,
                pool_id,
                client,
                key,
                "NEW_PASSWORD_REQUIRED",
                params,
            ))
        }
        _ => mfa_or_tokens(ctx, st, pool_id, client, key),
    }
}

/// The MFA step (or MFA set-up) if the user needs one, else tokens.
pub fn mfa_or_tokens(
    ctx: &Ctx,
    st: &mut UserPools,
    pool_id: &str,
    client: &ClientSeed,
    key: &str,
) -> Result<Value, ApiError> {
    let pool = st
        .pools
        .get(pool_id)
        .ok_or_else(|| err("ResourceNotFoundException", "User pool does not exist."))?;
    let user = pool
        .users
        .get(key)
        .ok_or_else(|| err("UserNotFoundException", "User does not exist."))?;
    let methods = user.mfa_methods(&pool.cfg.mfa);
    let username = user.username.clone();
    let chosen = match methods.as_slice() {
        [] if pool.cfg.mfa == "ON" => {
            let params = json!({ "MFAS_CAN_SETUP": "[\"SOFTWARE_TOKEN_MFA\"]", "USER_ID_FOR_SRP": username });
            return Ok(challenge(
                ctx,
                st,
                pool_id,
                client,
                key,
                "MFA_SETUP",
                params,
            ));
        }
        [] => {
            let issued = issue_tokens(
                ctx,
                st,
                pool_id,
                client,
                key,
                Family::New {
                    scope: ADMIN_SCOPE,
                    id_token: true,
                    nonce: None,
                },
            )?;
            return Ok(
                json!({ "AuthenticationResult": issued.authentication_result(), "ChallengeParameters": {} }),
            );
        }
        [one] => *one,
        many => match user
            .preferred_mfa
            .as_deref()
            .and_then(|p| many.iter().find(|m| **m == p))
        {
            Some(p) => *p,
            None => {
                let params = json!({ "MFAS_CAN_CHOOSE": json!(many).to_string(), "USER_ID_FOR_SRP": username });
                return Ok(challenge(
                    ctx,
                    st,
                    pool_id,
                    client,
                    key,
                    "SELECT_MFA_TYPE",
                    params,
                ));
            }
        },
    };
    Ok(mfa_challenge(ctx, st, pool_id, client, key, chosen))
}

fn mfa_challenge(
    ctx: &Ctx,
    st: &mut UserPools,
    pool_id: &str,
    client: &ClientSeed,
    key: &str,
    method: &str,
) -> Value {
    let username = st
        .user(pool_id, key)
        .map(|u| u.username.clone())
        .unwrap_or_default();
    let mut params = json!({ "USER_ID_FOR_SRP": username });
    if method == "SMS_MFA" {
        if let Some(pool) = st.pools.get_mut(pool_id) {
            if let Some(d) = send_code(ctx, pool, key, "sms_mfa", true) {
                params["CODE_DELIVERY_DELIVERY_MEDIUM"] = d["DeliveryMedium"].clone();
                params["CODE_DELIVERY_DESTINATION"] = d["Destination"].clone();
            }
        }
    }
    challenge(ctx, st, pool_id, client, key, method, params)
}

/// A challenge answer with a fresh session.
fn challenge(
    ctx: &Ctx,
    st: &mut UserPools,
    pool_id: &str,
    client: &ClientSeed,
    key: &str,
    name: &str,
    params: Value,
) -> Value {
    let username = st
        .user(pool_id, key)
        .map(|u| u.username.clone())
        .unwrap_or_default();
    let session = st.new_session(AuthSession {
        pool_id: pool_id.to_string(),
        client_id: client.id.clone(),
        user_key: Some(key.to_string()),
        username,
        challenge: name.to_string(),
        expires_ms: ctx.now_ms + client.auth_session_validity * 1000,
        used: false,
        attempts_left: 2,
        srp: None,
        mfa_setup_verified: false,
    });
    json!({ "ChallengeName": name, "ChallengeParameters": params, "Session": session })
}

/// RespondToAuthChallenge.
pub fn respond_to_auth_challenge(
    ctx: &Ctx,
    st: &mut UserPools,
    body: &Value,
) -> Result<Value, ApiError> {
    let client_id = req_str(body, "ClientId")?;
    let name = req_str(body, "ChallengeName")?;
    let empty = json!({});
    let responses = body
        .get("ChallengeResponses")
        .filter(|v| v.is_object())
        .unwrap_or(&empty);
    let (pool_id, client) = st.client_owned(client_id)?;
    if name == "PASSWORD_VERIFIER" {
        return password_verifier(ctx, st, &pool_id, &client, body, responses);
    }
    let session_id = req_str(body, "Session")?;
    let sess = st.take_session(session_id, Some(client_id), ctx.now_ms)?;
    if sess.challenge != name {
        return Err(invalid_param(format!(
            "Invalid challenge name: this session answers {}",
            sess.challenge
        )));
    }
    let username = param(responses, "USERNAME")?;
    if !username.eq_ignore_ascii_case(&sess.username)
        && st.pools.get(&pool_id).and_then(|p| p.find_key(username)) != sess.user_key
    {
        return Err(not_authorized("Invalid session for the user."));
    }
    check_secret_hash(
        &client,
        username,
        responses.get("SECRET_HASH").and_then(Value::as_str),
    )?;
    let key = sess
        .user_key
        .clone()
        .ok_or_else(|| not_authorized(INCORRECT))?;
    match name {
        "NEW_PASSWORD_REQUIRED" => {
            let new_password = param(responses, "NEW_PASSWORD")?;
            let pool = st.pools.get_mut(&pool_id).expect("session pool");
            if let Err(e) = pool.check_password(new_password) {
                st.give_back_session(session_id);
                return Err(e);
            }
            let user = pool
                .users
                .get_mut(&key)
                .ok_or_else(|| err("UserNotFoundException", "User does not exist."))?;
            if let Some(map) = responses.as_object() {
                for (k, v) in map {
                    if let (Some(attr), Some(v)) = (k.strip_prefix("userAttributes."), v.as_str()) {
                        if attr != "sub" {
                            user.attributes.insert(attr.to_string(), v.to_string());
                        }
                    }
                }
            }
            user.set_password(&pool_id, new_password);
            user.status = "CONFIRMED".into();
            user.updated_ms = ctx.now_ms;
            mfa_or_tokens(ctx, st, &pool_id, &client, &key)
        }
        "SOFTWARE_TOKEN_MFA" => {
            let code = param(responses, "SOFTWARE_TOKEN_MFA_CODE")?;
            let user = st
                .user(&pool_id, &key)
                .ok_or_else(|| err("UserNotFoundException", "User does not exist."))?;
            let secret = user
                .totp_secret
                .as_deref()
                .and_then(crypto::base32_decode)
                .unwrap_or_default();
            if secret.is_empty() || !crypto::totp_matches(&secret, ctx.now_secs(), code) {
                st.give_back_session(session_id);
                return Err(err(
                    "CodeMismatchException",
                    "Invalid code received for user",
                ));
            }
            tokens(ctx, st, &pool_id, &client, &key)
        }
        "SMS_MFA" => {
            let code = param(responses, "SMS_MFA_CODE")?;
            let user = st
                .user_mut(&pool_id, &key)
                .ok_or_else(|| err("UserNotFoundException", "User does not exist."))?;
            if let Err(e) = check_code(ctx, user, "sms_mfa", code) {
                st.give_back_session(session_id);
                return Err(if e.kind == "CodeMismatchException" {
                    err("CodeMismatchException", "Invalid code received for user")
                } else {
                    e
                });
            }
            tokens(ctx, st, &pool_id, &client, &key)
        }
        "SELECT_MFA_TYPE" => {
            let answer = param(responses, "ANSWER")?;
            let pool = st.pools.get(&pool_id).expect("session pool");
            let methods = pool
                .users
                .get(&key)
                .map(|u| u.mfa_methods(&pool.cfg.mfa))
                .unwrap_or_default();
            if !methods.contains(&answer) {
                st.give_back_session(session_id);
                return Err(invalid_param(format!(
                    "ANSWER must be one of {}",
                    json!(methods)
                )));
            }
            Ok(mfa_challenge(ctx, st, &pool_id, &client, &key, answer))
        }
        "MFA_SETUP" => {
            if !sess.mfa_setup_verified {
                st.give_back_session(session_id);
                return Err(invalid_param(
                    "MFA_SETUP is not complete: call AssociateSoftwareToken and VerifySoftwareToken with the session first",
                ));
            }
            tokens(ctx, st, &pool_id, &client, &key)
        }
        other => Err(invalid_param(format!("Unsupported challenge name {other}"))),
    }
}

fn tokens(
    ctx: &Ctx,
    st: &mut UserPools,
    pool_id: &str,
    client: &ClientSeed,
    key: &str,
) -> Result<Value, ApiError> {
    let issued = issue_tokens(
        ctx,
        st,
        pool_id,
        client,
        key,
        Family::New {
            scope: ADMIN_SCOPE,
            id_token: true,
            nonce: None,
        },
    )?;
    Ok(json!({ "AuthenticationResult": issued.authentication_result(), "ChallengeParameters": {} }))
}

fn password_verifier(
    ctx: &Ctx,
    st: &mut UserPools,
    pool_id: &str,
    client: &ClientSeed,
    body: &Value,
    responses: &Value,
) -> Result<Value, ApiError> {
    let username = param(responses, "USERNAME")?;
    let block_b64 = param(responses, "PASSWORD_CLAIM_SECRET_BLOCK")?;
    let signature_b64 = param(responses, "PASSWORD_CLAIM_SIGNATURE")?;
    let timestamp = param(responses, "TIMESTAMP")?;
    let session_id = match opt_str(body, "Session").filter(|s| !s.is_empty()) {
        Some(s) => s.to_string(),
        None => st
            .secret_blocks
            .get(block_b64)
            .cloned()
            .ok_or_else(|| not_authorized("Invalid session for the user."))?,
    };
    let sess = st.take_session(&session_id, Some(&client.id), ctx.now_ms)?;
    if sess.challenge != "PASSWORD_VERIFIER" {
        return Err(invalid_param(format!(
            "Invalid challenge name: this session answers {}",
            sess.challenge
        )));
    }
    check_secret_hash(
        client,
        username,
        responses.get("SECRET_HASH").and_then(Value::as_str),
    )?;
    let srp = sess.srp.as_ref().ok_or_else(|| not_authorized(INCORRECT))?;
    let refuse = |why: &str| {
        eprintln!(
            "emulator: PASSWORD_VERIFIER refused for {}: {why}",
            sess.username
        );
        Err(not_authorized(INCORRECT))
    };
    if !username.eq_ignore_ascii_case(&sess.username) {
        return refuse("USERNAME is not the USER_ID_FOR_SRP of the challenge");
    }
    let Some(block) = crypto::b64_decode(block_b64).filter(|b| *b == srp.secret_block) else {
        return refuse("PASSWORD_CLAIM_SECRET_BLOCK is not the SECRET_BLOCK sent");
    };
    let Some(ts_ms) = crate::clock::parse_cognito_timestamp(timestamp) else {
        return refuse("TIMESTAMP is not in the form 'Wed Jan 1 00:00:00 UTC 2020'");
    };
    if (ts_ms - ctx.now_ms).abs() > TIMESTAMP_TOLERANCE_MS {
        return refuse(&format!(
            "TIMESTAMP is {} s away from the emulator's clock",
            (ts_ms - ctx.now_ms) / 1000
        ));
    }
    let Some(key) = srp::server_key(&srp.a, &srp.big_b, &srp.b, &srp.v) else {
        return refuse("SRP_A is unusable");
    };
    let expected =
        srp::claim_signature(&key, pool_name(pool_id), &sess.username, &block, timestamp);
    let given = crypto::b64_decode(signature_b64).unwrap_or_default();
    let Some(user_key) = sess.user_key.clone() else {
        return refuse("no such user");
    };
    if !crypto::ct_eq(&expected, &given) {
        return refuse("PASSWORD_CLAIM_SIGNATURE does not match (wrong password?)");
    }
    after_password(ctx, st, pool_id, client, &user_key)
}

/// GetTokensFromRefreshToken.
pub fn get_tokens_from_refresh_token(
    ctx: &Ctx,
    st: &mut UserPools,
    body: &Value,
) -> Result<Value, ApiError> {
    let token = req_str(body, "RefreshToken")?;
    let client_id = req_str(body, "ClientId")?;
    let (pool_id, client) = st.client_owned(client_id)?;
    check_client_secret(&client, opt_str(body, "ClientSecret"))?;
    let rec = check_refresh(
        st,
        token,
        client_id,
        ctx.now_ms,
        client.refresh_token_grace_seconds * 1000,
    )?;
    let family = Family::Refresh {
        token,
        rotate: client.refresh_token_rotation,
        id_token: true,
    };
    let issued = issue_tokens(ctx, st, &pool_id, &client, &rec.user_key, family)?;
    Ok(json!({ "AuthenticationResult": issued.authentication_result() }))
}

/// Checks a `ClientSecret` parameter (GetTokensFromRefreshToken, RevokeToken).
pub fn check_client_secret(client: &ClientSeed, given: Option<&str>) -> Result<(), ApiError> {
    match (&client.secret, given) {
        (None, _) => Ok(()),
        (Some(_), None) => Err(not_authorized(format!(
            "Client {} is configured for secret but secret was not received",
            client.id
        ))),
        (Some(s), Some(g)) if crypto::ct_eq(s.as_bytes(), g.as_bytes()) => Ok(()),
        (Some(_), Some(_)) => Err(not_authorized(format!(
            "Unable to verify secret hash for client {}",
            client.id
        ))),
    }
}

/// RevokeToken (a refresh token; also invalidates the access tokens issued from it).
pub fn revoke_token(_ctx: &Ctx, st: &mut UserPools, body: &Value) -> Result<Value, ApiError> {
    let token = req_str(body, "Token")?;
    let client_id = req_str(body, "ClientId")?;
    let (_, client) = st.client_owned(client_id)?;
    check_client_secret(&client, opt_str(body, "ClientSecret"))?;
    if token.matches('.').count() == 2 {
        return Err(err(
            "UnsupportedTokenTypeException",
            "Only refresh tokens can be revoked",
        ));
    }
    match st.refresh.get(token) {
        None => Ok(json!({})),
        Some(rec) if rec.client_id != client_id => Err(err(
            "UnauthorizedException",
            "The token was not issued to this client",
        )),
        Some(rec) => {
            let origin = rec.origin_jti.clone();
            revoke_family(st, &origin);
            Ok(json!({}))
        }
    }
}

/// GlobalSignOut: revokes every refresh token of the user and the access tokens issued from them.
pub fn global_sign_out(ctx: &Ctx, st: &mut UserPools, body: &Value) -> Result<Value, ApiError> {
    let token = req_str(body, "AccessToken")?;
    let owner = check_access_token(ctx, st, token, true)?;
    let mut origins: HashSet<String> = st
        .refresh
        .values()
        .filter(|r| r.pool_id == owner.pool_id && r.user_key == owner.user_key)
        .map(|r| r.origin_jti.clone())
        .collect();
    if let Some(o) = owner.claims["origin_jti"].as_str() {
        origins.insert(o.to_string());
    }
    for o in origins {
        revoke_family(st, &o);
    }
    Ok(json!({}))
}
