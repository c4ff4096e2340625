//! Email, the use cases: a user's daily digest choice; what the mail job must send now (digests whose local hour has come, first-contact
//! breaches of the last day) and the once-only claim each mail takes before it is sent.
//!
//! Reading a digest runs with the recipient's own rights, so it never shows a record they
//! could not open. Rendering and SMTP are the server's (`sarnakh-server/src/mail/`).

use super::routing::InboxLead;
use super::{Actor, Services};
use crate::domain::task::DueFilter;
use crate::domain::{Lead, PageRequest, Role, Task, TokenScope, User, UserId};
use crate::error::Result;
use crate::store::{ClaimRequest, MailClaim, MailKind, MailLogEntry, MailOutcome, MailStatus};
use chrono::{DateTime, Duration, NaiveDate, Timelike, Utc};
use std::collections::HashSet;

/// Attempts a mail gets in all (the first included) before it is abandoned.
pub const MAX_MAIL_ATTEMPTS: u32 = 5;
/// How long a claim holds before another instance may take it over.
const LEASE_MINUTES: i64 = 10;
/// Breaches older than this get no alert (a server that was down for days does not flood
/// the reps with stale alerts when it comes back).
const ALERT_WINDOW_HOURS: i64 = 24;
/// Leads captured longer ago than this are not checked for a fresh breach.
const ALERT_LOOKBACK_DAYS: i64 = 60;
/// How long the mail log keeps a row: past the alerts' look-back, a lead's alert claim can
/// never be asked for again, nor a digest of a day that long ago.
pub const MAIL_LOG_KEEP_DAYS: i64 = 90;
const _: () = assert!(MAIL_LOG_KEEP_DAYS > ALERT_LOOKBACK_DAYS);
/// How far back the job reads the mail log (a digest's day and a breach alert's retries
/// are long over by then).
const SETTLED_DAYS: i64 = 3;
/// Items of each list a digest shows at most.
const DIGEST_ITEMS: u32 = 200;

/// (recipient, key) pairs of mails that need no claim now.
pub type Settled = HashSet<(UserId, String)>;

/// One user's digest for one local day.
#[derive(Debug, Clone, PartialEq)]
pub struct Digest {
    /// The recipient.
    pub user: User,
    /// Their local day.
    pub day: NaiveDate,
    /// Open follow-ups past due, oldest first.
    pub overdue: Vec<Task>,
    /// Open follow-ups due later on their local day.
    pub today: Vec<Task>,
    /// New leads they own and have not contacted yet, most urgent first.
    pub leads: Vec<InboxLead>,
}

impl Digest {
    /// True when there is nothing to tell.
    pub fn is_empty(&self) -> bool {
        self.overdue.is_empty() && self.today.is_empty() && self.leads.is_empty()
    }
}

/// A lead whose first-contact target passed, and whom to tell.
#[derive(Debug, Clone, PartialEq)]
pub struct SlaAlert {
    /// The lead.
    pub lead: Lead,
    /// When it had to be contacted.
    pub due_at: DateTime<Utc>,
    /// Its owner.
    pub owner: User,
    /// Whom to tell (the owner, then the managers of the owner's team; active users only),
    /// less those already told or waiting for a retry.
    pub recipients: Vec<User>,
}

/// The user's time zone (UTC when it does not parse).
pub fn zone_of(user: &User) -> chrono_tz::Tz {
    user.time_zone.parse().unwrap_or(chrono_tz::UTC)
}

impl Services {
    /// Whether the actor gets the daily digest.
    pub async fn email_digest_on(&self, actor: &Actor) -> Result<bool> {
        let user = self.current_user(actor).await?;
        Ok(self.store.email_digest_on(user.id).await?)
    }

    /// Turns the actor's daily digest on or off.
    pub async fn set_email_digest(&self, actor: &Actor, on: bool) -> Result<()> {
        actor.require_write()?;
        let user = self.current_user(actor).await?;
        Ok(self.store.set_email_digest(user.id, on, self.now()).await?)
    }

    /// The users whose digest is due now: active, not opted out, and past `hour` o'clock
    /// on their local day; each with that day.
    pub async fn digests_due(&self, hour: u32) -> Result<Vec<(User, NaiveDate)>> {
        let now = self.now();
        let out = self.store.email_digest_opt_outs().await?;
        let users = self.store.list_users().await?;
        Ok(users
            .into_iter()
            .filter(|u| u.is_active() && !out.contains(&u.id))
            .filter_map(|u| {
                let local = now.with_timezone(&zone_of(&u));
                (local.hour() >= hour).then(|| (u, local.date_naive()))
            })
            .collect())
    }

    /// The user's digest now: their own open follow-ups overdue and due later on their
    /// local day, and the new leads they own and have not contacted, as they may see them.
    pub async fn digest_for(&self, user: &User) -> Result<Digest> {
        let now = self.now();
        let tz = zone_of(user);
        let day = now.with_timezone(&tz).date_naive();
        let actor = self.actor_for(user).await?;
        let page = PageRequest::new(Some(DIGEST_ITEMS), None);
        let tasks = self
            .list_tasks(&actor, DueFilter::Week, Some(user.id), None, &page)
            .await?
            .items;
        let (overdue, rest): (Vec<Task>, Vec<Task>) =
            tasks.into_iter().partition(|t| t.due_at < now);
        let today = rest
            .into_iter()
            .filter(|t| t.due_at.with_timezone(&tz).date_naive() == day)
            .collect();
        let leads = self
            .inbox(&actor)
            .await?
            .leads
            .into_iter()
            .filter(|l| l.lead.fields.owner_id == Some(user.id) && l.first_contact_at.is_none())
            .collect();
        Ok(Digest {
            user: user.clone(),
            day,
            overdue,
            today,
            leads,
        })
    }

    /// Deletes the mail log rows claimed more than `MAIL_LOG_KEEP_DAYS` ago (the hourly
    /// housekeeping); returns how many.
    pub async fn prune_mail_log(&self) -> Result<u64> {
        let before = self.now() - Duration::days(MAIL_LOG_KEEP_DAYS);
        Ok(self.store.prune_mail_log(before).await?)
    }

    /// Leads whose first-contact target passed within the last day with no contact yet,
    /// each with its owner and the owner's team managers still to tell.
    pub async fn sla_alerts_due(&self) -> Result<Vec<SlaAlert>> {
        let now = self.now();
        let sla = self.sla_settings().await?;
        let since = now - Duration::days(ALERT_LOOKBACK_DAYS);
        let candidates = self.store.sla_candidates(since).await?;
        let window = Duration::hours(ALERT_WINDOW_HOURS);
        let mut known: Option<(Vec<User>, Settled)> = None;
        let mut alerts = Vec::new();
        for c in candidates {
            let due_at = sla.due(c.created_at);
            if due_at > now || due_at <= now - window {
                continue;
            }
            if known.is_none() {
                let users = self.store.list_users().await?;
                known = Some((users, self.mail_settled(MailKind::SlaBreach).await?));
            }
            let (all, settled) = known.as_ref().expect("filled just above");
            let Some(owner) = all.iter().find(|u| u.id == c.owner_id && u.is_active()) else {
                continue;
            };
            let team = owner.team_id.or(c.team_id);
            let key = c.lead_id.to_string();
            let recipients = recipients(owner, team, all)
                .filter(|u| !settled.contains(&(u.id, key.clone())))
                .cloned()
                .collect::<Vec<_>>();
            if recipients.is_empty() {
                continue;
            }
            let Some(lead) = self.store.get_lead(c.lead_id).await? else {
                continue;
            };
            alerts.push(SlaAlert {
                lead,
                due_at,
                owner: owner.clone(),
                recipients,
            });
        }
        Ok(alerts)
    }

    /// Claims mail (`kind`, `recipient`, `key`) for this instance: `None` when it was sent,
    /// skipped or abandoned, another instance holds it, or its retry time has not come.
    pub async fn claim_mail(
        &self,
        kind: MailKind,
        recipient: UserId,
        key: &str,
    ) -> Result<Option<MailClaim>> {
        let now = self.now();
        let request = ClaimRequest {
            kind,
            recipient,
            key,
            now,
            lease_until: now + Duration::minutes(LEASE_MINUTES),
            max_attempts: MAX_MAIL_ATTEMPTS,
        };
        Ok(self.store.claim_mail(&request).await?)
    }

    /// Records how a claimed attempt ended; a failure is retried after 2, 4, 8 ... minutes.
    pub async fn finish_mail(&self, claim: MailClaim, outcome: FinishedMail) -> Result<()> {
        let now = self.now();
        let outcome = match outcome {
            FinishedMail::Sent => MailOutcome::Sent,
            FinishedMail::Skipped => MailOutcome::Skipped,
            FinishedMail::Failed(error) => MailOutcome::Failed {
                error,
                retry_at: now + Duration::minutes(1 << claim.attempt.min(10)),
            },
        };
        Ok(self
            .store
            .finish_mail(claim.id, &outcome, now, MAX_MAIL_ATTEMPTS)
            .await?)
    }

    /// The (recipient, key) pairs of `kind` that need no claim now: sent, skipped,
    /// abandoned, or waiting for their retry time or claim expiry. A cheap read that spares
    /// the job a write per recipient per run.
    pub async fn mail_settled(&self, kind: MailKind) -> Result<Settled> {
        let now = self.now();
        let since = now - Duration::days(SETTLED_DAYS);
        Ok(self
            .store
            .mail_log(kind, since)
            .await?
            .into_iter()
            .filter(|e| {
                matches!(
                    e.status,
                    MailStatus::Sent | MailStatus::Skipped | MailStatus::Abandoned
                ) || e.next_attempt_at > now
            })
            .map(|e| (e.recipient, e.key))
            .collect())
    }

    /// The log of mails of `kind` claimed since `since` (operators, tests).
    pub async fn mail_log(
        &self,
        kind: MailKind,
        since: DateTime<Utc>,
    ) -> Result<Vec<MailLogEntry>> {
        Ok(self.store.mail_log(kind, since).await?)
    }

    /// A read-only actor with the user's own rights.
    pub(super) async fn actor_for(&self, user: &User) -> Result<Actor> {
        Ok(Actor::user(
            self.principal_of(user, TokenScope::Read).await?,
        ))
    }
}

/// The owner, then the active sales managers of their team.
fn recipients<'a>(
    owner: &'a User,
    team: Option<crate::domain::TeamId>,
    all: &'a [User],
) -> impl Iterator<Item = &'a User> {
    std::iter::once(owner).chain(all.iter().filter(move |u| {
        u.is_active()
            && u.id != owner.id
            && u.role == Role::SalesManager
            && team.is_some()
            && u.team_id == team
    }))
}

/// How a mail attempt ended, as the sender saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FinishedMail {
    /// Handed to the SMTP server.
    Sent,
    /// Nothing to send.
    Skipped,
    /// Failed, with the cause (no secrets).
    Failed(String),
}
