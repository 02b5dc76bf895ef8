//! The token sources of the documents beside this file, against a local server playing the
//! vendor. Not a test of the `workspace-tests` crate: `tests/token_locations.rs` generates the
//! documents into a scratch crate and runs this file there as that crate's test.

use serde_json::json;
use vendor_clients::runtime::token::TokenSource;
use vendor_clients::{path_credential, query_refresh};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn a_refresh_token_goes_in_the_query_and_a_credential_in_a_header() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/login"))
        .and(body_json(json!({"appKey": "key-1", "appSecret": "s3cret"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"accessToken": "A1", "refreshToken": "R1", "expiresIn": 600})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/token/refresh"))
        .and(query_param("refreshToken", "R1"))
        .and(header("X-App-Key", "key-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"accessToken": "A2", "refreshToken": "R2", "expiresIn": 600})))
        .expect(1)
        .mount(&server)
        .await;
    let credentials = query_refresh::Credentials { app_key: "key-1".to_owned(), app_secret: "s3cret".into() };
    let source = query_refresh::TokenSource::with_credentials(query_refresh::Client::new(server.uri()), credentials);

    let token = source.login().await.expect("the login answers a token");
    assert_eq!(token.access_token().expose(), "A1");
    let refreshed = source.refresh(&token).await.expect("the refresh answers a token");
    assert_eq!(refreshed.access_token().expose(), "A2");
    assert_eq!(refreshed.refresh_token().map(|t| t.expose().as_str()), Some("R2"));
    assert!(refreshed.expires_at().is_some(), "expiresIn is read");

    let requests = server.received_requests().await.expect("requests are recorded");
    let refresh = requests.iter().find(|r| r.url.path() == "/token/refresh").expect("a refresh request");
    let query: Vec<(String, String)> = refresh.url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    assert_eq!(query, [("refreshToken".to_owned(), "R1".to_owned())], "only the refresh token is in the query (`lang` is left out)");
    assert!(refresh.body.is_empty(), "a GET refresh sends no body");
}

#[tokio::test]
async fn a_credential_goes_in_a_path_segment_and_optional_parameters_through_setters() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/apps/key%2F1/sessions"))
        .and(header("X-App-Secret", "s3cret"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"access_token": "A1", "refresh_token": "R1", "expires_in": 600})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/apps/key%2F1/sessions/refresh"))
        .and(query_param("refresh_token", "R1"))
        .and(header("X-App-Secret", "s3cret"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"access_token": "A2"})))
        .expect(1)
        .mount(&server)
        .await;
    // A slash in the key: a path segment is percent-encoded.
    let credentials = path_credential::Credentials { app_key: "key/1".to_owned(), app_secret: "s3cret".into() };
    let source = path_credential::TokenSource::with_credentials(path_credential::Client::new(server.uri()), credentials);

    let token = source.login().await.expect("the login answers a token");
    assert_eq!(token.access_token().expose(), "A1");
    let refreshed = source.refresh(&token).await.expect("the refresh answers a token");
    assert_eq!(refreshed.access_token().expose(), "A2");
}
