//! Assembles one [`Api`] from the documents of one `specs/<api>/` folder.
//!
//! Frontends add servers, operations, types and warnings to an [`ApiBuilder`]; it owns the
//! [`TypeSpace`], so documents of one API share types. The names it collects are proposals:
//! `passes::names` makes them unique and decides them.

use crate::ir::{Api, Envelope, Operation, SecurityScheme, Server, Source, Warning};
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
    pub security_schemes: Vec<SecurityScheme>,
    pub warnings: Vec<Warning>,
}

impl ApiBuilder {
    pub fn new(name: &str) -> Self {
        ApiBuilder {
            name: name.to_owned(),
            title: None,
            description: None,
            documents: Vec::new(),
            servers: Vec::new(),
            operations: Vec::new(),
            types: TypeSpace::default(),
            envelope: None,
            security_schemes: Vec::new(),
            warnings: Vec::new(),
        }
    }

    pub fn warn(&mut self, source: Source, message: impl Into<String>) {
        self.warnings.push(Warning { source, message: message.into() });
    }

    /// Adds a server unless one with the same URL is there already (documents of one API
    /// usually repeat the servers).
    pub fn add_server(&mut self, server: Server) {
        if !self.servers.iter().any(|s| s.url == server.url) {
            self.servers.push(server);
        }
    }

    /// Adds a security scheme unless one of that name is there already (documents of one API
    /// usually repeat their schemes).
    pub fn add_security_scheme(&mut self, scheme: SecurityScheme) {
        if !self.security_schemes.iter().any(|s| s.name == scheme.name) {
            self.security_schemes.push(scheme);
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
            security_schemes: self.security_schemes,
            token_source: None,
            warnings: self.warnings,
            fixes: Vec::new(),
            type_index: Default::default(),
        }
    }
}
