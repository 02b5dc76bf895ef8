//! Request and response bodies of every kind, against a real HTTP server on 127.0.0.1
//! (wiremock): the exact bytes and `Content-Type` a server receives for form, binary and text
//! bodies, and how text, binary, empty and over-the-cap answers decode.
// Test code: a failed unwrap or index is a failed test (the lints guard the library).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use serde::Serialize;
use vendor_runtime::{Bytes, Config, Error, HttpClient, Method, QueryStyle, Request};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A Stripe-like create-charge body: the field order is the order on the wire.
#[derive(Serialize)]
struct Charge {
    amount: u32,
    email: Option<String>,
    expand: Vec<String>,
    items: Vec<Item>,
    metadata: Metadata,
}

#[derive(Serialize)]
struct Item {
    price: String,
    quantity: u32,
}

#[derive(Serialize)]
struct Metadata {
    order: String,
}

async fn answering(template: ResponseTemplate) -> (MockServer, HttpClient) {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(template).mount(&server).await;
    let client = HttpClient::new(server.uri(), Config::default());
    (server, client)
}

async fn received(request: Request) -> wiremock::Request {
    let (server, client) = answering(ResponseTemplate::new(204)).await;
    client.send::<()>(request).await.expect("an answer");
    server.received_requests().await.unwrap().remove(0)
}

fn content_type(request: &wiremock::Request) -> String {
    request.headers.get("content-type").unwrap().to_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_nested_form_body_is_sent_as_stripe_documents_it() {
    let charge = Charge {
        amount: 2000,
        email: None,
        expand: vec!["customer".into(), "invoice".into()],
        items: vec![Item { price: "p_1".into(), quantity: 2 }],
        metadata: Metadata { order: "6735".into() },
    };
    let request = Request::new(Method::POST, "/v1/charges").form(&charge, &[("expand", QueryStyle::DeepObject)]);
    let got = received(request).await;
    assert_eq!(content_type(&got), "application/x-www-form-urlencoded");
    assert_eq!(
        String::from_utf8(got.body).unwrap(),
        "amount=2000&expand%5B%5D=customer&expand%5B%5D=invoice&items%5B0%5D%5Bprice%5D=p_1&items%5B0%5D%5Bquantity%5D=2&metadata%5Border%5D=6735"
    );
}

#[tokio::test]
async fn binary_and_text_bodies_are_sent_as_given_with_their_media_type() {
    let bytes = vec![0u8, 159, 146, 150, 255];
    let got = received(Request::new(Method::PUT, "/disk").bytes("application/octet-stream", bytes.clone())).await;
    assert_eq!(content_type(&got), "application/octet-stream");
    assert_eq!(got.body, bytes);
    let got = received(Request::new(Method::POST, "/notes").text("text/plain; charset=utf-8", "héllo\nworld")).await;
    assert_eq!(content_type(&got), "text/plain; charset=utf-8");
    assert_eq!(got.body, "héllo\nworld".as_bytes());
    let (_server, client) = answering(ResponseTemplate::new(204)).await;
    let bad = client.send::<()>(Request::new(Method::POST, "/x").text("text/plain\n", "x")).await;
    assert!(matches!(bad, Err(Error::InvalidRequest(why)) if why.contains("not a valid media type")));
}

#[tokio::test]
async fn text_binary_and_empty_answers_decode() {
    let (_server, client) = answering(ResponseTemplate::new(200).set_body_raw("id,name\n1,a\n", "text/csv")).await;
    let text = client.send::<()>(Request::new(Method::GET, "/report")).await.unwrap().success_text::<_, ()>(|t| t).unwrap();
    assert_eq!(text.into_inner(), "id,name\n1,a\n");

    let image = vec![0x89, b'P', b'N', b'G', 0, 1, 2];
    let (_server, client) = answering(ResponseTemplate::new(200).set_body_raw(image.clone(), "image/png")).await;
    let bytes = client.send::<()>(Request::new(Method::GET, "/logo")).await.unwrap().success_bytes::<_, ()>(|b: Bytes| b).unwrap();
    assert_eq!(bytes.raw_body(), image.as_slice());
    assert_eq!(bytes.into_inner(), Bytes::from(image));

    let (_server, client) = answering(ResponseTemplate::new(200).set_body_raw(vec![0xff, 0xfe], "text/plain")).await;
    let not_utf8 = client.send::<()>(Request::new(Method::GET, "/t")).await.unwrap().success_text::<_, ()>(|t| t);
    match not_utf8 {
        Err(Error::UnexpectedResponse { raw, decode_error: Some(why), .. }) => {
            assert_eq!(raw.as_ref(), [0xff, 0xfe]);
            assert!(why.contains("not UTF-8"), "{why}");
        }
        other => panic!("an undecodable text answer keeps its bytes, not {other:?}"),
    }

    let (_server, client) = answering(ResponseTemplate::new(204)).await;
    let empty = client.send::<()>(Request::new(Method::DELETE, "/x")).await.unwrap().empty_success::<_, ()>(()).unwrap();
    assert_eq!(empty.status().as_u16(), 204);
}

#[tokio::test]
async fn an_answer_over_the_cap_is_an_error_that_keeps_status_and_headers() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).insert_header("x-request-id", "req_9").set_body_raw(vec![b'x'; 2048], "application/json"))
        .mount(&server)
        .await;
    let config = Config { max_response_bytes: 1024, ..Config::default() };
    let client = HttpClient::new(server.uri(), config);
    match client.send::<()>(Request::new(Method::GET, "/big")).await {
        Err(Error::ResponseTooLarge { status, headers, limit }) => {
            assert_eq!(status.as_u16(), 200);
            assert_eq!(headers.get("x-request-id").unwrap(), "req_9");
            assert_eq!(limit, 1024);
        }
        Err(other) => panic!("an answer over the cap is ResponseTooLarge, not {other:?}"),
        Ok(answer) => panic!("an answer over the cap is ResponseTooLarge, not a {} answer", answer.status()),
    }
    // At the cap exactly, it is read.
    let client = HttpClient::new(server.uri(), Config { max_response_bytes: 2048, ..Config::default() });
    assert_eq!(client.send::<()>(Request::new(Method::GET, "/big")).await.unwrap().body.len(), 2048);
}

/// A one-connection server on a loopback port that answers 200 with a chunked JSON body (no
/// `Content-Length`), one chunk per part, pausing between chunks so each arrives on its own.
async fn chunked_server(parts: Vec<Vec<u8>>) -> std::net::SocketAddr {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = [0u8; 1024];
        let _ = socket.read(&mut request).await;
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
        socket.write_all(head.as_bytes()).await.unwrap();
        for part in parts {
            // The client may hang up once it has read past its cap.
            if socket.write_all(format!("{:x}\r\n", part.len()).as_bytes()).await.is_err() {
                return;
            }
            let _ = socket.write_all(&part).await;
            let _ = socket.write_all(b"\r\n").await;
            let _ = socket.flush().await;
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        let _ = socket.write_all(b"0\r\n\r\n").await;
    });
    address
}

/// A body sent in chunks without a `Content-Length`: the cap is met while reading rather than
/// from the declared length.
#[tokio::test]
async fn a_chunked_answer_over_the_cap_is_cut_off_while_reading() {
    let address = chunked_server(vec![vec![b'x'; 512]; 8]).await;
    let client = HttpClient::new(format!("http://{address}"), Config { max_response_bytes: 1500, ..Config::default() });
    let result = client.send::<()>(Request::new(Method::GET, "/stream")).await;
    assert!(matches!(result, Err(Error::ResponseTooLarge { limit: 1500, .. })), "{:?}", result.err());
}

/// A body in several chunks (no `Content-Length`) is read whole, in order; one in a single
/// chunk is kept as it came.
#[tokio::test]
async fn a_chunked_answer_within_the_cap_is_joined_whole() {
    let address = chunked_server(vec![b"{\"a\":".to_vec(), b"[1,2,".to_vec(), b"3]}".to_vec()]).await;
    let client = HttpClient::new(format!("http://{address}"), Config::default());
    let answer = client.send::<()>(Request::new(Method::GET, "/chunks")).await.unwrap();
    assert_eq!(&answer.body[..], br#"{"a":[1,2,3]}"#);
    assert_eq!(answer.headers.get("content-type").unwrap(), "application/json");
    let (_server, client) = answering(ResponseTemplate::new(200).set_body_raw(br#"{"whole":true}"#.to_vec(), "application/json")).await;
    assert_eq!(&client.send::<()>(Request::new(Method::GET, "/one")).await.unwrap().body[..], br#"{"whole":true}"#);
}

#[derive(Serialize)]
struct FileLinkData {
    create: bool,
    metadata: Metadata,
}

#[tokio::test]
async fn a_multipart_body_has_a_part_per_field_and_file_with_a_boundary_found_in_no_part() {
    let upload = vendor_runtime::FilePart::new(b"%PDF-1.7\r\n--not-the-boundary\r\n".to_vec()).file_name("dispute \"7\".pdf").content_type("application/pdf");
    let link = FileLinkData { create: true, metadata: Metadata { order: "6735".to_owned() } };
    let form = vendor_runtime::Multipart::new()
        .field("purpose", "dispute_evidence")
        .field("expand", &["file_link"])
        .deep_field("file_link_data", &link)
        .field("note", &None::<String>)
        .field("options", &serde_json::json!({"a": 1}))
        .file("file", &upload);
    let got = received(Request::new(Method::POST, "/v1/files").multipart(form)).await;
    let content_type = content_type(&got);
    let boundary = content_type.strip_prefix("multipart/form-data; boundary=").expect("a multipart media type with its boundary");
    let expected = format!(
        "--{b}\r\ncontent-disposition: form-data; name=\"purpose\"\r\n\r\ndispute_evidence\r\n\
         --{b}\r\ncontent-disposition: form-data; name=\"expand\"\r\n\r\nfile_link\r\n\
         --{b}\r\ncontent-disposition: form-data; name=\"file_link_data[create]\"\r\n\r\ntrue\r\n\
         --{b}\r\ncontent-disposition: form-data; name=\"file_link_data[metadata][order]\"\r\n\r\n6735\r\n\
         --{b}\r\ncontent-disposition: form-data; name=\"options\"\r\ncontent-type: application/json\r\n\r\n{{\"a\":1}}\r\n\
         --{b}\r\ncontent-disposition: form-data; name=\"file\"; filename=\"dispute %227%22.pdf\"\r\ncontent-type: application/pdf\r\n\r\n\
         %PDF-1.7\r\n--not-the-boundary\r\n\r\n\
         --{b}--\r\n",
        b = boundary
    );
    assert_eq!(String::from_utf8(got.body).unwrap(), expected);
}
