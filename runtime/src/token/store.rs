//! [`TokenStore`]: where the current token is kept, so a restart does not need a new login
//! and a rotated refresh token is not lost.
//!
//! Stores are synchronous and small; the manager calls them off the async threads (on
//! tokio's blocking pool), once per new token. [`FileStore`] never leaves a half-written file:
//! a crash at any point leaves either the previous token or the new one.

use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use serde::{Deserialize, Serialize};

use super::{Token, TokenError};

/// Loads and saves the one current token.
pub trait TokenStore: Send + Sync {
    /// The saved token, or `None` when nothing was saved yet.
    fn load(&self) -> Result<Option<Token>, TokenError>;

    /// Replaces the saved token. When this returns `Ok`, the token must survive a crash.
    fn save(&self, token: &Token) -> Result<(), TokenError>;
}

impl<T: TokenStore + ?Sized> TokenStore for Arc<T> {
    fn load(&self) -> Result<Option<Token>, TokenError> {
        (**self).load()
    }

    fn save(&self, token: &Token) -> Result<(), TokenError> {
        (**self).save(token)
    }
}

/// Keeps the token in memory only: nothing survives the process. The manager's default.
#[derive(Default)]
pub struct MemoryStore {
    token: Mutex<Option<Token>>,
}

impl MemoryStore {
    pub fn new() -> Self {
        MemoryStore::default()
    }

    /// A store that already holds `token`, e.g. one the application obtained itself.
    pub fn with_token(token: Token) -> Self {
        MemoryStore { token: Mutex::new(Some(token)) }
    }
}

impl TokenStore for MemoryStore {
    fn load(&self) -> Result<Option<Token>, TokenError> {
        // A panic elsewhere while holding the lock cannot leave a half-written `Option`.
        Ok(self.token.lock().unwrap_or_else(PoisonError::into_inner).clone())
    }

    fn save(&self, token: &Token) -> Result<(), TokenError> {
        *self.token.lock().unwrap_or_else(PoisonError::into_inner) = Some(token.clone());
        Ok(())
    }
}

impl fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let token = self.token.lock().unwrap_or_else(PoisonError::into_inner);
        f.debug_struct("MemoryStore").field("token", &*token).finish()
    }
}

/// Keeps the token in a JSON file readable by its owner only.
///
/// A save writes a temporary file in the same folder (created `0600` on Unix), flushes it to
/// disk, renames it over the target and flushes the folder, so the file always holds a whole
/// token — the previous one or the new one. A missing folder is created (`0700` on Unix).
/// A crash mid-save can leave a hidden `.NAME.*.tmp` file beside the target: it is never
/// read, and can be deleted.
#[derive(Clone, Debug)]
pub struct FileStore {
    path: PathBuf,
}

/// The file's layout; `format` lets a later version read files of this one.
#[derive(Serialize, Deserialize)]
struct StoredToken {
    format: u32,
    token: Token,
}

const FORMAT: u32 = 1;

impl FileStore {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        FileStore { path: path.into() }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn folder(&self) -> &Path {
        match self.path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        }
    }

    fn failed(&self, doing: &str, error: io::Error) -> TokenError {
        TokenError::store(format!("cannot {doing} the token file {}", self.path.display())).with_source(error)
    }

    /// A name no other writer uses at the same time, hidden beside the target.
    fn temporary_path(&self) -> PathBuf {
        let name = self.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "token".to_owned());
        self.folder().join(format!(".{name}.{}.{:016x}.tmp", std::process::id(), fastrand::u64(..)))
    }

    fn write_new(&self, temporary: &Path, contents: &[u8]) -> io::Result<()> {
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(temporary)?;
        file.write_all(contents)?;
        file.sync_all()
    }
}

impl TokenStore for FileStore {
    fn load(&self) -> Result<Option<Token>, TokenError> {
        let text = match fs::read(&self.path) {
            Ok(text) => text,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(self.failed("read", e)),
        };
        // serde_json's messages give a line and column, never the text around them.
        let stored: StoredToken = serde_json::from_slice(&text).map_err(|e| {
            TokenError::store(format!("the token file {} is not one FileStore wrote", self.path.display())).with_source(e)
        })?;
        if stored.format != FORMAT {
            return Err(TokenError::store(format!(
                "the token file {} has format {}, this version reads {FORMAT}",
                self.path.display(),
                stored.format
            )));
        }
        Ok(Some(stored.token))
    }

    fn save(&self, token: &Token) -> Result<(), TokenError> {
        let contents = serde_json::to_vec(&StoredToken { format: FORMAT, token: token.clone() })
            .map_err(|e| TokenError::store("the token does not serialise").with_source(e))?;
        let folder = self.folder();
        create_folder(folder).map_err(|e| self.failed("create the folder of", e))?;
        let temporary = self.temporary_path();
        if let Err(e) = self.write_new(&temporary, &contents) {
            let _ = fs::remove_file(&temporary);
            return Err(self.failed("write", e));
        }
        if let Err(e) = fs::rename(&temporary, &self.path) {
            let _ = fs::remove_file(&temporary);
            return Err(self.failed("replace", e));
        }
        sync_folder(folder).map_err(|e| self.failed("flush the folder of", e))
    }
}

fn create_folder(folder: &Path) -> io::Result<()> {
    if folder.is_dir() {
        return Ok(());
    }
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(folder)
}

/// Makes the rename itself durable: without it a crash can bring back the old directory entry.
#[cfg(unix)]
fn sync_folder(folder: &Path) -> io::Result<()> {
    File::open(folder)?.sync_all()
}

/// Windows cannot open a folder as a file; its rename is as durable as the file system makes it.
#[cfg(not(unix))]
fn sync_folder(_folder: &Path) -> io::Result<()> {
    Ok(())
}
