//! The generated Infisical client against a real HTTP server on 127.0.0.1: the success status
//! and every documented error status decode to their own types; anything else keeps the status
//! and the raw body.

use serde_json::{json, Value};
use vendor_clients::ApiClient;
use vendor_clients::infisical::{Client, RenewIdentityAccessTokenError as RenewError, RenewIdentityAccessTokenRequest, TokenType};
use vendor_clients::Error;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const RENEW: &str = "/api/v1/auth/token/renew";

fn request() -> RenewIdentityAccessTokenRequest {
    RenewIdentityAccessTokenRequest { access_token: "old-access-token".into() }
}

async fn server_answering(status: u16, body: Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(RENEW))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({"accessToken": "old-access-token"})))
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .expect(1)
        .mount(&server)
        .await;
    server
}

fn error_body(status: u16, message: Value) -> Value {
    json!({"reqId": format!("req-{status}"), "statusCode": status, "message": message, "error": "Error"})
}

#[tokio::test]
async fn success_decodes_the_token_and_keeps_status_and_headers() {
    let server = server_answering(
        200,
        json!({"accessToken": "new-access-token", "expiresIn": 7200, "accessTokenMaxTTL": 2592000, "tokenType": "Bearer"}),
    )
    .await;
    let renewed = Client::new(server.uri()).renew_identity_access_token(&request()).await.expect("renewed");
    assert_eq!(renewed.status(), 200);
    assert_eq!(renewed.headers()["content-type"], "application/json");
    assert_eq!(renewed.access_token.expose(), "new-access-token");
    assert_eq!(renewed.expires_in, 7200.0);
    assert_eq!(renewed.access_token_max_ttl, 2_592_000.0);
    assert_eq!(renewed.token_type, TokenType::Bearer);
}

#[tokio::test]
async fn every_documented_error_status_decodes_to_its_own_variant() {
    for status in [400u16, 401, 403, 404, 422, 500] {
        let message = if status == 422 { json!([{"path": ["accessToken"], "message": "Required"}]) } else { json!("went wrong") };
        let server = server_answering(status, error_body(status, message.clone())).await;
        let error = Client::new(server.uri()).renew_identity_access_token(&request()).await.expect_err("an error status");
        let Error::Api { status: got, body, raw, .. } = &error else { panic!("{status}: expected Error::Api, got {error:?}") };
        assert_eq!(got.as_u16(), status);
        assert_eq!(serde_json::from_slice::<Value>(raw).expect("raw JSON"), error_body(status, message.clone()));
        let req_id = match body {
            RenewError::BadRequest(b) if status == 400 => &b.req_id,
            RenewError::Unauthorized(b) if status == 401 => &b.req_id,
            RenewError::Forbidden(b) if status == 403 => &b.req_id,
            RenewError::NotFound(b) if status == 404 => &b.req_id,
            RenewError::UnprocessableEntity(b) if status == 422 => {
                assert_eq!(b.message, Some(message.clone()), "422's untyped message is kept as JSON");
                &b.req_id
            }
            RenewError::InternalServerError(b) if status == 500 => &b.req_id,
            other => panic!("{status} decoded to the wrong variant: {other:?}"),
        };
        assert_eq!(req_id, &format!("req-{status}"));
    }
}

#[tokio::test]
async fn an_undocumented_status_keeps_status_and_raw_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(RENEW))
        .respond_with(ResponseTemplate::new(502).set_body_string("<html>Bad Gateway</html>"))
        .mount(&server)
        .await;
    let error = Client::new(server.uri()).renew_identity_access_token(&request()).await.expect_err("502");
    match &error {
        Error::UnexpectedResponse { status, raw, decode_error, .. } => {
            assert_eq!(status.as_u16(), 502);
            assert_eq!(&raw[..], b"<html>Bad Gateway</html>");
            assert_eq!(decode_error, &None);
        }
        other => panic!("expected UnexpectedResponse, got {other:?}"),
    }
    assert_eq!(error.status().map(|s| s.as_u16()), Some(502));
    assert!(error.to_string().contains("HTTP 502 Bad Gateway"), "{error}");
}

#[tokio::test]
async fn a_documented_status_with_a_body_that_does_not_decode_keeps_the_body_and_the_reason() {
    let server = server_answering(401, json!({"unexpected": true})).await;
    let error = Client::new(server.uri()).renew_identity_access_token(&request()).await.expect_err("401");
    match &error {
        Error::UnexpectedResponse { status, raw, decode_error: Some(reason), .. } => {
            assert_eq!(status.as_u16(), 401);
            assert_eq!(&raw[..], br#"{"unexpected":true}"#);
            assert!(reason.contains("missing field"), "{reason}");
        }
        other => panic!("expected an undecodable body, got {other:?}"),
    }
}

#[tokio::test]
async fn extra_fields_and_unknown_enum_values_still_decode() {
    let server = server_answering(
        200,
        json!({"accessToken": "t", "expiresIn": 60, "accessTokenMaxTTL": 0, "tokenType": "DPoP", "issuedAt": "now"}),
    )
    .await;
    let renewed = Client::new(server.uri()).renew_identity_access_token(&request()).await.expect("renewed");
    assert!(matches!(renewed.token_type, TokenType::Unknown(_)), "{:?}", renewed.token_type);
    assert_eq!(renewed.token_type.as_str(), "DPoP");
    assert_eq!(renewed.token_type.to_string(), "DPoP");
}

#[tokio::test]
async fn tokens_never_appear_in_debug_output() {
    let server = server_answering(
        200,
        json!({"accessToken": "new-access-token", "expiresIn": 1, "accessTokenMaxTTL": 1, "tokenType": "Bearer"}),
    )
    .await;
    let renewed = Client::new(server.uri()).renew_identity_access_token(&request()).await.expect("renewed");
    let printed = format!("{renewed:?} {:?}", request());
    assert!(!printed.contains("new-access-token") && !printed.contains("old-access-token"), "{printed}");
    assert!(printed.contains("[redacted]"));
}

#[test]
fn documented_servers_have_constructors() {
    assert_eq!(Client::production_server_us().base_url(), "https://us.infisical.com");
    assert_eq!(Client::production_server_eu().base_url(), "https://eu.infisical.com");
    assert_eq!(Client::local_server().base_url(), "http://localhost:8080");
    assert_eq!(Client::new("http://127.0.0.1:9/").base_url(), "http://127.0.0.1:9");
}

#[tokio::test]
async fn connection_refused_is_a_transport_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address");
    drop(listener);
    let error = Client::new(format!("http://{address}")).renew_identity_access_token(&request()).await.expect_err("refused");
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert_eq!(error.status(), None);
}
