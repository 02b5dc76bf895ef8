//! The URLs this thread built lately, each from a base URL and a path, so that a call whose
//! path was sent before takes a copy instead of parsing the path again.
//!
//! Putting a path on a parsed base URL (`Url::set_path`) checks and percent-encodes it one
//! character at a time: about 80 instructions a character, 3,500 for a 44-character path, 4 %
//! of a whole call over keep-alive (`BENCHMARKS.md`, section 2). Most calls repeat a path: an
//! operation without path parameters always does, and a poll, a page of a list or the same
//! resource read again do. A copy of the URL made for it costs one allocation.
//!
//! Per thread, not per client: a client is shared by every task that calls through it, and a
//! lock on every call would cost more than it saves once several threads call at once. It holds
//! a few entries and replaces them in turn. A URL is the same whichever client asked for it:
//! `set_path` replaces the whole path, so what it builds depends only on the path and on what
//! the base has before and after its path (scheme, user, host and port; query and fragment),
//! and that is what an entry is matched on.

use std::cell::RefCell;

use reqwest::Url;
use url::Position;

/// How many URLs each thread keeps.
const ENTRIES: usize = 16;

/// A URL and the path it was built with (the rest of what it was built from is in it).
struct Entry {
    path: String,
    url: Url,
}

impl Entry {
    /// Whether `base` with `path` is this entry's URL.
    fn is(&self, base: &Url, path: &str) -> bool {
        self.path == path && self.url[..Position::BeforePath] == base[..Position::BeforePath] && self.url[Position::AfterPath..] == base[Position::AfterPath..]
    }
}

/// The entries, the oldest replaced first.
struct Recent {
    entries: Vec<Entry>,
    next: usize,
}

thread_local! {
    static RECENT: RefCell<Recent> = const { RefCell::new(Recent { entries: Vec::new(), next: 0 }) };
}

/// `base` with its path replaced by `path` (`Url::set_path`), from this thread's recent URLs
/// when it was built before.
pub(super) fn with_path(base: &Url, path: &str) -> Url {
    let mut url = base.clone();
    // A base without a host (`mailto:`) sets its path another way; it is not kept.
    if url.cannot_be_a_base() {
        url.set_path(path);
        return url;
    }
    let recent = RECENT.try_with(|recent| Some(recent.try_borrow().ok()?.entries.iter().find(|entry| entry.is(base, path))?.url.clone()));
    if let Ok(Some(url)) = recent {
        return url;
    }
    url.set_path(path);
    // A thread being torn down, or a borrow already held (nothing here calls back into this
    // module, so there is none), keeps nothing.
    let _ = RECENT.try_with(|recent| {
        if let Ok(mut recent) = recent.try_borrow_mut() {
            recent.keep(Entry { path: path.to_owned(), url: url.clone() });
        }
    });
    url
}

impl Recent {
    fn keep(&mut self, entry: Entry) {
        if self.entries.len() < ENTRIES {
            self.entries.push(entry);
        } else if let Some(slot) = self.entries.get_mut(self.next) {
            *slot = entry;
        }
        self.next = (self.next + 1) % ENTRIES;
    }
}

#[cfg(test)]
mod tests {
    use super::{with_path, ENTRIES, RECENT};
    use reqwest::Url;

    fn built(base: &str, path: &str) -> String {
        with_path(&Url::parse(base).unwrap(), path).to_string()
    }

    fn kept() -> usize {
        RECENT.with(|recent| recent.borrow().entries.len())
    }

    #[test]
    fn a_path_built_again_is_the_same_url_and_kept_once() {
        let before = kept();
        let first = built("https://api.example.com", "/v1/files/a%20b");
        assert_eq!(first, "https://api.example.com/v1/files/a%20b");
        assert_eq!(built("https://api.example.com", "/v1/files/a%20b"), first);
        assert_eq!(kept(), before + 1);
    }

    #[test]
    fn another_base_with_the_same_path_is_another_url() {
        assert_eq!(built("https://one.example.com", "/v1/x"), "https://one.example.com/v1/x");
        assert_eq!(built("https://two.example.com", "/v1/x"), "https://two.example.com/v1/x");
        assert_eq!(built("http://127.0.0.1:8080", "/v1/x"), "http://127.0.0.1:8080/v1/x");
        assert_eq!(built("http://127.0.0.1:8080/prefix", "/v1/x"), "http://127.0.0.1:8080/v1/x");
        assert_eq!(built("http://127.0.0.1:8080/?a=1", "/v1/x"), "http://127.0.0.1:8080/v1/x?a=1");
        assert_eq!(built("http://user@127.0.0.1:8080", "/v1/x"), "http://user@127.0.0.1:8080/v1/x");
        // The same again, now from the entries.
        assert_eq!(built("https://one.example.com", "/v1/x"), "https://one.example.com/v1/x");
        assert_eq!(built("https://two.example.com", "/v1/x"), "https://two.example.com/v1/x");
    }

    #[test]
    fn the_oldest_entry_makes_room_and_every_url_stays_right() {
        let paths: Vec<String> = (0..ENTRIES * 2 + 3).map(|i| format!("/items/{i}")).collect();
        for round in 0..2 {
            for path in &paths {
                assert_eq!(built("https://api.example.com", path), format!("https://api.example.com{path}"), "round {round}");
            }
        }
        assert_eq!(kept(), ENTRIES);
    }
}
