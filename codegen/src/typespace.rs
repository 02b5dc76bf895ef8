//! Where frontends register types while reading, and where shapes are shared.
//!
//! Every frontend adds its types here with a list of candidate names, most preferred first.
//! A candidate that is free is taken; one that already holds the *same shape* is shared (the
//! Smartling authenticate and refresh responses become one type); otherwise the next candidate
//! is tried, and the last one gets a numeric suffix. Names are therefore deterministic for a
//! given order of documents, and two documents never define one name twice. The name a type
//! finally has in the emitted module (clear of `Client`, operation enums and the like) is
//! decided after overlays, by `passes::names`.

use std::collections::HashMap;

use crate::ir::{TypeDef, TypeKind};

#[derive(Debug, Default)]
pub struct TypeSpace {
    /// In the order they were added: the order the module emits them in.
    types: Vec<TypeDef>,
    /// Where each name is in `types`: a large document (Stripe's 1539 types) asks by name for
    /// every schema it reads.
    index: HashMap<String, usize>,
}

impl TypeSpace {
    pub fn is_free(&self, name: &str) -> bool {
        self.get(name).is_none()
    }

    pub fn get(&self, name: &str) -> Option<&TypeDef> {
        self.index.get(name).and_then(|&at| self.types.get(at))
    }

    fn push(&mut self, def: TypeDef) {
        self.index.insert(def.name.clone(), self.types.len());
        self.types.push(def);
    }

    /// Adds `def` under the first usable candidate and returns the name it got.
    /// `def.name` is ignored. A candidate holding an identical shape is reused, not duplicated.
    pub fn add(&mut self, candidates: &[String], mut def: TypeDef) -> String {
        for candidate in candidates {
            if let Some(existing) = self.get(candidate) {
                if same_shape(&existing.kind, &def.kind) {
                    return candidate.clone();
                }
            } else {
                def.name = candidate.clone();
                self.push(def);
                return candidate.clone();
            }
        }
        let base = candidates.last().cloned().unwrap_or_else(|| "Type".to_owned());
        let name = (2..)
            .map(|n| format!("{base}{n}"))
            .find(|name| match self.get(name) {
                Some(existing) => same_shape(&existing.kind, &def.kind),
                None => true,
            })
            .unwrap_or(base);
        if self.get(&name).is_none() {
            def.name = name.clone();
            self.push(def);
        }
        name
    }

    /// Replaces the definition of an already added type (used to fill in a recursive type
    /// whose name had to exist before its fields could refer to it).
    pub fn replace(&mut self, def: TypeDef) {
        match self.index.get(&def.name).and_then(|&at| self.types.get_mut(at)) {
            Some(slot) => *slot = def,
            None => self.push(def),
        }
    }

    pub fn into_types(self) -> Vec<TypeDef> {
        self.types
    }
}

/// Two kinds are the same shape when they decode the same JSON into the same Rust types:
/// documentation, examples and source lines do not matter.
pub fn same_shape(a: &TypeKind, b: &TypeKind) -> bool {
    match (a, b) {
        (
            TypeKind::Struct { fields: fa, additional: aa },
            TypeKind::Struct { fields: fb, additional: ab },
        ) => {
            aa == ab
                && fa.len() == fb.len()
                && fa.iter().zip(fb).all(|(x, y)| {
                    x.wire_name == y.wire_name
                        && x.ty == y.ty
                        && x.is_optional() == y.is_optional()
                        && x.default == y.default
                })
        }
        (TypeKind::Enum { values: va, integer: ia }, TypeKind::Enum { values: vb, integer: ib }) => va == vb && ia == ib,
        (TypeKind::Alias { target: ta }, TypeKind::Alias { target: tb }) => ta == tb,
        (TypeKind::Union { tag: ta, variants: va }, TypeKind::Union { tag: tb, variants: vb }) => {
            ta == tb && va.len() == vb.len() && va.iter().zip(vb).all(|(x, y)| x.ty == y.ty && x.tags == y.tags)
        }
        _ => false,
    }
}
