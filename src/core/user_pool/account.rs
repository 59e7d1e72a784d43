//! The answers of the account calls: `SignUp`, where Cognito sent a code
//! (`CodeDeliveryDetails`), and `GetUser`'s attributes, read into the JSON the SDK returns.

use crate::prelude::*;

use crate::core::error::Result;
use crate::core::json::{Json, JsonObject};

/// Where Cognito sent a code (`CodeDeliveryDetails`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CodeDelivery {
    /// `EMAIL` or `SMS`.
    pub delivery_medium: Option<String>,
    /// The masked destination, e.g. `a***@e***`.
    pub destination: Option<String>,
    /// The attribute the code was sent to, e.g. `email`.
    pub attribute_name: Option<String>,
}

impl CodeDelivery {
    /// Whether no field is known.
    pub(super) fn is_empty(&self) -> bool {
        self.delivery_medium.is_none()
            && self.destination.is_none()
            && self.attribute_name.is_none()
    }

    /// `{ deliveryMedium?, destination?, attributeName? }`.
    pub(super) fn to_json(&self) -> JsonObject {
        JsonObject::new()
            .opt_str("deliveryMedium", self.delivery_medium.as_deref())
            .opt_str("destination", self.destination.as_deref())
            .opt_str("attributeName", self.attribute_name.as_deref())
    }
}

/// `CodeDeliveryDetails` of an answer, when present with at least one known field.
pub fn parse_code_delivery(json: &Json) -> Result<Option<CodeDelivery>> {
    let Some(d) = json.opt_object_field("CodeDeliveryDetails")? else {
        return Ok(None);
    };
    let c = CodeDelivery {
        delivery_medium: d.opt_str_field("DeliveryMedium")?.map(str::to_string),
        destination: d.opt_str_field("Destination")?.map(str::to_string),
        attribute_name: d.opt_str_field("AttributeName")?.map(str::to_string),
    };
    Ok(if c.is_empty() { None } else { Some(c) })
}

/// The JSON the SDK returns for a code delivery: `{"codeDelivery": {...}}` or `{}`.
pub fn code_delivery_result(delivery: Option<&CodeDelivery>) -> String {
    match delivery {
        Some(d) => JsonObject::new()
            .obj("codeDelivery", d.to_json())
            .to_string(),
        None => "{}".to_string(),
    }
}

/// The answer to `SignUp`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignUpResult {
    /// Whether the user is already confirmed (e.g. auto-confirmed by a Lambda trigger).
    pub user_confirmed: bool,
    /// The new user's `sub`.
    pub user_sub: String,
    /// Where the confirmation code went.
    pub code_delivery: Option<CodeDelivery>,
}

/// Reads a `SignUp` answer.
pub fn parse_sign_up(json: &Json) -> Result<SignUpResult> {
    Ok(SignUpResult {
        user_confirmed: json.bool_field("UserConfirmed")?,
        user_sub: json.str_field("UserSub")?.to_string(),
        code_delivery: parse_code_delivery(json)?,
    })
}

impl SignUpResult {
    /// The JSON the SDK returns: `{ userConfirmed, userSub, codeDelivery? }`.
    pub fn to_json(&self) -> String {
        let mut o = JsonObject::new()
            .bool("userConfirmed", self.user_confirmed)
            .str("userSub", &self.user_sub);
        if let Some(d) = &self.code_delivery {
            o = o.obj("codeDelivery", d.to_json());
        }
        o.to_string()
    }
}

/// Reads `GetUser`'s `UserAttributes` into the JSON object the SDK returns:
/// `{ "email": "...", "custom:team": "...", ... }` (an attribute without a `Value` reads as `""`).
pub fn user_attributes_json(json: &Json) -> Result<String> {
    let mut o = JsonObject::new();
    for a in json.opt_array_field("UserAttributes")?.unwrap_or(&[]) {
        o = o.str(
            a.str_field("Name")?,
            a.opt_str_field("Value")?.unwrap_or(""),
        );
    }
    Ok(o.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_answers() {
        let j = Json::parse(r#"{"UserConfirmed":false,"UserSub":"sub-1","CodeDeliveryDetails":{"AttributeName":"email","DeliveryMedium":"EMAIL","Destination":"a***@e***"}}"#).unwrap();
        assert_eq!(
            parse_sign_up(&j).unwrap().to_json(),
            r#"{"userConfirmed":false,"userSub":"sub-1","codeDelivery":{"deliveryMedium":"EMAIL","destination":"a***@e***","attributeName":"email"}}"#
        );
        let j = Json::parse(
            r#"{"Username":"u","UserAttributes":[{"Name":"sub","Value":"s"},{"Name":"custom:team","Value":"red"}]}"#,
        )
        .unwrap();
        assert_eq!(
            user_attributes_json(&j).unwrap(),
            r#"{"sub":"s","custom:team":"red"}"#
        );
        assert_eq!(code_delivery_result(None), "{}");
    }
}
