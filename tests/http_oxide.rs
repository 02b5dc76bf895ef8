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
    let answer = client.vpc_router_route_view(&route_name, Some(&project), None, None).await.expect("the route");
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
    let answer = client.vpc_router_route_view(&NameOrId::Id(PROJECT.to_owned()), None, None, None).await.expect("the route");
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
    client.project_list(Some(&5), None, Some(&oxide::NameOrIdSortMode::IdAscending)).await.expect("a page");
    let received = server.received_requests().await.expect("recorded");
    let query = received.first().and_then(|r| r.url.query().map(str::to_owned));
    assert_eq!(query.as_deref(), Some("limit=5&sort_by=id_ascending"));
}
