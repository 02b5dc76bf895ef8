//! What the emitters need to know about the whole API, computed once: how each answer is
//! decoded, which types the client receives, which fields must be boxed; and that every path
//! placeholder has the parameter that fills it, so no emitter has to guess one.
//!
//! Emitters read these facts from the IR (`Response::decoding`, `TypeDef::received`,
//! `Field::boxed`) instead of working them out again, so the client and the token source can
//! never disagree on, say, where an envelope's payload is.

use std::collections::{BTreeSet, HashMap, HashSet};

use serde_json::Value;

use crate::diagnostic::Diagnostic;
use crate::ir::{path_parts, Api, Decoding, Operation, ParameterLocation, PathPart, Response, TypeKind, TypeRef, Warning};

/// Fills in every fact of this pass; a path placeholder without its parameter is an error.
pub fn annotate(api: &mut Api) -> Result<(), Vec<Diagnostic>> {
    let errors: Vec<Diagnostic> = api.operations.iter().flat_map(unfilled_placeholders).collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    drop_stray_path_parameters(api);
    let decodings: Vec<Vec<Decoding>> =
        api.operations.iter().map(|operation| operation.responses.iter().map(|response| decoding(api, operation, response)).collect()).collect();
    for (operation, decodings) in api.operations.iter_mut().zip(decodings) {
        for (response, decoding) in operation.responses.iter_mut().zip(decodings) {
            response.decoding = Some(decoding);
        }
    }
    let received = received_types(api);
    let boxed = cyclic_fields(api);
    for def in &mut api.types {
        def.received = received.contains(&def.name);
        if let TypeKind::Struct { fields, .. } = &mut def.kind {
            for field in fields {
                field.boxed = boxed.contains(&(def.name.clone(), field.rust_name.clone()));
            }
        }
    }
    Ok(())
}

/// A diagnostic for each `{placeholder}` of the operation's path that no path parameter fills.
fn unfilled_placeholders(operation: &Operation) -> Vec<Diagnostic> {
    path_parts(&operation.path)
        .into_iter()
        .filter_map(|part| match part {
            PathPart::Placeholder(name) => Some(name),
            PathPart::Literal(_) => None,
        })
        .filter(|name| !operation.parameters.iter().any(|p| p.location == ParameterLocation::Path && p.name == *name))
        .map(|name| {
            Diagnostic::at(&operation.source, format!("the path `{}` has a placeholder `{{{name}}}` that no path parameter fills", operation.path))
                .with_hint("declare the path parameter, or correct the path in the API's overlay")
        })
        .collect()
}

/// Removes path parameters whose placeholder the path does not have (a document that
/// declares `{page}` but templates `/items/`): nothing could send them. Each is a warning.
fn drop_stray_path_parameters(api: &mut Api) {
    for operation in &mut api.operations {
        let placeholders: Vec<String> = path_parts(&operation.path)
            .into_iter()
            .filter_map(|part| match part {
                PathPart::Placeholder(name) => Some(name.to_owned()),
                PathPart::Literal(_) => None,
            })
            .collect();
        let path = operation.path.clone();
        operation.parameters.retain(|parameter| {
            let stray = parameter.location == ParameterLocation::Path && !placeholders.contains(&parameter.name);
            if stray {
                api.warnings.push(Warning {
                    source: parameter.source.clone(),
                    message: format!("path parameter `{}` is not in the path `{path}`; the operation is generated without it", parameter.name),
                });
            }
            !stray
        });
    }
}

/// The type at `path` inside `ty`, following struct fields by wire name and aliases.
pub fn type_at(api: &Api, ty: &TypeRef, path: &[String]) -> Option<TypeRef> {
    let Some((first, rest)) = path.split_first() else { return Some(ty.clone()) };
    let TypeRef::Named(name) = ty else { return None };
    match &api.type_def(name)?.kind {
        TypeKind::Struct { fields, .. } => {
            let field = fields.iter().find(|f| &f.wire_name == first)?;
            type_at(api, &field.ty, rest)
        }
        TypeKind::Alias { target } => type_at(api, target, path),
        TypeKind::Enum { .. } | TypeKind::Union { .. } => None,
    }
}

fn value_at<'v>(value: &'v Value, path: &[String]) -> Option<&'v Value> {
    path.iter().try_fold(value, |node, key| node.get(key))
}

/// How `response` of `operation` is decoded. With an envelope, a success answer yields the
/// payload; a further success answer whose example carries another envelope code (Cloudreve's
/// "2FA required") is matched by that code and keeps its whole body.
fn decoding(api: &Api, operation: &Operation, response: &Response) -> Decoding {
    let Some(body) = &response.body else { return Decoding::Empty };
    let Some(envelope) = api.envelope.as_ref().filter(|_| response.status.is_success()) else {
        return Decoding::Body(body.clone());
    };
    let documented_code = response.examples.iter().find_map(|e| value_at(&e.value, &envelope.status)).cloned();
    let is_primary = operation.success_responses().next().is_some_and(|first| std::ptr::eq(first, response));
    match documented_code {
        Some(code) if code != envelope.success && !is_primary => Decoding::Outcome { code: code.to_string(), value: body.clone() },
        _ => match type_at(api, body, &envelope.payload) {
            Some(payload) => Decoding::Payload(payload),
            None => Decoding::Body(body.clone()),
        },
    }
}

/// The names of every type reachable from a response body: what the client decodes.
fn received_types(api: &Api) -> BTreeSet<String> {
    let mut received = BTreeSet::new();
    let mut pending: Vec<&TypeRef> = api.operations.iter().flat_map(|op| op.responses.iter().filter_map(|r| r.body.as_ref())).collect();
    while let Some(ty) = pending.pop() {
        match ty {
            TypeRef::Array(inner) | TypeRef::Map(inner) => pending.push(inner),
            TypeRef::Named(name) if received.insert(name.clone()) => {
                if let Some(def) = api.type_def(name) {
                    pending.extend(def.kind.referenced_types());
                }
            }
            _ => {}
        }
    }
    received
}

/// The struct fields that close a cycle of direct containment (`Node.next: Link`,
/// `Link.node: Node`, or through a union's variant): such types would have infinite size, so
/// these fields are boxed. Arrays and maps already break a cycle; `Option` does not. A union's
/// variants are edges too, but never boxed: every such cycle also passes through a field.
fn cyclic_fields(api: &Api) -> BTreeSet<(String, String)> {
    let direct = |ty: &TypeRef| -> Option<String> {
        let mut ty = ty.clone();
        loop {
            let TypeRef::Named(name) = &ty else { return None };
            match api.type_def(name).map(|d| &d.kind) {
                Some(TypeKind::Alias { target }) => ty = target.clone(),
                Some(TypeKind::Struct { .. } | TypeKind::Union { .. }) => return Some(name.clone()),
                _ => return None,
            }
        }
    };
    // (from, field, to); a union's edges have no field.
    let edges: Vec<(String, Option<String>, String)> = api
        .types
        .iter()
        .flat_map(|def| match &def.kind {
            TypeKind::Struct { fields, .. } => {
                fields.iter().filter_map(|f| direct(&f.ty).map(|to| (def.name.clone(), Some(f.rust_name.clone()), to))).collect::<Vec<_>>()
            }
            TypeKind::Union { variants, .. } => variants.iter().filter_map(|v| direct(&v.ty).map(|to| (def.name.clone(), None, to))).collect(),
            _ => Vec::new(),
        })
        .collect();
    let mut next: HashMap<&str, Vec<&str>> = HashMap::new();
    for (from, _, to) in &edges {
        next.entry(from.as_str()).or_default().push(to.as_str());
    }
    let reaches = |from: &str, goal: &str| {
        let mut seen: HashSet<&str> = HashSet::new();
        let mut pending = vec![from];
        while let Some(node) = pending.pop() {
            if node == goal {
                return true;
            }
            if seen.insert(node) {
                pending.extend(next.get(node).into_iter().flatten().copied());
            }
        }
        false
    };
    edges
        .iter()
        .filter_map(|(from, field, to)| Some((from, field.as_ref()?, to)))
        .filter(|(from, _, to)| reaches(to, from))
        .map(|(from, field, _)| (from.clone(), field.clone()))
        .collect()
}
