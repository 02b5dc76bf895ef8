//! How much of an API the generated client covers, as one line per API.
//!
//! A maintainer adding a 500-operation document wants to know, before reading any code, what
//! the generator could not type or carry: fields and bodies that fell back to
//! `serde_json::Value`, request bodies that are not sent, answers that are not decoded, and the
//! other warnings by kind. `cargo xtask regenerate` prints the line for every API and
//! `cargo xtask coverage` prints it with every warning; the figures come from the IR alone.

use std::collections::BTreeMap;
use std::fmt;

use crate::ir::{Api, TypeKind, TypeRef, Warning};

/// The coverage figures of one API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage {
    pub api: String,
    pub operations: usize,
    pub types: usize,
    /// Struct fields, union variants, parameters and bodies: every place a schema gives a type.
    pub typed_slots: usize,
    /// Those whose type is `any` (`serde_json::Value`).
    pub untyped_slots: usize,
    /// Warnings counted by kind (see [`kind_of`]).
    pub warnings: BTreeMap<&'static str, usize>,
}

/// The kinds of warnings the coverage line counts apart, by what their message says.
const KINDS: &[(&str, &str)] = &[
    ("is generated without a body", "body not sent"),
    ("is not decoded", "answer not decoded"),
    ("read as any JSON value", "untyped schema"),
    ("the example wins", "type from an example"),
    ("webhook", "webhooks left out"),
    ("token source", "token source"),
    ("token refresh", "token source"),
    ("same Rust name", "renamed"),
];

/// The kind of a warning, for counting: the first of [`KINDS`] its message mentions.
pub fn kind_of(warning: &Warning) -> &'static str {
    KINDS.iter().find(|(needle, _)| warning.message.contains(needle)).map_or("other", |(_, kind)| kind)
}

impl Coverage {
    pub fn of(api: &Api) -> Coverage {
        let mut slots: Vec<&TypeRef> = Vec::new();
        for def in &api.types {
            match &def.kind {
                TypeKind::Struct { fields, .. } => slots.extend(fields.iter().map(|f| &f.ty)),
                TypeKind::Union { variants, .. } => slots.extend(variants.iter().map(|v| &v.ty)),
                TypeKind::Alias { target } => slots.push(target),
                TypeKind::Enum { .. } => {}
            }
        }
        for operation in &api.operations {
            slots.extend(operation.parameters.iter().map(|p| &p.ty));
            slots.extend(operation.request_body.iter().map(|b| &b.ty));
            slots.extend(operation.responses.iter().filter_map(|r| r.body.as_ref()));
        }
        let mut warnings = BTreeMap::new();
        for warning in &api.warnings {
            *warnings.entry(kind_of(warning)).or_insert(0) += 1;
        }
        Coverage {
            api: api.name.clone(),
            operations: api.operations.len(),
            types: api.types.len(),
            typed_slots: slots.len(),
            untyped_slots: slots.iter().filter(|ty| ***ty == TypeRef::Any).count(),
            warnings,
        }
    }

    /// The share of typed places that are untyped, in percent.
    pub fn untyped_percent(&self) -> f64 {
        if self.typed_slots == 0 {
            return 0.0;
        }
        // Counts of a document's fields are far below 2^52: the conversion is exact.
        #[allow(clippy::cast_precision_loss)]
        let share = self.untyped_slots as f64 / self.typed_slots as f64;
        share * 100.0
    }

    /// Warnings of one kind.
    pub fn warned(&self, kind: &str) -> usize {
        self.warnings.get(kind).copied().unwrap_or(0)
    }
}

impl fmt::Display for Coverage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} operations, {} types, {} of {} fields and bodies untyped ({:.2}%), {} bodies not sent, {} answers not decoded",
            self.api,
            self.operations,
            self.types,
            self.untyped_slots,
            self.typed_slots,
            self.untyped_percent(),
            self.warned("body not sent"),
            self.warned("answer not decoded"),
        )?;
        if !self.warnings.is_empty() {
            let kinds: Vec<String> = self.warnings.iter().map(|(kind, count)| format!("{count} {kind}")).collect();
            write!(f, "; warnings: {}", kinds.join(", "))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Source;

    #[test]
    fn warnings_are_counted_by_what_they_say() {
        let warning = |message: &str| Warning { source: Source::default(), message: message.to_owned() };
        assert_eq!(kind_of(&warning("request body of type `text/csv` is not supported yet; the operation is generated without a body")), "body not sent");
        assert_eq!(kind_of(&warning("a composed schema is read as any JSON value")), "untyped schema");
        assert_eq!(kind_of(&warning("something else")), "other");
    }
}
