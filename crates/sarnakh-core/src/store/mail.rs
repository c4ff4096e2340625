//! The storage port of email and the calendar feed: each user's mail choices (daily digest
//! on or off, the digest of their calendar feed's secret), the once-only log of automatic
//! mails, and the leads whose first-contact target may have passed.

use super::StoreResult;
use crate::domain::{LeadId, TeamId, UserId};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// What an automatic mail is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MailKind {
    /// The daily digest of a rep's follow-ups and new leads (key: the local day).
    Digest,
    /// A lead's first-contact target was missed (key: the lead).
    SlaBreach,
}

impl MailKind {
    /// The stored name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Digest => "digest",
            Self::SlaBreach => "sla_breach",
        }
    }

    /// The kind of a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "digest" => Some(Self::Digest),
            "sla_breach" => Some(Self::SlaBreach),
            _ => None,
        }
    }
}

/// Where a logged mail is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailStatus {
    /// Claimed by an instance that is sending it (or died while sending it).
    Sending,
    /// Handed to the SMTP server.
    Sent,
    /// Nothing to say (an empty digest): not sent, not retried.
    Skipped,
    /// The last attempt failed; retried from `next_attempt_at`.
    Failed,
    /// The attempt limit was reached; never retried.
    Abandoned,
}

impl MailStatus {
    /// The stored name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Sending => "sending",
            Self::Sent => "sent",
            Self::Skipped => "skipped",
            Self::Failed => "failed",
            Self::Abandoned => "abandoned",
        }
    }

    /// The status of a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Sending,
            Self::Sent,
            Self::Skipped,
            Self::Failed,
            Self::Abandoned,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// One row of the mail log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailLogEntry {
    /// Row id.
    pub id: uuid::Uuid,
    /// What it is.
    pub kind: MailKind,
    /// To whom.
    pub recipient: UserId,
    /// The local day (`2026-11-29`) of a digest, the lead id of a breach alert.
    pub key: String,
    /// Where it is.
    pub status: MailStatus,
    /// Attempts made so far (the claim counts as one).
    pub attempts: u32,
    /// The last claim.
    pub claimed_at: DateTime<Utc>,
    /// While `sending`: when the claim expires; while `failed`: when to retry.
    pub next_attempt_at: DateTime<Utc>,
    /// When it was handed to the SMTP server.
    pub sent_at: Option<DateTime<Utc>>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
}

/// A claim won: this instance, and no other, makes attempt `attempt` of the mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MailClaim {
    /// The log row to finish.
    pub id: uuid::Uuid,
    /// 1 for the first attempt.
    pub attempt: u32,
}

/// What a claim asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimRequest<'a> {
    /// What.
    pub kind: MailKind,
    /// To whom.
    pub recipient: UserId,
    /// Which (day or lead).
    pub key: &'a str,
    /// Now.
    pub now: DateTime<Utc>,
    /// When the claim expires if the claimer never finishes it.
    pub lease_until: DateTime<Utc>,
    /// Attempts allowed in all.
    pub max_attempts: u32,
}

/// How an attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailOutcome {
    /// Handed to the SMTP server.
    Sent,
    /// Nothing to send.
    Skipped,
    /// Failed; retry from `retry_at` unless the attempt limit is reached.
    Failed {
        /// The cause (no secrets).
        error: String,
        /// When to try again.
        retry_at: DateTime<Utc>,
    },
}

/// An open lead with an owner and no first contact yet, for the breach alert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlaCandidate {
    /// The lead.
    pub lead_id: LeadId,
    /// Its owner.
    pub owner_id: UserId,
    /// Its team queue.
    pub team_id: Option<TeamId>,
    /// When it was captured (the target counts from here).
    pub created_at: DateTime<Utc>,
}

/// Persistence of mail choices, calendar feed secrets and the mail log.
#[async_trait]
pub trait MailStore: Send + Sync {
    /// Whether the user gets the daily digest (`true` when never changed).
    async fn email_digest_on(&self, user: UserId) -> StoreResult<bool>;
    /// The users who turned the daily digest off.
    async fn email_digest_opt_outs(&self) -> StoreResult<Vec<UserId>>;
    /// Turns the user's daily digest on or off.
    async fn set_email_digest(&self, user: UserId, on: bool, at: DateTime<Utc>) -> StoreResult<()>;
    /// Sets (replaces) the digest of the user's calendar feed secret.
    async fn set_calendar_token(
        &self,
        user: UserId,
        digest: &[u8],
        at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Removes the user's calendar feed; `false` when there was none.
    async fn clear_calendar_token(&self, user: UserId, at: DateTime<Utc>) -> StoreResult<bool>;
    /// The user whose calendar feed secret has this digest.
    async fn calendar_token_user(&self, digest: &[u8]) -> StoreResult<Option<UserId>>;
    /// When the user's calendar feed secret was made, if they have one.
    async fn calendar_token_at(&self, user: UserId) -> StoreResult<Option<DateTime<Utc>>>;

    /// Claims a mail: inserts its log row, or takes over a failed attempt whose retry time
    /// has come or a claim that expired, while attempts are left. `None`: sent, skipped,
    /// abandoned, claimed by another instance, or not due yet. An expired claim with no
    /// attempt left becomes `abandoned`. Atomic: of concurrent claimers, one wins.
    async fn claim_mail(&self, claim: &ClaimRequest<'_>) -> StoreResult<Option<MailClaim>>;
    /// Records how a claimed attempt ended (a failure with no attempt left: `abandoned`).
    async fn finish_mail(
        &self,
        id: uuid::Uuid,
        outcome: &MailOutcome,
        at: DateTime<Utc>,
        max_attempts: u32,
    ) -> StoreResult<()>;
    /// The log rows of a kind claimed at or after `since`, oldest first.
    async fn mail_log(
        &self,
        kind: MailKind,
        since: DateTime<Utc>,
    ) -> StoreResult<Vec<MailLogEntry>>;
    /// Open, owned leads in the lead stage captured at or after `since` with no call,
    /// email, meeting or demo logged yet, oldest first.
    async fn sla_candidates(&self, since: DateTime<Utc>) -> StoreResult<Vec<SlaCandidate>>;
    /// Deletes the log rows claimed before `before`; returns how many.
    async fn prune_mail_log(&self, before: DateTime<Utc>) -> StoreResult<u64>;
}
