//! What writing parameters allocates, counted by a global allocator: one test in this binary,
//! so no other thread allocates while it counts.
// Test code: a failed unwrap or index is a failed test (the lints guard the library).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::Serialize;
use vendor_runtime::{Method, QueryStyle, Request};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to `System` unchanged; only a counter is added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations<T>(f: impl FnOnce() -> T) -> (usize, T) {
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    let out = f();
    (ALLOCATIONS.load(Ordering::Relaxed) - before, out)
}

#[derive(Serialize)]
struct Window {
    from: &'static str,
    to: Option<&'static str>,
    limit: u32,
}

#[derive(Serialize)]
enum Sort {
    #[serde(rename = "created_at")]
    CreatedAt,
}

#[test]
fn parameters_allocate_little_more_than_the_query_string() {
    let window = Window { from: "2024-01-01", to: None, limit: 5 };
    let tags = vec!["a b".to_owned(), "c".to_owned(), "d".to_owned()];
    let request = Request::new(Method::GET, "/items");
    let (count, request) = allocations(|| {
        request
            .query_param("limit", &Some(10u32), QueryStyle::Form { explode: true })
            .query_param("offset", &None::<u32>, QueryStyle::Form { explode: true })
            .query_param("sort", &Sort::CreatedAt, QueryStyle::Form { explode: true })
            .query_param("tag", &tags, QueryStyle::Form { explode: false })
            .query_param("window", &window, QueryStyle::Form { explode: true })
    });
    // "limit=10&sort=created_at&tag=a%20b,c,d&from=2024-01-01&limit=5" (62 bytes): the query
    // string's growth, 8 -> 16 -> 32 -> 64, and nothing else.
    assert_eq!(count, 4, "{request:?}");

    // A deepObject parameter adds its key path.
    let (count, _) = allocations(|| Request::new(Method::GET, "/items").query_param("filter", &window, QueryStyle::DeepObject));
    assert!(count <= 1 + 1 + 4, "{count}"); // path, key, growth

    // For comparison, the same parameters through serde_json::Value (not asserted, printed).
    let (count, _) = allocations(|| {
        let values = [
            serde_json::to_value(Some(10u32)).unwrap(),
            serde_json::to_value(None::<u32>).unwrap(),
            serde_json::to_value(Sort::CreatedAt).unwrap(),
            serde_json::to_value(&tags).unwrap(),
            serde_json::to_value(&window).unwrap(),
        ];
        values.len()
    });
    println!("serde_json::to_value of the same parameters, before writing any pair: {count} allocations");
}
