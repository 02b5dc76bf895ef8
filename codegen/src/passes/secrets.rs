//! Which fields carry secrets: tokens, passwords, secrets, signatures.
//!
//! A pass over the finished IR, the same for every format: a string field is secret when its
//! name ends in `token`, `secret`, `password`, `passphrase` or `signature` (in any case style),
//! or when its format is `password`. `token_type` and `access_token_max_ttl` are not secrets:
//! the last word decides, not any word. A secret the name does not reveal (EnOS's
//! `encryption` signature) is marked in the API's overlay.

use heck::ToSnakeCase;

use crate::ir::{Api, Field, TypeKind, TypeRef};

const SECRET_LAST_WORDS: &[&str] = &["token", "secret", "password", "passphrase", "signature"];

/// Whether a field of this name and format holds a secret.
pub fn is_secret(wire_name: &str, format: Option<&str>) -> bool {
    let snake = wire_name.to_snake_case();
    let last = snake.rsplit('_').next().unwrap_or_default();
    SECRET_LAST_WORDS.contains(&last) || format == Some("password")
}

/// Marks every secret string field of `api`.
pub fn mark(api: &mut Api) {
    for def in &mut api.types {
        if let TypeKind::Struct { fields, .. } = &mut def.kind {
            for field in fields.iter_mut().filter(|f| is_candidate(f)) {
                field.secret |= is_secret(&field.wire_name, field.format.as_deref());
            }
        }
    }
}

fn is_candidate(field: &Field) -> bool {
    field.ty == TypeRef::String
}

#[cfg(test)]
mod tests {
    use super::is_secret;

    #[test]
    fn the_last_word_decides() {
        for name in ["accessToken", "refresh_token", "userSecret", "appSecret", "password", "X-Signature"] {
            assert!(is_secret(name, None), "{name}");
        }
        for name in ["tokenType", "token_type", "accessTokenMaxTTL", "expiresIn", "refresh_expires", "code"] {
            assert!(!is_secret(name, None), "{name}");
        }
        assert!(is_secret("pin", Some("password")));
    }
}
