//! The generated Cloudreve client against a real HTTP server on 127.0.0.1, answering with the
//! document's own example.

use serde_json::{json, Value};
use vendor_clients::cloudreve::{Client, RefreshTokenRequest};
use vendor_clients::Error;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The 200 example of `specs/cloudreve/refresh-token.md`.
fn documented_success() -> Value {
    json!({
        "data": {
            "access_token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.access",
            "access_expires": "2025-04-26T15:58:28.456762+08:00",
            "refresh_token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.refresh",
            "refresh_expires": "2025-10-23T14:58:28.456762+08:00"
        },
        "code": 0,
        "msg": ""
    })
}

#[tokio::test]
async fn refresh_decodes_the_documented_example() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/session/token/refresh"))
        .and(body_json(json!({"refresh_token": "old-refresh"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(documented_success()))
        .expect(1)
        .mount(&server)
        .await;
    let request = RefreshTokenRequest { refresh_token: "old-refresh".into() };
    let refreshed = Client::new(server.uri()).refresh_token(Some(&request)).await.expect("refreshed");
    assert_eq!(refreshed.code, 0);
    assert_eq!(refreshed.data.access_token.expose(), "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.access");
    assert_eq!(refreshed.data.access_expires.to_rfc3339(), "2025-04-26T15:58:28.456762+08:00");
    assert_eq!(refreshed.data.access_expires.timestamp(), 1_745_654_308);
    assert_eq!(refreshed.data.refresh_expires.offset().local_minus_utc(), 8 * 3600);
    assert_eq!(serde_json::from_slice::<Value>(refreshed.raw_body()).expect("raw JSON"), documented_success());
}

#[tokio::test]
async fn no_error_status_is_documented_so_any_error_keeps_status_and_raw_body() {
    let server = MockServer::start().await;
    let failure = json!({"code": 40020, "msg": "Invalid refresh token", "correlation_id": "b4351ecc-ee1a-4455-bc94-2c3dbcc58538"});
    Mock::given(method("POST"))
        .and(path("/session/token/refresh"))
        .respond_with(ResponseTemplate::new(401).set_body_json(failure.clone()))
        .mount(&server)
        .await;
    let error = Client::new(server.uri()).refresh_token(None).await.expect_err("401");
    let Error::UnexpectedResponse { status, raw, decode_error, .. } = &error else { panic!("{error:?}") };
    assert_eq!(status.as_u16(), 401);
    assert_eq!(decode_error, &None);
    assert_eq!(serde_json::from_slice::<Value>(raw).expect("raw JSON"), failure);
}

#[tokio::test]
async fn an_empty_success_body_is_an_undecodable_response_not_a_panic() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let error = Client::new(server.uri()).refresh_token(None).await.expect_err("empty body");
    let Error::UnexpectedResponse { status, raw, decode_error, .. } = &error else { panic!("{error:?}") };
    assert_eq!(status.as_u16(), 200);
    assert!(raw.is_empty());
    assert!(decode_error.as_deref().is_some_and(|e| e.contains("EOF")), "{decode_error:?}");
}
