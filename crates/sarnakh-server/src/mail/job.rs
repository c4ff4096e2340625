//! The mail job of every `sarnakh serve`: about once a minute it sends the daily digests
//! whose local hour has come and the alerts for leads whose first-contact target just
//! passed. Each mail is claimed in the database before it is sent (`Services::claim_mail`),
//! so with several instances each goes out once; a failed send is recorded and retried on a
//! later run, a claim left by a crashed instance expires and is retried, and after
//! [`MAX_MAIL_ATTEMPTS`](sarnakh_core::service::MAX_MAIL_ATTEMPTS) attempts a mail is
//! abandoned (recorded, never silently dropped).

use super::{MailSettings, Mailer, Outgoing, digest_mail, sla_mail};
use crate::metrics::{Outcome, job_ran, mail_sent};
use sarnakh_core::service::{FinishedMail, Services};
use sarnakh_core::store::{MailClaim, MailKind};
use std::collections::HashSet;
use std::time::Duration;
use tokio::task::JoinHandle;

/// What one run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunReport {
    /// Mails handed to the SMTP server.
    pub sent: u32,
    /// Mails the SMTP server refused or that could not be built.
    pub failed: u32,
    /// Digests with nothing to say.
    pub skipped: u32,
}

/// Starts the mail job (first run after `first`, then every `every`); `None`, with one log
/// line saying why, when mail is off.
pub fn spawn(
    services: &Services,
    settings: MailSettings,
    first: Duration,
    every: Duration,
) -> Option<JoinHandle<()>> {
    let mailer = match Mailer::from_settings(&settings) {
        Ok(Some(m)) => m,
        Ok(None) => {
            tracing::info!("mail is off: smtp_url is not set, so no digests or alerts are sent");
            return None;
        }
        Err(e) => {
            tracing::warn!("mail is off: {e}");
            return None;
        }
    };
    tracing::info!(
        digest_hour = settings.digest_hour,
        "mail is on: daily digests and first-contact alerts"
    );
    let services = services.clone();
    Some(tokio::spawn(async move {
        tokio::time::sleep(first).await;
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            run_once(&services, &mailer, &settings).await;
        }
    }))
}

/// One pass: digests, then breach alerts. Never panics; failures are logged, counted and
/// recorded in the mail log.
pub async fn run_once(services: &Services, mailer: &Mailer, settings: &MailSettings) -> RunReport {
    let mut report = RunReport::default();
    let digests = digests(services, mailer, settings, &mut report).await;
    let alerts = alerts(services, mailer, settings, &mut report).await;
    let outcome = match (digests, alerts) {
        (Ok(()), Ok(())) if report.sent > 0 => Outcome::Success,
        (Ok(()), Ok(())) if report.failed == 0 => Outcome::Skipped,
        (Ok(()), Ok(())) => Outcome::Failure,
        (Err(e), _) | (_, Err(e)) => {
            tracing::warn!(error = %e, "mail job failed");
            Outcome::Failure
        }
    };
    job_ran("mail", outcome);
    report
}

async fn digests(
    services: &Services,
    mailer: &Mailer,
    settings: &MailSettings,
    report: &mut RunReport,
) -> Result<(), sarnakh_core::Error> {
    let settled = services.mail_settled(MailKind::Digest).await?;
    let base = settings.base_url();
    for (user, day) in services.digests_due(settings.digest_hour).await? {
        let key = day.to_string();
        if settled.contains(&(user.id, key.clone())) {
            continue;
        }
        let Some(claim) = services.claim_mail(MailKind::Digest, user.id, &key).await? else {
            continue;
        };
        let digest = match services.digest_for(&user).await {
            Ok(d) => d,
            Err(e) => {
                services
                    .finish_mail(claim, FinishedMail::Failed(e.to_string()))
                    .await?;
                report.failed += 1;
                mail_sent("digest", "failed");
                continue;
            }
        };
        if digest.is_empty() {
            services.finish_mail(claim, FinishedMail::Skipped).await?;
            report.skipped += 1;
            mail_sent("digest", "skipped");
            continue;
        }
        let mail = digest_mail(&digest, &base);
        deliver(services, mailer, claim, &mail, "digest", report).await?;
    }
    Ok(())
}

async fn alerts(
    services: &Services,
    mailer: &Mailer,
    settings: &MailSettings,
    report: &mut RunReport,
) -> Result<(), sarnakh_core::Error> {
    let settled: HashSet<_> = services.mail_settled(MailKind::SlaBreach).await?;
    let base = settings.base_url();
    for alert in services.sla_alerts_due().await? {
        let key = alert.lead.id.to_string();
        for to in &alert.recipients {
            if settled.contains(&(to.id, key.clone())) {
                continue;
            }
            let Some(claim) = services
                .claim_mail(MailKind::SlaBreach, to.id, &key)
                .await?
            else {
                continue;
            };
            let mail = sla_mail(&alert, to, &base);
            deliver(services, mailer, claim, &mail, "sla_breach", report).await?;
        }
    }
    Ok(())
}

/// Sends a claimed mail and records the outcome.
async fn deliver(
    services: &Services,
    mailer: &Mailer,
    claim: MailClaim,
    mail: &Outgoing,
    kind: &'static str,
    report: &mut RunReport,
) -> Result<(), sarnakh_core::Error> {
    match mailer.send(mail).await {
        Ok(()) => {
            services.finish_mail(claim, FinishedMail::Sent).await?;
            report.sent += 1;
            mail_sent(kind, "sent");
        }
        Err(e) => {
            tracing::warn!(kind, attempt = claim.attempt, error = %e, "a mail could not be sent; it is retried later");
            services
                .finish_mail(claim, FinishedMail::Failed(e.to_string()))
                .await?;
            report.failed += 1;
            mail_sent(kind, "failed");
        }
    }
    Ok(())
}
