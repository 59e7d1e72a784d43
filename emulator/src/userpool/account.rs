//! Account operations: SignUp, ConfirmSignUp, ResendConfirmationCode, ForgotPassword,
//! ConfirmForgotPassword, ChangePassword, GetUser, UpdateUserAttributes, VerifyUserAttribute,
//! GetUserAttributeVerificationCode, AssociateSoftwareToken, VerifySoftwareToken,
//! SetUserMFAPreference.

use super::*;
use crate::config::{MfaSeed, UserSeed};

fn not_found_for_client() -> ApiError {
    err(
        "UserNotFoundException",
        "Username/client id combination not found.",
    )
}

/// A decoy CodeDeliveryDetails for unknown users when user-existence errors are prevented.
fn decoy_delivery(username: &str) -> Value {
    let first: String = username.chars().take(1).collect();
    json!({ "Destination": format!("{first}***@e***"), "DeliveryMedium": "EMAIL", "AttributeName": "email" })
}

fn attribute_pairs(body: &Value, field: &str) -> Result<Vec<(String, String)>, ApiError> {
    let Some(list) = body.get(field) else {
        return Ok(Vec::new());
    };
    let list = list
        .as_array()
        .ok_or_else(|| invalid_param(format!("{field} must be a list")))?;
    list.iter()
        .map(|a| {
            match (
                a.get("Name").and_then(Value::as_str),
                a.get("Value").and_then(Value::as_str),
            ) {
                (Some(n), Some(v)) if !n.is_empty() => Ok((n.to_string(), v.to_string())),
                _ => Err(invalid_param(format!(
                    "{field} entries need Name and Value strings"
                ))),
            }
        })
        .collect()
}

/// SignUp.
pub fn sign_up(ctx: &Ctx, st: &mut UserPools, body: &Value) -> Result<Value, ApiError> {
    let client_id = req_str(body, "ClientId")?;
    let username = req_str(body, "Username")?;
    let password = req_str(body, "Password")?;
    let (pool_id, client) = st.client_owned(client_id)?;
    check_secret_hash(&client, username, opt_str(body, "SecretHash"))?;
    if username.chars().any(char::is_whitespace) || username.chars().count() > 128 {
        return Err(invalid_param(
            "1 validation error detected: Value at 'username' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+",
        ));
    }
    let attrs = attribute_pairs(body, "UserAttributes")?;
    let pool = st.pools.get_mut(&pool_id).expect("client's pool");
    if pool.users.contains_key(&username.to_lowercase()) || pool.find_key(username).is_some() {
        return Err(err("UsernameExistsException", "User already exists"));
    }
    pool.check_password(password)?;
    let mut attributes = BTreeMap::new();
    for (n, v) in attrs {
        if n == "sub" || n.ends_with("_verified") {
            return Err(invalid_param(format!(
                "Cannot set the attribute {n} at sign-up"
            )));
        }
        attributes.insert(n, v);
    }
    let seed = UserSeed {
        username: username.to_string(),
        password: password.to_string(),
        status: "UNCONFIRMED".into(),
        sub: Some(crypto::uuid_v4()),
        attributes,
        groups: Vec::new(),
        mfa: MfaSeed::default(),
        enabled: true,
    };
    let user = User::new(&pool_id, &seed, ctx.now_ms);
    let sub = user.sub.clone();
    let key = username.to_lowercase();
    pool.users.insert(key.clone(), user);
    let delivery = send_code(ctx, pool, &key, "signup", false);
    let mut out = json!({ "UserConfirmed": false, "UserSub": sub });
    if let Some(d) = delivery {
        out["CodeDeliveryDetails"] = d;
    }
    Ok(out)
}

/// The pool and key for a client + username call (code flows).
fn code_flow_user(
    st: &UserPools,
    body: &Value,
) -> Result<(String, ClientSeed, Option<String>), ApiError> {
    let client_id = req_str(body, "ClientId")?;
    let username = req_str(body, "Username")?;
    let (pool_id, client) = st.client_owned(client_id)?;
    check_secret_hash(&client, username, opt_str(body, "SecretHash"))?;
    let key = st.pools.get(&pool_id).and_then(|p| p.find_key(username));
    Ok((pool_id, client, key))
}

/// ConfirmSignUp.
pub fn confirm_sign_up(ctx: &Ctx, st: &mut UserPools, body: &Value) -> Result<Value, ApiError> {
    let code = req_str(body, "ConfirmationCode")?;
    let (pool_id, client, key) = code_flow_user(st, body)?;
    let Some(key) = key else {
        return Err(if client.prevent_user_existence_errors {
            err(
                "CodeMismatchException",
                "Invalid verification code provided, please try again.",
            )
        } else {
            not_found_for_client()
        });
    };
    let user = st.user_mut(&pool_id, &key).expect("found");
    if user.status != "UNCONFIRMED" {
        return Err(not_authorized(format!(
            "User cannot be confirmed. Current status is {}",
            user.status
        )));
    }
    check_code(ctx, user, "signup", code)?;
    user.status = "CONFIRMED".into();
    if user.attributes.contains_key("email") {
        user.attributes
            .insert("email_verified".into(), "true".into());
    } else if user.attributes.contains_key("phone_number") {
        user.attributes
            .insert("phone_number_verified".into(), "true".into());
    }
    user.updated_ms = ctx.now_ms;
    Ok(json!({}))
}

/// ResendConfirmationCode.
pub fn resend_confirmation_code(
    ctx: &Ctx,
    st: &mut UserPools,
    body: &Value,
) -> Result<Value, ApiError> {
    let (pool_id, client, key) = code_flow_user(st, body)?;
    let Some(key) = key else {
        return if client.prevent_user_existence_errors {
            Ok(json!({ "CodeDeliveryDetails": decoy_delivery(req_str(body, "Username")?) }))
        } else {
            Err(not_found_for_client())
        };
    };
    let pool = st.pools.get_mut(&pool_id).expect("client's pool");
    if pool
        .users
        .get(&key)
        .is_some_and(|u| u.status != "UNCONFIRMED")
    {
        return Err(invalid_param("User is already confirmed."));
    }
    let d = send_code(ctx, pool, &key, "signup", false);
    Ok(json!({ "CodeDeliveryDetails": d.unwrap_or(Value::Null) }))
}

/// ForgotPassword.
pub fn forgot_password(ctx: &Ctx, st: &mut UserPools, body: &Value) -> Result<Value, ApiError> {
    let (pool_id, client, key) = code_flow_user(st, body)?;
    let Some(key) = key else {
        return if client.prevent_user_existence_errors {
            Ok(json!({ "CodeDeliveryDetails": decoy_delivery(req_str(body, "Username")?) }))
        } else {
            Err(not_found_for_client())
        };
    };
    let pool = st.pools.get_mut(&pool_id).expect("client's pool");
    let user = pool.users.get(&key).expect("found");
    if !user.enabled {
        return Err(not_authorized("User is disabled."));
    }
    let email_ok = user.attr("email").is_some() && user.attr("email_verified") == Some("true");
    let phone_ok =
        user.attr("phone_number").is_some() && user.attr("phone_number_verified") == Some("true");
    if !email_ok && !phone_ok {
        return Err(invalid_param("Cannot reset password for the user as there is no registered/verified email or phone_number"));
    }
    let d = send_code(ctx, pool, &key, "forgot", !email_ok);
    Ok(json!({ "CodeDeliveryDetails": d.unwrap_or(Value::Null) }))
}

/// ConfirmForgotPassword.
pub fn confirm_forgot_password(
    ctx: &Ctx,
    st: &mut UserPools,
    body: &Value,
) -> Result<Value, ApiError> {
    let code = req_str(body, "ConfirmationCode")?;
    let password = req_str(body, "Password")?;
    let (pool_id, client, key) = code_flow_user(st, body)?;
    let Some(key) = key else {
        return Err(if client.prevent_user_existence_errors {
            err(
                "CodeMismatchException",
                "Invalid verification code provided, please try again.",
            )
        } else {
            not_found_for_client()
        });
    };
    let pool = st.pools.get_mut(&pool_id).expect("client's pool");
    pool.check_password(password)?;
    let user = pool.users.get_mut(&key).expect("found");
    check_code(ctx, user, "forgot", code)?;
    user.set_password(&pool_id, password);
    if user.status != "UNCONFIRMED" {
        user.status = "CONFIRMED".into();
    }
    user.updated_ms = ctx.now_ms;
    Ok(json!({}))
}

/// The user an access token belongs to, mutable.
fn token_user<'a>(
    ctx: &Ctx,
    st: &'a mut UserPools,
    body: &Value,
) -> Result<(String, String, &'a mut User), ApiError> {
    let token = req_str(body, "AccessToken")?;
    let owner = check_access_token(ctx, st, token, true)?;
    let user = st
        .user_mut(&owner.pool_id, &owner.user_key)
        .ok_or_else(|| err("UserNotFoundException", "User does not exist."))?;
    Ok((owner.pool_id, owner.user_key, user))
}

/// ChangePassword.
pub fn change_password(ctx: &Ctx, st: &mut UserPools, body: &Value) -> Result<Value, ApiError> {
    let previous = req_str(body, "PreviousPassword")?;
    let proposed = req_str(body, "ProposedPassword")?;
    let (pool_id, key, user) = token_user(ctx, st, body)?;
    if !user.password_matches(&pool_id, previous) {
        return Err(not_authorized(INCORRECT));
    }
    st.pools
        .get(&pool_id)
        .expect("token pool")
        .check_password(proposed)?;
    let user = st.user_mut(&pool_id, &key).expect("token user");
    user.set_password(&pool_id, proposed);
    user.updated_ms = ctx.now_ms;
    Ok(json!({}))
}

/// GetUser.
pub fn get_user(ctx: &Ctx, st: &mut UserPools, body: &Value) -> Result<Value, ApiError> {
    let (pool_id, _, user) = token_user(ctx, st, body)?;
    let user = user.clone();
    let pool_mfa = st
        .pools
        .get(&pool_id)
        .map(|p| p.cfg.mfa.clone())
        .unwrap_or_default();
    let mut out = json!({ "Username": user.username, "UserAttributes": user.attribute_list() });
    let mut enabled = Vec::new();
    if user.sms_enabled {
        enabled.push("SMS_MFA");
    }
    if user.totp_secret.is_some() && (user.totp_enabled || pool_mfa == "ON") {
        enabled.push("SOFTWARE_TOKEN_MFA");
    }
    if !enabled.is_empty() {
        out["UserMFASettingList"] = json!(enabled);
    }
    if let Some(p) = &user.preferred_mfa {
        out["PreferredMfaSetting"] = json!(p);
    }
    Ok(out)
}

/// UpdateUserAttributes (a changed email becomes unverified and gets a code).
pub fn update_user_attributes(
    ctx: &Ctx,
    st: &mut UserPools,
    body: &Value,
) -> Result<Value, ApiError> {
    let attrs = attribute_pairs(body, "UserAttributes")?;
    let (pool_id, key, user) = token_user(ctx, st, body)?;
    let mut to_verify = Vec::new();
    for (n, _) in &attrs {
        if n == "sub" || n.ends_with("_verified") {
            return Err(invalid_param(format!(
                "Cannot modify the non-mutable attribute {n}"
            )));
        }
    }
    for (n, v) in attrs {
        if (n == "email" || n == "phone_number") && user.attr(&n) != Some(v.as_str()) {
            user.attributes
                .insert(format!("{n}_verified"), "false".into());
            to_verify.push(n.clone());
        }
        user.attributes.insert(n, v);
    }
    user.updated_ms = ctx.now_ms;
    let pool = st.pools.get_mut(&pool_id).expect("token pool");
    let list: Vec<Value> = to_verify
        .iter()
        .filter_map(|a| send_code(ctx, pool, &key, &format!("verify_{a}"), a == "phone_number"))
        .collect();
    Ok(json!({ "CodeDeliveryDetailsList": list }))
}

/// GetUserAttributeVerificationCode.
pub fn get_user_attribute_verification_code(
    ctx: &Ctx,
    st: &mut UserPools,
    body: &Value,
) -> Result<Value, ApiError> {
    let attr = req_str(body, "AttributeName")?.to_string();
    let (pool_id, key, user) = token_user(ctx, st, body)?;
    if attr != "email" && attr != "phone_number" || user.attr(&attr).is_none() {
        return Err(invalid_param(format!("No {attr} to verify")));
    }
    let pool = st.pools.get_mut(&pool_id).expect("token pool");
    let d = send_code(
        ctx,
        pool,
        &key,
        &format!("verify_{attr}"),
        attr == "phone_number",
    );
    Ok(json!({ "CodeDeliveryDetails": d.unwrap_or(Value::Null) }))
}

/// VerifyUserAttribute.
pub fn verify_user_attribute(
    ctx: &Ctx,
    st: &mut UserPools,
    body: &Value,
) -> Result<Value, ApiError> {
    let attr = req_str(body, "AttributeName")?.to_string();
    let code = req_str(body, "Code")?.to_string();
    let (_, _, user) = token_user(ctx, st, body)?;
    check_code(ctx, user, &format!("verify_{attr}"), &code)?;
    user.attributes
        .insert(format!("{attr}_verified"), "true".into());
    user.updated_ms = ctx.now_ms;
    Ok(json!({}))
}

/// Who an AssociateSoftwareToken / VerifySoftwareToken call is for: pool, user key, and the
/// MFA_SETUP session (its string and state) when the call came with one.
type SetupCaller = (String, String, Option<(String, AuthSession)>);

/// The user behind AccessToken or an MFA_SETUP Session (AssociateSoftwareToken,
/// VerifySoftwareToken). For a session, returns it (already marked used).
fn token_or_session(
    ctx: &Ctx,
    st: &mut UserPools,
    body: &Value,
) -> Result<SetupCaller, ApiError> {
    if let Some(token) = opt_str(body, "AccessToken") {
        let owner = check_access_token(ctx, st, token, true)?;
        return Ok((owner.pool_id, owner.user_key, None));
    }
    let Some(session_id) = opt_str(body, "Session") else {
        return Err(invalid_param("AccessToken or Session is required"));
    };
    let sess = st.take_session(session_id, None, ctx.now_ms)?;
    if sess.challenge != "MFA_SETUP" {
        return Err(not_authorized("Invalid session for the user."));
    }
    let key = sess
        .user_key
        .clone()
        .ok_or_else(|| not_authorized("Invalid session for the user."))?;
    Ok((
        sess.pool_id.clone(),
        key,
        Some((session_id.to_string(), sess)),
    ))
}

/// AssociateSoftwareToken.
pub fn associate_software_token(
    ctx: &Ctx,
    st: &mut UserPools,
    body: &Value,
) -> Result<Value, ApiError> {
    let (pool_id, key, session) = token_or_session(ctx, st, body)?;
    let secret = crypto::base32(&crypto::random_bytes(20));
    let user = st
        .user_mut(&pool_id, &key)
        .ok_or_else(|| err("UserNotFoundException", "User does not exist."))?;
    user.totp_pending = Some(secret.clone());
    let mut out = json!({ "SecretCode": secret });
    if let Some((_, sess)) = session {
        let expires_ms = sess.expires_ms;
        let next = st.new_session(AuthSession {
            used: false,
            attempts_left: 2,
            expires_ms,
            ..sess
        });
        out["Session"] = json!(next);
    }
    Ok(out)
}

/// VerifySoftwareToken.
pub fn verify_software_token(
    ctx: &Ctx,
    st: &mut UserPools,
    body: &Value,
) -> Result<Value, ApiError> {
    let code = req_str(body, "UserCode")?.to_string();
    let (pool_id, key, session) = token_or_session(ctx, st, body)?;
    let user = st
        .user_mut(&pool_id, &key)
        .ok_or_else(|| err("UserNotFoundException", "User does not exist."))?;
    let Some(pending) = user.totp_pending.clone() else {
        if let Some((id, _)) = &session {
            st.give_back_session(id);
        }
        return Err(invalid_param("No software token has been associated with the user: call AssociateSoftwareToken first"));
    };
    let secret = crypto::base32_decode(&pending).unwrap_or_default();
    if !crypto::totp_matches(&secret, ctx.now_secs(), &code) {
        if let Some((id, _)) = &session {
            st.give_back_session(id);
        }
        return Err(err(
            "EnableSoftwareTokenMFAException",
            "Code mismatch and fail enable Software Token MFA",
        ));
    }
    user.totp_secret = Some(pending);
    user.totp_pending = None;
    user.updated_ms = ctx.now_ms;
    let mut out = json!({ "Status": "SUCCESS" });
    if let Some((_, sess)) = session {
        // Setting up MFA at sign-in turns it on and makes it preferred.
        user.totp_enabled = true;
        user.preferred_mfa
            .get_or_insert_with(|| "SOFTWARE_TOKEN_MFA".into());
        let next = st.new_session(AuthSession {
            used: false,
            attempts_left: 2,
            mfa_setup_verified: true,
            ..sess
        });
        out["Session"] = json!(next);
    }
    Ok(out)
}

/// SetUserMFAPreference.
pub fn set_user_mfa_preference(
    ctx: &Ctx,
    st: &mut UserPools,
    body: &Value,
) -> Result<Value, ApiError> {
    let (_, _, user) = token_user(ctx, st, body)?;
    let settings = |name: &str| {
        body.get(name)
            .filter(|v| v.is_object())
            .map(|v| (v["Enabled"].as_bool(), v["PreferredMfa"].as_bool()))
    };
    if let Some((enabled, preferred)) = settings("SoftwareTokenMfaSettings") {
        if enabled == Some(true) || preferred == Some(true) {
            if user.totp_secret.is_none() {
                return Err(invalid_param("User has not verified software token mfa"));
            }
            user.totp_enabled = true;
        }
        if enabled == Some(false) {
            user.totp_enabled = false;
            if user.preferred_mfa.as_deref() == Some("SOFTWARE_TOKEN_MFA") {
                user.preferred_mfa = None;
            }
        } else if preferred == Some(true) {
            user.preferred_mfa = Some("SOFTWARE_TOKEN_MFA".into());
        } else if preferred == Some(false)
            && user.preferred_mfa.as_deref() == Some("SOFTWARE_TOKEN_MFA")
        {
            user.preferred_mfa = None;
        }
    }
    if let Some((enabled, preferred)) = settings("SMSMfaSettings") {
        if enabled == Some(true) || preferred == Some(true) {
            if user.attr("phone_number").is_none() {
                return Err(invalid_param(
                    "User does not have delivery config set to turn on SMS_MFA",
                ));
            }
            user.sms_enabled = true;
        }
        if enabled == Some(false) {
            user.sms_enabled = false;
            if user.preferred_mfa.as_deref() == Some("SMS_MFA") {
                user.preferred_mfa = None;
            }
        } else if preferred == Some(true) {
            user.preferred_mfa = Some("SMS_MFA".into());
        } else if preferred == Some(false) && user.preferred_mfa.as_deref() == Some("SMS_MFA") {
            user.preferred_mfa = None;
        }
    }
    if body
        .get("EmailMfaSettings")
        .is_some_and(|v| v["Enabled"] == true)
    {
        return Err(invalid_param("Email MFA is not emulated"));
    }
    user.updated_ms = ctx.now_ms;
    Ok(json!({}))
}
