//! Request rate limits: each API token gets a sustained rate and a burst, and the public
//! form endpoint limits each client address and each form; past them the answer is
//! `429 rate_limited` with `Retry-After`. The buckets live in this
//! process (each app instance limits on its own; sign-in throttling, which must be shared,
//! lives in the database).

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use sarnakh_core::domain::TokenId;
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
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            per_token_per_second: 100,
            per_token_burst: 1000,
            form_per_ip_per_minute: 20,
            form_per_second: 50,
        }
    }
}

/// The live buckets.
pub struct Limiter {
    tokens: Option<DefaultKeyedRateLimiter<TokenId>>,
    form_clients: Option<DefaultKeyedRateLimiter<IpAddr>>,
    forms: Option<DefaultKeyedRateLimiter<String>>,
    /// Calendar feed fetches per client address (the form's per-address quota).
    calendar_clients: Option<DefaultKeyedRateLimiter<IpAddr>>,
}

impl Limiter {
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
