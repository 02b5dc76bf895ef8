//! Oxide's client (a plain OpenAPI JSON file, 315 operations) against a real HTTP server on
//! 127.0.0.1: typed path and query parameters reach the wire as the document's styles say, and
//! answers decode through the composed types (a tagged union whose variant holds an untagged
//! union told apart by patterns).

use vendor_clients::oxide::{self, IpNet, NameOrId, RouteDestination, RouteTarget};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PROJECT: &str = "5c7e44b7-3d3f-4fbd-9b8e-4f5d2c1a9e10";

fn route(destination: serde_json::Value) -> serde_json::Value {
    serde_json::json!({
        "description": "to the lab",
        "destination": destination,
        "id": "0b3f2a6e-2c4a-4f0e-a7b1-7d9b2f6c8e01",
        "kind": "custom",
        "name": "lab route",
        "target": {"type": "drop"},
        "time_created": "2026-11-24T10:00:00Z",
        "time_modified": "2026-11-24T10:00:00Z",
        "vpc_router_id": "9a4c1e2f-6b7d-4c8e-9f0a-1b2c3d4e5f60"
    })
}

#[tokio::test]
async fn a_route_is_fetched_by_name_and_its_destination_decodes_into_the_documented_variants() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/vpc-router-routes/lab%20route"))
        .and(query_param("project", PROJECT))
        .respond_with(ResponseTemplate::new(200).set_body_json(route(serde_json::json!({"type": "ip_net", "value": "fd12:3456::/64"}))))
        .expect(1)
        .mount(&server)
        .await;
    let client = oxide::Client::new(server.uri());
    let route_name = NameOrId::Name("lab route".to_owned());
    let project = NameOrId::Id(PROJECT.to_owned());
    let answer = client.vpc_router_route_view(&route_name).project(project).await.expect("the route");
    match &answer.destination {
        RouteDestination::IpNet(net) => assert!(matches!(net.value, IpNet::V6(ref v6) if v6 == "fd12:3456::/64"), "{:?}", net.value),
        other => panic!("an `ip_net` destination, not {other:?}"),
    }
    assert!(matches!(answer.target, RouteTarget::Drop(_)), "{:?}", answer.target);
    assert_eq!(answer.name, "lab route");
}

#[tokio::test]
async fn a_destination_of_a_kind_the_document_does_not_list_is_kept_not_rejected() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/vpc-router-routes/{PROJECT}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(route(serde_json::json!({"type": "anycast", "value": "10.0.0.1"}))))
        .mount(&server)
        .await;
    let client = oxide::Client::new(server.uri());
    let answer = client.vpc_router_route_view(&NameOrId::Id(PROJECT.to_owned())).await.expect("the route");
    match &answer.destination {
        RouteDestination::Unknown(raw) => assert_eq!(raw["type"], "anycast"),
        other => panic!("an unknown destination kept as received, not {other:?}"),
    }
}

#[tokio::test]
async fn optional_query_parameters_are_left_out_and_enums_are_sent_by_their_wire_value() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/projects"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"items": [], "next_page": null})))
        .mount(&server)
        .await;
    let client = oxide::Client::new(server.uri());
    client.project_list().limit(5).sort_by(oxide::NameOrIdSortMode::IdAscending).await.expect("a page");
    let received = server.received_requests().await.expect("recorded");
    let query = received.first().and_then(|r| r.url.query().map(str::to_owned));
    assert_eq!(query.as_deref(), Some("limit=5&sort_by=id_ascending"));
}

#[tokio::test]
async fn a_form_body_is_sent_url_encoded_with_its_media_type() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path("/device/auth")).respond_with(ResponseTemplate::new(200)).expect(1).mount(&server).await;
    let client = oxide::Client::new(server.uri());
    let body = oxide::DeviceAuthRequest { client_id: PROJECT.to_owned(), ttl_seconds: Some(600) };
    client.device_auth_request(&body).await.expect("an empty success");
    let received = server.received_requests().await.expect("recorded");
    let request = received.first().expect("one request");
    assert_eq!(request.headers.get("content-type").map(|v| v.as_bytes()), Some(&b"application/x-www-form-urlencoded"[..]));
    assert_eq!(String::from_utf8_lossy(&request.body), format!("client_id={PROJECT}&ttl_seconds=600"));
}

#[tokio::test]
async fn a_binary_body_is_sent_as_given_and_a_documented_error_keeps_its_status() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/v1/system/update/repositories"))
        .and(query_param("file_name", "repo 1.zip"))
        .respond_with(ResponseTemplate::new(400).set_body_json(serde_json::json!({"request_id": "r-1", "message": "not a TUF repository"})))
        .expect(1)
        .mount(&server)
        .await;
    let client = oxide::Client::new(server.uri());
    let archive = vec![b'P', b'K', 3, 4, 0, 0xff];
    let answer = client.system_update_repository_upload("repo 1.zip", archive.clone().into()).await;
    match answer {
        Err(vendor_clients::runtime::Error::Api { status, .. }) => assert_eq!(status.as_u16(), 400),
        other => panic!("the documented 4XX answer, not {other:?}"),
    }
    let received = server.received_requests().await.expect("recorded");
    let request = received.first().expect("one request");
    assert_eq!(request.headers.get("content-type").map(|v| v.as_bytes()), Some(&b"application/octet-stream"[..]));
    assert_eq!(request.body, archive);
}

fn project() -> serde_json::Value {
    serde_json::json!({
        "description": "lab", "id": PROJECT, "name": "lab",
        "time_created": "2026-11-24T10:00:00Z", "time_modified": "2026-11-24T10:00:00Z"
    })
}

/// A server whose first answer comes too late for the call's timeout, and whose later ones are
/// prompt: what a dropped answer looks like to the client.
async fn slow_first_answer() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/projects"))
        .respond_with(ResponseTemplate::new(201).set_body_json(project()).set_delay(std::time::Duration::from_secs(2)))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST")).and(path("/v1/projects")).respond_with(ResponseTemplate::new(201).set_body_json(project())).mount(&server).await;
    server
}

#[tokio::test]
async fn a_post_with_an_idempotency_key_is_retried_after_a_timeout_with_the_same_key_and_headers() {
    let server = slow_first_answer().await;
    let client = oxide::Client::new(server.uri());
    let options = vendor_clients::runtime::CallOptions::new()
        .timeout(std::time::Duration::from_millis(300))
        .idempotency_key("create-lab-1")
        .header("X-Request-Id", "req-7");
    let body = oxide::ProjectCreate { description: "lab".to_owned(), name: "lab".to_owned() };
    let created = client.project_create(&body).call_options(options).await.expect("the retry's answer");
    assert_eq!(created.id, PROJECT);
    let received = server.received_requests().await.expect("recorded");
    assert_eq!(received.len(), 2, "the timed-out attempt and its retry");
    for request in &received {
        assert_eq!(request.headers.get("idempotency-key").map(|v| v.as_bytes()), Some(&b"create-lab-1"[..]));
        assert_eq!(request.headers.get("x-request-id").map(|v| v.as_bytes()), Some(&b"req-7"[..]));
    }
}

#[tokio::test]
async fn a_post_without_an_idempotency_key_is_not_replayed_after_a_timeout() {
    let server = slow_first_answer().await;
    let client = oxide::Client::new(server.uri());
    let options = vendor_clients::runtime::CallOptions::new().timeout(std::time::Duration::from_millis(300));
    let body = oxide::ProjectCreate { description: "lab".to_owned(), name: "lab".to_owned() };
    let answer = client.project_create(&body).call_options(options).send().await;
    assert!(matches!(answer, Err(vendor_clients::runtime::Error::Timeout(_))), "{answer:?}");
    assert_eq!(server.received_requests().await.expect("recorded").len(), 1, "a POST that may have reached the server is not sent twice");
}
