//! Stripe's client (its published OpenAPI document, 468 operations, form-encoded bodies) against
//! a real HTTP server on 127.0.0.1: nested form bodies reach the wire as Stripe documents them,
//! list calls page with `limit` and `starting_after`, expandable fields decode as an id or an
//! object, and files upload as multipart parts.

use vendor_clients::runtime::{CallOptions, Credential, FilePart};
use vendor_clients::stripe::{
    self, DefaultSource, FileLinkData, Metadata, PostCustomersRequest, PostFilesError, PostFilesRequest, PostFilesRequestPurpose, TaxIdDataItem,
    TaxIdDataItemType,
};
use vendor_clients::Error;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn customer(id: &str, default_source: serde_json::Value) -> serde_json::Value {
    serde_json::json!({
        "id": id, "object": "customer", "created": 1_700_000_000, "livemode": false,
        "email": "jenny@example.com", "default_source": default_source
    })
}

fn header<'r>(request: &'r wiremock::Request, name: &str) -> Option<&'r str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

#[tokio::test]
async fn a_customer_is_created_with_a_nested_form_body_and_an_idempotency_key() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/customers"))
        .respond_with(ResponseTemplate::new(200).set_body_json(customer("cus_1", serde_json::json!("card_1"))))
        .expect(1)
        .mount(&server)
        .await;
    // Stripe takes the secret key as HTTP basic's user name, or as a bearer token.
    let client = stripe::Client::new(server.uri()).with_basic_auth(Credential::basic("sk_test_4eC39H", ""));
    let body = PostCustomersRequest {
        email: Some("jenny@example.com".into()),
        expand: Some(vec!["default_source".into()]),
        metadata: Some(Metadata::StringMap([("order".to_owned(), "6735".to_owned())].into())),
        preferred_locales: Some(vec!["en".into(), "fr".into()]),
        tax_id_data: Some(vec![TaxIdDataItem { r#type: TaxIdDataItemType::EuVat, value: "DE123456789".into() }]),
        ..Default::default()
    };
    let created = client.post_customers().body(&body).call_options(CallOptions::new().idempotency_key("signup-42")).await.expect("the customer");
    assert_eq!(created.id, "cus_1");
    assert!(matches!(created.default_source.as_deref(), Some(DefaultSource::String(id)) if id == "card_1"), "an unexpanded field is its id");

    let received = server.received_requests().await.expect("recorded");
    let request = received.first().expect("one request");
    assert_eq!(header(request, "content-type"), Some("application/x-www-form-urlencoded"));
    assert_eq!(header(request, "idempotency-key"), Some("signup-42"));
    assert_eq!(header(request, "authorization"), Some("Basic c2tfdGVzdF80ZUMzOUg6"), "base64 of `sk_test_4eC39H:`");
    assert_eq!(
        String::from_utf8_lossy(&request.body),
        "email=jenny%40example.com&expand%5B%5D=default_source&metadata%5Border%5D=6735\
         &preferred_locales%5B%5D=en&preferred_locales%5B%5D=fr\
         &tax_id_data%5B0%5D%5Btype%5D=eu_vat&tax_id_data%5B0%5D%5Bvalue%5D=DE123456789"
    );
}

#[tokio::test]
async fn a_list_pages_with_limit_and_starting_after_and_expands_nested_objects() {
    let server = MockServer::start().await;
    let card = serde_json::json!({"id": "card_1", "object": "card", "brand": "Visa", "last4": "4242", "exp_month": 12, "exp_year": 2030, "funding": "credit"});
    Mock::given(method("GET"))
        .and(path("/v1/customers"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "object": "list", "url": "/v1/customers", "has_more": true,
            "data": [customer("cus_2", serde_json::json!("card_2")), customer("cus_3", card)]
        })))
        .mount(&server)
        .await;
    let client = stripe::Client::new(server.uri()).with_bearer_auth(Credential::token("sk_test_4eC39H"));
    let page = client.get_customers().limit(2).starting_after("cus_1").expand(vec!["data.default_source".to_owned()]).await.expect("a page");
    assert!(page.has_more);
    let ids: Vec<&str> = page.data.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["cus_2", "cus_3"]);
    assert!(matches!(page.data[1].default_source.as_deref(), Some(DefaultSource::Card(card)) if card.last4 == "4242"), "an expanded field is its object");

    let received = server.received_requests().await.expect("recorded");
    let query = received.first().and_then(|r| r.url.query().map(str::to_owned));
    assert_eq!(query.as_deref(), Some("expand%5B%5D=data.default_source&limit=2&starting_after=cus_1"));
}

#[tokio::test]
async fn a_file_uploads_as_multipart_parts_and_a_stripe_error_decodes() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/files"))
        .respond_with(ResponseTemplate::new(400).set_body_json(serde_json::json!({
            "error": {"type": "invalid_request_error", "message": "File too small", "param": "file"}
        })))
        .mount(&server)
        .await;
    let client = stripe::Client::new(server.uri()).with_bearer_auth(Credential::token("sk_test_4eC39H"));
    let body = PostFilesRequest {
        expand: None,
        file: FilePart::new(b"%PDF-1.7".to_vec()).file_name("evidence.pdf").content_type("application/pdf"),
        file_link_data: Some(FileLinkData { create: true, expires_at: None, metadata: None }),
        purpose: PostFilesRequestPurpose::DisputeEvidence,
    };
    match client.post_files(&body).await {
        Err(Error::Api { status, body: PostFilesError::Default(error), .. }) => {
            assert_eq!(status.as_u16(), 400);
            assert_eq!(error.error.message.as_deref(), Some("File too small"));
        }
        other => panic!("Stripe's error answer, decoded, not {other:?}"),
    }
    let received = server.received_requests().await.expect("recorded");
    let request = received.first().expect("one request");
    let content_type = header(request, "content-type").expect("a media type");
    let boundary = content_type.strip_prefix("multipart/form-data; boundary=").expect("multipart with a boundary");
    let expected = format!(
        "--{boundary}\r\ncontent-disposition: form-data; name=\"file\"; filename=\"evidence.pdf\"\r\ncontent-type: application/pdf\r\n\r\n%PDF-1.7\r\n\
         --{boundary}\r\ncontent-disposition: form-data; name=\"file_link_data[create]\"\r\n\r\ntrue\r\n\
         --{boundary}\r\ncontent-disposition: form-data; name=\"purpose\"\r\n\r\ndispute_evidence\r\n\
         --{boundary}--\r\n"
    );
    assert_eq!(String::from_utf8_lossy(&request.body), expected);
}

#[tokio::test]
async fn a_download_over_the_buffer_cap_is_refused_by_send_and_streamed_whole_by_send_streaming() {
    let server = MockServer::start().await;
    let pdf: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    Mock::given(method("GET"))
        .and(path("/v1/quotes/qt_1/pdf"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(pdf.clone(), "application/pdf"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/quotes/qt_missing/pdf"))
        .respond_with(ResponseTemplate::new(404).set_body_json(serde_json::json!({"error": {"type": "invalid_request_error", "message": "No such quote"}})))
        .mount(&server)
        .await;
    let config = vendor_clients::runtime::Config { max_response_bytes: 64 * 1024, ..Default::default() };
    let client = <stripe::Client as vendor_clients::ApiClient>::with_config(server.uri(), config).with_bearer_auth(Credential::token("sk_test_4eC39H"));

    match client.get_quotes_quote_pdf("qt_1").await {
        Err(Error::ResponseTooLarge { status, limit, .. }) => assert_eq!((status.as_u16(), limit), (200, 64 * 1024)),
        other => panic!("a buffered answer over the cap is ResponseTooLarge, not {other:?}"),
    }

    let mut stream = client.get_quotes_quote_pdf("qt_1").send_streaming().await.expect("a stream");
    assert_eq!(stream.status().as_u16(), 200);
    let mut received = Vec::new();
    while let Some(chunk) = stream.chunk().await.expect("a chunk") {
        received.extend_from_slice(&chunk);
    }
    assert_eq!(received, pdf);

    match client.get_quotes_quote_pdf("qt_missing").send_streaming().await {
        Err(Error::Api { status, body: stripe::GetQuotesQuotePdfError::Default(error), .. }) => {
            assert_eq!(status.as_u16(), 404);
            assert_eq!(error.error.message.as_deref(), Some("No such quote"));
        }
        Err(other) => panic!("the documented error, decoded, not {other:?}"),
        Ok(_) => panic!("a 404 is not a stream"),
    }
}
