//! The generated Cloudreve client against a real HTTP server on 127.0.0.1, answering with the
//! document's own example.

use serde_json::{json, Value};
use vendor_clients::cloudreve::{Client, PasswordSignInSuccess, RefreshTokenRequest, Status};
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
    let token = Client::new(server.uri()).refresh_token(&request).await.expect("refreshed");
    // The envelope's payload is the value; the whole envelope stays in the raw body.
    assert_eq!(token.access_token.expose(), "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.access");
    assert_eq!(token.access_expires.to_rfc3339(), "2025-04-26T15:58:28.456762+08:00");
    assert_eq!(token.access_expires.timestamp(), 1_745_654_308);
    assert_eq!(token.refresh_expires.offset().local_minus_utc(), 8 * 3600);
    assert_eq!(serde_json::from_slice::<Value>(token.raw_body()).expect("raw JSON"), documented_success());
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
    let error = Client::new(server.uri()).refresh_token(&RefreshTokenRequest { refresh_token: "old-refresh".into() }).await.expect_err("401");
    let Error::UnexpectedResponse { status, raw, decode_error, .. } = &error else { panic!("{error:?}") };
    assert_eq!(status.as_u16(), 401);
    assert_eq!(decode_error, &None);
    assert_eq!(serde_json::from_slice::<Value>(raw).expect("raw JSON"), failure);
}

#[tokio::test]
async fn an_empty_success_body_is_an_undecodable_response_not_a_panic() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let error = Client::new(server.uri()).refresh_token(&RefreshTokenRequest { refresh_token: "old-refresh".into() }).await.expect_err("empty body");
    let Error::UnexpectedResponse { status, raw, decode_error, .. } = &error else { panic!("{error:?}") };
    assert_eq!(status.as_u16(), 200);
    assert!(raw.is_empty());
    assert!(decode_error.as_deref().is_some_and(|e| e.contains("EOF")), "{decode_error:?}");
}

fn sign_in_request() -> vendor_clients::cloudreve::PasswordSignInRequest {
    vendor_clients::cloudreve::PasswordSignInRequest {
        captcha: None,
        ticket: None,
        email: "admin@cloudreve.org".to_owned(),
        password: "P@ssw0rd".into(),
    }
}

async fn sign_in_answering(body: Value) -> Result<vendor_clients::ResponseValue<PasswordSignInSuccess>, Error<vendor_clients::cloudreve::PasswordSignInError>> {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/session/token"))
        .and(body_json(json!({"email": "admin@cloudreve.org", "password": "P@ssw0rd"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(1)
        .mount(&server)
        .await;
    Client::new(server.uri()).password_sign_in(&sign_in_request()).await
}

#[tokio::test]
async fn sign_in_returns_the_user_and_token_and_keeps_undocumented_properties() {
    let mut body = documented_success();
    body["data"] = json!({
        "user": {"id": "lpua", "nickname": "Aaron", "created_at": "2023-08-06T19:21:59+08:00", "group": {"id": "z4u4", "name": "Admin", "permission": "/f8B", "direct_link_batch_size": 999, "trash_retention": 604800}, "language": "en-US", "status": "suspended", "pined": [{"uri": "cloudreve://my/1"}]},
        "token": body["data"].clone()
    });
    let signed_in = sign_in_answering(body).await.expect("signed in");
    let PasswordSignInSuccess::Ok(login) = signed_in.into_inner() else { panic!("expected the token answer") };
    assert_eq!(login.token.refresh_token.expose(), "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.refresh");
    let status = login.user.status.as_ref().expect("a status");
    assert!(matches!(status, Status::Unknown(_)), "an unlisted enum value is kept: {status:?}");
    assert_eq!(status.as_str(), "suspended");
    assert_eq!(login.user.additional_properties["pined"], json!([{"uri": "cloudreve://my/1"}]));
}

#[tokio::test]
async fn sign_in_that_needs_two_factor_authentication_is_its_own_outcome() {
    let answer = sign_in_answering(json!({"data": "1728791b-4e6a-4ac5-adf5-fa717a6b0919", "code": 203, "msg": ""})).await.expect("an answer");
    match answer.into_inner() {
        PasswordSignInSuccess::TwoFaRequired(two_factor) => {
            assert_eq!(two_factor.code, 203);
            assert_eq!(two_factor.data, Some(json!("1728791b-4e6a-4ac5-adf5-fa717a6b0919")));
        }
        other => panic!("expected TwoFaRequired, got {other:?}"),
    }
}

#[tokio::test]
async fn an_envelope_reporting_failure_is_an_envelope_error_with_code_message_and_raw_body() {
    let failure = json!({"code": 40020, "msg": "Incorrect password", "data": null, "correlation_id": "b4351ecc-ee1a-4455-bc94-2c3dbcc58538"});
    let error = sign_in_answering(failure.clone()).await.expect_err("an envelope failure");
    let Error::Envelope { status, code, message, raw, .. } = &error else { panic!("expected Error::Envelope, got {error:?}") };
    assert_eq!(status.as_u16(), 200);
    assert_eq!(code, &json!(40020), "a failure must not pass for the 2FA answer, whose code is 203");
    assert_eq!(message.as_deref(), Some("Incorrect password"));
    assert_eq!(serde_json::from_slice::<Value>(raw).expect("raw JSON"), failure);
    assert_eq!(error.request_id().as_deref(), Some("b4351ecc-ee1a-4455-bc94-2c3dbcc58538"));
    assert_eq!(error.to_string(), "the API answered HTTP 200 OK but reported failure code 40020: Incorrect password");
}

#[tokio::test]
async fn refresh_with_a_failing_envelope_is_an_envelope_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/session/token/refresh"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"code": 401, "msg": "Login required", "data": null})))
        .mount(&server)
        .await;
    let error = Client::new(server.uri()).refresh_token(&RefreshTokenRequest { refresh_token: "old-refresh".into() }).await.expect_err("envelope failure");
    assert!(matches!(&error, Error::Envelope { code, .. } if code == &json!(401)), "{error:?}");
}
