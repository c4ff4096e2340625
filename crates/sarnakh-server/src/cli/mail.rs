//! `sarnakh mail test --to ADDRESS` (checks the SMTP settings) and `sarnakh mail digest
//! --user EMAIL [--dry-run]` (prints or sends a user's digest now, through the same
//! once-a-day claim as the job).

use crate::mail::{MailSettings, Mailer, digest_mail, test_mail};
use anyhow::Context;
use clap::Subcommand;
use sarnakh_core::service::{FinishedMail, Services};
use sarnakh_core::store::{MailKind, Store};
use std::sync::Arc;

/// The mail commands.
#[derive(Debug, Subcommand)]
pub enum MailCommand {
    /// Send a test mail through the configured SMTP server.
    Test {
        /// The address to send it to.
        #[arg(long)]
        to: String,
    },
    /// Print (--dry-run) or send now a user's daily digest (at most one per local day).
    Digest {
        /// The user's login email.
        #[arg(long)]
        user: String,
        /// Print the mail instead of sending it; records nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

/// Runs a mail command.
pub async fn run(
    store: Arc<dyn Store>,
    settings: &MailSettings,
    cmd: MailCommand,
) -> anyhow::Result<()> {
    let services = Services::new(store);
    match cmd {
        MailCommand::Test { to } => {
            let mailer = mailer(settings)?;
            mailer
                .send(&test_mail(&to, &settings.base_url()))
                .await
                .context("the test mail was not sent")?;
            println!("test mail sent to {to}");
        }
        MailCommand::Digest { user, dry_run } => {
            let found = services
                .find_user(&user)
                .await?
                .with_context(|| format!("no user has the email {user}"))?;
            let digest = services.digest_for(&found).await?;
            let mail = digest_mail(&digest, &settings.base_url());
            if dry_run {
                println!(
                    "To: {}\nSubject: {}\n\n{}",
                    mail.to, mail.subject, mail.text
                );
                if digest.is_empty() {
                    println!("(nothing to tell: the job would record the digest as skipped)");
                }
                return Ok(());
            }
            if digest.is_empty() {
                println!("nothing to tell {user} today; no digest sent");
                return Ok(());
            }
            let mailer = mailer(settings)?;
            let key = digest.day.to_string();
            let Some(claim) = services
                .claim_mail(MailKind::Digest, found.id, &key)
                .await?
            else {
                println!("the digest of {key} for {user} was already sent (or is being sent)");
                return Ok(());
            };
            let sent = mailer.send(&mail).await;
            let outcome = match &sent {
                Ok(()) => FinishedMail::Sent,
                Err(e) => FinishedMail::Failed(e.to_string()),
            };
            services.finish_mail(claim, outcome).await?;
            sent.context("the digest was not sent")?;
            println!("digest of {key} sent to {}", mail.to);
        }
    }
    Ok(())
}

fn mailer(settings: &MailSettings) -> anyhow::Result<Mailer> {
    Mailer::from_settings(settings)?
        .context("mail is off: set smtp_url (SARNAKH_SMTP_URL or sarnakh.toml) first")
}
