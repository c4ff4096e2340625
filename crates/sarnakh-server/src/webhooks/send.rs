//! Sending one delivery: the signed POST, through an HTTP client that connects only to
//! addresses the outbound guard accepted. Names are resolved by [`GuardedResolver`], which
//! refuses the whole name if ANY of its addresses is refused and hands the connector exactly
//! the addresses it checked (no second lookup, so DNS rebinding cannot swap them); literal
//! addresses are checked before the request. Redirects are never followed (a 3xx is a
//! failed attempt), proxies from the environment are ignored, connect 5 s, total 10 s.

use hmac::{Hmac, Mac};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use sarnakh_core::domain::outbound::{check_ip, check_url};
use sha2::Sha256;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// The `Sarnakh-Signature` value: `v1=` + hex HMAC-SHA256 of `"{timestamp}.{body}"` keyed
/// with the subscription's secret.
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any size");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    format!("v1={}", hex::encode(mac.finalize().into_bytes()))
}

/// A resolver that refuses names resolving to any refused address.
#[derive(Debug, Clone, Copy)]
pub struct GuardedResolver {
    /// Skip the check (the `webhook_allow_private` setting).
    pub allow_private: bool,
}

impl GuardedResolver {
    /// Resolves `host` and checks every address; the addresses to connect to.
    pub async fn lookup(&self, host: &str) -> Result<Vec<SocketAddr>, String> {
        let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host, 0))
            .await
            .map_err(|e| format!("could not resolve {host}: {e}"))?
            .collect();
        if addrs.is_empty() {
            return Err(format!("{host} has no address"));
        }
        if !self.allow_private {
            for a in &addrs {
                check_ip(a.ip()).map_err(|why| {
                    format!("refused: {host} resolves to a refused address: {why}")
                })?;
            }
        }
        Ok(addrs)
    }
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let this = *self;
        Box::pin(async move {
            let addrs = this.lookup(name.as_str()).await?;
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

/// The HTTP side of deliveries.
#[derive(Debug, Clone)]
pub struct Sender {
    client: reqwest::Client,
    allow_private: bool,
}

/// What one attempt got: the status received, or why there was none (or why it fails).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// The HTTP status, if the subscriber answered.
    pub status: Option<u16>,
    /// The failure (refused address, timeout, redirect ...), if any.
    pub error: Option<String>,
}

impl Sender {
    /// A client with the guard, the timeouts and no redirects.
    pub fn new(allow_private: bool) -> Self {
        let client = reqwest::Client::builder()
            .dns_resolver(Arc::new(GuardedResolver { allow_private }))
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(10))
            .user_agent(concat!("Sarnakh-Webhooks/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("the TLS backend and resolver are available");
        Self {
            client,
            allow_private,
        }
    }

    /// POSTs `body` to `url`, signed with `secret` at `timestamp` (Unix seconds).
    pub async fn post(
        &self,
        url: &str,
        secret: &str,
        event_type: &str,
        delivery_id: &str,
        timestamp: i64,
        body: &str,
    ) -> Attempt {
        let failed = |error: String| Attempt {
            status: None,
            error: Some(error),
        };
        // Literal addresses never reach the resolver: check them here. Names are checked by
        // the resolver, at connection time, on the addresses actually used.
        if let Err(why) = check_url(url, self.allow_private) {
            return failed(format!("refused: {why}"));
        }
        let sent = self
            .client
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("Sarnakh-Event", event_type)
            .header("Sarnakh-Delivery", delivery_id)
            .header("Sarnakh-Timestamp", timestamp.to_string())
            .header("Sarnakh-Signature", signature(secret, timestamp, body))
            .body(body.to_owned())
            .send()
            .await;
        match sent {
            Ok(r) if r.status().is_redirection() => {
                let to = r
                    .headers()
                    .get(reqwest::header::LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("nowhere")
                    .to_owned();
                Attempt {
                    status: Some(r.status().as_u16()),
                    error: Some(format!(
                        "redirect to {to} not followed: configure the final URL"
                    )),
                }
            }
            Ok(r) => Attempt {
                status: Some(r.status().as_u16()),
                error: None,
            },
            // A refusal by the resolver is the cause that matters; reqwest wraps it twice.
            Err(e) => {
                let text = chain(&e);
                failed(match text.find("refused: ") {
                    Some(i) => text[i..].to_owned(),
                    None => text,
                })
            }
        }
    }
}

/// An error with its causes, `: `-separated (reqwest's own message says little).
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut next = e.source();
    while let Some(cause) = next {
        let text = cause.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        next = cause.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_hmac_sha256_of_timestamp_dot_body() {
        // Expected value computed independently: printf "1700000000.{\"a\":1}" | openssl dgst -sha256 -hmac whsec_test
        let sig = signature("whsec_test", 1_700_000_000, "{\"a\":1}");
        assert_eq!(
            sig,
            "v1=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789"
        );
        assert_ne!(sig, signature("whsec_other", 1_700_000_000, "{\"a\":1}"));
        assert_ne!(sig, signature("whsec_test", 1_700_000_001, "{\"a\":1}"));
    }

    #[tokio::test]
    async fn the_resolver_refuses_a_name_that_resolves_to_loopback() {
        let guard = GuardedResolver {
            allow_private: false,
        };
        let err = guard.lookup("localhost").await.expect_err("refused");
        assert!(err.contains("refused: localhost resolves to"), "{err}");
        assert!(err.contains("loopback"), "{err}");
        let open = GuardedResolver {
            allow_private: true,
        };
        let addrs = open.lookup("localhost").await.expect("allowed");
        assert!(addrs.iter().all(|a| a.ip().is_loopback()));
    }

    #[tokio::test]
    async fn literal_private_addresses_are_refused_before_any_connection() {
        let sender = Sender::new(false);
        for url in [
            "http://127.0.0.1:9/x",
            "http://2130706433:9/x",
            "http://0x7f.1:9/x",
            "http://[::ffff:127.0.0.1]:9/x",
            "http://169.254.169.254/latest",
        ] {
            let a = sender.post(url, "s", "lead.created", "d", 1, "{}").await;
            assert_eq!(a.status, None, "{url}");
            assert!(
                a.error
                    .as_deref()
                    .is_some_and(|e| e.starts_with("refused:")),
                "{url}: {a:?}"
            );
        }
    }
}
