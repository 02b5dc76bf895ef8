//! Token stores: the file store's round trip, owner-only permissions, and that an interrupted
//! write leaves the previous token readable.
// Test code: a failed unwrap or index is a failed test (the lints guard the library).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::fs;

use chrono::{TimeZone, Utc};
use vendor_runtime::token::{FileStore, MemoryStore, Token, TokenErrorKind, TokenStore};

fn token(n: u32) -> Token {
    Token::new(format!("access-{n}"))
        .with_refresh_token(format!("refresh-{n}"))
        .with_expires_at(Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap())
}

#[test]
fn memory_store_round_trips() {
    let store = MemoryStore::new();
    assert_eq!(store.load().unwrap(), None);
    store.save(&token(1)).unwrap();
    store.save(&token(2)).unwrap();
    assert_eq!(store.load().unwrap(), Some(token(2)));
    assert!(!format!("{store:?}").contains("access-2"));
}

#[test]
fn file_store_round_trips_and_keeps_the_secrets_on_disk() {
    let folder = tempfile::tempdir().unwrap();
    let store = FileStore::new(folder.path().join("token.json"));
    assert_eq!(store.load().unwrap(), None, "no file yet: no token");
    store.save(&token(1)).unwrap();
    assert_eq!(store.load().unwrap(), Some(token(1)));
    store.save(&token(2)).unwrap();
    assert_eq!(store.load().unwrap(), Some(token(2)));
    let text = fs::read_to_string(store.path()).unwrap();
    assert!(text.contains("refresh-2"), "the file must hold the refresh token to be of use");
    let leftovers: Vec<_> = fs::read_dir(folder.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers, ["token.json"], "no temporary file is left behind");
}

#[test]
fn file_store_creates_a_missing_folder() {
    let folder = tempfile::tempdir().unwrap();
    let store = FileStore::new(folder.path().join("a/b/token.json"));
    store.save(&token(1)).unwrap();
    assert_eq!(store.load().unwrap(), Some(token(1)));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(folder.path().join("a/b")).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode & 0o077, 0, "the created folder is the owner's only, got {mode:o}");
    }
}

#[cfg(unix)]
#[test]
fn file_store_file_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;

    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("token.json");
    let store = FileStore::new(&path);
    store.save(&token(1)).unwrap();
    assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);

    // A file someone left world-readable is replaced by an owner-only one.
    fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
    store.save(&token(2)).unwrap();
    assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
}

#[test]
fn an_interrupted_write_leaves_the_previous_token_readable() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("token.json");
    let store = FileStore::new(&path);
    store.save(&token(1)).unwrap();

    // A crash while writing the temporary file: half a token beside the target.
    let half = serde_json::to_string(&token(2)).unwrap();
    fs::write(folder.path().join(".token.json.4242.00000000deadbeef.tmp"), &half[..half.len() / 2]).unwrap();
    assert_eq!(store.load().unwrap(), Some(token(1)));

    // A crash after the temporary file was complete but before the rename.
    let whole = FileStore::new(folder.path().join(".token.json.4242.00000000feedface.tmp"));
    whole.save(&token(3)).unwrap();
    assert_eq!(store.load().unwrap(), Some(token(1)));

    // The next save still replaces the target whole.
    store.save(&token(4)).unwrap();
    assert_eq!(store.load().unwrap(), Some(token(4)));
}

#[test]
fn a_damaged_file_is_a_store_error_that_quotes_nothing() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("token.json");
    fs::write(&path, r#"{"format":1,"token":{"access_token":"acc-SECRET"#).unwrap();
    let error = FileStore::new(&path).load().unwrap_err();
    assert_eq!(error.kind(), TokenErrorKind::Store);
    let printed = format!("{error} {error:?}");
    assert!(!printed.contains("SECRET") && printed.contains("token.json"), "{printed}");

    fs::write(&path, r#"{"format":99,"token":{"access_token":"a"}}"#).unwrap();
    let error = FileStore::new(&path).load().unwrap_err();
    assert!(error.to_string().contains("format 99"), "{error}");
}

#[test]
fn a_save_that_cannot_write_reports_a_store_error() {
    let folder = tempfile::tempdir().unwrap();
    // The target's folder is a file: neither the folder nor the temporary file can be made.
    let blocker = folder.path().join("not-a-folder");
    fs::write(&blocker, "").unwrap();
    let error = FileStore::new(blocker.join("token.json")).save(&token(1)).unwrap_err();
    assert_eq!(error.kind(), TokenErrorKind::Store);
}
