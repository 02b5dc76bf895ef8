//! [`ApiClient`]: what every generated `Client` can do besides its operations, written once.
//!
//! A generated client is a thin wrapper around an [`HttpClient`]; it implements the two
//! required methods and gets its constructors and accessors from here. Import the trait
//! (`use vendor_runtime::ApiClient;`) to call them.

use crate::{Config, HttpClient};

/// Constructors and accessors shared by every generated `Client`.
///
/// ```
/// use vendor_runtime::{ApiClient, Config, HttpClient};
///
/// #[derive(Clone, Debug)]
/// struct Client { http: HttpClient }
///
/// impl ApiClient for Client {
///     fn from_http(http: HttpClient) -> Self { Client { http } }
///     fn http(&self) -> &HttpClient { &self.http }
/// }
///
/// let client = Client::with_config("http://127.0.0.1:8080", Config::default());
/// assert_eq!(client.base_url(), "http://127.0.0.1:8080");
/// let impatient = client.reconfigured(Config { timeout: std::time::Duration::from_secs(1), ..Config::default() });
/// assert_eq!(impatient.config().timeout, std::time::Duration::from_secs(1));
/// ```
pub trait ApiClient: Sized {
    /// Wraps a transport; every constructor ends here.
    fn from_http(http: HttpClient) -> Self;

    /// The transport operations send through.
    fn http(&self) -> &HttpClient;

    /// A client for any base URL (a proxy, a self-hosted server, a test server) with its own
    /// timeouts, retries and plain-HTTP rule.
    fn with_config(base_url: impl Into<String>, config: Config) -> Self {
        Self::from_http(HttpClient::new(base_url, config))
    }

    /// A client that sends through a `reqwest::Client` you configured (proxies, TLS roots);
    /// `config` still sets the total timeout and retries.
    fn with_http_client(base_url: impl Into<String>, http: reqwest::Client, config: Config) -> Self {
        Self::from_http(HttpClient::with_http_client(base_url, http, config))
    }

    /// This client, sharing its connections, with another configuration: e.g. a shorter
    /// timeout or no retries for one call.
    fn reconfigured(&self, config: Config) -> Self {
        Self::from_http(self.http().with_config(config))
    }

    /// This client, sharing its connections and credentials, with `hook` seeing every request
    /// and answer (see [`crate::hook`]): extra headers, tracing, metrics, request signing.
    fn with_hook(&self, hook: impl crate::hook::Hook + 'static) -> Self {
        Self::from_http(self.http().with_hook(hook))
    }

    /// The configuration calls use.
    fn config(&self) -> &Config {
        self.http().config()
    }

    /// The base URL requests are sent to.
    fn base_url(&self) -> &str {
        self.http().base_url()
    }
}
