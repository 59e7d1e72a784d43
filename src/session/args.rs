//! The arguments of the SDK's calls, read from the JSON the JS facade passes
//! (`JSON.stringify(args)`) and validated: a missing or mistyped argument, or one the call does
//! not know (usually a typo), is an `InvalidParameter` error naming it. Values are never copied
//! into messages (they may be passwords or codes).

use crate::prelude::*;

use crate::core::encoding::concat;
use crate::core::error::{Error, Result};
use crate::core::json::Json;
use crate::core::oauth::AuthorizeOptions;
use crate::core::user_pool::{MfaPreference, MfaType};

/// An argument object being read.
struct Args<'a> {
    fields: &'a [(String, Json)],
}

impl<'a> Args<'a> {
    /// `json` must be an object (or absent: `None` reads as `{}`) with no keys outside `known`.
    fn new(json: Option<&'a Json>, known: &[&str]) -> Result<Args<'a>> {
        let fields: &[(String, Json)] = match json {
            None | Some(Json::Null) => &[],
            Some(Json::Object(f)) => f,
            Some(_) => return Err(Error::param("arguments", "expected an object")),
        };
        for (k, _) in fields {
            if !known.contains(&k.as_str()) {
                return Err(Error::param(k, "is not a known argument"));
            }
        }
        Ok(Args { fields })
    }

    fn get(&self, key: &str) -> Option<&'a Json> {
        self.fields
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
            .filter(|v| !v.is_null())
    }

    // Strings are read borrowed and owned only once every argument has been checked: a `?`
    // between owned fields costs a drop path per field in the wasm.
    fn opt_str(&self, key: &str) -> Result<Option<&'a str>> {
        match self.get(key) {
            None => Ok(None),
            Some(Json::String(s)) if !s.is_empty() => Ok(Some(s)),
            Some(Json::String(_)) => Err(Error::param(key, "is empty")),
            Some(_) => Err(Error::param(key, "expected a string")),
        }
    }

    fn str(&self, key: &str) -> Result<&'a str> {
        self.opt_str(key)?
            .ok_or_else(|| Error::param(key, "is required"))
    }

    /// An array of non-empty strings without spaces (scopes); empty when absent.
    fn words(&self, key: &str) -> Result<Vec<String>> {
        let Some(v) = self.get(key) else {
            return Ok(Vec::new());
        };
        let bad = || Error::param(key, "expected an array of names without spaces");
        let mut out = Vec::new();
        for item in v.as_array().ok_or_else(bad)? {
            match item.as_str() {
                Some(w) if !w.is_empty() && !w.bytes().any(|b| b.is_ascii_whitespace()) => {
                    out.push(w.to_string())
                }
                _ => return Err(bad()),
            }
        }
        Ok(out)
    }

    fn bool(&self, key: &str) -> Result<bool> {
        match self.get(key) {
            None => Ok(false),
            Some(Json::Bool(b)) => Ok(*b),
            Some(_) => Err(Error::param(key, "expected true or false")),
        }
    }

    /// A `{ name: "value" }` object of user attributes.
    fn attributes(&self, key: &str) -> Result<Vec<(String, String)>> {
        let Some(v) = self.get(key) else {
            return Ok(Vec::new());
        };
        let Json::Object(members) = v else {
            return Err(Error::param(key, "expected an object of strings"));
        };
        let mut out = Vec::with_capacity(members.len());
        for (name, value) in members {
            let Json::String(s) = value else {
                let mut field = concat(key, ".");
                field.push_str(name);
                return Err(Error::param(&field, "expected a string"));
            };
            if name.is_empty() {
                return Err(Error::param(key, "has an empty attribute name"));
            }
            out.push((name.clone(), s.clone()));
        }
        Ok(out)
    }
}

/// The authentication flow of `signIn`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// `USER_SRP_AUTH`: the password never leaves the browser (the default).
    Srp,
    /// `USER_PASSWORD_AUTH`: the password is sent to Cognito (over TLS).
    Password,
}

/// `signIn({ username, password, flow })`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignIn {
    /// The user name (or an alias such as the email, when the pool allows it).
    pub username: String,
    /// The password.
    pub password: String,
    /// The flow.
    pub flow: Flow,
}

impl SignIn {
    /// Reads the arguments.
    pub fn from_json(json: Option<&Json>) -> Result<Self> {
        let a = Args::new(json, &["username", "password", "flow"])?;
        let flow = match a.opt_str("flow")? {
            None | Some("USER_SRP_AUTH") => Flow::Srp,
            Some("USER_PASSWORD_AUTH") => Flow::Password,
            Some(_) => {
                return Err(Error::param(
                    "flow",
                    "expected 'USER_SRP_AUTH' or 'USER_PASSWORD_AUTH'",
                ))
            }
        };
        let (username, password) = (a.str("username")?, a.str("password")?);
        Ok(SignIn {
            username: username.into(),
            password: password.into(),
            flow,
        })
    }
}

/// `confirmSignIn({ code | newPassword, attributes | mfaType, deviceName })`: the answer to the
/// current step; which fields are required depends on the step.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConfirmSignIn {
    /// The MFA code (MFA_TOTP, MFA_SMS, MFA_EMAIL, MFA_SETUP_TOTP).
    pub code: Option<String>,
    /// The new password (NEW_PASSWORD_REQUIRED).
    pub new_password: Option<String>,
    /// Attributes to set with the new password (NEW_PASSWORD_REQUIRED).
    pub attributes: Vec<(String, String)>,
    /// The chosen factor (SELECT_MFA_TYPE).
    pub mfa_type: Option<MfaType>,
    /// A name for the authenticator (MFA_SETUP_TOTP).
    pub device_name: Option<String>,
}

impl ConfirmSignIn {
    /// Reads the arguments.
    pub fn from_json(json: Option<&Json>) -> Result<Self> {
        let a = Args::new(
            json,
            &["code", "newPassword", "attributes", "mfaType", "deviceName"],
        )?;
        let mfa_type = match a.opt_str("mfaType")? {
            None => None,
            Some(m) => Some(
                MfaType::from_js_name(m)
                    .ok_or_else(|| Error::param("mfaType", "expected 'TOTP', 'SMS' or 'EMAIL'"))?,
            ),
        };
        let code = a.opt_str("code")?;
        let new_password = a.opt_str("newPassword")?;
        let attributes = a.attributes("attributes")?;
        let device_name = a.opt_str("deviceName")?;
        Ok(ConfirmSignIn {
            code: code.map(str::to_owned),
            new_password: new_password.map(str::to_owned),
            attributes,
            mfa_type,
            device_name: device_name.map(str::to_owned),
        })
    }
}

/// How [`read_fields`] reads an argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A non-empty string, required.
    Required,
    /// `{ name: "value" }` user attributes (absent: none).
    Attributes,
}

/// An argument that becomes a request field: (the argument as apps spell it, the field as
/// Cognito spells it, how it is read).
pub type ArgField = (&'static str, &'static str, Kind);

/// A value [`read_fields`] read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value<'a> {
    /// A string argument.
    Str(&'a str),
    /// User attributes, in the order given.
    Attributes(Vec<(String, String)>),
}

/// Reads the arguments of `fields`, in order, refusing any other argument: the values, one per
/// field.
pub fn read_fields<'a>(json: Option<&'a Json>, fields: &[ArgField]) -> Result<Vec<Value<'a>>> {
    let names: Vec<&str> = fields.iter().map(|(arg, _, _)| *arg).collect();
    let a = Args::new(json, &names)?;
    let mut values = Vec::with_capacity(fields.len());
    for (arg, _, kind) in fields {
        values.push(match kind {
            Kind::Required => Value::Str(a.str(arg)?),
            Kind::Attributes => Value::Attributes(a.attributes(arg)?),
        });
    }
    Ok(values)
}

/// `verifyTotp({ code, deviceName })`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyTotp {
    /// The first code from the authenticator app.
    pub code: String,
    /// A name for the authenticator.
    pub device_name: Option<String>,
}

impl VerifyTotp {
    /// Reads the arguments.
    pub fn from_json(json: Option<&Json>) -> Result<Self> {
        let a = Args::new(json, &["code", "deviceName"])?;
        let (code, device_name) = (a.str("code")?, a.opt_str("deviceName")?);
        Ok(VerifyTotp {
            code: code.into(),
            device_name: device_name.map(str::to_owned),
        })
    }
}

/// `setMfaPreference({ totp, sms, email })`, each `'PREFERRED' | 'ENABLED' | 'DISABLED'`;
/// at least one is required.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MfaPreferences {
    /// The authenticator app.
    pub totp: Option<MfaPreference>,
    /// SMS codes.
    pub sms: Option<MfaPreference>,
    /// Email codes.
    pub email: Option<MfaPreference>,
}

impl MfaPreferences {
    /// Reads the arguments.
    pub fn from_json(json: Option<&Json>) -> Result<Self> {
        let a = Args::new(json, &["totp", "sms", "email"])?;
        let pref = |key: &str| -> Result<Option<MfaPreference>> {
            match a.opt_str(key)? {
                None => Ok(None),
                Some(v) => MfaPreference::from_js_name(v).map(Some).ok_or_else(|| {
                    Error::param(key, "expected 'PREFERRED', 'ENABLED' or 'DISABLED'")
                }),
            }
        };
        let p = MfaPreferences {
            totp: pref("totp")?,
            sms: pref("sms")?,
            email: pref("email")?,
        };
        if p.totp.is_none() && p.sms.is_none() && p.email.is_none() {
            return Err(Error::param(
                "totp",
                "one of totp, sms or email is required",
            ));
        }
        let preferred = [p.totp, p.sms, p.email]
            .iter()
            .filter(|x| **x == Some(MfaPreference::Preferred))
            .count();
        if preferred > 1 {
            return Err(Error::param("totp", "only one factor can be PREFERRED"));
        }
        Ok(p)
    }
}

/// `signOut({ global, strict })`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SignOut {
    /// Also sign out every other device (`GlobalSignOut`).
    pub global: bool,
    /// Reject when Cognito could not be told (the local session is cleared either way).
    pub strict: bool,
}

impl SignOut {
    /// Reads the arguments.
    pub fn from_json(json: Option<&Json>) -> Result<Self> {
        let a = Args::new(json, &["global", "strict"])?;
        Ok(SignOut {
            global: a.bool("global")?,
            strict: a.bool("strict")?,
        })
    }
}

/// `signInWithRedirect({ provider, idpIdentifier, prompt, lang, loginHint, scopes, state })`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SignInWithRedirect {
    /// The authorize URL's options.
    pub options: AuthorizeOptions,
    /// The app's own state, given back by `handleRedirectCallback`.
    pub state: Option<String>,
}

impl SignInWithRedirect {
    /// Reads the arguments.
    pub fn from_json(json: Option<&Json>) -> Result<Self> {
        let a = Args::new(
            json,
            &["provider", "idpIdentifier", "prompt", "lang", "loginHint", "scopes", "state"],
        )?;
        let owned = |key| a.opt_str(key).map(|v| v.map(str::to_owned));
        let options = AuthorizeOptions {
            provider: owned("provider")?,
            idp_identifier: owned("idpIdentifier")?,
            prompt: owned("prompt")?,
            lang: owned("lang")?,
            login_hint: owned("loginHint")?,
            scopes: a.words("scopes")?,
        };
        Ok(SignInWithRedirect {
            options,
            state: owned("state")?,
        })
    }
}

/// `handleRedirectCallback(url)`, as the driver passes it: the callback URL's parameters (read
/// with the platform's URL parser) and `pending`, what `signInWithRedirect` left in this tab's
/// session storage (absent: nothing).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RedirectCallback {
    /// `code`.
    pub code: Option<String>,
    /// `state`.
    pub state: Option<String>,
    /// `error`.
    pub error: Option<String>,
    /// `error_description`.
    pub error_description: Option<String>,
    /// The stored [`crate::core::oauth::PendingRedirect`] text.
    pub pending: Option<String>,
}

impl RedirectCallback {
    /// Reads the arguments (each may be absent; empty strings are kept).
    pub fn from_json(json: Option<&Json>) -> Result<Self> {
        const KEYS: [&str; 5] = ["code", "state", "error", "errorDescription", "pending"];
        let a = Args::new(json, &KEYS)?;
        let mut v: [Option<String>; 5] = Default::default();
        for (slot, key) in v.iter_mut().zip(KEYS) {
            *slot = match a.get(key) {
                None => None,
                Some(Json::String(s)) => Some(s.clone()),
                Some(_) => return Err(Error::param(key, "expected a string")),
            };
        }
        let [code, state, error, error_description, pending] = v;
        Ok(RedirectCallback {
            code,
            state,
            error,
            error_description,
            pending,
        })
    }
}

/// `getTokens({ forceRefresh })`: whether to refresh even when the tokens are fresh.
pub fn force_refresh(json: Option<&Json>) -> Result<bool> {
    Args::new(json, &["forceRefresh"])?.bool("forceRefresh")
}

/// Calls without arguments accept nothing or `{}`.
pub fn none(json: Option<&Json>) -> Result<()> {
    Args::new(json, &[]).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn j(t: &str) -> Json {
        Json::parse(t).unwrap()
    }

    #[test]
    fn sign_in_arguments() {
        let s = SignIn::from_json(Some(&j(r#"{"username":"a","password":"p"}"#))).unwrap();
        assert_eq!(
            (s.username.as_str(), s.password.as_str(), s.flow),
            ("a", "p", Flow::Srp)
        );
        let s = SignIn::from_json(Some(&j(
            r#"{"username":"a","password":"p","flow":"USER_PASSWORD_AUTH"}"#,
        )))
        .unwrap();
        assert_eq!(s.flow, Flow::Password);
        let e = SignIn::from_json(Some(&j(r#"{"username":"a"}"#))).unwrap_err();
        assert_eq!(
            (e.name(), e.message.as_str()),
            ("InvalidParameter", "password: is required")
        );
        let e = SignIn::from_json(Some(&j(r#"{"usename":"a","password":"p"}"#))).unwrap_err();
        assert_eq!(e.message, "usename: is not a known argument");
        let e = SignIn::from_json(Some(&j(
            r#"{"username":"a","password":"p","flow":"CUSTOM_AUTH"}"#,
        )))
        .unwrap_err();
        assert!(e.message.starts_with("flow:"));
        assert_eq!(
            SignIn::from_json(None).unwrap_err().message,
            "username: is required"
        );
        assert_eq!(
            SignIn::from_json(Some(&j("[1]"))).unwrap_err().message,
            "arguments: expected an object"
        );
        assert_eq!(
            SignIn::from_json(Some(&j(r#"{"username":"","password":"p"}"#)))
                .unwrap_err()
                .message,
            "username: is empty"
        );
        assert_eq!(
            SignIn::from_json(Some(&j(r#"{"username":1,"password":"p"}"#)))
                .unwrap_err()
                .message,
            "username: expected a string"
        );
    }

    #[test]
    fn confirm_sign_in_arguments() {
        let c = ConfirmSignIn::from_json(Some(&j(
            r#"{"newPassword":"n","attributes":{"name":"Al","email":"a@b"}}"#,
        )))
        .unwrap();
        assert_eq!(c.new_password.as_deref(), Some("n"));
        assert_eq!(
            c.attributes,
            [
                ("name".to_string(), "Al".to_string()),
                ("email".to_string(), "a@b".to_string())
            ]
        );
        let c = ConfirmSignIn::from_json(Some(&j(r#"{"mfaType":"TOTP"}"#))).unwrap();
        assert_eq!(c.mfa_type, Some(MfaType::Totp));
        assert!(
            ConfirmSignIn::from_json(Some(&j(r#"{"mfaType":"SOFTWARE_TOKEN_MFA"}"#)))
                .unwrap_err()
                .message
                .starts_with("mfaType:")
        );
        assert_eq!(
            ConfirmSignIn::from_json(Some(&j(r#"{"attributes":{"age":3}}"#)))
                .unwrap_err()
                .message,
            "attributes.age: expected a string"
        );
    }

    #[test]
    fn other_arguments() {
        let p = MfaPreferences::from_json(Some(&j(r#"{"totp":"PREFERRED","sms":"DISABLED"}"#)))
            .unwrap();
        assert_eq!(
            (p.totp, p.sms, p.email),
            (
                Some(MfaPreference::Preferred),
                Some(MfaPreference::Disabled),
                None
            )
        );
        assert!(MfaPreferences::from_json(Some(&j("{}"))).is_err());
        assert!(
            MfaPreferences::from_json(Some(&j(r#"{"totp":"PREFERRED","email":"PREFERRED"}"#)))
                .is_err()
        );
        assert!(MfaPreferences::from_json(Some(&j(r#"{"totp":"ON"}"#))).is_err());
        assert_eq!(SignOut::from_json(None).unwrap(), SignOut::default());
        assert_eq!(
            SignOut::from_json(Some(&j(r#"{"global":true}"#))).unwrap(),
            SignOut {
                global: true,
                strict: false
            }
        );
        assert!(SignOut::from_json(Some(&j(r#"{"global":"yes"}"#))).is_err());
        assert!(force_refresh(Some(&j(r#"{"forceRefresh":true}"#))).unwrap());
        assert!(none(Some(&j(r#"{"x":1}"#))).is_err());
        assert!(none(None).is_ok());
        assert_eq!(
            VerifyTotp::from_json(Some(&j(r#"{"code":"123456"}"#)))
                .unwrap()
                .device_name,
            None
        );
    }

    #[test]
    fn fields_are_read_in_order_and_nothing_else_is_accepted() {
        const FIELDS: [ArgField; 3] = [
            ("username", "Username", Kind::Required),
            ("code", "ConfirmationCode", Kind::Required),
            ("attributes", "UserAttributes", Kind::Attributes),
        ];
        let all = j(r#"{"username":"u","code":"c","attributes":{"email":"e"}}"#);
        let v = read_fields(Some(&all), &FIELDS).unwrap();
        assert_eq!(
            v,
            [
                Value::Str("u"),
                Value::Str("c"),
                Value::Attributes(vec![("email".into(), "e".into())])
            ]
        );
        let two = j(r#"{"username":"u","code":"c"}"#);
        let v = read_fields(Some(&two), &FIELDS).unwrap();
        assert_eq!(v[2], Value::Attributes(Vec::new()));
        let e = read_fields(Some(&j(r#"{"code":"c"}"#)), &FIELDS).unwrap_err();
        assert_eq!(e.message, "username: is required");
        let e = read_fields(Some(&j(r#"{"username":"u","code":"c","x":1}"#)), &FIELDS).unwrap_err();
        assert_eq!(e.message, "x: is not a known argument");
        let e = read_fields(Some(&j(r#"{"username":"u","code":""}"#)), &FIELDS).unwrap_err();
        assert_eq!(e.message, "code: is empty");
    }
}
