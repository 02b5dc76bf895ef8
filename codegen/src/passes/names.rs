//! The one owner of every name the emitted code uses.
//!
//! Frontends propose names as they read (spelled by [`crate::naming`]), and overlays may change
//! them. This pass, after both, decides: every module, type, field, enum variant, operation
//! method, operation enum, parameter, server constructor and response variant gets a name that
//! is a valid identifier, unique in its scope, and clear of the names the emitters write
//! themselves ([`CLIENT`], the client's own methods, the locals of an operation body). Emitters
//! read the decided names from the IR and never make one up. Emitted code refers to std, serde
//! and runtime items by absolute paths (`::std::string::String`, and `rt::Error` through the
//! module's one alias `use ::vendor_runtime as rt`, which no camel-case type and no item named
//! here can take), so no name decided here can shadow them; wire names are never changed, only
//! the Rust names beside them.

use std::collections::BTreeSet;

use crate::ir::{Api, TypeKind, Warning};
use crate::naming;

/// The client type of every API module.
pub const CLIENT: &str = "Client";
/// The token source type of an API module that has one.
pub const TOKEN_SOURCE: &str = "TokenSource";
/// What a token source needs from the caller, when it logs in.
pub const CREDENTIALS: &str = "Credentials";
/// The module constant describing an API's envelope.
pub const ENVELOPE: &str = "ENVELOPE";
/// The module constant listing the envelope codes that mean "log in again".
pub const RELOGIN_CODES: &str = "RELOGIN_CODES";
/// The module functions turning a login's and a refresh's answer into a token.
pub const LOGIN_CONVERTER: &str = "token_from_login_answer";
pub const REFRESH_CONVERTER: &str = "token_from_refresh_answer";
/// The types every module may emit besides the model's own.
const MODULE_TYPES: &[&str] = &[CLIENT, TOKEN_SOURCE, CREDENTIALS];
/// The methods every client has: its constructor and the runtime's `ApiClient` methods.
const CLIENT_METHODS: &[&str] = &["new", "from_http", "http", "with_config", "with_http_client", "with_hook", "reconfigured", "config", "base_url"];
/// What an operation's call builder binds and defines besides the operation's parameters:
/// parameters are its fields and setters.
pub const OPERATION_LOCALS: &[&str] =
    &["request", "response", "body", "client", "call_options", "send", "send_streaming", "into_future", "body_media_type", "as_json", "as_form", "as_multipart"];
/// The member of a received struct that keeps the properties the document does not list.
pub const ADDITIONAL_PROPERTIES: &str = "additional_properties";
/// The variant of an open enum that keeps the values the document does not list.
pub const UNKNOWN_VARIANT: &str = "Unknown";
/// What the crate root holds besides the API modules.
const CRATE_ROOT_ITEMS: &[&str] = &["runtime", "chrono", "reqwest"];

/// The names taken in one scope (a module's types, a struct's fields, a method's arguments).
struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    fn new(reserved: &[&str]) -> Self {
        Scope { taken: reserved.iter().map(|name| bare(name).to_owned()).collect() }
    }

    /// `proposal` when it is free, else the first free `proposal2`, `proposal3`, … (camel
    /// case) or `proposal_2`, … (snake case); claimed for good either way.
    fn claim(&mut self, proposal: &str, case: Case) -> String {
        let mut name = proposal.to_owned();
        // `Self_` and `self_` go on as `Self2` and `self_2`, not `Self_2` and `self__2`.
        let stem = bare(proposal).trim_end_matches('_');
        let mut n = 2;
        while self.taken.contains(bare(&name)) {
            name = match case {
                Case::Camel => format!("{stem}{n}"),
                Case::Snake => format!("{stem}_{n}"),
            };
            n += 1;
        }
        self.taken.insert(bare(&name).to_owned());
        name
    }
}

#[derive(Clone, Copy)]
enum Case {
    Camel,
    Snake,
}

/// A name without its raw-identifier prefix: `r#type` and `type` are the same name.
fn bare(name: &str) -> &str {
    name.strip_prefix("r#").unwrap_or(name)
}

/// `name` when it is already a usable identifier, else its spelling in `case`.
fn spelled(name: &str, case: Case) -> String {
    if syn::parse_str::<syn::Ident>(name).is_ok() {
        return name.to_owned();
    }
    match case {
        Case::Camel => naming::camel_ident(bare(name)),
        Case::Snake => naming::snake_ident(bare(name)),
    }
}

/// Decides every Rust name of `api`'s emitted module, in place. A name the documents or the
/// overlay proposed is kept unless it collides; each change is a warning naming both.
pub fn assign(api: &mut Api) {
    let mut warnings = Vec::new();
    let mut methods = Scope::new(CLIENT_METHODS);
    let mut module = Scope::new(MODULE_TYPES);
    for operation in &mut api.operations {
        let name = methods.claim(&spelled(&operation.name, Case::Snake), Case::Snake);
        if name != operation.name {
            warnings.push(Warning {
                source: operation.source.clone(),
                message: format!("operation `{}` is generated as method `{name}`: the name is taken", operation.name),
            });
            operation.name = name;
        }
        let base = naming::camel_ident(bare(&operation.name));
        operation.call = module.claim(&format!("{base}Call"), Case::Camel);
        operation.error_enum = module.claim(&format!("{base}Error"), Case::Camel);
        // A success enum exists only for several success answers; otherwise the name stays free.
        operation.success_enum = if operation.success_responses().nth(1).is_some() {
            module.claim(&format!("{base}Success"), Case::Camel)
        } else {
            String::new()
        };
    }
    for scheme in &mut api.security_schemes {
        scheme.method = methods.claim(&format!("with_{}", naming::snake_ident(&scheme.name)), Case::Snake);
    }
    let single_server = api.servers.len() == 1;
    for (index, server) in api.servers.iter_mut().enumerate() {
        let proposal = match server.description.as_deref() {
            Some(description) => naming::snake_ident(description),
            None if single_server => "default_server".to_owned(),
            None => format!("server_{}", index + 1),
        };
        server.constructor = methods.claim(&proposal, Case::Snake);
        let mut arguments = Scope::new(&[]);
        for variable in server.variables.iter_mut().filter(|v| v.default.is_none()) {
            variable.rust_name = arguments.claim(&naming::snake_ident(&variable.name), Case::Snake);
        }
    }
    let mut renames = Vec::new();
    for def in &mut api.types {
        let name = module.claim(&spelled(&def.name, Case::Camel), Case::Camel);
        if name != def.name {
            warnings.push(Warning {
                source: def.source.clone(),
                message: format!("type `{}` is generated as `{name}`: the name is taken by another item of the module", def.name),
            });
            renames.push((std::mem::replace(&mut def.name, name.clone()), name));
        }
        name_members(&mut def.kind, &mut warnings);
    }
    for (before, after) in &renames {
        api.rename_type_references(before, after);
    }
    for operation in &mut api.operations {
        let mut arguments = Scope::new(OPERATION_LOCALS);
        for parameter in &mut operation.parameters {
            parameter.rust_name = arguments.claim(&spelled(&parameter.rust_name, Case::Snake), Case::Snake);
        }
        let mut variants = Scope::new(&[]);
        for response in &mut operation.responses {
            response.variant = variants.claim(&spelled(&response.variant, Case::Camel), Case::Camel);
        }
    }
    api.warnings.extend(warnings);
}

/// Fields unique within their struct and clear of the member that keeps unlisted properties;
/// variants unique within their enum and clear of the one that keeps unlisted values.
fn name_members(kind: &mut TypeKind, warnings: &mut Vec<Warning>) {
    match kind {
        TypeKind::Struct { fields, .. } => {
            let mut scope = Scope::new(&[ADDITIONAL_PROPERTIES]);
            for field in fields {
                let proposal = spelled(&field.rust_name, Case::Snake);
                field.rust_name = scope.claim(&proposal, Case::Snake);
                if field.rust_name != proposal {
                    warnings.push(Warning {
                        source: field.source.clone(),
                        message: format!("property `{}` has the same Rust name as another property; it is named `{}`", field.wire_name, field.rust_name),
                    });
                }
            }
        }
        TypeKind::Enum { values, .. } => {
            let mut scope = Scope::new(&[UNKNOWN_VARIANT]);
            for value in values {
                value.variant = scope.claim(&spelled(&value.variant, Case::Camel), Case::Camel);
            }
        }
        TypeKind::Union { variants, .. } => {
            let mut scope = Scope::new(&[UNKNOWN_VARIANT]);
            for variant in variants {
                variant.name = scope.claim(&spelled(&variant.name, Case::Camel), Case::Camel);
            }
        }
        TypeKind::Alias { .. } => {}
    }
}

/// Decides the module name of every API: unique in the crate root and clear of what the root
/// holds besides them.
pub fn assign_modules(apis: &mut [Api]) {
    let mut root = Scope::new(CRATE_ROOT_ITEMS);
    for api in apis {
        api.name = root.claim(&spelled(&api.name, Case::Snake), Case::Snake);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scope_hands_out_suffixed_names_once_a_name_is_taken() {
        let mut scope = Scope::new(&["new"]);
        assert_eq!(scope.claim("new", Case::Snake), "new_2");
        assert_eq!(scope.claim("foo_bar", Case::Snake), "foo_bar");
        assert_eq!(scope.claim("foo_bar", Case::Snake), "foo_bar_2");
        assert_eq!(scope.claim("r#type", Case::Snake), "r#type");
        assert_eq!(scope.claim("r#type", Case::Snake), "type_2");
        assert_eq!(scope.claim("self_", Case::Snake), "self_");
        assert_eq!(scope.claim("self_", Case::Snake), "self_2");
        let mut types = Scope::new(MODULE_TYPES);
        assert_eq!(types.claim("Client", Case::Camel), "Client2");
        assert_eq!(types.claim("Self_", Case::Camel), "Self_");
        assert_eq!(types.claim("Self_", Case::Camel), "Self2");
    }

    #[test]
    fn names_that_are_not_identifiers_are_respelled() {
        assert_eq!(spelled("self", Case::Snake), "self_");
        assert_eq!(spelled("2fa", Case::Snake), "_2fa");
        assert_eq!(spelled("r#match", Case::Snake), "r#match");
        assert_eq!(spelled("Self", Case::Camel), "Self_");
        assert_eq!(spelled("Result", Case::Camel), "Result");
    }
}
