//! Per-token request rate limits: each API token gets a sustained rate and a burst; past
//! them the answer is `429 rate_limited` with `Retry-After`. The buckets live in this
//! process (each app instance limits on its own; sign-in throttling, which must be shared,
//! lives in the database).

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use sarnakh_core::domain::TokenId;
use std::num::NonZeroU32;

/// The limits of one server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    /// Sustained requests per second per token; 0 turns limiting off.
    pub per_token_per_second: u32,
    /// Requests a token may send at once before the sustained rate applies.
    pub per_token_burst: u32,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            per_token_per_second: 100,
            per_token_burst: 1000,
        }
    }
}

/// The live buckets.
pub struct Limiter {
    tokens: Option<DefaultKeyedRateLimiter<TokenId>>,
}

impl Limiter {
    /// Buckets for `limits`.
    pub fn new(limits: RateLimits) -> Self {
        let tokens = NonZeroU32::new(limits.per_token_per_second).map(|rate| {
            let burst = NonZeroU32::new(limits.per_token_burst.max(limits.per_token_per_second))
                .unwrap_or(rate);
            RateLimiter::keyed(Quota::per_second(rate).allow_burst(burst))
        });
        Self { tokens }
    }

    /// `Ok` if the token may send another request now, else the seconds to wait.
    pub fn check_token(&self, token: TokenId) -> Result<(), u64> {
        let Some(limiter) = &self.tokens else {
            return Ok(());
        };
        limiter.check_key(&token).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            wait.as_secs() + 1
        })
    }
}
