//! Parameters of every OpenAPI style, sent by `HttpClient` to a real HTTP server on 127.0.0.1
//! (wiremock): each test asserts the raw query string (or headers) the server received.
// Test code: a failed unwrap or index is a failed test (the lints guard the library).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::collections::BTreeMap;

use serde::Serialize;
use vendor_runtime::{path_param, Config, Error, HttpClient, Method, QueryStyle, Request};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const EXPLODED: QueryStyle = QueryStyle::Form { explode: true };
const JOINED: QueryStyle = QueryStyle::Form { explode: false };

#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
enum Sort {
    CreatedAt,
    #[serde(rename = "-name")]
    NameDescending,
}

#[derive(Serialize)]
struct Window {
    from: String,
    to: Option<String>,
    limit: u32,
}

async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_string("{}")).mount(&server).await;
    server
}

/// Sends `request` and gives back what the server received.
async fn received(request: Request) -> wiremock::Request {
    let server = server().await;
    let client = HttpClient::new(server.uri(), Config::default());
    let response = client.send::<()>(request).await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let mut requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    requests.remove(0)
}

async fn query_of(request: Request) -> Option<String> {
    received(request).await.url.query().map(str::to_owned)
}

fn get() -> Request {
    Request::new(Method::GET, "/items")
}

#[tokio::test]
async fn form_exploded() {
    let window = Window { from: "2024-01-01 00:00".into(), to: None, limit: 5 };
    let query = query_of(
        get()
            .query_param("tag", &["a b", "c,d", "é"], EXPLODED)
            .query_param("q", "x&y=z", EXPLODED)
            .query_param("window", &window, EXPLODED),
    )
    .await;
    assert_eq!(query.as_deref(), Some("tag=a%20b&tag=c%2Cd&tag=%C3%A9&q=x%26y%3Dz&from=2024-01-01%2000%3A00&limit=5"));
}

#[tokio::test]
async fn form_not_exploded() {
    let query = query_of(
        get()
            .query_param("tag", &["a b", "c,d", "é"], JOINED)
            .query_param("color", &BTreeMap::from([("R", 100), ("G", 200)]), JOINED),
    )
    .await;
    assert_eq!(query.as_deref(), Some("tag=a%20b,c%2Cd,%C3%A9&color=G,200,R,100"));
}

#[tokio::test]
async fn space_delimited() {
    let query = query_of(get().query_param("tag", &["a b", "c", "ü"], QueryStyle::SpaceDelimited)).await;
    assert_eq!(query.as_deref(), Some("tag=a%20b%20c%20%C3%BC"));
}

#[tokio::test]
async fn pipe_delimited() {
    let query = query_of(get().query_param("tag", &["a|b", "c,d", "[e]"], QueryStyle::PipeDelimited)).await;
    assert_eq!(query.as_deref(), Some("tag=a%7Cb%7Cc%2Cd%7C%5Be%5D"));
}

#[tokio::test]
async fn deep_object() {
    #[derive(Serialize)]
    struct Filter {
        status: Vec<&'static str>,
        created: BTreeMap<&'static str, &'static str>,
        #[serde(rename = "name[like]")]
        name_like: Option<&'static str>,
        owner: Option<u32>,
    }
    let filter = Filter {
        status: vec!["open", "on hold"],
        created: BTreeMap::from([("gte", "2024-01-01"), ("lt", "2025")]),
        name_like: Some("Zoë"),
        owner: None,
    };
    let query = query_of(get().query_param("filter", &filter, QueryStyle::DeepObject)).await;
    assert_eq!(
        query.as_deref(),
        Some(
            "filter%5Bstatus%5D%5B%5D=open&filter%5Bstatus%5D%5B%5D=on%20hold\
             &filter%5Bcreated%5D%5Bgte%5D=2024-01-01&filter%5Bcreated%5D%5Blt%5D=2025\
             &filter%5Bname%5Blike%5D%5D=Zo%C3%AB"
        )
    );
}

#[tokio::test]
async fn absent_optional_parameters_are_left_out() {
    let none: Option<u32> = None;
    let some: Option<u32> = Some(3);
    let no_tags: Vec<String> = Vec::new();
    let query = query_of(
        get()
            .query_param("limit", &none, EXPLODED)
            .query_param("page", &some, EXPLODED)
            .query_param("tags", &no_tags, JOINED)
            .query_param("filter", &None::<Window>, QueryStyle::DeepObject),
    )
    .await;
    assert_eq!(query.as_deref(), Some("page=3"));
    // With nothing but absent parameters there is no query at all.
    assert_eq!(query_of(get().query_param("limit", &none, EXPLODED)).await, None);
}

#[tokio::test]
async fn enum_values_are_their_wire_strings() {
    let query = query_of(
        get()
            .query_param("sort", &Sort::CreatedAt, EXPLODED)
            .query_param("order", &[Sort::NameDescending, Sort::CreatedAt], JOINED),
    )
    .await;
    assert_eq!(query.as_deref(), Some("sort=created_at&order=-name,created_at"));
}

#[tokio::test]
async fn the_text_query_method_is_form_style() {
    let query = query_of(get().query("q", "a b+c").query("n", 4)).await;
    assert_eq!(query.as_deref(), Some("q=a%20b%2Bc&n=4"));
}

#[tokio::test]
async fn cookies_are_one_header() {
    let request = received(
        get()
            .cookie_param("session", "abc 123;x")
            .cookie_param("absent", &None::<String>)
            .cookie_param("ids", &[1, 2, 3]),
    )
    .await;
    let cookies: Vec<_> = request.headers.get_all("cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect();
    assert_eq!(cookies, ["session=abc%20123%3Bx; ids=1,2,3"]);
}

#[tokio::test]
async fn a_cookie_header_joins_the_cookie_parameters() {
    let request = received(get().header("Cookie", "theme=dark").cookie_param("lang", "fr").header("cookie", "tz=utc")).await;
    let cookies: Vec<_> = request.headers.get_all("cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect();
    assert_eq!(cookies, ["theme=dark; tz=utc; lang=fr"]);
}

#[tokio::test]
async fn header_parameters_are_simple_style() {
    let request = received(
        get()
            .header_param("X-Tags", &["a", "b c", "d"])
            .header_param("X-Sort", &Sort::NameDescending)
            .header_param("X-Absent", &None::<u32>)
            .header_param("X-Limit", &10u8),
    )
    .await;
    assert_eq!(request.headers.get("x-tags").unwrap(), "a,b c,d");
    assert_eq!(request.headers.get("x-sort").unwrap(), "-name");
    assert_eq!(request.headers.get("x-limit").unwrap(), "10");
    assert!(request.headers.get("x-absent").is_none());
}

#[tokio::test]
async fn path_parameters_of_any_type_fill_the_template() {
    let path = format!("/items/{}/tags/{}", path_param("a/b c"), path_param(&["x,y", "z"]));
    let request = received(Request::new(Method::GET, "/items/{id}/tags/{tags}").path(path)).await;
    assert_eq!(request.url.path(), "/items/a%2Fb%20c/tags/x%2Cy,z");
}

/// A value without a form in its style fails the call before anything is sent.
#[tokio::test]
async fn values_without_a_form_fail_when_sent() {
    let server = server().await;
    let client = HttpClient::new(server.uri(), Config::default());
    let nested = vec![vec![1, 2]];
    let tuple_keys = BTreeMap::from([((1, 2), "x")]);
    let cases = [
        (get().query_param("ids", &nested, JOINED), "query parameter `ids`"),
        (get().query_param("m", &tuple_keys, QueryStyle::DeepObject), "query parameter `m`"),
        (get().header_param("X-Ids", &nested), "header parameter `X-Ids`"),
        (get().header("X-Line", "a\r\nb: c"), "header `X-Line`"),
        (get().cookie_param("ids", &nested), "cookie parameter `ids`"),
        (Request::new(Method::GET, "/items/{id}").path(format!("/items/{}", path_param(&nested))), "path parameter of `/items/{id}`"),
        (get().query("ok", 1).query_param("f", &f64::NAN, EXPLODED).query_param("ids", &nested, JOINED), "query parameter `f`"),
    ];
    for (request, what) in cases {
        match client.send::<()>(request).await {
            Err(Error::InvalidRequest(why)) => assert!(why.contains(what), "{why}"),
            Err(other) => panic!("{what}: {other:?}"),
            Ok(response) => panic!("{what}: sent, answered {}", response.status()),
        }
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}
