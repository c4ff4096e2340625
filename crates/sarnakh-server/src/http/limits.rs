//! Request rate limits: each API token gets a sustained rate and a burst, and the public
//! form endpoint limits each client address and each form; past them the answer is
//! `429 rate_limited` with `Retry-After`.
//!
//! Where the buckets live follows the database: with SQLite (one serving process) they
//! are in this process; with PostgreSQL, where several instances serve behind a load
//! balancer, they are rows in the database counted by one atomic statement per request
//! ([`Services::take_rate`]), so a token gets the same rate whichever instance answers.

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use sarnakh_core::domain::TokenId;
use sarnakh_core::service::Services;
use std::net::IpAddr;
use std::num::NonZeroU32;

fn wait_seconds(not_until: governor::NotUntil<governor::clock::QuantaInstant>) -> u64 {
    not_until
        .wait_time_from(DefaultClock::default().now())
        .as_secs()
        + 1
}

/// The limits of one server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    /// Sustained requests per second per token; 0 turns limiting off.
    pub per_token_per_second: u32,
    /// Requests a token may send at once before the sustained rate applies.
    pub per_token_burst: u32,
    /// Form submissions per minute from one client address (0: no limit).
    pub form_per_ip_per_minute: u32,
    /// Form submissions per second to one form from everyone (0: no limit).
    pub form_per_second: u32,
    /// Count in the database, shared by every instance (PostgreSQL), instead of in this
    /// process.
    pub shared: bool,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            per_token_per_second: 100,
            per_token_burst: 1000,
            form_per_ip_per_minute: 20,
            form_per_second: 50,
            shared: false,
        }
    }
}

/// The live buckets.
pub enum Limiter {
    /// In this process.
    Local(Box<LocalBuckets>),
    /// In the database, shared by every instance.
    Shared(Services, RateLimits),
}

/// Buckets kept in this process.
pub struct LocalBuckets {
    tokens: Option<DefaultKeyedRateLimiter<TokenId>>,
    form_clients: Option<DefaultKeyedRateLimiter<IpAddr>>,
    forms: Option<DefaultKeyedRateLimiter<String>>,
    /// Calendar feed fetches per client address (the form's per-address quota).
    calendar_clients: Option<DefaultKeyedRateLimiter<IpAddr>>,
}

/// Counts one request in the shared bucket `key`; a database failure lets the request
/// through (it will meet the same failure itself) and is logged.
async fn take_shared(
    services: &Services,
    key: &str,
    per_second: f64,
    burst: u32,
) -> Result<(), u64> {
    match services.take_rate(key, per_second, burst).await {
        Ok(()) => Ok(()),
        Err(sarnakh_core::Error::RateLimited { retry_after }) => Err(retry_after),
        Err(e) => {
            tracing::warn!(error = %e, "the shared rate limit could not be counted");
            Ok(())
        }
    }
}

impl Limiter {
    /// Buckets for `limits`, in the database of `services` when `limits.shared`.
    pub fn new(limits: RateLimits, services: &Services) -> Self {
        if limits.shared {
            Self::Shared(services.clone(), limits)
        } else {
            Self::Local(Box::new(LocalBuckets::new(limits)))
        }
    }

    /// `Ok` if a client may submit form `key` now, else the seconds to wait.
    pub async fn check_form(&self, client: Option<IpAddr>, key: &str) -> Result<(), u64> {
        match self {
            Self::Local(local) => local.check_form(client, key),
            Self::Shared(services, limits) => {
                if let (Some(rate), Some(ip)) =
                    (NonZeroU32::new(limits.form_per_ip_per_minute), client)
                {
                    let per_second = f64::from(rate.get()) / 60.0;
                    take_shared(services, &format!("form-ip:{ip}"), per_second, rate.get()).await?;
                }
                if let Some(rate) = NonZeroU32::new(limits.form_per_second) {
                    take_shared(
                        services,
                        &format!("form:{key}"),
                        f64::from(rate.get()),
                        rate.get(),
                    )
                    .await?;
                }
                Ok(())
            }
        }
    }

    /// `Ok` if a client may fetch a calendar feed now, else the seconds to wait.
    pub async fn check_calendar(&self, client: Option<IpAddr>) -> Result<(), u64> {
        match self {
            Self::Local(local) => local.check_calendar(client),
            Self::Shared(services, limits) => {
                match (NonZeroU32::new(limits.form_per_ip_per_minute), client) {
                    (Some(rate), Some(ip)) => {
                        let per_second = f64::from(rate.get()) / 60.0;
                        take_shared(
                            services,
                            &format!("calendar-ip:{ip}"),
                            per_second,
                            rate.get(),
                        )
                        .await
                    }
                    _ => Ok(()),
                }
            }
        }
    }

    /// `Ok` if the token may send another request now, else the seconds to wait.
    pub async fn check_token(&self, token: TokenId) -> Result<(), u64> {
        match self {
            Self::Local(local) => local.check_token(token),
            Self::Shared(services, limits) => {
                let Some(rate) = NonZeroU32::new(limits.per_token_per_second) else {
                    return Ok(());
                };
                let burst = limits.per_token_burst.max(rate.get());
                take_shared(
                    services,
                    &format!("token:{token}"),
                    f64::from(rate.get()),
                    burst,
                )
                .await
            }
        }
    }
}

impl LocalBuckets {
    /// Buckets for `limits`.
    pub fn new(limits: RateLimits) -> Self {
        let tokens = NonZeroU32::new(limits.per_token_per_second).map(|rate| {
            let burst = NonZeroU32::new(limits.per_token_burst.max(limits.per_token_per_second))
                .unwrap_or(rate);
            RateLimiter::keyed(Quota::per_second(rate).allow_burst(burst))
        });
        let form_clients = NonZeroU32::new(limits.form_per_ip_per_minute)
            .map(|rate| RateLimiter::keyed(Quota::per_minute(rate)));
        let forms = NonZeroU32::new(limits.form_per_second)
            .map(|rate| RateLimiter::keyed(Quota::per_second(rate)));
        let calendar_clients = NonZeroU32::new(limits.form_per_ip_per_minute)
            .map(|rate| RateLimiter::keyed(Quota::per_minute(rate)));
        Self {
            tokens,
            form_clients,
            forms,
            calendar_clients,
        }
    }

    /// `Ok` if a client may submit form `key` now, else the seconds to wait.
    pub fn check_form(&self, client: Option<IpAddr>, key: &str) -> Result<(), u64> {
        if let (Some(limiter), Some(ip)) = (&self.form_clients, client) {
            limiter.check_key(&ip).map_err(wait_seconds)?;
        }
        if let Some(limiter) = &self.forms {
            limiter.check_key(&key.to_owned()).map_err(wait_seconds)?;
        }
        Ok(())
    }

    /// `Ok` if a client may fetch a calendar feed now, else the seconds to wait.
    pub fn check_calendar(&self, client: Option<IpAddr>) -> Result<(), u64> {
        match (&self.calendar_clients, client) {
            (Some(limiter), Some(ip)) => limiter.check_key(&ip).map_err(wait_seconds),
            _ => Ok(()),
        }
    }

    /// `Ok` if the token may send another request now, else the seconds to wait.
    pub fn check_token(&self, token: TokenId) -> Result<(), u64> {
        let Some(limiter) = &self.tokens else {
            return Ok(());
        };
        limiter.check_key(&token).map_err(wait_seconds)
    }
}
