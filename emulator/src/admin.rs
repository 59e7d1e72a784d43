//! The admin API for tests, under `/__admin/` (JSON, CORS like everything else):
//!
//! | route | what |
//! |---|---|
//! | `GET /__admin/health` | `{"ok":true}` |
//! | `GET /__admin/config` | region, pools, clients, issuers (what a test or demo page needs to configure the SDK) |
//! | `GET/POST/DELETE /__admin/faults`, `DELETE /__admin/faults/<id>` | list / add (one spec or a list) / clear faults |
//! | `GET/POST /__admin/clock` | `{"now_ms","skew_seconds"}` / set `{"skew_seconds": n}` |
//! | `GET /__admin/counters`, `POST /__admin/counters/reset` | requests per operation |
//! | `GET /__admin/codes?username=&pool=` | the last code "sent" to a user (and all outstanding ones) |
//! | `GET /__admin/totp?secret=BASE32` | the current TOTP code for a secret, at the emulator's clock |
//! | `POST /__admin/users`, `GET /__admin/users?pool=` | create a user (seed shape + optional `pool`) / list users |
//! | `POST /__admin/reset` | back to the seed |

use crate::app::{json_resp, App};
use crate::config::UserSeed;
use crate::faults::FaultSpec;
use crate::http::{Req, Resp};
use crate::urlenc::{get, parse_pairs};
use crate::userpool::User;
use serde_json::{json, Value};

fn bad(message: impl Into<String>) -> Resp {
    json_resp(400, &json!({ "error": message.into() }))
}

fn not_found(message: impl Into<String>) -> Resp {
    json_resp(404, &json!({ "error": message.into() }))
}

fn body_json(req: &Req) -> Result<Value, Resp> {
    if req.body.is_empty() {
        return Ok(json!({}));
    }
    serde_json::from_slice(&req.body).map_err(|e| bad(format!("body is not JSON: {e}")))
}

/// Handles `/__admin/*`.
pub fn handle(app: &App, req: &Req) -> Resp {
    let q = parse_pairs(&req.raw_query);
    let path = req.raw_path.trim_end_matches('/');
    match (req.method.as_str(), path) {
        ("GET", "/__admin/health") => json_resp(200, &json!({ "ok": true })),
        ("GET", "/__admin/config") => config(app, req),
        ("GET", "/__admin/faults") => json_resp(200, &json!(app.faults.list())),
        ("POST", "/__admin/faults") => add_faults(app, req),
        ("DELETE", "/__admin/faults") | ("POST", "/__admin/faults/clear") => {
            app.faults.clear();
            json_resp(200, &json!({ "cleared": true }))
        }
        ("DELETE", p) if p.starts_with("/__admin/faults/") => {
            match p["/__admin/faults/".len()..]
                .parse::<u64>()
                .ok()
                .filter(|id| app.faults.remove(*id))
            {
                Some(_) => json_resp(200, &json!({ "removed": true })),
                None => not_found("no such fault"),
            }
        }
        ("GET", "/__admin/clock") => clock(app),
        ("POST", "/__admin/clock") => match body_json(req) {
            Ok(v) => match v["skew_seconds"].as_i64() {
                Some(s) => {
                    app.clock.set_skew_secs(s);
                    clock(app)
                }
                None => bad("skew_seconds (integer) is required"),
            },
            Err(r) => r,
        },
        ("GET", "/__admin/counters") => json_resp(200, &json!(app.faults.counters())),
        ("POST", "/__admin/counters/reset") => {
            app.faults.reset_counters();
            json_resp(200, &json!({}))
        }
        ("GET", "/__admin/codes") => codes(app, get(&q, "username"), get(&q, "pool")),
        ("GET", "/__admin/totp") => match get(&q, "secret")
            .and_then(crate::crypto::base32_decode)
            .filter(|s| !s.is_empty())
        {
            Some(secret) => {
                let now = app.clock.now_secs();
                json_resp(
                    200,
                    &json!({ "code": crate::crypto::totp(&secret, now), "valid_for_seconds": 30 - now.rem_euclid(30) }),
                )
            }
            None => bad("secret must be base32"),
        },
        ("POST", "/__admin/users") => create_user(app, req),
        ("GET", "/__admin/users") => list_users(app, get(&q, "pool")),
        ("POST", "/__admin/reset") => {
            app.reset();
            json_resp(200, &json!({ "reset": true }))
        }
        _ => not_found(format!("no admin route {} {}", req.method, req.raw_path)),
    }
}

fn config(app: &App, req: &Req) -> Resp {
    let host = req.header("host").unwrap_or("127.0.0.1");
    let base = format!("http://{host}");
    let st = app.user_pools.lock().unwrap();
    let pools: Vec<Value> = app
        .seed
        .user_pools
        .iter()
        .filter_map(|seeded| st.pools.get(&seeded.id))
        .map(|p| {
            json!({
                "id": p.cfg.id, "name": p.cfg.name, "mfa": p.cfg.mfa, "issuer": app.issuer(&p.cfg.id),
                "jwks_uri": format!("{base}/{}/.well-known/jwks.json", p.cfg.id),
                "clients": p.cfg.clients.iter().map(|c| json!({
                    "id": c.id, "name": c.name, "has_secret": c.secret.is_some(),
                    "callback_urls": c.callback_urls, "logout_urls": c.logout_urls,
                    "explicit_auth_flows": c.explicit_auth_flows,
                    "refresh_token_rotation": c.refresh_token_rotation,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    json_resp(
        200,
        &json!({
            "region": app.seed.region,
            "endpoints": { "userPool": base, "identityPool": base, "s3": format!("{base}/s3"), "hostedUi": base },
            "user_pools": pools,
            "identity_pools": app.seed.identity_pools,
            "buckets": app.seed.buckets,
        }),
    )
}

fn clock(app: &App) -> Resp {
    json_resp(
        200,
        &json!({ "now_ms": app.clock.now_ms(), "skew_seconds": app.clock.skew_secs() }),
    )
}

fn add_faults(app: &App, req: &Req) -> Resp {
    let v = match body_json(req) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let specs: Vec<Value> = match v {
        Value::Array(a) => a,
        other => vec![other],
    };
    let mut parsed = Vec::new();
    for s in specs {
        match serde_json::from_value::<FaultSpec>(s) {
            Ok(f) => parsed.push(f),
            Err(e) => return bad(format!("fault: {e}")),
        }
    }
    let ids: Vec<u64> = parsed.into_iter().map(|f| app.faults.add(f)).collect();
    json_resp(200, &json!({ "ids": ids }))
}

/// The pool a query names, or the only/first pool.
fn pick_pool(st: &crate::userpool::UserPools, pool: Option<&str>) -> Option<String> {
    match pool.filter(|p| !p.is_empty()) {
        Some(p) => st
            .pools
            .keys()
            .find(|k| *k == p || k.ends_with(&format!("_{p}")))
            .cloned(),
        None => st.default_pool.clone(),
    }
}

fn codes(app: &App, username: Option<&str>, pool: Option<&str>) -> Resp {
    let Some(username) = username else {
        return bad("username is required");
    };
    let st = app.user_pools.lock().unwrap();
    let Some(pool_id) = pick_pool(&st, pool) else {
        return not_found("no such pool");
    };
    let p = &st.pools[&pool_id];
    let Some(user) = p.find_key(username).and_then(|k| p.users.get(&k)) else {
        return not_found("no such user");
    };
    let all: serde_json::Map<String, Value> = user
        .codes
        .iter()
        .map(|(k, c)| (k.clone(), json!(c.code)))
        .collect();
    let last = user.last_code.as_ref().and_then(|k| user.codes.get(k));
    json_resp(
        200,
        &json!({
            "pool": pool_id, "username": user.username,
            "code": last.map(|c| c.code.clone()), "purpose": user.last_code, "codes": all,
        }),
    )
}

fn user_json(u: &User) -> Value {
    json!({
        "username": u.username, "sub": u.sub, "status": u.status, "enabled": u.enabled,
        "attributes": u.attributes, "groups": u.groups,
        "mfa": { "totp": u.totp_secret.is_some(), "totp_enabled": u.totp_enabled, "sms": u.sms_enabled, "preferred": u.preferred_mfa },
    })
}

fn create_user(app: &App, req: &Req) -> Resp {
    let mut v = match body_json(req) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let pool = v
        .as_object_mut()
        .and_then(|m| m.remove("pool"))
        .and_then(|p| p.as_str().map(str::to_string));
    let seed: UserSeed = match serde_json::from_value(v) {
        Ok(s) => s,
        Err(e) => return bad(format!("user: {e}")),
    };
    if let Err(e) = seed.check() {
        return bad(e);
    }
    let now = app.clock.now_ms();
    let resp = {
        let mut st = app.user_pools.lock().unwrap();
        let Some(pool_id) = pick_pool(&st, pool.as_deref()) else {
            return not_found("no such pool");
        };
        let p = st.pools.get_mut(&pool_id).expect("picked");
        if p.find_key(&seed.username).is_some() {
            return json_resp(409, &json!({ "error": "user already exists" }));
        }
        let user = User::new(&pool_id, &seed, now);
        let out = json!({ "pool": pool_id, "user": user_json(&user) });
        p.users.insert(seed.username.to_lowercase(), user);
        json_resp(201, &out)
    };
    app.save_user_pools();
    resp
}

fn list_users(app: &App, pool: Option<&str>) -> Resp {
    let st = app.user_pools.lock().unwrap();
    let Some(pool_id) = pick_pool(&st, pool) else {
        return not_found("no such pool");
    };
    let users: Vec<Value> = st.pools[&pool_id].users.values().map(user_json).collect();
    json_resp(200, &json!({ "pool": pool_id, "users": users }))
}
