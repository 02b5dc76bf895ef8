//! Assembles one [`Api`] from the documents of one `specs/<api>/` folder.
//!
//! Frontends add servers, operations, types and warnings to an [`ApiBuilder`]; it keeps
//! operation names unique and owns the [`TypeSpace`], so documents of one API share types.

use crate::ir::{Api, Envelope, Operation, Server, Source, Warning};
use crate::naming;
use crate::typespace::TypeSpace;

#[derive(Debug)]
pub struct ApiBuilder {
    pub name: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub documents: Vec<String>,
    pub servers: Vec<Server>,
    pub operations: Vec<Operation>,
    pub types: TypeSpace,
    pub envelope: Option<Envelope>,
    pub warnings: Vec<Warning>,
}

impl ApiBuilder {
    pub fn new(name: &str) -> Self {
        let mut types = TypeSpace::default();
        types.reserve("Client");
        types.reserve("TokenSource");
        types.reserve("Credentials");
        ApiBuilder {
            name: name.to_owned(),
            title: None,
            description: None,
            documents: Vec::new(),
            servers: Vec::new(),
            operations: Vec::new(),
            types,
            envelope: None,
            warnings: Vec::new(),
        }
    }

    pub fn warn(&mut self, source: Source, message: impl Into<String>) {
        self.warnings.push(Warning { source, message: message.into() });
    }

    /// A method name not yet used in this API, from `preferred` (already snake case).
    pub fn unique_operation_name(&self, preferred: &str) -> String {
        let taken = |name: &str| self.operations.iter().any(|op| op.name == name);
        if !taken(preferred) {
            return preferred.to_owned();
        }
        (2..)
            .map(|n| format!("{preferred}_{n}"))
            .find(|name| !taken(name))
            .unwrap_or_else(|| preferred.to_owned())
    }

    /// Reserves the names of the items emitted for an operation (its success and error enums),
    /// so that no document type takes them.
    pub fn reserve_operation_items(&mut self, operation_name: &str) {
        let base = naming::camel_ident(operation_name);
        self.types.reserve(&format!("{base}Error"));
        self.types.reserve(&format!("{base}Success"));
    }

    /// Adds a server unless one with the same URL is there already (documents of one API
    /// usually repeat the servers).
    pub fn add_server(&mut self, server: Server) {
        if !self.servers.iter().any(|s| s.url == server.url) {
            self.servers.push(server);
        }
    }

    pub fn finish(self) -> Api {
        let title = self.title.unwrap_or_else(|| naming::camel_ident(&self.name));
        Api {
            name: self.name,
            title,
            description: self.description,
            documents: self.documents,
            servers: self.servers,
            operations: self.operations,
            types: self.types.into_types(),
            envelope: self.envelope,
            token_source: None,
            warnings: self.warnings,
            fixes: Vec::new(),
        }
    }
}
